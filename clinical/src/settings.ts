import {
  type DeepPartial,
  type RuleSettings,
  type RuleSettingsOverride,
  ruleSettingsOverrideSchema,
  ruleSettingsSchema,
} from '@zonewatch/protocol';

/** The settings schemas are protocol's (a prescription carries an override on the wire); defaults and merge live here. */
export {
  type DeepPartial,
  type RuleSettings,
  type RuleSettingsOverride,
  ruleSettingsOverrideSchema,
  ruleSettingsSchema,
};

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Defaults of CLINICAL-RULES.md (frozen). */
export const defaultRuleSettings: RuleSettings = deepFreeze({
  signal: {
    hrMinBpm: 30,
    hrMaxBpm: 220,
    artefactJumpBpm: 25,
    artefactWindowMs: 2000,
    rrAgreementBpm: 10,
    spo2MinPct: 50,
    spo2MaxPct: 100,
    maxGapMs: 5000,
  },
  freshness: { staleAfterMs: 5000, lostAfterMs: 15000 },
  hrAboveZone: {
    advisoryMarginBpm: 0,
    advisoryHoldMs: 30_000,
    warningMarginBpm: 10,
    warningHoldMs: 15_000,
    clearMarginBpm: 5,
    clearHoldMs: 10_000,
  },
  hrOverCeiling: {
    warningMarginBpm: 0,
    warningHoldMs: 10_000,
    criticalMarginBpm: 10,
    criticalHoldMs: 10_000,
    clearMarginBpm: 5,
    clearHoldMs: 10_000,
  },
  hrLow: { belowBpm: 40, holdMs: 10_000, clearAtOrAboveBpm: 45, clearHoldMs: 10_000 },
  spo2Low: {
    warningHoldMs: 15_000,
    criticalMarginPct: 3,
    criticalHoldMs: 10_000,
    criticalAbsolutePct: 80,
    criticalAbsoluteHoldMs: 5000,
    clearMarginPct: 2,
    clearHoldMs: 30_000,
  },
  spo2Drop: {
    baselineWindowMs: 60_000,
    dropPct: 4,
    belowPct: 92,
    holdMs: 15_000,
    clearWithinPct: 2,
    clearHoldMs: 30_000,
  },
  signalLost: { advisoryAfterMs: 15_000, warningAfterMs: 30_000 },
  unmonitored: { warningAfterMs: 0 },
  noContact: { holdMs: 10_000 },
  rearm: { advisoryMs: 60_000, warningMs: 30_000 },
  lifecycle: {
    criticalResoundAfterAckMs: 60_000,
    escalation: {
      advisory: [],
      warning: [
        { afterMs: 60_000, target: 'repeat' },
        { afterMs: 120_000, target: 'supervisor' },
      ],
      critical: [
        { afterMs: 30_000, target: 'site-consoles' },
        { afterMs: 60_000, target: 'site-staff' },
      ],
    },
  },
  metrics: {
    maxCreditMs: 5000,
    traceBucketMs: 5000,
    hrRecoveryDelayMs: 60_000,
    hrRecoveryToleranceMs: 5000,
    hrRecoveryReviewBpm: 12,
  },
  prescription: {
    ceilingMarginBpm: 15,
    ceilingMaxFractionOfHrMax: 0.95,
    ischaemicMarginBpm: 10,
    spo2FloorDefaultPct: 90,
    spo2FloorMinPct: 70,
    spo2FloorMaxPct: 100,
    spo2FloorSecondClinicianBelowPct: 85,
  },
});

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (v === undefined) continue;
    out[k] = deepMerge(base[k], v);
  }
  return out;
}

/**
 * Merges overrides onto a base, left to right (typically defaults ← site ← prescription), validates the
 * result and returns it frozen. Throws a `z.ZodError` (issues carry the path) on an unknown key or a bad
 * value.
 */
export function mergeRuleSettings(
  base: RuleSettings,
  ...overrides: ReadonlyArray<RuleSettingsOverride | unknown | undefined>
): RuleSettings {
  let merged: unknown = base;
  for (const o of overrides) {
    if (o === undefined) continue;
    merged = deepMerge(merged, ruleSettingsOverrideSchema.parse(o));
  }
  return deepFreeze(ruleSettingsSchema.parse(merged));
}
