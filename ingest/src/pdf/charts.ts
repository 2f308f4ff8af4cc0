import { COLORS, PAGE, type PdfWriter } from './doc.js';

/** Round axis bounds with 4–6 ticks. */
function niceScale(min: number, max: number): { lo: number; hi: number; step: number } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { lo: 0, hi: 1, step: 1 };
  if (max - min < 1e-9) {
    min -= 1;
    max += 1;
  }
  const raw = (max - min) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  return { lo: Math.floor(min / step) * step, hi: Math.ceil(max / step) * step, step };
}

export interface LineChart {
  /** x values (any unit, increasing) and y values (null: a gap). */
  points: readonly { x: number; y: number | null }[];
  /** Shaded band (the target zone). */
  band?: { low: number; high: number } | null;
  /** A dashed horizontal line (the ceiling). */
  limit?: number | null;
  /** Labels under the x axis at x positions. */
  xTicks: readonly { x: number; label: string }[];
  yUnit: string;
  height?: number;
}

/** A line chart drawn with vector strokes, full text width. */
export function lineChart(w: PdfWriter, c: LineChart): void {
  const { doc } = w;
  const height = c.height ?? 170;
  w.ensure(height + 30);
  const left = PAGE.margin + 34;
  const top = doc.y + 14;
  const width = w.width - 40;
  const ys = c.points.flatMap((p) => (p.y === null ? [] : [p.y]));
  const extra = [c.band?.low, c.band?.high, c.limit].filter((v): v is number => typeof v === 'number');
  const { lo, hi, step } = niceScale(Math.min(...ys, ...extra), Math.max(...ys, ...extra));
  const xs = c.points.map((p) => p.x);
  const x0 = Math.min(...xs, ...c.xTicks.map((t) => t.x));
  const x1 = Math.max(...xs, ...c.xTicks.map((t) => t.x), x0 + 1);
  const px = (x: number) => left + ((x - x0) / (x1 - x0)) * width;
  const py = (y: number) => top + height - ((y - lo) / (hi - lo)) * height;

  if (c.band) {
    const yTop = py(Math.min(c.band.high, hi));
    doc.rect(left, yTop, width, py(Math.max(c.band.low, lo)) - yTop).fill(COLORS.zone);
  }
  doc.lineWidth(0.3).strokeColor(COLORS.rule);
  doc.fontSize(7.5).fillColor(COLORS.muted);
  for (let v = lo; v <= hi + 1e-9; v += step) {
    doc
      .moveTo(left, py(v))
      .lineTo(left + width, py(v))
      .stroke();
    doc.text(String(Math.round(v * 10) / 10), PAGE.margin, py(v) - 4, { width: 30, align: 'right' });
  }
  doc.text(c.yUnit, PAGE.margin, top - 12, { width: 60 });
  if (typeof c.limit === 'number') {
    doc
      .moveTo(left, py(c.limit))
      .lineTo(left + width, py(c.limit))
      .dash(4, { space: 3 })
      .lineWidth(0.8)
      .strokeColor(COLORS.target)
      .stroke()
      .undash();
  }
  doc.lineWidth(1.4).strokeColor(COLORS.line);
  let pen = false;
  for (const p of c.points) {
    if (p.y === null) {
      pen = false;
      continue;
    }
    if (pen) doc.lineTo(px(p.x), py(p.y));
    else doc.moveTo(px(p.x), py(p.y));
    pen = true;
  }
  doc.stroke();
  if (c.points.filter((p) => p.y !== null).length === 1) {
    const p = c.points.find((q) => q.y !== null)!;
    doc.circle(px(p.x), py(p.y!), 2.5).fill(COLORS.line);
  }
  doc.fontSize(7.5).fillColor(COLORS.muted);
  for (const t of c.xTicks) doc.text(t.label, px(t.x) - 30, top + height + 3, { width: 60, align: 'center' });
  doc.fillColor(COLORS.text);
  doc.x = PAGE.margin;
  doc.y = top + height + 18;
}

export interface BarChart {
  bars: readonly { label: string; value: number }[];
  /** A target line across the bars (e.g. weekly minutes). */
  target?: number | null;
  yUnit: string;
  height?: number;
}

/** A bar chart (weekly minutes in zone against the target). */
export function barChart(w: PdfWriter, c: BarChart): void {
  const { doc } = w;
  const height = c.height ?? 150;
  w.ensure(height + 30);
  const left = PAGE.margin + 34;
  const top = doc.y + 14;
  const width = w.width - 40;
  const max = Math.max(1, ...c.bars.map((b) => b.value), c.target ?? 0);
  const { lo, hi, step } = niceScale(0, max);
  const py = (y: number) => top + height - ((y - lo) / (hi - lo)) * height;
  doc.lineWidth(0.3).strokeColor(COLORS.rule).fontSize(7.5).fillColor(COLORS.muted);
  for (let v = lo; v <= hi + 1e-9; v += step) {
    doc
      .moveTo(left, py(v))
      .lineTo(left + width, py(v))
      .stroke();
    doc.text(String(Math.round(v)), PAGE.margin, py(v) - 4, { width: 30, align: 'right' });
  }
  doc.text(c.yUnit, PAGE.margin, top - 12, { width: 60 });
  const slot = width / Math.max(1, c.bars.length);
  c.bars.forEach((b, i) => {
    const x = left + i * slot + slot * 0.15;
    if (b.value > 0) doc.rect(x, py(b.value), slot * 0.7, py(0) - py(b.value)).fill(COLORS.bar);
    doc
      .fontSize(7.5)
      .fillColor(COLORS.muted)
      .text(b.label, left + i * slot, top + height + 3, { width: slot, align: 'center' });
  });
  if (typeof c.target === 'number') {
    doc
      .moveTo(left, py(c.target))
      .lineTo(left + width, py(c.target))
      .dash(4, { space: 3 })
      .lineWidth(1)
      .strokeColor(COLORS.target)
      .stroke()
      .undash();
  }
  doc.fillColor(COLORS.text);
  doc.x = PAGE.margin;
  doc.y = top + height + 18;
}
