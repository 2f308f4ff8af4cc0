// The engine's internal state of one participant in one session. Not exported from index.ts: the engine
// owns it (see monitor.ts), callers see events and read-only views.
import { createMetrics, type MetricsAccumulator } from './metrics.js';
import type { ResolvedPrescription } from './prescription.js';
import type { RuleSettings } from './settings.js';
import {
  type Predicate,
  predicates,
  RULE_TABLE,
  type RuleContext,
  type RuleSignal,
  signalLostLevels,
  unmonitoredLevels,
} from './table.js';
import { type EngineEvent, type RuleId, SEVERITY_RANK, type Severity } from './types.js';

/** One alert as the engine tracks it: raise, severity, condition clear, acknowledgement, close. */
export interface AlertRecord {
  readonly alertId: string;
  readonly rule: RuleId;
  /** Current (highest) severity. */
  severity: Severity;
  rank: number;
  /** Current severity came from a critical-strength condition on doubtful data. */
  unconfirmed: boolean;
  readonly raisedAt: number;
  /** When the alert reached its current severity. */
  severitySince: number;
  /** Escalation counts from here: the raise, the latest upgrade, or a critical re-sound. */
  escalationFrom: number;
  /** When the condition cleared (null while active). */
  conditionClearedAt: number | null;
  /** First acknowledgement (for time-to-acknowledge). */
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  note: string | null;
  /** Latest acknowledgement and who gave it; it covers severities up to `ackRank` (0 = not acknowledged). */
  lastAckAt: number | null;
  lastAckBy: string | null;
  ackRank: number;
  /** Escalation steps already taken at the current severity. */
  escalationLevel: number;
  /** A critical re-sound happened since the latest acknowledgement. */
  resounded: boolean;
  closedAt: number | null;
  closedBy: string | null;
}

export interface CompiledLevel {
  readonly rank: number;
  readonly test: Predicate;
  readonly holdMs: number;
}

/** Runtime state of one rule for one participant. */
export interface RuleRuntime {
  readonly rule: RuleId;
  readonly signal: RuleSignal;
  readonly needsSpo2Baseline: boolean;
  /** false when `hrMode: off` disables the rule. */
  readonly enabled: boolean;
  /** Highest severity rank the rule may emit (1 under `hrMode: advisory` for HR zone rules). */
  readonly capRank: number;
  readonly levels: readonly CompiledLevel[];
  readonly clearTest: Predicate;
  readonly clearHoldMs: number;
  /** Start of each level's current run (NaN = no run). */
  readonly runStart: number[];
  clearStart: number;
  /** The alert whose condition is active (null = none). */
  open: AlertRecord | null;
  /** Re-arm lock-out: raising at rank ≤ lockRank is blocked before lockUntil. */
  lockUntil: number;
  lockRank: number;
  /** An unconfirmed critical was already reported in the current run of critical-strength conditions. */
  unconfirmedReported: boolean;
}

/** Per-signal bookkeeping. */
export interface SignalState {
  /** Time and value of the last usable sample (NaN = none). */
  lastUsableT: number;
  lastUsableValue: number;
}

/** The latest raw reading of HR (usable or not). */
export interface HrReading {
  t: number;
  value: number;
  usable: boolean;
  artefact: boolean;
}

/** All rule, lifecycle and metrics state of one participant in one session, owned by its monitor. */
export interface ParticipantState {
  readonly participantId: string;
  readonly rx: ResolvedPrescription;
  readonly settings: RuleSettings;
  readonly sessionStartMs: number;
  /** Session running (rules and metrics only run while active). */
  active: boolean;
  /** A device is bound to the participant (SIGNAL_LOST only fires while bound, UNMONITORED only while not). */
  bound: boolean;
  /** Since when no device is bound (NaN while bound): UNMONITORED counts from here. */
  unboundSince: number;
  readonly ctx: RuleContext;
  /** Sample-driven rules in table order, and the same split by signal (enabled ones only). */
  readonly rules: RuleRuntime[];
  readonly hrRules: RuleRuntime[];
  readonly spo2Rules: RuleRuntime[];
  readonly contactRules: RuleRuntime[];
  readonly signalLost: RuleRuntime;
  /** UNMONITORED: time-driven like SIGNAL_LOST, from the bound/unbound input (issue 14). */
  readonly unmonitored: RuleRuntime;
  readonly hr: SignalState;
  readonly spo2: SignalState;
  /** Time of the last sample that reported contact. */
  contactLastT: number;
  /** The last HR reading (of any usability) was an artefact, at `lastHrArtefactT`: a sample following it
   * within the artefact window is an artefact neighbour (doubtful data). */
  lastHrReadingArtefact: boolean;
  lastHrArtefactT: number;
  /** Latest raw readings, for the tile. */
  latest: {
    hr: HrReading | null;
    spo2: { t: number; value: number; usable: boolean } | null;
    contact: { t: number; value: boolean } | null;
    steps: { t: number; value: number } | null;
    cadence: { t: number; value: number } | null;
  };
  /** Usable SpO2 values inside the baseline window; null once the baseline is fixed. */
  baselineSamples: number[] | null;
  /** Latest sample time evaluated; older samples are dropped. */
  lastSampleT: number;
  outOfOrderDropped: number;
  alertSeq: number;
  /** Every alert of the session, in raise order. */
  readonly alerts: AlertRecord[];
  readonly alertsById: Map<string, AlertRecord>;
  /** Alerts not yet closed. */
  liveAlerts: AlertRecord[];
  readonly metrics: MetricsAccumulator;
  exerciseEndMs: number | null;
  /**
   * Loop iterations spent on time-dependent work (escalation steps, trace buckets, signal-lost levels).
   * Bounded per call whatever the time jump (issue 12, ruling 4); read by tests through the monitor.
   */
  work: number;
}

