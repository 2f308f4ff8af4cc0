import {
  addCadence,
  addSteps,
  addUsableHr,
  addUsableSpo2,
  advanceTrace,
  createMetrics,
  type HrRecovery,
  hrRecovery,
  type MetricsAccumulator,
  type SessionMetrics,
  summarizeMetrics,
  type TracePoint,
  traceSoFar,
  ZONE_STATES,
  zoneIndex,
} from './metrics.js';
import type { ResolvedPrescription } from './prescription.js';
import { defaultRuleSettings, type RuleSettings } from './settings.js';
import {
  type Predicate,
  predicates,
  RULE_TABLE,
  type RuleContext,
  type RuleSignal,
  signalLostLevels,
} from './table.js';
import {
  type AlertEvent,
  type EngineEvent,
  type Freshness,
  type RuleId,
  type Sample,
  SEVERITY_BY_RANK,
  SEVERITY_RANK,
  type Severity,
  type ZoneState,
} from './types.js';

/** One alert as the registry sees it: raise, severity, condition clear, acknowledgement, close. */
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
  /** Latest acknowledgement; it covers severities up to `ackRank` (0 = not acknowledged). */
  lastAckAt: number | null;
  ackRank: number;
  /** Escalation steps already taken at the current severity. */
  escalationLevel: number;
  /** A critical re-sound happened since the latest acknowledgement. */
  resounded: boolean;
  closedAt: number | null;
  closedBy: string | null;
}

interface CompiledLevel {
  readonly rank: number;
  readonly test: Predicate;
  readonly holdMs: number;
}

/** Runtime state of one rule for one participant. */
interface RuleRuntime {
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
}

/** Per-signal bookkeeping. */
interface SignalState {
  /** Time and value of the last usable sample (NaN = none). */
  lastUsableT: number;
  lastUsableValue: number;
}

/** All rule, lifecycle and metrics state of one participant in one session. Mutated in place. */
export interface ParticipantState {
  readonly participantId: string;
  readonly rx: ResolvedPrescription;
  readonly settings: RuleSettings;
  readonly sessionStartMs: number;
  /** Session running (rules and metrics only run while active). */
  active: boolean;
  /** A device is bound to the participant (SIGNAL_LOST only fires while bound). */
  bound: boolean;
  readonly ctx: RuleContext;
  /** Sample-driven rules in table order, and the same split by signal (enabled ones only). */
  readonly rules: RuleRuntime[];
  readonly hrRules: RuleRuntime[];
  readonly spo2Rules: RuleRuntime[];
  readonly contactRules: RuleRuntime[];
  readonly signalLost: RuleRuntime;
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
    hr: { t: number; value: number; usable: boolean; artefact: boolean } | null;
    spo2: { t: number; value: number; usable: boolean } | null;
    contact: { t: number; value: boolean } | null;
    steps: { t: number; value: number } | null;
    cadence: { t: number; value: number } | null;
  };
  /** Usable SpO2 values inside the baseline window; null once the baseline is fixed. */
  baselineSamples: number[] | null;
  /** Latest sample time evaluated; older samples are dropped (see {@link evaluateSample}). */
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
}

/** Result of every state transition: the (same, mutated) state and what happened, in order. */
export interface StepResult {
  state: ParticipantState;
  events: readonly EngineEvent[];
}

/** Options of {@link createParticipant}. */
export interface ParticipantOptions {
  /** Prefix of alert ids (default `p`). */
  participantId?: string;
  /** Whether a device is bound at start (default true). */
  bound?: boolean;
  /** End of the exercise phase, if known up front (ms). */
  exerciseEndMs?: number;
}

const EMPTY: readonly EngineEvent[] = Object.freeze([]);
const NEVER_TRUE: Predicate = () => false;
const SYSTEM = 'system';

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
  }));
}

/**
 * Creates the rule state of one participant for a session starting at `sessionStartMs` (ms; ticks and the
 * SpO2 baseline window count from it). `settings` are the already merged site/prescription settings.
 */
