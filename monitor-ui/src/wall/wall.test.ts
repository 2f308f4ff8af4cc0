import type { UnboundDevice } from '@zonewatch/protocol';
import { describe, expect, it } from 'vitest';
import { gridFor, tileSizes } from './grid.js';
import { tappedDevice } from './pairing.js';
import { zoneBar } from './zonebar.js';

describe('wall grid', () => {
  it('fills a 1920×1080 wall with the largest tiles for 4 to 40 participants', () => {
    const area = { w: 1896, h: 900 };
    const cols = (n: number) => gridFor(n, area.w, area.h).cols;
    expect(cols(4)).toBe(2);
    expect(cols(6)).toBe(3);
    expect(cols(12)).toBe(4);
    expect(cols(40)).toBe(8);
    for (let n = 4; n <= 40; n++) {
      const g = gridFor(n, area.w, area.h);
      expect(g.cols * g.rows).toBeGreaterThanOrEqual(n);
      // Readable across a room: even at 40 the tile stays over 140 px high.
      expect(g.tileH).toBeGreaterThan(140);
    }
  });

  it('on a tablet prefers taller tiles when width is short (8 → 3×3, not 4×2)', () => {
    // 3×3: tiles 325×192 px (text scale 192); 4×2: 241×294 px (text scale 241 / 1.45 = 166).
    expect(gridFor(8, 1000, 600).cols).toBe(3);
    expect(gridFor(1, 1000, 600)).toMatchObject({ cols: 1, rows: 1 });
  });
});

describe('zone position bar', () => {
  it('places zone, ceiling and HR on one scale with room on both sides', () => {
    const b = zoneBar(110, 100, 120, 135);
    expect(b.min).toBe(80);
    expect(b.max).toBe(155);
    expect(b.lowPct).toBeCloseTo((20 / 75) * 100);
    expect(b.ceilingPct).toBeCloseTo((55 / 75) * 100);
    expect(b.hrPct).toBeCloseTo((30 / 75) * 100);
    expect(b.clamped).toBeNull();
  });

  it('clamps off-scale values and marks them', () => {
    expect(zoneBar(200, 100, 120, 135)).toMatchObject({ hrPct: 100, clamped: 'above' });
    expect(zoneBar(40, 100, 120, 135)).toMatchObject({ hrPct: 0, clamped: 'below' });
    expect(zoneBar(null, 100, 120, 135).hrPct).toBeNull();
  });
});

describe('tap the strap', () => {
  const dev = (deviceId: string, lastSeenAt: number, registered = true): UnboundDevice => ({
    deviceId,
    kind: 'hr-strap',
    lastSeenAt,
    registered,
    label: null,
  });

  it('proposes the device that appeared since pairing started', () => {
    const r = tappedDevice(new Set(['old']), [dev('old', 900), dev('new', 500)]);
    expect(r.candidate?.deviceId).toBe('new');
    expect(r.alsoNew).toEqual([]);
  });

  it('never proposes a device that was already listed, even if it keeps streaming', () => {
    expect(tappedDevice(new Set(['a']), [dev('a', 9_999)]).candidate).toBeNull();
  });

  it('with several new devices, proposes a registered, most recent one and lists the rest', () => {
    const r = tappedDevice(new Set(), [dev('x', 100), dev('y', 300, false), dev('z', 200)]);
    expect(r.candidate?.deviceId).toBe('z');
    expect(r.alsoNew.map((d) => d.deviceId)).toEqual(['x', 'y']);
  });
});

describe('tile sizes (issue 14: readable across a room)', () => {
  it('12 tiles on a 1920×1080 wall: name and zone at least 40 px, metrics at least 32 px', () => {
    const s = tileSizes(465, 265);
    expect(s.name).toBeGreaterThanOrEqual(40);
    expect(s.metric).toBeGreaterThanOrEqual(32);
  });

  // What a 1920 × 1080 wall leaves the tiles once the alert list is counted at its largest (Wall.tsx sizes
  // the tiles for that, whatever the list holds now): 1896 × 750 px.
  const hrRow = (s: ReturnType<typeof tileSizes>, h: number) =>
    h -
    2 * (s.border + s.padY) -
    (1.05 * s.name + 1.6 * s.small + 3 + 1.12 * s.name + 1.05 * s.metric + 4 * s.gap);

  it('12 tiles beside a full alert list: name and zone 40 px, metrics 32 px, the HR still 80 px', () => {
    const g = gridFor(12, 1896, 750, 10);
    expect([g.cols, g.rows]).toEqual([4, 3]);
    const s = tileSizes(g.tileW, Math.floor(g.tileH));
    expect(s.name).toBeGreaterThanOrEqual(40);
    expect(s.metric).toBeGreaterThanOrEqual(32);
    expect(hrRow(s, Math.floor(g.tileH)) * 1.25).toBeGreaterThanOrEqual(80);
  });

  it('24 tiles beside a full alert list keep a 96 px HR (the name cannot reach 40 px there anyway)', () => {
    const g = gridFor(24, 1896, 750, 10);
    const s = tileSizes(g.tileW, Math.floor(g.tileH));
    expect(s.name).toBeLessThan(40);
    expect(hrRow(s, Math.floor(g.tileH)) * 1.25).toBeGreaterThanOrEqual(96);
  });

  it('24 tiles keep the HR row for a 96 px number, even under a full alert list', () => {
    for (const h of [160, 200, 230]) {
      const s = tileSizes(306, h);
      const rows = 1.05 * s.name + 1.6 * s.small + 3 + 1.12 * s.name + 1.05 * s.metric + 4 * s.gap;
      expect(h - 2 * (s.border + s.padY) - rows).toBeGreaterThanOrEqual(96 * 0.8);
    }
  });

  it('never below 11 px, never above 64 px', () => {
    expect(tileSizes(150, 100)).toMatchObject({ name: 12, metric: 11, small: 11 });
    expect(tileSizes(3000, 2000).name).toBe(64);
  });
});
