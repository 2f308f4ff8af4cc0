import type { HomeState } from '@zonewatch/protocol';

export type ZoneState = 'unknown' | 'below' | 'in' | 'above' | 'over';

/** Gaps longer than this between two readings add no time in zone (a dropped strap is not exercise). */
export const MAX_GAP_MS = 5000;

/**
 * The zone of one HR reading against the participant's prescription, as CLINICAL-RULES.md words it: at or
 * above the ceiling is over (first), above zone high is above, below zone low is below.
 */
export function zoneOf(bpm: number, z: NonNullable<HomeState['zone']>): ZoneState {
  if (z.hrMode !== 'off' && bpm >= z.ceilingBpm) return 'over';
  if (bpm > z.zoneHighBpm) return 'above';
  if (bpm < z.zoneLowBpm) return 'below';
  return 'in';
}

/** Time in zone from the readings' own timestamps: each in-zone interval counts up to {@link MAX_GAP_MS}. */
export class ZoneClock {
  inZoneMs = 0;
  private last: { t: number; state: ZoneState } | undefined;

  add(t: number, bpm: number, z: HomeState['zone']): ZoneState {
    const state = z ? zoneOf(bpm, z) : 'unknown';
    if (this.last && this.last.state === 'in' && t > this.last.t) {
      this.inZoneMs += Math.min(MAX_GAP_MS, t - this.last.t);
    }
    this.last = { t, state };
    return state;
  }

  reset(): void {
    this.inZoneMs = 0;
    this.last = undefined;
  }
}