export function createParticipant(
  rx: ResolvedPrescription,
  settings: RuleSettings = defaultRuleSettings,
  sessionStartMs = 0,
  options: ParticipantOptions = {},
): ParticipantState {
  const signalLost: RuleRuntime = {
    rule: 'SIGNAL_LOST',
    signal: 'time',
    needsSpo2Baseline: false,
    enabled: true,
    capRank: 3,
    levels: signalLostLevels(settings).map((l) => ({
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
  };
  const rules = compileRules(rx, settings);
  const bySignal = (sig: RuleSignal) => rules.filter((r) => r.signal === sig && r.enabled);
  return {
    participantId: options.participantId ?? 'p',
    rx,
    settings,
    sessionStartMs,
    active: true,
    bound: options.bound ?? true,
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
  };
}

// ---------------------------------------------------------------------------------------------------------
// Alert transitions

function emitAlert(
  out: EngineEvent[],
  t: number,
  a: AlertRecord,
  event: AlertEvent['event'],
  unconfirmed: boolean,
) {
  const e: AlertEvent = { t, rule: a.rule, severity: a.severity, event, alertId: a.alertId };
  if (unconfirmed) e.unconfirmed = true;
  out.push(e);
}

function raise(
  st: ParticipantState,
  rr: RuleRuntime,
  t: number,
  rank: number,
  unconfirmed: boolean,
  out: EngineEvent[],
) {
  st.alertSeq++;
  const a: AlertRecord = {
    alertId: `${st.participantId}:${rr.rule}:${st.alertSeq}`,
    rule: rr.rule,
    severity: SEVERITY_BY_RANK[rank] as Severity,
    rank,
    unconfirmed,
    raisedAt: t,
    severitySince: t,
    escalationFrom: t,
    conditionClearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    lastAckAt: null,
    ackRank: 0,
    escalationLevel: 0,
    resounded: false,
    closedAt: null,
    closedBy: null,
  };
  rr.open = a;
  st.alerts.push(a);
  st.alertsById.set(a.alertId, a);
  st.liveAlerts.push(a);
  emitAlert(out, t, a, 'raised', unconfirmed);
}

function upgrade(a: AlertRecord, t: number, rank: number, unconfirmed: boolean, out: EngineEvent[]) {
  a.rank = rank;
  a.severity = SEVERITY_BY_RANK[rank] as Severity;
  a.unconfirmed = unconfirmed;
  a.severitySince = t;
  a.escalationFrom = t;
  a.escalationLevel = 0;
  emitAlert(out, t, a, 'upgraded', unconfirmed);
}

function close(st: ParticipantState, a: AlertRecord, t: number, actor: string, out: EngineEvent[]) {
  a.closedAt = t;
  a.closedBy = actor;
  st.liveAlerts = st.liveAlerts.filter((x) => x !== a);
  out.push({ t, event: 'closed', alertId: a.alertId, rule: a.rule, severity: a.severity, actor });
}

function clearCondition(st: ParticipantState, rr: RuleRuntime, t: number, out: EngineEvent[]) {
  const a = rr.open;
  if (!a) return;
  rr.open = null;
  a.conditionClearedAt = t;
  emitAlert(out, t, a, 'cleared', false);
  // Lock-out follows the severity at clear; a cleared critical locks nothing (section 3a).
  const rearm = st.settings.rearm;
  if (a.rank === 1) {
    rr.lockRank = 1;
    rr.lockUntil = t + rearm.advisoryMs;
  } else if (a.rank === 2) {
    rr.lockRank = 2;
    rr.lockUntil = t + rearm.warningMs;
  } else {
    rr.lockRank = 0;
    rr.lockUntil = Number.NEGATIVE_INFINITY;
  }
  // Critical latches until acknowledged; advisory and warning close with the condition.
  if (a.rank < 3 || a.ackRank >= 3) close(st, a, t, SYSTEM, out);
}

/**
 * Raise/upgrade decision once the strongest held level is known (raw severity rank, 0 = none):
 * cap by hrMode, turn doubtful critical into unconfirmed warning, respect the re-arm lock-out.
 */
function decide(
  st: ParticipantState,
  rr: RuleRuntime,
  t: number,
  rawRank: number,
  doubtful: boolean,
  out: EngineEvent[],
) {
  if (rawRank === 0) return;
  let rank = Math.min(rawRank, rr.capRank);
  let unconfirmed = false;
  if (rank === 3 && doubtful) {
    rank = 2;
    unconfirmed = true;
  }
  const a = rr.open;
  if (a) {
    if (rank > a.rank) upgrade(a, t, rank, unconfirmed, out);
  } else if (rank > rr.lockRank || t >= rr.lockUntil) {
    raise(st, rr, t, rank, unconfirmed, out);
  }
}

/** Advances one sample-driven rule at a usable sample of its signal. */
function stepRule(
  st: ParticipantState,
  rr: RuleRuntime,
  t: number,
  v: number,
  doubtful: boolean,
  out: EngineEvent[],
) {
  const c = st.ctx;
  const levels = rr.levels;
  const runs = rr.runStart;
  let rawRank = 0;
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] as CompiledLevel;
    if (l.test(v, c)) {
      let start = runs[i] as number;
      if (Number.isNaN(start)) {
        start = t;
        runs[i] = t;
      }
      if (t - start >= l.holdMs && l.rank > rawRank) rawRank = l.rank;
    } else {
      runs[i] = Number.NaN;
    }
  }
  if (rr.clearTest(v, c)) {
    if (Number.isNaN(rr.clearStart)) rr.clearStart = t;
  } else {
    rr.clearStart = Number.NaN;
  }
  if (rr.open && !Number.isNaN(rr.clearStart) && t - rr.clearStart >= rr.clearHoldMs) {
    clearCondition(st, rr, t, out);
    return;
  }
  decide(st, rr, t, rawRank, doubtful, out);
}

function breakRuns(rr: RuleRuntime) {
  rr.runStart.fill(Number.NaN);
  rr.clearStart = Number.NaN;
}

function breakSignal(st: ParticipantState, signal: RuleSignal) {
  for (const rr of st.rules) if (rr.signal === signal) breakRuns(rr);
}

function median(values: number[]): number {
  const a = [...values].sort((x, y) => x - y);
  const mid = a.length >> 1;
  return a.length % 2 === 1 ? (a[mid] as number) : ((a[mid - 1] as number) + (a[mid] as number)) / 2;
}

function rrAgrees(rrMs: readonly number[] | null | undefined, hr: number, toleranceBpm: number): boolean {
  if (!rrMs || rrMs.length === 0) return false;
  let sum = 0;
  for (const x of rrMs) sum += x;
  if (!(sum > 0)) return false;
  return Math.abs((60_000 * rrMs.length) / sum - hr) <= toleranceBpm;
}

function isNum(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

// ---------------------------------------------------------------------------------------------------------
// Public transitions

/**
 * Evaluates one sample (section 2, 3, 3a) and returns the events it caused, in rule-table order.
 *
 * Samples must arrive in non-decreasing `t`; a sample older than the latest evaluated one is dropped
 * (counted in `outOfOrderDropped`) so the outcome never depends on arrival jitter — sort a batch first with
 * {@link evaluateSamples} or {@link sortSamples}. Samples with equal `t` are evaluated in arrival order.
 */
export function evaluateSample(state: ParticipantState, sample: Sample): StepResult {
  const t = sample.t;
  if (!(t >= state.lastSampleT)) {
    state.outOfOrderDropped++;
    return { state, events: EMPTY };
  }
  state.lastSampleT = t;
  const s = state.settings;
  const sig = s.signal;
  const contact = sample.contact === true ? true : sample.contact === false ? false : null;
  const latest = state.latest;
  if (contact !== null) latest.contact = { t, value: contact };

  // Usability (section 2): range, contact, artefact (jump from the previous usable sample, unless RR agrees).
  const hrv = sample.hr;
  let hrUsable = false;
  let hrArtefact = false;
  const artefactNeighbour = state.lastHrReadingArtefact && t - state.lastHrArtefactT < sig.artefactWindowMs;
  if (isNum(hrv)) {
    if (hrv >= sig.hrMinBpm && hrv <= sig.hrMaxBpm && contact !== false) {
      const h = state.hr;
      if (
        !Number.isNaN(h.lastUsableT) &&
        t - h.lastUsableT < sig.artefactWindowMs &&
        Math.abs(hrv - h.lastUsableValue) > sig.artefactJumpBpm &&
        !rrAgrees(sample.rrMs, hrv, sig.rrAgreementBpm)
      ) {
        hrArtefact = true;
      } else {
        hrUsable = true;
      }
    }
    state.lastHrReadingArtefact = hrArtefact;
    if (hrArtefact) state.lastHrArtefactT = t;
    latest.hr = { t, value: hrv, usable: hrUsable, artefact: hrArtefact };
  }
  const spo2v = sample.spo2;
  let spo2Usable = false;
  if (isNum(spo2v)) {
    spo2Usable = spo2v >= sig.spo2MinPct && spo2v <= sig.spo2MaxPct;
    latest.spo2 = { t, value: spo2v, usable: spo2Usable };
  }
  if (isNum(sample.steps)) latest.steps = { t, value: sample.steps };
  if (isNum(sample.cadence)) latest.cadence = { t, value: sample.cadence };

  if (!state.active) return { state, events: EMPTY };

  const m = state.metrics;
  advanceTrace(m, t);
  if (isNum(sample.steps) && sample.steps >= 0) addSteps(m, t, sample.steps);
  if (isNum(sample.cadence) && sample.cadence >= 0) addCadence(m, sample.cadence);

  // Critical-strength conditions on doubtful data become unconfirmed warnings (section 3).
  const doubtful = contact === false || hrArtefact || artefactNeighbour;
  let out: EngineEvent[] | null = null;
  const maxGap = sig.maxGapMs;

  if (hrUsable) {
    const v = hrv as number;
    const h = state.hr;
    if (!Number.isNaN(h.lastUsableT) && t - h.lastUsableT > maxGap) breakSignal(state, 'hr');
    h.lastUsableT = t;
    h.lastUsableValue = v;
    out = [];
    for (const rr of state.hrRules) stepRule(state, rr, t, v, doubtful, out);
    const rx = state.rx;
    addUsableHr(m, t, v, zoneIndex(v, rx.zoneLowBpm, rx.zoneHighBpm, rx.ceilingBpm));
  }

  if (spo2Usable) {
    const v = spo2v as number;
    const p = state.spo2;
    if (!Number.isNaN(p.lastUsableT) && t - p.lastUsableT > maxGap) breakSignal(state, 'spo2');
    p.lastUsableT = t;
    p.lastUsableValue = v;
    // SPO2_DROP baseline = median of usable SpO2 with t − start < window; the rule runs only from the window end.
    let haveBaseline = false;
    if (t - state.sessionStartMs < s.spo2Drop.baselineWindowMs) {
      state.baselineSamples?.push(v);
    } else {
      if (state.baselineSamples !== null) {
        state.ctx.spo2Baseline =
          state.baselineSamples.length > 0 ? median(state.baselineSamples) : Number.NaN;
        state.baselineSamples = null;
      }
      haveBaseline = !Number.isNaN(state.ctx.spo2Baseline);
    }
    out ??= [];
    for (const rr of state.spo2Rules)
      if (haveBaseline || !rr.needsSpo2Baseline) stepRule(state, rr, t, v, doubtful, out);
    addUsableSpo2(m, v);
  }

  if ((hrUsable || spo2Usable) && state.signalLost.open) {
    out ??= [];
    clearCondition(state, state.signalLost, t, out);
  }

  if (contact !== null) {
    if (!Number.isNaN(state.contactLastT) && t - state.contactLastT > maxGap) breakSignal(state, 'contact');
    state.contactLastT = t;
    out ??= [];
    for (const rr of state.contactRules) stepRule(state, rr, t, contact ? 1 : 0, false, out);
  }

  return { state, events: out === null || out.length === 0 ? EMPTY : out };
}

/**
 * Time-driven transitions at `nowMs`: SIGNAL_LOST raise/upgrade, escalation of unacknowledged alerts, and
 * the re-sound of a critical alert still open a while after acknowledgement (section 4). Call it at least
 * once a second; when a sample and a tick share a time, evaluate the sample first.
 */
export function tick(state: ParticipantState, nowMs: number): StepResult {
  let out: EngineEvent[] | null = null;
  if (state.active && state.bound) {
    const h = state.hr.lastUsableT;
    const p = state.spo2.lastUsableT;
    const last = !Number.isNaN(h)
      ? !Number.isNaN(p)
        ? Math.max(h, p)
        : h
      : !Number.isNaN(p)
        ? p
        : state.sessionStartMs;
    const elapsed = nowMs - last;
    const rr = state.signalLost;
    let rawRank = 0;
    for (const l of rr.levels) if (elapsed >= l.holdMs && l.rank > rawRank) rawRank = l.rank;
    if (rawRank > 0) {
      out = [];
      decide(state, rr, nowMs, rawRank, false, out);
    }
  }
  const live = state.liveAlerts;
  if (live.length > 0) {
    const lc = state.settings.lifecycle;
    for (const a of live) {
      if (a.ackRank < a.rank) {
        const steps = lc.escalation[a.severity];
        while (a.escalationLevel < steps.length) {
          const step = steps[a.escalationLevel];
          if (!step || nowMs - a.escalationFrom < step.afterMs) break;
          a.escalationLevel++;
          out ??= [];
          out.push({
            t: nowMs,
            event: 'escalated',
            alertId: a.alertId,
            rule: a.rule,
            severity: a.severity,
            actor: SYSTEM,
            level: a.escalationLevel,
            target: step.target,
          });
        }
      } else if (
        a.rank === 3 &&
        a.conditionClearedAt === null &&
        !a.resounded &&
        a.lastAckAt !== null &&
        nowMs - a.lastAckAt >= lc.criticalResoundAfterAckMs
      ) {
        // Sounds again until acknowledged again; escalation starts over from now.
        a.resounded = true;
        a.ackRank = 0;
        a.escalationFrom = nowMs;
        a.escalationLevel = 0;
        out ??= [];
        out.push({
          t: nowMs,
          event: 'resounded',
          alertId: a.alertId,
          rule: a.rule,
          severity: a.severity,
          actor: SYSTEM,
        });
      }
    }
  }
  return { state, events: out === null || out.length === 0 ? EMPTY : out };
}

/** Why an acknowledgement did nothing. */
export type AcknowledgeError = 'unknown-alert' | 'already-closed' | 'already-acknowledged';

/**
 * Acknowledges an alert at `nowMs` by `actor` (section 4): silences it (event `acknowledged`); a critical
 * alert whose condition already cleared also closes (event `closed`). A critical alert still active
 * re-sounds from `tick` if it is still open `criticalResoundAfterAckMs` later.
 */
export function acknowledge(
  state: ParticipantState,
  alertId: string,
  actor: string,
  nowMs: number,
  note?: string,
): StepResult & { error?: AcknowledgeError } {
  const a = state.alertsById.get(alertId);
  if (!a) return { state, events: EMPTY, error: 'unknown-alert' };
  if (a.closedAt !== null) return { state, events: EMPTY, error: 'already-closed' };
  if (a.ackRank >= a.rank) return { state, events: EMPTY, error: 'already-acknowledged' };
  a.ackRank = a.rank;
  a.lastAckAt = nowMs;
  a.resounded = false;
  if (a.acknowledgedAt === null) {
    a.acknowledgedAt = nowMs;
    a.acknowledgedBy = actor;
    a.note = note ?? null;
  }
  const out: EngineEvent[] = [];
  out.push(
    note === undefined
      ? { t: nowMs, event: 'acknowledged', alertId, rule: a.rule, severity: a.severity, actor }
      : { t: nowMs, event: 'acknowledged', alertId, rule: a.rule, severity: a.severity, actor, note },
  );
  if (a.conditionClearedAt !== null) close(state, a, nowMs, actor, out);
  return { state, events: out };
}

/** Binds or unbinds the participant's device (SIGNAL_LOST only counts while bound). */
export function setBound(state: ParticipantState, bound: boolean): ParticipantState {
  state.bound = bound;
  return state;
}

/** Records when the exercise phase ended (for HR recovery); may be given after the fact. */
export function markExerciseEnd(state: ParticipantState, exerciseEndMs: number): ParticipantState {
  state.exerciseEndMs = exerciseEndMs;
  return state;
}

/** Ends the session: no more rule evaluation or metrics; open alerts stay in the registry. */
export function endSession(state: ParticipantState): ParticipantState {
  state.active = false;
  return state;
}

/** Stable sort by measurement time (ties keep arrival order). */
export function sortSamples<T extends { t: number }>(samples: readonly T[]): T[] {
  return samples
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.t - b.s.t || a.i - b.i)
    .map((x) => x.s);
}

/** Sorts a batch by `t` (stable) and evaluates it, concatenating the events. */
export function evaluateSamples(state: ParticipantState, samples: readonly Sample[]): StepResult {
  const events: EngineEvent[] = [];
  for (const s of sortSamples(samples)) events.push(...evaluateSample(state, s).events);
  return { state, events };
}

/**
 * Replays samples with a tick every `tickIntervalMs` from the session start (section 7): samples sorted
 * by `t`, each tick after the samples of its own time, no tick after the last sample.
 */
export function runTrace(
  state: ParticipantState,
  samples: readonly Sample[],
  tickIntervalMs = 1000,
): StepResult & { endMs: number } {
  const events: EngineEvent[] = [];
  const sorted = sortSamples(samples);
  let next = state.sessionStartMs;
  for (const s of sorted) {
    while (next < s.t) {
      for (const e of tick(state, next).events) events.push(e);
      next += tickIntervalMs;
    }
    for (const e of evaluateSample(state, s).events) events.push(e);
  }
  const endMs = sorted.length > 0 ? (sorted[sorted.length - 1] as Sample).t : state.sessionStartMs;
  while (next <= endMs) {
    for (const e of tick(state, next).events) events.push(e);
    next += tickIntervalMs;
  }
  return { state, events, endMs };
}

// ---------------------------------------------------------------------------------------------------------
// Views and reports

/** Freshness of a signal whose last usable sample was at `lastT` (section 2). */
export function freshnessOf(lastT: number, nowMs: number, s: RuleSettings): Freshness {
  if (Number.isNaN(lastT)) return 'lost';
  const age = nowMs - lastT;
  if (age < s.freshness.staleAfterMs) return 'live';
  if (age < s.freshness.lostAfterMs) return 'stale';
  return 'lost';
}

/** An alert as the console shows it. */
export interface AlertView {
  alertId: string;
  rule: RuleId;
  severity: Severity;
  unconfirmed: boolean;
  status: 'open' | 'acknowledged';
  /** false once the condition cleared (a latched critical awaiting acknowledgement). */
  conditionActive: boolean;
  raisedAt: number;
  acknowledgedAt: number | null;
}

/** The tile of one participant at `nowMs`. */
export interface ParticipantView {
  t: number;
  participantId: string;
  /** Latest usable HR (bpm) — show "--" when `freshness` is `lost`. */
  hr: { value: number; t: number; freshness: Freshness } | null;
  /** The latest HR reading was an artefact: shown, but not counted. */
  hrArtefact: { value: number; t: number } | null;
  spo2: { value: number; t: number; freshness: Freshness } | null;
  steps: number | null;
  cadence: number | null;
  contact: boolean | null;
  /** Zone state of the latest usable HR; null when none or lost. */
  zoneState: ZoneState | null;
  /** Best freshness of HR and SpO2. */
  freshness: Freshness;
  hrMode: ResolvedPrescription['hrMode'];
  alerts: AlertView[];
}

/** What the console shows for this participant at `nowMs` (pure read; does not change state). */
export function view(state: ParticipantState, nowMs: number): ParticipantView {
  const s = state.settings;
  const rx = state.rx;
  const hrF = freshnessOf(state.hr.lastUsableT, nowMs, s);
  const spF = freshnessOf(state.spo2.lastUsableT, nowMs, s);
  const rank = { live: 0, stale: 1, lost: 2 } as const;
  const freshness = rank[hrF] <= rank[spF] ? hrF : spF;
  const lh = state.latest.hr;
  return {
    t: nowMs,
    participantId: state.participantId,
    hr: !Number.isNaN(state.hr.lastUsableT)
      ? { value: state.hr.lastUsableValue, t: state.hr.lastUsableT, freshness: hrF }
      : null,
    hrArtefact: lh?.artefact ? { value: lh.value, t: lh.t } : null,
    spo2: !Number.isNaN(state.spo2.lastUsableT)
      ? { value: state.spo2.lastUsableValue, t: state.spo2.lastUsableT, freshness: spF }
      : null,
    steps: state.latest.steps?.value ?? null,
    cadence: state.latest.cadence?.value ?? null,
    contact: state.latest.contact?.value ?? null,
    zoneState:
      hrF === 'lost' || Number.isNaN(state.hr.lastUsableT)
        ? null
        : (ZONE_STATES[
            zoneIndex(state.hr.lastUsableValue, rx.zoneLowBpm, rx.zoneHighBpm, rx.ceilingBpm)
          ] as ZoneState),
    freshness,
    hrMode: rx.hrMode,
    alerts: state.liveAlerts.map((a) => ({
      alertId: a.alertId,
      rule: a.rule,
      severity: a.severity,
      unconfirmed: a.unconfirmed,
      status: a.ackRank >= a.rank ? 'acknowledged' : 'open',
      conditionActive: a.conditionClearedAt === null,
      raisedAt: a.raisedAt,
      acknowledgedAt: a.lastAckAt,
    })),
  };
}

/** One alert line of the session report (section 6). */
export interface AlertReport {
  alertId: string;
  rule: RuleId;
  severity: Severity;
  unconfirmed: boolean;
  raisedAt: number;
  clearedAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  /** (first acknowledgement − raise) in seconds; null if never acknowledged. */
  timeToAcknowledgeS: number | null;
  closedAt: number | null;
}

/** Minutes in zone against the prescription's FITT target. */
export interface SessionAdherence {
  minutesInZone: number;
  targetMinutesInZone: number | null;
  met: boolean | null;
}

/** The session report (section 6). */
export interface SessionReport extends SessionMetrics {
  hrRecovery: HrRecovery | null;
  trace: TracePoint[];
  alerts: AlertReport[];
  adherence: SessionAdherence;
}

/** Summary metrics at `endMs` (see {@link SessionMetrics}); pure read. */
export function sessionMetrics(state: ParticipantState, endMs: number): SessionMetrics {
  return summarizeMetrics(state.metrics, endMs);
}

/** The full session report at `endMs` (pure read). `exerciseEndMs` overrides a marked exercise end. */
export function sessionReport(
  state: ParticipantState,
  endMs: number,
  opts: { exerciseEndMs?: number } = {},
): SessionReport {
  const summary = summarizeMetrics(state.metrics, endMs);
  const exEnd = opts.exerciseEndMs ?? state.exerciseEndMs;
  const minutesInZone = Math.round((summary.secondsIn / 60) * 10) / 10;
  const target = state.rx.fitt?.minutesInZone ?? null;
  return {
    ...summary,
    hrRecovery: exEnd === null ? null : hrRecovery(state.metrics, exEnd, state.settings.metrics),
    trace: traceSoFar(state.metrics),
    alerts: state.alerts.map((a) => ({
      alertId: a.alertId,
      rule: a.rule,
      severity: a.severity,
      unconfirmed: a.unconfirmed,
      raisedAt: a.raisedAt,
      clearedAt: a.conditionClearedAt,
      acknowledgedAt: a.acknowledgedAt,
      acknowledgedBy: a.acknowledgedBy,
      timeToAcknowledgeS: a.acknowledgedAt === null ? null : (a.acknowledgedAt - a.raisedAt) / 1000,
      closedAt: a.closedAt,
    })),
    adherence: {
      minutesInZone,
      targetMinutesInZone: target,
      met: target === null ? null : minutesInZone >= target,
    },
  };
}

/**
 * Weekly adherence against FITT (section 6): sessions in the week starting at `weekStartMs` and how many
 * met their minutes-in-zone target.
 */
export function weeklyAdherence(
  sessions: readonly { startMs: number; minutesInZone: number }[],
  fitt: { sessionsPerWeek: number; minutesInZone: number },
  weekStartMs: number,
): { sessions: number; sessionsMeetingTarget: number; targetSessions: number; met: boolean } {
  const weekMs = 7 * 24 * 3600 * 1000;
  const inWeek = sessions.filter((x) => x.startMs >= weekStartMs && x.startMs < weekStartMs + weekMs);
  const meeting = inWeek.filter((x) => x.minutesInZone >= fitt.minutesInZone).length;
  return {
    sessions: inWeek.length,
    sessionsMeetingTarget: meeting,
    targetSessions: fitt.sessionsPerWeek,
    met: meeting >= fitt.sessionsPerWeek,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Restore after a restart

/** An alert the registry still holds open, as {@link restoreAlert} takes it back. */
export interface RestoredAlert {
  alertId: string;
  rule: RuleId;
  severity: Severity;
  unconfirmed: boolean;
  raisedAt: number;
  /** The condition had already cleared (a latched critical waiting for acknowledgement). */
  conditionCleared: boolean;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  escalationLevel: number;
}

/**
 * Puts an alert that was open before a restart back into a fresh participant state (ARCHITECTURE.md,
 * failure behaviour: "open alerts … are restored from the registry; rule state warms up again"). An alert
 * whose condition was still active becomes the rule's open alert again, so it clears by hysteresis and
 * upgrades in place instead of being raised twice; a latched critical still needs acknowledgement.
 * Escalation continues from the restored level, counted from `nowMs`.
 */
export function restoreAlert(state: ParticipantState, r: RestoredAlert, nowMs: number): ParticipantState {
  const rank = SEVERITY_RANK[r.severity];
  const a: AlertRecord = {
    alertId: r.alertId,
    rule: r.rule,
    severity: r.severity,
    rank,
    unconfirmed: r.unconfirmed,
    raisedAt: r.raisedAt,
    severitySince: r.raisedAt,
    escalationFrom: nowMs,
    conditionClearedAt: r.conditionCleared ? nowMs : null,
    acknowledgedAt: r.acknowledgedAt,
    acknowledgedBy: r.acknowledgedBy,
    note: null,
    lastAckAt: r.acknowledgedAt,
    ackRank: r.acknowledgedAt === null ? 0 : rank,
    escalationLevel: r.escalationLevel,
    resounded: false,
    closedAt: null,
    closedBy: null,
  };
  state.alerts.push(a);
  state.alertsById.set(a.alertId, a);
  state.liveAlerts.push(a);
  if (!r.conditionCleared) {
    const rr = r.rule === 'SIGNAL_LOST' ? state.signalLost : state.rules.find((x) => x.rule === r.rule);
    if (rr) rr.open = a;
  }
  return state;
}

/**
 * The same participant, same session, under a new prescription (a clinician corrected it mid-class). Signal
 * history, SpO2 baseline, metrics and every alert carry over; an alert whose condition is active stays the
 * rule's open alert (it clears by the new thresholds' hysteresis or upgrades in place, never re-raises), and
 * re-arm lock-outs carry over. Hold runs start again under the new thresholds.
 */
export function withPrescription(
  state: ParticipantState,
  rx: ResolvedPrescription,
  settings: RuleSettings = state.settings,
): ParticipantState {
  const next = createParticipant(rx, settings, state.sessionStartMs, {
    participantId: state.participantId,
    bound: state.bound,
    ...(state.exerciseEndMs !== null ? { exerciseEndMs: state.exerciseEndMs } : {}),
  });
  next.active = state.active;
  Object.assign(next.hr, state.hr);
  Object.assign(next.spo2, state.spo2);
  next.contactLastT = state.contactLastT;
  next.lastHrReadingArtefact = state.lastHrReadingArtefact;
  next.lastHrArtefactT = state.lastHrArtefactT;
  next.latest = state.latest;
  next.baselineSamples = state.baselineSamples;
  next.ctx.spo2Baseline = state.ctx.spo2Baseline;
  next.lastSampleT = state.lastSampleT;
  next.outOfOrderDropped = state.outOfOrderDropped;
  next.alertSeq = state.alertSeq;
  next.alerts.push(...state.alerts);
  for (const [id, a] of state.alertsById) next.alertsById.set(id, a);
  next.liveAlerts = [...state.liveAlerts];
  (next as { metrics: MetricsAccumulator }).metrics = state.metrics;
  const carry = (from: RuleRuntime, to: RuleRuntime) => {
    to.open = from.open;
    to.lockUntil = from.lockUntil;
    to.lockRank = from.lockRank;
  };
  for (const old of state.rules) {
    const to = next.rules.find((r) => r.rule === old.rule);
    if (to) carry(old, to);
  }
  carry(state.signalLost, next.signalLost);
  return next;
}
