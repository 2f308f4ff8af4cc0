import { shortDate } from './words.js';

const W = 320;

/** Weekly minutes in zone as bars with the weekly target as a dashed line (SVG, scales to the screen). */
export function WeeklyBars(props: {
  weeks: readonly { weekStart: number; minutesInZone: number }[];
  target: number | null;
  tz: string;
  label: string;
}) {
  const h = 150;
  const top = 10;
  const bottom = 22;
  const max = Math.max(1, props.target ?? 0, ...props.weeks.map((w) => w.minutesInZone)) * 1.1;
  const y = (v: number) => top + (h - top - bottom) * (1 - v / max);
  const slot = W / Math.max(1, props.weeks.length);
  return (
    <svg class="p-chart" viewBox={`0 0 ${W} ${h}`} role="img" aria-label={props.label}>
      {props.weeks.map((w, i) => (
        <g key={w.weekStart}>
          {w.minutesInZone > 0 && (
            <rect
              class="p-bar"
              x={i * slot + slot * 0.18}
              y={y(w.minutesInZone)}
              width={slot * 0.64}
              height={y(0) - y(w.minutesInZone)}
            />
          )}
          {(i % 3 === 0 || i === props.weeks.length - 1) && (
            <text
              class="p-axis"
              x={i === 0 ? 2 : i === props.weeks.length - 1 ? W - 2 : i * slot + slot / 2}
              y={h - 6}
              text-anchor={i === 0 ? 'start' : i === props.weeks.length - 1 ? 'end' : 'middle'}
            >
              {shortDate(w.weekStart, props.tz)}
            </text>
          )}
        </g>
      ))}
      {props.target !== null && (
        <>
          <line class="p-target" x1={0} x2={W} y1={y(props.target)} y2={y(props.target)} />
          <text class="p-axis" x={W - 2} y={y(props.target) - 4} text-anchor="end">
            {Math.round(props.target)}
          </text>
        </>
      )}
      <line class="p-base" x1={0} x2={W} y1={y(0)} y2={y(0)} />
    </svg>
  );
}

/** A line over time (heart rate in a session, HR recovery over sessions), optionally with the zone band. */
export function LineChart(props: {
  points: readonly { x: number; y: number | null }[];
  band?: { low: number; high: number } | null;
  xLabels: readonly { x: number; text: string }[];
  label: string;
}) {
  const h = 170;
  const top = 10;
  const bottom = 22;
  const left = 30;
  const ys = props.points.flatMap((p) => (p.y === null ? [] : [p.y]));
  const extra = props.band ? [props.band.low, props.band.high] : [];
  const lo = Math.floor((Math.min(...ys, ...extra) - 5) / 10) * 10;
  const hi = Math.ceil((Math.max(...ys, ...extra) + 5) / 10) * 10;
  const xs = props.points.map((p) => p.x);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs, x0 + 1);
  const px = (x: number) => left + ((x - x0) / (x1 - x0)) * (W - left - 6);
  const py = (v: number) => top + (h - top - bottom) * (1 - (v - lo) / (hi - lo || 1));
  let d = '';
  let pen = false;
  for (const p of props.points) {
    if (p.y === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`;
    pen = true;
  }
  const single = ys.length === 1 ? props.points.find((p) => p.y !== null) : undefined;
  return (
    <svg class="p-chart" viewBox={`0 0 ${W} ${h}`} role="img" aria-label={props.label}>
      {props.band && (
        <rect
          class="p-band"
          x={left}
          y={py(props.band.high)}
          width={W - left - 6}
          height={py(props.band.low) - py(props.band.high)}
        />
      )}
      {[lo, (lo + hi) / 2, hi].map((v) => (
        <text key={v} class="p-axis" x={left - 4} y={py(v) + 4} text-anchor="end">
          {Math.round(v)}
        </text>
      ))}
      <path class="p-line" d={d} />
      {single && single.y !== null && <circle class="p-dot" cx={px(single.x)} cy={py(single.y)} r={4} />}
      {props.xLabels.map((l, i) => (
        <text
          key={l.x}
          class="p-axis"
          x={px(l.x)}
          y={h - 6}
          text-anchor={i === 0 ? 'start' : i === props.xLabels.length - 1 ? 'end' : 'middle'}
        >
          {l.text}
        </text>
      ))}
    </svg>
  );
}
