import type { Registry, SessionRecord } from '../registry/index.js';
import { userNames } from './views.js';

/**
 * One alert of a session as both the report page and the CSV export tell it. The registry's alert and its
 * lifecycle events are the one source of truth: the report body the live service saved when the session
 * ended is a snapshot taken before the session closed what was still open, so its alert lines would
 * disagree with the CSV. People are named by their display name.
 */
export interface AlertLine {
  alertId: string;
  participantId: string;
  rule: string;
  severity: string;
  unconfirmed: boolean;
  state: string;
  raisedAt: number;
  /** The condition's first clearing (event `cleared`). */
  clearedAt: number | null;
  /** The first acknowledgement (time to acknowledge as CLINICAL-RULES.md section 6 reports it). */
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  timeToAcknowledgeS: number | null;
  /** Notes written with acknowledgements (each acknowledgement, oldest first), joined by " · ". */
  ackNote: string | null;
  closedAt: number | null;
  escalationLevel: number;
}

/** Every alert of the session, oldest first, from the registry. */
export async function alertLines(registry: Registry, session: SessionRecord): Promise<AlertLine[]> {
  const alerts = await registry.alerts.listBySession(session.id);
  const events = await registry.alerts.eventsBySession(session.id);
  const names = await userNames(registry, [
    ...events.map((e) => e.actorId),
    ...alerts.map((a) => a.acknowledgedBy),
  ]);
  const name = (id: string | null) => (id ? (names.get(id) ?? id) : null);
  return alerts.map((a) => {
    const mine = events.filter((e) => e.alertId === a.id).sort((x, y) => x.seq - y.seq);
    const ack = mine.find((e) => e.event === 'acknowledged');
    const cleared = mine.find((e) => e.event === 'cleared');
    const notes = mine
      .filter((e) => e.event === 'acknowledged')
      .map((e) => e.note?.trim())
      .filter((n): n is string => !!n);
    const acknowledgedAt = ack?.at ?? a.acknowledgedAt;
    return {
      alertId: a.id,
      participantId: a.participantId,
      rule: a.rule,
      severity: a.severity,
      unconfirmed: a.unconfirmed,
      state: a.state,
      raisedAt: a.raisedAt,
      clearedAt: cleared?.at ?? null,
      acknowledgedAt,
      acknowledgedBy: name(ack?.actorId ?? a.acknowledgedBy),
      timeToAcknowledgeS: acknowledgedAt === null ? null : (acknowledgedAt - a.raisedAt) / 1000,
      ackNote: notes.length > 0 ? notes.join(' · ') : null,
      closedAt: a.closedAt,
      escalationLevel: a.escalationLevel,
    };
  });
}
