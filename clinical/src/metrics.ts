import type { HrRecovery, SessionMetrics, TracePoint } from '@zonewatch/protocol';
import type { RuleSettings } from './settings.js';

/** The report shapes are protocol's (ingest stores them, the console reads them); computed here. */
export type { HrRecovery, SessionMetrics, TracePoint } from '@zonewatch/protocol';
/** Zone state names in {@link ZoneIndex} order. */
export { ZONE_STATES } from '@zonewatch/protocol';

/** Zone state index used in the accumulators: 0 below, 1 in, 2 above, 3 overCeiling. */
export type ZoneIndex = 0 | 1 | 2 | 3;

/**
 * Zone state of one HR value (section 3a: below < low ≤ in ≤ high < above < ceiling ≤ overCeiling).
 * The ceiling is tested first, so a ceiling equal to zone high counts as over ceiling.
 */
export function zoneIndex(
  hr: number,
  zoneLowBpm: number,
  zoneHighBpm: number,
  ceilingBpm: number,
): ZoneIndex {
  if (hr >= ceilingBpm) return 3;
  if (hr > zoneHighBpm) return 2;
  if (hr >= zoneLowBpm) return 1;
  return 0;
}

/** Incremental session metrics (section 6); mutated in place by the engine, O(1) per sample. */
export interface MetricsAccumulator {
  readonly sessionStartMs: number;
  readonly maxCreditMs: number;
  readonly bucketMs: number;
  hrCount: number;
  hrSum: number;
  hrPeak: number;
  /** Time and zone of the last usable HR sample, not yet credited. */
  lastHrT: number;
  lastHrZone: ZoneIndex;
  /** ms credited per zone state. */
  zoneMs: [number, number, number, number];
  spo2Count: number;
  spo2Sum: number;
  spo2Min: number;
  stepsFirst: number | null;
  stepsLast: number | null;
  stepsFirstT: number;
  stepsLastT: number;
  stepsTotal: number;
  cadenceSum: number;
  cadenceCount: number;
  /** Current trace bucket index and its sums. */
  bucket: number;
  bHrSum: number;
  bHrN: number;
  bSpo2Sum: number;
  bSpo2N: number;
  /** Closed buckets that were reached by a sample, and their indexes (buckets skipped over are empty). */
  trace: TracePoint[];
  traceIdx: number[];
  /** Usable HR history (for HR recovery, whose reference time may be given after the fact). */
  hrHistT: number[];
  hrHistV: number[];
}

