import { bySeverityDesc, type Severity } from '@zonewatch/protocol';
import { type AlertEntry, needsAck } from './state.js';

/**
 * Display order of alerts: those still needing acknowledgement first, then by severity, then by how far
 * they escalated, then oldest first (the longest-waiting alarm is the most urgent of equals).
 */
export function compareAlerts(a: AlertEntry, b: AlertEntry): number {
  return (
    Number(needsAck(b)) - Number(needsAck(a)) ||
    bySeverityDesc(a.alert.severity, b.alert.severity) ||
    b.alert.escalationLevel - a.alert.escalationLevel ||
    a.alert.raisedAt - b.alert.raisedAt ||
    a.alert.id.localeCompare(b.alert.id)
  );
}

export function sortAlerts(alerts: Iterable<AlertEntry>): AlertEntry[] {
  return [...alerts].sort(compareAlerts);
}

/** The alert a single key press acknowledges: the most urgent one still needing acknowledgement. */
export function nextToAcknowledge(alerts: Iterable<AlertEntry>): AlertEntry | undefined {
  const first = sortAlerts(alerts)[0];
  return first && needsAck(first) ? first : undefined;
}

/** Alerts per participant, each list sorted. */
export function alertsByParticipant(alerts: Iterable<AlertEntry>): Map<string, AlertEntry[]> {
  const out = new Map<string, AlertEntry[]>();
  for (const e of sortAlerts(alerts)) {
    const list = out.get(e.alert.participantId);
    if (list) list.push(e);
    else out.set(e.alert.participantId, [e]);
  }
  return out;
}

/**
 * Tile order of the wall: participants with alerts first (ordered like their most urgent alert), then the
 * others in the instructor's arrangement (`arranged`, ids that left the session are skipped) followed by
 * anyone not yet arranged, in roster order.
 */
export function tileOrder(
  rosterIds: readonly string[],
  arranged: readonly string[],
  alerts: Iterable<AlertEntry>,
): string[] {
  const present = new Set(rosterIds);
  const base: string[] = [];
  const seen = new Set<string>();
  for (const id of [...arranged, ...rosterIds]) {
    if (present.has(id) && !seen.has(id)) {
      seen.add(id);
      base.push(id);
    }
  }
  const byP = alertsByParticipant(alerts);
  const withAlerts = base
    .filter((id) => byP.has(id))
    .sort((a, b) => compareAlerts(byP.get(a)![0]!, byP.get(b)![0]!));
  return [...withAlerts, ...base.filter((id) => !byP.has(id))];
}

/** Moves `id` to position `to` of the arrangement (clamped); the others keep their relative order. */
export function moveTile(order: readonly string[], id: string, to: number): string[] {
  const rest = order.filter((x) => x !== id);
  if (rest.length === order.length) return [...order];
  const i = Math.max(0, Math.min(to, rest.length));
  return [...rest.slice(0, i), id, ...rest.slice(i)];
}

/** Who an escalation level reached, per CLINICAL-RULES.md section 4 defaults (for the on-screen text). */
export type EscalationReach = 'none' | 'siteConsoles' | 'siteStaff' | 'repeated' | 'supervisor' | 'further';

export function escalationReach(severity: Severity, level: number): EscalationReach {
  if (level <= 0) return 'none';
  if (severity === 'critical') return level === 1 ? 'siteConsoles' : level === 2 ? 'siteStaff' : 'further';
  if (severity === 'warning') return level === 1 ? 'repeated' : level === 2 ? 'supervisor' : 'further';
  return 'further';
}

/**
 * One participant's open alerts shown as one card (issue 14): the engine keeps its independent rules, the
 * console groups them. `entries` are highest severity first (then waiting, escalation, oldest); `waiting`
 * are the ones one acknowledgement of the card covers at that moment.
 */
export interface AlertGroup {
  participantId: string;
  alias: string;
  entries: AlertEntry[];
  waiting: AlertEntry[];
}

function bySeverityFirst(a: AlertEntry, b: AlertEntry): number {
  return bySeverityDesc(a.alert.severity, b.alert.severity) || compareAlerts(a, b);
}

/** The cards of the alert list: one per participant, ordered like their most urgent alert. */
export function groupAlerts(alerts: Iterable<AlertEntry>): AlertGroup[] {
  const out: AlertGroup[] = [];
  for (const [participantId, list] of alertsByParticipant(alerts)) {
    const entries = [...list].sort(bySeverityFirst);
    out.push({
      participantId,
      alias: entries[0]!.alert.alias,
      entries,
      waiting: entries.filter(needsAck),
    });
  }
  // alertsByParticipant keeps the order of each participant's most urgent alert (Map insertion order).
  return out;
}

/** The card a single key press acknowledges: the one holding the most urgent alert still waiting. */
export function nextGroupToAcknowledge(alerts: Iterable<AlertEntry>): AlertGroup | undefined {
  const first = nextToAcknowledge(alerts);
  if (!first) return undefined;
  return groupAlerts(alerts).find((g) => g.participantId === first.alert.participantId);
}
