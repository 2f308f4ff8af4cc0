// Alert lifecycle (CLINICAL-RULES.md sections 3 and 4): raise, upgrade, clear, close, acknowledgement,
// escalation and re-sound. The only place that decides an alert's state; every event carries the result.
import { type AlertRecord, EMPTY, type ParticipantState, type RuleRuntime, SYSTEM } from './state.js';
import {
  type AlertEvent,
  type AlertStatus,
  type EngineEvent,
  SEVERITY_BY_RANK,
  type Severity,
} from './types.js';

/** The alert's lifecycle state as events carry it. */
export function statusOf(a: AlertRecord): AlertStatus {
  const acked = a.ackRank >= a.rank;
  return {
    state: a.closedAt !== null ? 'closed' : acked ? 'acknowledged' : 'open',
    severity: a.severity,
    unconfirmed: a.unconfirmed,
    conditionCleared: a.conditionClearedAt !== null,
    raisedAt: a.raisedAt,
    acknowledgedAt: acked ? a.lastAckAt : null,
    acknowledgedBy: acked ? a.lastAckBy : null,
    closedAt: a.closedAt,
    escalationLevel: a.escalationLevel,
  };
}

function emitAlert(
  out: EngineEvent[],
  t: number,
  a: AlertRecord,
  event: AlertEvent['event'],
  unconfirmed: boolean,
) {
  const e: AlertEvent = {
    t,
    rule: a.rule,
    severity: a.severity,
    event,
    alertId: a.alertId,
    alert: statusOf(a),
  };
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
    lastAckBy: null,
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

/**
 * Upgrades in place. Every upgrade needs a new acknowledgement (an acknowledgement silenced the weaker alarm
 * only; IEC 60601-1-8 re-annunciation) and escalation counts from it.
 */
function upgrade(a: AlertRecord, t: number, rank: number, unconfirmed: boolean, out: EngineEvent[]) {
  a.rank = rank;
  a.severity = SEVERITY_BY_RANK[rank] as Severity;
  a.unconfirmed = unconfirmed;
  a.severitySince = t;
  a.escalationFrom = t;
  a.escalationLevel = 0;
  a.ackRank = 0;
  emitAlert(out, t, a, 'upgraded', unconfirmed);
}

function close(
  st: ParticipantState,
  a: AlertRecord,
  t: number,
  actor: string,
  out: EngineEvent[],
  note?: string,
) {
  a.closedAt = t;
  a.closedBy = actor;
  st.liveAlerts = st.liveAlerts.filter((x) => x !== a);
  const e: EngineEvent = {
    t,
    event: 'closed',
    alertId: a.alertId,
    rule: a.rule,
    severity: a.severity,
    actor,
    alert: statusOf(a),
  };
  if (note !== undefined) e.note = note;
  out.push(e);
}

/** The rule's open alert's condition cleared at `t`: lock-out, and close unless a critical still latches. */
export function clearCondition(st: ParticipantState, rr: RuleRuntime, t: number, out: EngineEvent[]) {
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
 * Raise/upgrade decision once the strongest held level is known (raw severity rank, 0 = none): cap by
 * hrMode, turn a doubtful critical into an unconfirmed warning, respect the re-arm lock-out. An unconfirmed
 * critical on an alert already open at warning is reported once per run of the rule's critical-strength
 * conditions as `upgraded` warning unconfirmed (issue 12, ruling 1).
 */
export function decide(
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
    else if (unconfirmed && a.rank === 2 && !rr.unconfirmedReported) upgrade(a, t, 2, true, out);
    else return;
  } else if (rank > rr.lockRank || t >= rr.lockUntil) {
    raise(st, rr, t, rank, unconfirmed, out);
  } else {
    return;
  }
  if (unconfirmed) rr.unconfirmedReported = true;
}

/**
 * SIGNAL_LOST raise/upgrade, escalation of unacknowledged alerts and the re-sound of a critical alert still
 * open a while after acknowledgement, at `nowMs`. O(1) in the time since the previous call: escalation
 * takes every step that is due at once (bounded by the number of steps), never one iteration per second.
 */
export function tickState(st: ParticipantState, nowMs: number): readonly EngineEvent[] {
  let out: EngineEvent[] | null = null;
  if (st.active && !st.bound && !Number.isNaN(st.unboundSince)) {
    // UNMONITORED (issue 14): nobody in an active session goes without a bound device silently.
    const rr = st.unmonitored;
    let rawRank = 0;
    for (const l of rr.levels) {
      st.work++;
      if (nowMs - st.unboundSince >= l.holdMs && l.rank > rawRank) rawRank = l.rank;
    }
    if (rawRank > 0) {
      out = [];
      decide(st, rr, nowMs, rawRank, false, out);
    }
  }
  if (st.active && st.bound) {
    const h = st.hr.lastUsableT;
    const p = st.spo2.lastUsableT;
    const last = !Number.isNaN(h)
      ? !Number.isNaN(p)
        ? Math.max(h, p)
        : h
      : !Number.isNaN(p)
        ? p
        : st.sessionStartMs;
    const elapsed = nowMs - last;
    const rr = st.signalLost;
    let rawRank = 0;
    for (const l of rr.levels) {
      st.work++;
      if (elapsed >= l.holdMs && l.rank > rawRank) rawRank = l.rank;
    }
    if (rawRank > 0) {
      out ??= [];
      decide(st, rr, nowMs, rawRank, false, out);
    }
  }
  const live = st.liveAlerts;
  if (live.length > 0) {
    const lc = st.settings.lifecycle;
    for (const a of live) {
      if (a.ackRank < a.rank) {
        const steps = lc.escalation[a.severity];
        while (a.escalationLevel < steps.length) {
          st.work++;
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
            alert: statusOf(a),
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
          alert: statusOf(a),
        });
      }
    }
  }
  return out === null || out.length === 0 ? EMPTY : out;
}

