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