/** Options of a new participant monitor. */
export interface ParticipantOptions {
  /** Prefix of alert ids (default `p`). */
  participantId?: string;
  /** Whether a device is bound at start (default true; false counts UNMONITORED from the session start). */
  bound?: boolean;
  /** End of the exercise phase, if known up front (ms). */
  exerciseEndMs?: number;
}

export const EMPTY: readonly EngineEvent[] = Object.freeze([]);
/** The actor of every transition the engine makes by itself (not a user). */
export const SYSTEM = 'system';
const NEVER_TRUE: Predicate = () => false;

function compileRules(rx: ResolvedPrescription, s: RuleSettings): RuleRuntime[] {
  return RULE_TABLE.map((def) => ({
    rule: def.rule,
    signal: def.signal,
    needsSpo2Baseline: def.needsSpo2Baseline,
    enabled: !(def.hrModeControlled && rx.hrMode === 'off'),
    capRank: def.hrModeControlled && rx.hrMode === 'advisory' ? 1 : 3,
    levels: def.levels.map((l) => ({
      rank: SEVERITY_RANK[l.severity],
      test: predicates[l.when] as Predicate,
      holdMs: l.holdMs(s),
    })),
    clearTest: predicates[def.clear.when] as Predicate,
    clearHoldMs: def.clear.holdMs(s),
    runStart: def.levels.map(() => Number.NaN),
    clearStart: Number.NaN,
    open: null,
    lockUntil: Number.NEGATIVE_INFINITY,
    lockRank: 0,
    unconfirmedReported: false,
  }));
}

/**
 * The rule state of one participant for a session starting at `sessionStartMs` (ms; ticks and the SpO2
 * baseline window count from it). `settings` are the already merged site/prescription settings.
 */
export function createState(
  rx: ResolvedPrescription,
  settings: RuleSettings,
  sessionStartMs: number,
  options: ParticipantOptions,
): ParticipantState {
  const timeRule = (
    rule: RuleId,
    levels: readonly { severity: Severity; afterMs: number }[],
  ): RuleRuntime => ({
    rule,
    signal: 'time',
    needsSpo2Baseline: false,
    enabled: true,
    capRank: 3,
    levels: levels.map((l) => ({
      rank: SEVERITY_RANK[l.severity],
      test: NEVER_TRUE,
      holdMs: l.afterMs,
    })),
    clearTest: NEVER_TRUE,
    clearHoldMs: 0,
    runStart: [],
    clearStart: Number.NaN,
    open: null,
    lockUntil: Number.NEGATIVE_INFINITY,
    lockRank: 0,
    unconfirmedReported: false,
  });
  const signalLost = timeRule('SIGNAL_LOST', signalLostLevels(settings));
  const unmonitored = timeRule('UNMONITORED', unmonitoredLevels(settings));
  const bound = options.bound ?? true;
  const rules = compileRules(rx, settings);
  const bySignal = (sig: RuleSignal) => rules.filter((r) => r.signal === sig && r.enabled);
  return {
    participantId: options.participantId ?? 'p',
    rx,
    settings,
    sessionStartMs,
    active: true,
    bound,
    unboundSince: bound ? Number.NaN : sessionStartMs,
    ctx: {
      zoneHighBpm: rx.zoneHighBpm,
      ceilingBpm: rx.ceilingBpm,
      spo2Floor: rx.spo2Floor,
      spo2Baseline: Number.NaN,
      settings,
    },
    rules,
    hrRules: bySignal('hr'),
    spo2Rules: bySignal('spo2'),
    contactRules: bySignal('contact'),
    signalLost,
    unmonitored,
    hr: { lastUsableT: Number.NaN, lastUsableValue: Number.NaN },
    spo2: { lastUsableT: Number.NaN, lastUsableValue: Number.NaN },
    contactLastT: Number.NaN,
    lastHrReadingArtefact: false,
    lastHrArtefactT: Number.NaN,
    latest: { hr: null, spo2: null, contact: null, steps: null, cadence: null },
    baselineSamples: [],
    lastSampleT: Number.NEGATIVE_INFINITY,
    outOfOrderDropped: 0,
    alertSeq: 0,
    alerts: [],
    alertsById: new Map(),
    liveAlerts: [],
    metrics: createMetrics(sessionStartMs, settings.metrics),
    exerciseEndMs: options.exerciseEndMs ?? null,
    work: 0,
  };
}