/** Why an acknowledgement did nothing. */
export type AcknowledgeError = 'unknown-alert' | 'already-closed' | 'already-acknowledged';

/**
 * Acknowledges an alert at `nowMs` by `actor` (section 4): silences it (event `acknowledged`); a critical
 * alert whose condition already cleared also closes (event `closed`).
 */
export function acknowledgeState(
  st: ParticipantState,
  alertId: string,
  actor: string,
  nowMs: number,
  note?: string,
): { events: readonly EngineEvent[]; error?: AcknowledgeError } {
  const a = st.alertsById.get(alertId);
  if (!a) return { events: EMPTY, error: 'unknown-alert' };
  if (a.closedAt !== null) return { events: EMPTY, error: 'already-closed' };
  if (a.ackRank >= a.rank) return { events: EMPTY, error: 'already-acknowledged' };
  a.ackRank = a.rank;
  a.lastAckAt = nowMs;
  a.lastAckBy = actor;
  a.resounded = false;
  if (a.acknowledgedAt === null) {
    a.acknowledgedAt = nowMs;
    a.acknowledgedBy = actor;
    a.note = note ?? null;
  }
  const out: EngineEvent[] = [];
  const base = { t: nowMs, alertId, rule: a.rule, severity: a.severity, actor, alert: statusOf(a) };
  out.push(
    note === undefined ? { ...base, event: 'acknowledged' } : { ...base, event: 'acknowledged', note },
  );
  if (a.conditionClearedAt !== null) close(st, a, nowMs, actor, out);
  return { events: out };
}

/** Closes every alert not yet closed (the session ended), actor `system`, with `note`. */
export function closeAllState(st: ParticipantState, nowMs: number, note: string): readonly EngineEvent[] {
  if (st.liveAlerts.length === 0) return EMPTY;
  const out: EngineEvent[] = [];
  for (const a of [...st.liveAlerts]) {
    for (const rr of st.rules) if (rr.open === a) rr.open = null;
    if (st.signalLost.open === a) st.signalLost.open = null;
    if (st.unmonitored.open === a) st.unmonitored.open = null;
    close(st, a, nowMs, SYSTEM, out, note);
  }
  return out;
}

/**
 * A device was bound (`bound`) or the participant's last device unbound at `nowMs` (issue 14). Binding
 * clears an open UNMONITORED alert at once (a warning: it closes) with no re-arm lock-out, so a second
 * unbind is never silent; unbinding starts the UNMONITORED count (raised by `tick`).
 */
export function setBoundState(st: ParticipantState, bound: boolean, nowMs: number): readonly EngineEvent[] {
  if (bound === st.bound) return EMPTY;
  st.bound = bound;
  if (!bound) {
    st.unboundSince = nowMs;
    return EMPTY;
  }
  st.unboundSince = Number.NaN;
  const rr = st.unmonitored;
  if (!rr.open) return EMPTY;
  const out: EngineEvent[] = [];
  clearCondition(st, rr, nowMs, out);
  rr.lockRank = 0;
  rr.lockUntil = Number.NEGATIVE_INFINITY;
  return out;
}

/**
 * The participant left the session at `nowMs` (removed from its roster): an open UNMONITORED alert clears
 * (they are no longer expected to be monitored), every other alert still open closes with `note`, and no
 * rule runs for them any more.
 */
export function leaveState(st: ParticipantState, nowMs: number, note: string): readonly EngineEvent[] {
  const out: EngineEvent[] = [];
  if (st.unmonitored.open) clearCondition(st, st.unmonitored, nowMs, out);
  out.push(...closeAllState(st, nowMs, note));
  st.active = false;
  st.unboundSince = Number.NaN;
  return out;
}
