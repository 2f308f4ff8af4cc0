import type { Severity } from '@zonewatch/protocol';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatDuration } from '../format.js';
import { rollingRange } from '../live/trace.js';

export interface ChartMarker {
  /** x value (same unit as the data's x). */
  x: number;
  /** `unknown`: a severity this console does not know, drawn as "?" in the critical colour. */
  severity: Severity | 'unknown';
  label: string;
}

export interface ChartProps {
  /** [x, hr, spo2] columns. */
  data: [number[], (number | null)[], (number | null)[]];
  /**
   * Lowest and highest HR of each point's bucket when `hr` is a bucket mean (same length as x): drawn as a
   * band around the mean line, so a short peak the mean flattens is still on the chart.
   */
  hrRange?: { min: (number | null)[]; max: (number | null)[] } | null;
  /** x is seconds since the epoch (live) or seconds from the session start (report). */
  xKind: 'epoch' | 'relative';
  zone: { lowBpm: number; highBpm: number; ceilingBpm: number } | null;
  spo2Floor?: number | null;
  markers?: readonly ChartMarker[];
  height: number;
  labels: {
    hr: string;
    spo2: string;
    zone: string;
    ceiling: string;
    time: string;
    hrMax?: string;
    hrMin?: string;
  };
  /** Fixed x window (s) for rolling charts. */
  windowS?: number;
  testid?: string;
}

/** Tick steps of the time axis (s). */
const X_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

const COLORS = {
  hr: '#f4f6fa',
  spo2: '#9fb3ff',
  zone: 'rgba(76, 208, 125, 0.22)',
  zoneEdge: 'rgba(76, 208, 125, 0.7)',
  ceiling: '#d77bff',
  floor: '#9fb3ff',
  axis: '#c3cad6',
  grid: 'rgba(255,255,255,0.08)',
  critical: '#ff4d42',
  warning: '#ffd60a',
  advisory: '#37d4f0',
  unknown: '#ff4d42',
  hrRange: 'rgba(244, 246, 250, 0.55)',
  hrRangeFill: 'rgba(244, 246, 250, 0.16)',
};

/** uPlot's columns: x, hr, spo2, then (with a range) the bucket maxima and minima. */
function columns(p: Pick<ChartProps, 'data' | 'hrRange'>): uPlot.AlignedData {
  const [x, hr, spo2] = p.data;
  return p.hrRange ? [x, hr, spo2, p.hrRange.max, p.hrRange.min] : [x, hr, spo2];
}

/** The highest HR value a chart plots (mean line and bucket maxima), or null with none. */
export function plottedHrMax(data: uPlot.AlignedData): number | null {
  let max: number | null = null;
  for (const i of [1, 3]) {
    for (const v of (data[i] ?? []) as (number | null | undefined)[])
      if (typeof v === 'number' && Number.isFinite(v) && (max === null || v > max)) max = v;
  }
  return max;
}

/**
 * HR and SpO2 over time on uPlot, with the prescription's zone as a band, the ceiling as a dashed line,
 * the SpO2 floor, and alert markers on the timeline (IEC symbols: !!! / !! / !).
 */
