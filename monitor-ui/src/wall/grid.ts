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

/** Height the HR row keeps for itself before the other rows grow: a 96 px number (line height 0.8) + slack. */
export const HR_ROW_MIN_PX = 82;

/**
 * Sizes the text of a `w` × `h` tile so it reads across a room (issue 14) and nothing in it is cut: the HR
 * row keeps {@link HR_ROW_MIN_PX} (a 96 px number) even on a tile with an alarm banner, and the name and
 * zone label (one size), the metrics (0.8 of it) and the small text (0.4, at least 11 px) take what is left
 * of the height; the metrics line (three labelled values, about 10.4 names wide) bounds it by the width.
 * Row heights as styles.css lays them out: name 1.05, alarm banner 1.6 small + 3, zone pill 1.12, metrics
 * 1.05 metric, four gaps.
 */
export function tileSizes(w: number, h: number): TileSizes {
  const border = Math.min(12, Math.max(4, 0.016 * Math.min(w, h)));
  const padX = Math.max(5, 0.028 * w);
  const padY = Math.max(3, 0.018 * h);
  const gap = Math.max(2, 0.012 * h);
  const cw = w - 2 * (border + padX);
  const ch = h - 2 * (border + padY);
  const of = (name: number) => {
    const small = Math.max(11, name * 0.4);
    const metric = Math.max(11, name * 0.8);
    const rows = 1.05 * name + 1.6 * small + 3 + 1.12 * name + 1.05 * metric + 4 * gap;
    return { small, metric, rows };
  };
  let name = Math.min(64, cw / 10.4);
  while (name > 12 && of(name).rows + HR_ROW_MIN_PX > ch) name -= 0.25;
  name = Math.max(12, name);
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
