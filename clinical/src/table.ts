import type { RuleSettings } from './settings.js';
import type { RuleId, Severity } from './types.js';

/**
 * What a predicate may look at besides the value: the participant's resolved thresholds, the session's
 * SpO2 baseline (NaN until known) and the settings.
 */
export interface RuleContext {
  readonly zoneHighBpm: number;
  readonly ceilingBpm: number;
  readonly spo2Floor: number;
  spo2Baseline: number;
  readonly settings: RuleSettings;
}

/** A named condition on one signal value (HR bpm, SpO2 %, or contact 1/0). */
export type Predicate = (value: number, c: RuleContext) => boolean;

/** The rule table's vocabulary of conditions (CLINICAL-RULES.md section 3). */
export const predicates = {
  hrAboveZone: (hr, c) => hr > c.zoneHighBpm + c.settings.hrAboveZone.advisoryMarginBpm,
  hrWellAboveZone: (hr, c) => hr > c.zoneHighBpm + c.settings.hrAboveZone.warningMarginBpm,
  hrBackBelowZoneHigh: (hr, c) => hr <= c.zoneHighBpm - c.settings.hrAboveZone.clearMarginBpm,
  hrAtCeiling: (hr, c) => hr >= c.ceilingBpm + c.settings.hrOverCeiling.warningMarginBpm,
  hrWellOverCeiling: (hr, c) => hr >= c.ceilingBpm + c.settings.hrOverCeiling.criticalMarginBpm,
  hrBackBelowCeiling: (hr, c) => hr <= c.ceilingBpm - c.settings.hrOverCeiling.clearMarginBpm,
  hrTooLow: (hr, c) => hr < c.settings.hrLow.belowBpm,
  hrRecoveredFromLow: (hr, c) => hr >= c.settings.hrLow.clearAtOrAboveBpm,
  spo2BelowFloor: (spo2, c) => spo2 < c.spo2Floor,
  spo2WellBelowFloor: (spo2, c) => spo2 < c.spo2Floor - c.settings.spo2Low.criticalMarginPct,
  spo2Dangerous: (spo2, c) => spo2 <= c.settings.spo2Low.criticalAbsolutePct,
  spo2BackAboveFloor: (spo2, c) => spo2 >= c.spo2Floor + c.settings.spo2Low.clearMarginPct,
  spo2DroppedFromBaseline: (spo2, c) =>
    spo2 <= c.spo2Baseline - c.settings.spo2Drop.dropPct && spo2 < c.settings.spo2Drop.belowPct,
  spo2BackNearBaseline: (spo2, c) => spo2 >= c.spo2Baseline - c.settings.spo2Drop.clearWithinPct,
  contactFalse: (contact) => contact === 0,
  contactTrue: (contact) => contact === 1,
} as const satisfies Record<string, Predicate>;
export type PredicateName = keyof typeof predicates;

/** The signal whose usable samples drive a rule's runs. */
export type RuleSignal = 'hr' | 'spo2' | 'contact' | 'time';

/** One severity level of a rule: its condition and how long it must be held. */
export interface LevelDefinition {
  readonly severity: Severity;
  readonly when: PredicateName;
  /** Hold (ms) from the settings. */
  readonly holdMs: (s: RuleSettings) => number;
}

/** One row group of the rule table. */
export interface RuleDefinition {
  readonly rule: RuleId;
  readonly signal: RuleSignal;
  /** Levels, weakest first; each has its own run (section 3a). */
  readonly levels: readonly LevelDefinition[];
  /** Hysteresis: the clear condition and its hold. */
  readonly clear: { readonly when: PredicateName; readonly holdMs: (s: RuleSettings) => number };
  /** `hrMode: advisory` caps this rule at advisory; `hrMode: off` disables it. */
  readonly hrModeControlled: boolean;
  /** Evaluated only once the session's SpO2 baseline exists (from the end of the baseline window). */
  readonly needsSpo2Baseline: boolean;
}

