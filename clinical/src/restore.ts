// Restore after a restart (ARCHITECTURE.md, failure behaviour): open alerts come back from the registry.
import type { AlertRecord, ParticipantState } from './state.js';
import { type RuleId, SEVERITY_RANK, type Severity } from './types.js';

/** An alert the registry still holds open, as a monitor takes it back. */
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
 * Puts an alert that was open before a restart back into a fresh state ("open alerts … are restored from
 * the registry; rule state warms up again"). An alert whose condition was still active becomes the rule's
 * open alert again, so it clears by hysteresis and upgrades in place instead of being raised twice; a
 * latched critical still needs acknowledgement. Escalation continues from the restored level, counted from
 * `nowMs`.
 */
export function restoreInto(state: ParticipantState, r: RestoredAlert, nowMs: number): void {
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
    lastAckBy: r.acknowledgedBy,
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
    const rr =
      r.rule === 'SIGNAL_LOST'
        ? state.signalLost
        : r.rule === 'UNMONITORED'
          ? state.unmonitored
          : state.rules.find((x) => x.rule === r.rule);
    if (rr) rr.open = a;
  }
}
