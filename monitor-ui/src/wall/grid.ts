export interface GridLayout {
  cols: number;
  rows: number;
  /** Tile size in CSS pixels. */
  tileW: number;
  tileH: number;
}

/**
 * The grid that makes tiles as large as possible for `n` tiles in a `width` × `height` area: every column
 * count is tried and the one whose tiles fit the most text wins (text scales with the tile's smaller side,
 * measured against the preferred `aspect` = width / height of a tile).
 */
export function gridFor(n: number, width: number, height: number, gap = 12, aspect = 1.45): GridLayout {
  const count = Math.max(1, n);
  let best: GridLayout = { cols: 1, rows: count, tileW: width, tileH: height / count };
  let bestScore = -1;
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    const tileW = (width - gap * (cols - 1)) / cols;
    const tileH = (height - gap * (rows - 1)) / rows;
    if (tileW <= 0 || tileH <= 0) continue;
    const score = Math.min(tileW / aspect, tileH);
    if (score > bestScore + 1e-9) {
      bestScore = score;
      best = { cols, rows, tileW, tileH };
    }
  }
  return best;
}

/** Text sizes and spacing of a wall tile in CSS pixels (set on the grid as custom properties). */
export interface TileSizes {
  /** Alias and zone label. */
  name: number;
  /** SpO₂, steps and cadence values. */
  metric: number;
  /** Badges, freshness, the alarm banner. */
  small: number;
  border: number;
  padX: number;
  padY: number;
  gap: number;
}

/**
 * Height the HR row keeps for itself before the other rows grow: a 96 px number (styles.css sizes it
 * `min(125cqh, 40cqw)`, so 1.25 × the row), with slack.
 */
export const HR_ROW_PX = 78;
/** What the HR row may give up so the name reaches {@link NAME_READABLE_PX}: it keeps an 80 px number. */
export const HR_ROW_MIN_PX = 64;
/** Name and zone label readable across a room (issue 14). */
export const NAME_READABLE_PX = 40;

/**
 * Sizes the text of a `w` × `h` tile so it reads across a room (issue 14) and nothing in it is cut. The
 * HR row keeps {@link HR_ROW_PX} (a 96 px number) even on a tile with an alarm banner, and the name and
 * zone label (one size), the metrics (0.8 of it) and the small text (0.4, at least 11 px) take what is left
 * of the height; the metrics line (three labelled values, about 10.4 names wide) bounds it by the width.
 * A name below {@link NAME_READABLE_PX} that would reach it with the HR row at {@link HR_ROW_MIN_PX} (an
 * 80 px number) gets it: a name read from the back of the room is worth more than the HR's last 16 px.
 * Row heights as styles.css lays them out: name 1.05, alarm banner 1.6 small + 3, zone pill 1.12, metrics
 * 1.05 metric, four gaps.
 */
export function tileSizes(w: number, h: number): TileSizes {
  const border = Math.min(12, Math.max(4, 0.016 * Math.min(w, h)));
  const padX = Math.max(5, 0.028 * w);
  const padY = Math.max(3, 0.016 * h);
  const gap = Math.max(2, 0.012 * h);
  const cw = w - 2 * (border + padX);
  const ch = h - 2 * (border + padY);
  const of = (name: number) => {
    const small = Math.max(11, name * 0.4);
    const metric = Math.max(11, name * 0.8);
    const rows = 1.05 * name + 1.6 * small + 3 + 1.12 * name + 1.05 * metric + 4 * gap;
    return { small, metric, rows };
  };
  const widest = Math.min(64, cw / 10.4);
  const largest = (hrRow: number, from: number) => {
    let name = from;
    while (name > 12 && of(name).rows + hrRow > ch) name -= 0.25;
    return Math.max(12, name);
  };
  let name = largest(HR_ROW_PX, widest);
  if (name < NAME_READABLE_PX && widest >= NAME_READABLE_PX) {
    if (largest(HR_ROW_MIN_PX, NAME_READABLE_PX) >= NAME_READABLE_PX) name = NAME_READABLE_PX;
  }
  const round = (x: number) => Math.floor(x * 10) / 10;
  const { small, metric } = of(name);
  return {
    name: round(name),
    metric: round(metric),
    small: round(small),
    border: round(border),
    padX: round(padX),
    padY: round(padY),
    gap: round(gap),
  };
}
