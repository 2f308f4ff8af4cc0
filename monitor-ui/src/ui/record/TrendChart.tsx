import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatDate } from '../../format.js';
import { language, t } from '../../i18n/store.js';

/** One line (or bar) of a trend chart; values line up with the chart's dates. */
export interface TrendSeries {
  label: string;
  values: readonly (number | null)[];
  color: string;
  /** A target or reference drawn dashed. */
  dashed?: boolean;
  bars?: boolean;
}

export interface TrendChartProps {
  title: string;
  unit: string;
  /** Dates (epoch ms) of the points, oldest first. */
  at: readonly number[];
  series: readonly TrendSeries[];
  testid: string;
  height?: number;
}

/** Series colours on the dark theme. */
export const TREND_COLORS = {
  main: '#5aa2ff',
  second: '#4fd483',
  third: '#ffa552',
  target: '#d88cff',
} as const;

/** Axes and grid on screen (dark) and on paper (printed black on white; series darkened to read on white). */
const PALETTES = {
  screen: { axis: '#c3cad6', grid: 'rgba(255,255,255,0.08)', series: (c: string) => c },
  print: {
    axis: '#222222',
    grid: 'rgba(0,0,0,0.15)',
    series: (c: string) =>
      ({ '#5aa2ff': '#1f5fbf', '#4fd483': '#1d7a43', '#ffa552': '#b35400', '#d88cff': '#7b2d9e' })[c] ?? c,
  },
} as const;

const DAY_S = 86_400;

/**
 * A trend over weeks or months on uPlot: dates on x (worded in the console's language), one or more series,
 * points marked (assessments are few and far apart). With no point it says so instead of drawing axes.
 */
export function TrendChart(props: TrendChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const { at, series, height = 220, title, unit, testid } = props;
  const points = series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0);
  const key = `${language.value}|${at.join(',')}|${series.map((s) => `${s.label}:${s.values.join(',')}`).join('|')}`;

  useEffect(() => {
    const el = host.current;
    if (!el || points === 0) return;
    const lang = language.value;
    const printMedia = matchMedia('print');
    let u: uPlot | null = null;
    const build = (print: boolean) => {
      const pal = print ? PALETTES.print : PALETTES.screen;
      el.dataset['palette'] = print ? 'print' : 'screen';
      const xs = at.map((ms) => ms / 1000);
      const span = xs.length > 1 ? (xs[xs.length - 1] as number) - (xs[0] as number) : 0;
      const pad = Math.max(DAY_S * 3, span * 0.05);
      const opts: uPlot.Options = {
        width: el.clientWidth || 400,
        height,
        scales: {
          x: {
            time: false,
            range: () => [(xs[0] ?? 0) - pad, (xs[xs.length - 1] ?? 0) + pad],
          },
          y: {
            range: (_u, min, max) => {
              const lo = Number.isFinite(min) ? min : 0;
              const hi = Number.isFinite(max) ? max : 1;
              const m = Math.max(1, (hi - lo) * 0.15);
              return [Math.max(0, Math.floor(lo - m)), Math.ceil(hi + m)];
            },
          },
        },
        axes: [
          {
            stroke: pal.axis,
            grid: { stroke: pal.grid },
            space: 80,
            values: (_u, vals) => vals.map((v) => formatDate(v * 1000, lang).slice(5)),
            incrs: [DAY_S, 2 * DAY_S, 7 * DAY_S, 14 * DAY_S, 28 * DAY_S, 56 * DAY_S, 91 * DAY_S, 182 * DAY_S],
          },
          { stroke: pal.axis, grid: { stroke: pal.grid }, size: 48 },
        ],
        series: [
          {
            label: t('record.chart.date'),
            value: (_u, v) => (v === null ? '--' : formatDate(v * 1000, lang)),
          },
          ...series.map(
            (s): uPlot.Series => ({
              label: s.label,
              stroke: pal.series(s.color),
              width: s.dashed ? 2 : 2.5,
              ...(s.dashed ? { dash: [8, 6] } : {}),
              ...(s.bars
                ? {
                    fill: `${pal.series(s.color)}66`,
                    paths: uPlot.paths.bars?.({ size: [0.5, 40] }),
                    points: { show: false },
                  }
                : { points: { show: true, size: 7, fill: pal.series(s.color) } }),
              spanGaps: true,
            }),
          ),
        ],
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
      };
      const data = [xs, ...series.map((s) => [...s.values])] as uPlot.AlignedData;
      u?.destroy();
      u = new uPlot(opts, data, el);
    };
    build(printMedia.matches);
    const fit = () => u?.setSize({ width: el.clientWidth || 400, height });
    const ro = new ResizeObserver(fit);
    ro.observe(el);
    // Printing: the chart is drawn again, synchronously, in the paper palette at the narrower A4 width.
    const toPrint = () => build(true);
    const toScreen = () => build(printMedia.matches);
    const onMedia = (e: MediaQueryListEvent) => build(e.matches);
    addEventListener('beforeprint', toPrint);
    addEventListener('afterprint', toScreen);
    printMedia.addEventListener('change', onMedia);
    return () => {
      ro.disconnect();
      removeEventListener('beforeprint', toPrint);
      removeEventListener('afterprint', toScreen);
      printMedia.removeEventListener('change', onMedia);
      u?.destroy();
    };
  }, [key, height, points]);

  return (
    <figure class="trend" data-testid={testid} data-points={points}>
      <figcaption>
        {title} <span class="muted">{unit}</span>
      </figcaption>
      {points === 0 ? <p class="muted trend-empty">{t('record.chart.noData')}</p> : <div ref={host} />}
    </figure>
  );
}
