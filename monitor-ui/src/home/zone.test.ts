import { describe, expect, it } from 'vitest';
import { MAX_GAP_MS, ZoneClock, zoneOf } from './zone.js';

const z = {
  zoneLowBpm: 100,
  zoneHighBpm: 120,
  ceilingBpm: 135,
  hrMode: 'enforce' as const,
  spo2Floor: 88,
  minutesInZone: 20,
};

describe('home page zone (issue 17)', () => {
  it('words each reading against the prescription, over the ceiling first', () => {
    expect([90, 100, 120, 121, 135, 160].map((b) => zoneOf(b, z))).toEqual([
      'below',
      'in',
      'in',
      'above',
      'over',
      'over',
    ]);
    expect(zoneOf(140, { ...z, hrMode: 'off' })).toBe('above');
  });

  it('counts time in zone from the readings’ timestamps, not across a dropped strap', () => {
    const c = new ZoneClock();
    for (const [t, bpm] of [
      [0, 110],
      [1000, 110],
      [2000, 125],
      [3000, 110],
      [60_000, 110],
      [61_000, 110],
    ] as const)
      c.add(t, bpm, z);
    // 0→1 s and 1→2 s in zone; 2→3 s above; 3 s→60 s capped at the gap; 60→61 s in zone.
    expect(c.inZoneMs).toBe(2000 + MAX_GAP_MS + 1000);
  });
});
