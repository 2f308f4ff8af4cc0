/** Positions (0–100 % of the bar) of a participant's zone, ceiling and current HR. */
export interface ZoneBar {
  /** Scale ends (bpm). */
  min: number;
  max: number;
  lowPct: number;
  highPct: number;
  ceilingPct: number;
  /** Where the current HR sits, clamped to the bar; null without a value. */
  hrPct: number | null;
  /** The HR is off the scale (beyond `min` or `max`): the marker sits at the end, drawn as an arrow. */
  clamped: 'below' | 'above' | null;
}

/** Extra scale (bpm) below the zone and above the ceiling, so a bar shows where a value is heading. */
export const ZONE_BAR_MARGIN_BPM = 20;

/**
 * Zone position bar maths: the scale runs from (zone low − margin) to (ceiling + margin), so the zone
 * band, the ceiling mark and the HR marker always fit, whatever the prescription.
 */
export function zoneBar(
  hr: number | null,
  lowBpm: number,
  highBpm: number,
  ceilingBpm: number,
  margin = ZONE_BAR_MARGIN_BPM,
): ZoneBar {
  const min = lowBpm - margin;
  const max = Math.max(ceilingBpm, highBpm) + margin;
  const pct = (v: number) => ((v - min) / (max - min)) * 100;
  let hrPct: number | null = null;
  let clamped: ZoneBar['clamped'] = null;
  if (hr !== null) {
    if (hr < min) clamped = 'below';
    else if (hr > max) clamped = 'above';
    hrPct = Math.max(0, Math.min(100, pct(hr)));
  }
  return {
    min,
    max,
    lowPct: pct(lowBpm),
    highPct: pct(highBpm),
    ceilingPct: pct(ceilingBpm),
    hrPct,
    clamped,
  };
}