export function TraceChart(props: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const { zone, spo2Floor, markers, height, labels, xKind, windowS } = props;
  const ranged = props.hrRange != null;
  const markerKey = (markers ?? []).map((m) => `${m.x}:${m.severity}:${m.label}`).join('|');

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const drawOverlay = (u: uPlot) => {
      const { ctx } = u;
      const { left, top, width, height: h } = u.bbox;
      const px = devicePixelRatio;
      ctx.save();
      if (zone) {
        const yHi = u.valToPos(zone.highBpm, 'hr', true);
        const yLo = u.valToPos(zone.lowBpm, 'hr', true);
        ctx.fillStyle = COLORS.zone;
        ctx.fillRect(left, yHi, width, yLo - yHi);
        ctx.strokeStyle = COLORS.zoneEdge;
        ctx.lineWidth = px;
        ctx.strokeRect(left, yHi, width, yLo - yHi);
        const yC = u.valToPos(zone.ceilingBpm, 'hr', true);
        ctx.strokeStyle = COLORS.ceiling;
        ctx.lineWidth = 2 * px;
        ctx.setLineDash([8 * px, 6 * px]);
        ctx.beginPath();
        ctx.moveTo(left, yC);
        ctx.lineTo(left + width, yC);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = COLORS.ceiling;
        ctx.font = `${13 * px}px system-ui, sans-serif`;
        ctx.fillText(`${labels.ceiling} ${zone.ceilingBpm}`, left + 6 * px, yC - 5 * px);
        ctx.fillStyle = COLORS.zoneEdge;
        ctx.fillText(`${labels.zone} ${zone.lowBpm}–${zone.highBpm}`, left + 6 * px, yLo - 5 * px);
      }
      if (spo2Floor) {
        const yF = u.valToPos(spo2Floor, 'spo2', true);
        ctx.strokeStyle = COLORS.floor;
        ctx.lineWidth = px;
        ctx.setLineDash([3 * px, 4 * px]);
        ctx.beginPath();
        ctx.moveTo(left, yF);
        ctx.lineTo(left + width, yF);
        ctx.stroke();
        ctx.setLineDash([]);
      }
      // Alert markers: a line at the raise time; labels stagger over three rows so close alerts stay legible.
      (latest.current.markers ?? []).forEach((m, i) => {
        const x = u.valToPos(m.x, 'x', true);
        if (x < left || x > left + width) return;
        ctx.strokeStyle = COLORS[m.severity];
        ctx.lineWidth = 2 * px;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + h);
        ctx.stroke();
        const mark =
          m.severity === 'unknown'
            ? '?'
            : m.severity === 'critical'
              ? '!!!'
              : m.severity === 'warning'
                ? '!!'
                : '!';
        const text = `${mark} ${m.label}`;
        ctx.font = `bold ${13 * px}px system-ui, sans-serif`;
        const w = ctx.measureText(text).width;
        const tx = x + 4 * px + w > left + width ? x - 4 * px - w : x + 4 * px;
        const ty = top + (14 + (i % 3) * 17) * px;
        ctx.fillStyle = 'rgba(11, 15, 21, 0.85)';
        ctx.fillRect(tx - 2 * px, ty - 12 * px, w + 4 * px, 16 * px);
        ctx.fillStyle = COLORS[m.severity];
        ctx.fillText(text, tx, ty);
      });
      ctx.restore();
      // What a test (or a person inspecting the page) can read: the highest HR drawn and the HR axis top.
      const top_ = plottedHrMax(u.data);
      el.dataset.hrMax = top_ === null ? '' : String(top_);
      el.dataset.hrScaleMax = String(u.scales.hr?.max ?? '');
    };
    const fmtX = (v: number) =>
      xKind === 'relative' ? formatDuration(v) : new Date(v * 1000).toTimeString().slice(0, 8);
    const opts: uPlot.Options = {
      width: el.clientWidth || 800,
      height,
      scales: {
        x: { time: false, ...(windowS ? { range: (_u, min, max) => rollingRange(min, max, windowS) } : {}) },
        hr: {
          range: (_u, min, max) => [
            Math.min(min ?? 60, (zone?.lowBpm ?? 80) - 15),
            Math.max(max ?? 120, (zone?.ceilingBpm ?? 120) + 10),
          ],
        },
        spo2: { range: [70, 100] },
      },
      axes: [
        {
          stroke: COLORS.axis,
          grid: { stroke: COLORS.grid },
          values: (_u, vals) => vals.map(fmtX),
          label: labels.time,
          // Whole seconds and minutes, at least 90 px apart, so labels never collide.
          space: 90,
          incrs: X_STEPS_S,
        },
        { scale: 'hr', stroke: COLORS.axis, grid: { stroke: COLORS.grid }, label: labels.hr },
        { scale: 'spo2', side: 1, stroke: COLORS.spo2, grid: { show: false }, label: labels.spo2 },
      ],
      series: [
        { value: (_u, v) => (v === null ? '--' : fmtX(v)), label: labels.time },
        { label: labels.hr, scale: 'hr', stroke: COLORS.hr, width: 2.5, spanGaps: false },
        { label: labels.spo2, scale: 'spo2', stroke: COLORS.spo2, width: 2, spanGaps: false },
        ...(ranged
          ? [
              {
                label: labels.hrMax ?? labels.hr,
                scale: 'hr',
                stroke: COLORS.hrRange,
                width: 1,
                spanGaps: false,
              },
              {
                label: labels.hrMin ?? labels.hr,
                scale: 'hr',
                stroke: COLORS.hrRange,
                width: 1,
                spanGaps: false,
              },
            ]
          : []),
      ],
      ...(ranged ? { bands: [{ series: [3, 4] as [number, number], fill: COLORS.hrRangeFill }] } : {}),
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      hooks: { draw: [drawOverlay] },
    };
    const u = new uPlot(opts, columns(latest.current), el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [
    zone?.lowBpm,
    zone?.highBpm,
    zone?.ceilingBpm,
    spo2Floor,
    height,
    labels.hr,
    labels.spo2,
    labels.time,
    labels.zone,
    labels.ceiling,
    labels.hrMax,
    labels.hrMin,
    xKind,
    windowS,
    markerKey,
    ranged,
  ]);

  useEffect(() => {
    plot.current?.setData(columns(props));
  }, [props.data, props.hrRange]);

  return <div ref={host} class="chart" data-testid={props.testid} data-points={props.data[0].length} />;
}
