import { z } from 'zod';
import { SEVERITIES, type Severity } from './vocabulary.js';

/**
 * Every threshold and timing of CLINICAL-RULES.md sections 1–4 and 6 as a named setting.
 * Values are defaults a clinician may change per site or per prescription ([default] in the spec) or
 * published guidance ([guideline]). Units are in the names: `Ms` milliseconds, `Bpm` beats per minute,
 * `Pct` SpO2 percentage points.
 */
const ms = z.number().int().nonnegative();
const bpm = z.number().nonnegative();
const pct = z.number().min(0).max(100);

const escalationStep = z.object({
  /** Time since the alert reached its current severity, unacknowledged, before this step fires (ms). */
  afterMs: ms,
  /** Who is told: e.g. `site-consoles`, `site-staff`, `repeat`, `supervisor`. */
  target: z.string().min(1),
});

export const ruleSettingsSchema = z.object({
  /** Section 2: what makes a reading usable. */
  signal: z.object({
    /** Lowest usable HR (bpm, inclusive). */
    hrMinBpm: bpm,
    /** Highest usable HR (bpm, inclusive). */
    hrMaxBpm: bpm,
    /** An HR jump larger than this from the previous usable sample is an artefact (bpm, exclusive). */
    artefactJumpBpm: bpm,
    /** ...when the previous usable sample is less than this much earlier (ms, exclusive). */
    artefactWindowMs: ms,
    /** RR intervals "agree" with a jumped HR when 60000/mean(RR) is within this many bpm of it. */
    rrAgreementBpm: bpm,
    /** Lowest usable SpO2 (%, inclusive). */
    spo2MinPct: pct,
    /** Highest usable SpO2 (%, inclusive). */
    spo2MaxPct: pct,
    /** A gap longer than this between two usable samples of one signal breaks its runs (ms, exclusive). */
    maxGapMs: ms,
  }),
  /** Section 2: tile freshness. */
  freshness: z.object({
    /** `live` below this age of the last usable sample, `stale` from it (ms). */
    staleAfterMs: ms,
    /** `lost` from this age of the last usable sample (ms). */
    lostAfterMs: ms,
  }),
  /** HR_ABOVE_ZONE (advisory / warning upgrade). */
  hrAboveZone: z.object({
    /** Advisory when hr > zone high + this (bpm). */
    advisoryMarginBpm: bpm,
    /** ...held this long (ms). */
    advisoryHoldMs: ms,
    /** Warning when hr > zone high + this (bpm). */
    warningMarginBpm: bpm,
    /** ...held this long (ms). */
    warningHoldMs: ms,
    /** Clears when hr ≤ zone high − this (bpm)... */
    clearMarginBpm: bpm,
    /** ...held this long (ms). */
    clearHoldMs: ms,
  }),
  /** HR_OVER_CEILING (warning / critical upgrade). */
  hrOverCeiling: z.object({
    /** Warning when hr ≥ ceiling + this (bpm). */
    warningMarginBpm: bpm,
    /** ...held this long (ms). */
    warningHoldMs: ms,
    /** Critical when hr ≥ ceiling + this (bpm). */
    criticalMarginBpm: bpm,
    /** ...held this long (ms). */
    criticalHoldMs: ms,
    /** Clears when hr ≤ ceiling − this (bpm)... */
    clearMarginBpm: bpm,
    /** ...held this long (ms). */
    clearHoldMs: ms,
  }),
  /** HR_LOW (critical, active session only). */
  hrLow: z.object({
    /** Critical when hr < this (bpm). */
    belowBpm: bpm,
    /** ...held this long (ms). */
    holdMs: ms,
    /** Clears when hr ≥ this (bpm)... */
    clearAtOrAboveBpm: bpm,
    /** ...held this long (ms). */
    clearHoldMs: ms,
  }),
  /** SPO2_LOW (warning / critical upgrade), relative to the prescription's floor. */
  spo2Low: z.object({
    /** Warning when spo2 < floor, held this long (ms). */
    warningHoldMs: ms,
    /** Critical when spo2 < floor − this (%)... */
    criticalMarginPct: pct,
    /** ...held this long (ms). */
    criticalHoldMs: ms,
    /** Also critical when spo2 ≤ this (%)... */
    criticalAbsolutePct: pct,
    /** ...held this long (ms). */
    criticalAbsoluteHoldMs: ms,
    /** Clears when spo2 ≥ floor + this (%)... */
    clearMarginPct: pct,
    /** ...held this long (ms). */
    clearHoldMs: ms,
  }),
  /** SPO2_DROP (advisory) relative to the session's own baseline. */
  spo2Drop: z.object({
    /** Baseline = median of usable SpO2 samples with t − sessionStart below this (ms); rule active from it. */
    baselineWindowMs: ms,
    /** Advisory when spo2 ≤ baseline − this (%)... */
    dropPct: pct,
    /** ...and spo2 < this (%)... */
    belowPct: pct,
    /** ...held this long (ms). */
    holdMs: ms,
    /** Clears when spo2 ≥ baseline − this (%)... */
    clearWithinPct: pct,
    /** ...held this long (ms). */
    clearHoldMs: ms,
  }),
  /** SIGNAL_LOST (technical), raised by `tick`. */
  signalLost: z.object({
    /** Advisory after this long without a usable HR or SpO2 sample (ms). */
    advisoryAfterMs: ms,
    /** Warning after this long (ms). */
    warningAfterMs: ms,
  }),
  /**
   * UNMONITORED (technical, issue 14), raised by `tick`: a participant of an active session with no device
   * bound (it was unbound, or never bound). Clears when a device is bound again or they leave the session.
   */
  unmonitored: z.object({
    /** Warning once the participant has had no bound device for this long (ms). */
    warningAfterMs: ms,
  }),
  /** NO_CONTACT (technical advisory). */
  noContact: z.object({
    /** Advisory when contact is reported false, held this long (ms). */
    holdMs: ms,
  }),
  /** Re-arm lock-out after a clear, by the severity the alert had when it cleared. Critical locks nothing. */
  rearm: z.object({
    /** After an advisory clears, advisory cannot raise again for this long (ms). */
    advisoryMs: ms,
    /** After a warning clears, warning or lower cannot raise again for this long (ms). */
    warningMs: ms,
  }),
  /** Section 4: acknowledgement and escalation. */
  lifecycle: z.object({
    /** A critical alert still open this long after acknowledgement sounds again (ms). */
    criticalResoundAfterAckMs: ms,
    /** Escalation steps for unacknowledged alerts, per severity, in increasing `afterMs`. */
    escalation: z.object(
      Object.fromEntries(SEVERITIES.map((sev) => [sev, z.array(escalationStep)])) as Record<
        Severity,
        z.ZodArray<typeof escalationStep>
      >,
    ),
  }),
  /** Section 6: session report. */
  metrics: z.object({
    /** Each usable HR sample counts for the time to the next one, at most this (ms). */
    maxCreditMs: ms.min(1),
    /** Down-sampled trace bucket width (ms). */
    traceBucketMs: ms.min(1),
    /** HR recovery is measured this long after exercise ends (ms). */
    hrRecoveryDelayMs: ms,
    /** How far from the exact instants a usable HR sample may be taken for HR recovery (ms). */
    hrRecoveryToleranceMs: ms,
    /** A recovery at or below this drop is flagged for clinician review, never alarmed (bpm) [Cole 1999]. */
    hrRecoveryReviewBpm: bpm,
  }),
  /** Section 1: prescription defaults and limits. */
  prescription: z.object({
    /** Default ceiling = rounded zone high + this (bpm)... */
    ceilingMarginBpm: bpm,
    /** ...never above floor(this · hrMax). */
    ceilingMaxFractionOfHrMax: z.number().positive().max(1),
    /** With a known ischaemic threshold the ceiling is at most threshold − this (bpm) [guideline]. */
    ischaemicMarginBpm: bpm,
    /** SpO2 floor when the prescription gives none (%). */
    spo2FloorDefaultPct: pct,
    /** A floor outside [min, max] is refused (%). */
    spo2FloorMinPct: pct,
    /** See spo2FloorMinPct (%). */
    spo2FloorMaxPct: pct,
    /** A floor below this needs a second clinician (%). */
    spo2FloorSecondClinicianBelowPct: pct,
  }),
});

/** All rule settings; see {@link ruleSettingsSchema} for each field's meaning and unit. */
export type RuleSettings = z.infer<typeof ruleSettingsSchema>;

/** Partial of T at any depth; arrays (escalation steps) are replaced wholesale, never merged. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** A site- or prescription-level settings override. */
export type RuleSettingsOverride = DeepPartial<RuleSettings>;

/** Zod schema of a settings override (site or prescription level): every group and field optional. */
export const ruleSettingsOverrideSchema = z
  .object(
    Object.fromEntries(
      Object.entries(ruleSettingsSchema.shape).map(([group, schema]) => {
        const shape = schema.shape as Record<string, z.ZodType>;
        const partial = Object.fromEntries(
          Object.entries(shape).map(([k, s]) => [
            k,
            s instanceof z.ZodObject ? (s as z.ZodObject).partial().optional() : s.optional(),
          ]),
        );
        return [group, z.strictObject(partial).optional()];
      }),
    ),
  )
  .strict();