/**
 * The sample-driven rules of section 3 as data. SIGNAL_LOST is time-driven (see {@link signalLostLevels})
 * and evaluated by `tick`; its clear is the first usable HR or SpO2 sample.
 */
export const RULE_TABLE: readonly RuleDefinition[] = Object.freeze([
  {
    rule: 'HR_ABOVE_ZONE',
    signal: 'hr',
    hrModeControlled: true,
    needsSpo2Baseline: false,
    levels: [
      { severity: 'advisory', when: 'hrAboveZone', holdMs: (s) => s.hrAboveZone.advisoryHoldMs },
      { severity: 'warning', when: 'hrWellAboveZone', holdMs: (s) => s.hrAboveZone.warningHoldMs },
    ],
    clear: { when: 'hrBackBelowZoneHigh', holdMs: (s) => s.hrAboveZone.clearHoldMs },
  },
  {
    rule: 'HR_OVER_CEILING',
    signal: 'hr',
    hrModeControlled: true,
    needsSpo2Baseline: false,
    levels: [
      { severity: 'warning', when: 'hrAtCeiling', holdMs: (s) => s.hrOverCeiling.warningHoldMs },
      { severity: 'critical', when: 'hrWellOverCeiling', holdMs: (s) => s.hrOverCeiling.criticalHoldMs },
    ],
    clear: { when: 'hrBackBelowCeiling', holdMs: (s) => s.hrOverCeiling.clearHoldMs },
  },
  {
    rule: 'HR_LOW',
    signal: 'hr',
    hrModeControlled: false,
    needsSpo2Baseline: false,
    levels: [{ severity: 'critical', when: 'hrTooLow', holdMs: (s) => s.hrLow.holdMs }],
    clear: { when: 'hrRecoveredFromLow', holdMs: (s) => s.hrLow.clearHoldMs },
  },
  {
    rule: 'SPO2_LOW',
    signal: 'spo2',
    hrModeControlled: false,
    needsSpo2Baseline: false,
    levels: [
      { severity: 'warning', when: 'spo2BelowFloor', holdMs: (s) => s.spo2Low.warningHoldMs },
      { severity: 'critical', when: 'spo2WellBelowFloor', holdMs: (s) => s.spo2Low.criticalHoldMs },
      { severity: 'critical', when: 'spo2Dangerous', holdMs: (s) => s.spo2Low.criticalAbsoluteHoldMs },
    ],
    clear: { when: 'spo2BackAboveFloor', holdMs: (s) => s.spo2Low.clearHoldMs },
  },
  {
    rule: 'SPO2_DROP',
    signal: 'spo2',
    hrModeControlled: false,
    needsSpo2Baseline: true,
    levels: [{ severity: 'advisory', when: 'spo2DroppedFromBaseline', holdMs: (s) => s.spo2Drop.holdMs }],
    clear: { when: 'spo2BackNearBaseline', holdMs: (s) => s.spo2Drop.clearHoldMs },
  },
  {
    rule: 'NO_CONTACT',
    signal: 'contact',
    hrModeControlled: false,
    needsSpo2Baseline: false,
    levels: [{ severity: 'advisory', when: 'contactFalse', holdMs: (s) => s.noContact.holdMs }],
    clear: { when: 'contactTrue', holdMs: () => 0 },
  },
] satisfies RuleDefinition[]);

/** UNMONITORED levels: time without a bound device in an active session (issue 14). */
export const unmonitoredLevels = (s: RuleSettings): readonly { severity: Severity; afterMs: number }[] => [
  { severity: 'warning', afterMs: s.unmonitored.warningAfterMs },
];

/** SIGNAL_LOST levels: time without a usable HR or SpO2 sample (or since session start). */
export const signalLostLevels = (s: RuleSettings): readonly { severity: Severity; afterMs: number }[] => [
  { severity: 'advisory', afterMs: s.signalLost.advisoryAfterMs },
  { severity: 'warning', afterMs: s.signalLost.warningAfterMs },
];