/** A fresh accumulator for a session starting at `sessionStartMs`. */
export function createMetrics(sessionStartMs: number, s: RuleSettings['metrics']): MetricsAccumulator {
  return {
    sessionStartMs,
    maxCreditMs: s.maxCreditMs,
    bucketMs: s.traceBucketMs,
    hrCount: 0,
    hrSum: 0,
    hrPeak: Number.NEGATIVE_INFINITY,
    lastHrT: Number.NaN,
    lastHrZone: 0,
    zoneMs: [0, 0, 0, 0],
    spo2Count: 0,
    spo2Sum: 0,
    spo2Min: Number.POSITIVE_INFINITY,
    stepsFirst: null,
    stepsLast: null,
    stepsFirstT: Number.NaN,
    stepsLastT: Number.NaN,
    stepsTotal: 0,
    cadenceSum: 0,
    cadenceCount: 0,
    bucket: 0,
    bHrSum: 0,
    bHrN: 0,
    bSpo2Sum: 0,
    bSpo2N: 0,
    trace: [],
    traceIdx: [],
    hrHistT: [],
    hrHistV: [],
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function bucketPoint(m: MetricsAccumulator, idx: number): TracePoint {
  return {
    tS: (idx * m.bucketMs) / 1000,
    hr: m.bHrN > 0 ? round1(m.bHrSum / m.bHrN) : null,
    spo2: m.bSpo2N > 0 ? round1(m.bSpo2Sum / m.bSpo2N) : null,
  };
}

/**
 * Moves the trace cursor to the bucket of time `t`, closing the current bucket. O(1) whatever the jump:
 * empty buckets in between are not stored (see {@link traceSoFar}). Returns the buckets closed (0 or 1).
 */
export function advanceTrace(m: MetricsAccumulator, t: number): number {
  const idx = Math.max(0, Math.floor((t - m.sessionStartMs) / m.bucketMs));
  if (idx <= m.bucket) return 0;
  m.trace.push(bucketPoint(m, m.bucket));
  m.traceIdx.push(m.bucket);
  m.bucket = idx;
  m.bHrSum = 0;
  m.bHrN = 0;
  m.bSpo2Sum = 0;
  m.bSpo2N = 0;
  return 1;
}

/** Adds a usable HR sample: credits the previous one with the time to this one (≤ maxCreditMs). */
export function addUsableHr(m: MetricsAccumulator, t: number, hr: number, zone: ZoneIndex): void {
  if (!Number.isNaN(m.lastHrT)) m.zoneMs[m.lastHrZone] += Math.min(t - m.lastHrT, m.maxCreditMs);
  m.lastHrT = t;
  m.lastHrZone = zone;
  m.hrCount++;
  m.hrSum += hr;
  if (hr > m.hrPeak) m.hrPeak = hr;
  m.bHrSum += hr;
  m.bHrN++;
  m.hrHistT.push(t);
  m.hrHistV.push(hr);
}

/** Adds a usable SpO2 sample. */
export function addUsableSpo2(m: MetricsAccumulator, spo2: number): void {
  m.spo2Count++;
  m.spo2Sum += spo2;
  if (spo2 < m.spo2Min) m.spo2Min = spo2;
  m.bSpo2Sum += spo2;
  m.bSpo2N++;
}

/** Adds a cumulative step count; a decrease is taken as a counter reset. */
export function addSteps(m: MetricsAccumulator, t: number, steps: number): void {
  if (m.stepsLast === null) {
    m.stepsFirst = steps;
    m.stepsFirstT = t;
  } else {
    const d = steps - m.stepsLast;
    m.stepsTotal += d >= 0 ? d : steps;
  }
  m.stepsLast = steps;
  m.stepsLastT = t;
}

/** Adds a reported cadence (steps/min). */
export function addCadence(m: MetricsAccumulator, cadence: number): void {
  m.cadenceSum += cadence;
  m.cadenceCount++;
}

/** Summary at `endMs` (not mutating: the last HR sample is credited up to `endMs`, at most maxCreditMs). */
export function summarizeMetrics(m: MetricsAccumulator, endMs: number): SessionMetrics {
  const z: [number, number, number, number] = [m.zoneMs[0], m.zoneMs[1], m.zoneMs[2], m.zoneMs[3]];
  if (!Number.isNaN(m.lastHrT)) z[m.lastHrZone] += Math.max(0, Math.min(endMs - m.lastHrT, m.maxCreditMs));
  const durationMs = Math.max(0, endMs - m.sessionStartMs);
  const covered = z[0] + z[1] + z[2] + z[3];
  let cadence: number | null = null;
  if (m.cadenceCount > 0) cadence = round1(m.cadenceSum / m.cadenceCount);
  else if (m.stepsLastT > m.stepsFirstT)
    cadence = round1((m.stepsTotal * 60_000) / (m.stepsLastT - m.stepsFirstT));
  return {
    durationS: durationMs / 1000,
    secondsBelow: z[0] / 1000,
    secondsIn: z[1] / 1000,
    secondsAbove: z[2] / 1000,
    secondsOverCeiling: z[3] / 1000,
    hrMean: m.hrCount > 0 ? round1(m.hrSum / m.hrCount) : null,
    hrPeak: m.hrCount > 0 ? m.hrPeak : null,
    spo2Mean: m.spo2Count > 0 ? round1(m.spo2Sum / m.spo2Count) : null,
    spo2Min: m.spo2Count > 0 ? m.spo2Min : null,
    completeness: durationMs > 0 ? round1((covered * 100) / durationMs) : 0,
    steps: m.stepsLast === null ? null : m.stepsTotal,
    cadence,
  };
}

/** The down-sampled trace up to and including the current bucket (empty buckets as null points). */
export function traceSoFar(m: MetricsAccumulator): TracePoint[] {
  const out: TracePoint[] = [];
  const gapTo = (idx: number) => {
    for (let i = out.length; i < idx; i++) out.push({ tS: (i * m.bucketMs) / 1000, hr: null, spo2: null });
  };
  for (let k = 0; k < m.trace.length; k++) {
    gapTo(m.traceIdx[k] as number);
    out.push(m.trace[k] as TracePoint);
  }
  gapTo(m.bucket);
  out.push(bucketPoint(m, m.bucket));
  return out;
}

/**
 * The lowest and highest usable HR of each trace bucket, aligned with {@link traceSoFar} (null where a
 * bucket has no usable HR), exactly as given like hrPeak. A pure read of the usable-HR history that leaves
 * the trace itself (bucket means, section 6) as it is: a chart drawing these shows a short peak that a
 * 5-s mean flattens, so the highest point it draws is the report's hrPeak (issue 14).
 */
export function traceHrExtremes(m: MetricsAccumulator): { hrMin: number | null; hrMax: number | null }[] {
  const out: { hrMin: number | null; hrMax: number | null }[] = [];
  for (let i = 0; i <= m.bucket; i++) out.push({ hrMin: null, hrMax: null });
  for (let k = 0; k < m.hrHistT.length; k++) {
    const idx = Math.max(0, Math.floor(((m.hrHistT[k] as number) - m.sessionStartMs) / m.bucketMs));
    const b = out[idx];
    if (!b) continue;
    const v = m.hrHistV[k] as number;
    if (b.hrMin === null || v < b.hrMin) b.hrMin = v;
    if (b.hrMax === null || v > b.hrMax) b.hrMax = v;
  }
  return out;
}

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** HR recovery for an exercise end time; null when either HR value is missing. */
export function hrRecovery(
  m: MetricsAccumulator,
  exerciseEndMs: number,
  s: RuleSettings['metrics'],
): HrRecovery | null {
  const iEnd = lowerBound(m.hrHistT, exerciseEndMs + 1) - 1;
  const tEnd = m.hrHistT[iEnd];
  const hrEnd = m.hrHistV[iEnd];
  if (tEnd === undefined || hrEnd === undefined || exerciseEndMs - tEnd > s.hrRecoveryToleranceMs)
    return null;
  const target = exerciseEndMs + s.hrRecoveryDelayMs;
  const iAfter = lowerBound(m.hrHistT, target);
  const tAfter = m.hrHistT[iAfter];
  const hrAfter = m.hrHistV[iAfter];
  if (tAfter === undefined || hrAfter === undefined || tAfter - target > s.hrRecoveryToleranceMs) return null;
  const dropBpm = hrEnd - hrAfter;
  return {
    exerciseEndMs,
    hrAtEndBpm: hrEnd,
    hrAfterBpm: hrAfter,
    dropBpm,
    flaggedForReview: dropBpm <= s.hrRecoveryReviewBpm,
  };
}
