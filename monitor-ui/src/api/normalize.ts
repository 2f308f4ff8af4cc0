import {
  type AlertReportRead,
  hrModeSchema,
  prescriptionBaseSchema,
  savedReportReadSchema,
} from '@zonewatch/protocol';
import type { z } from 'zod';
import type {
  ParticipantReport,
  PrescriptionBody,
  ReportAlert,
  RosterEntryView,
  RosterParticipant,
  SessionReportView,
} from './types.js';

/** A reply that does not match the wire contract (server and console out of step). */
export class ContractError extends Error {
  override readonly name = 'ContractError';
}

/** Parses a reply with its protocol schema; a mismatch names the first offending field. */
export function parseReply<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new ContractError(
    `unexpected reply: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`,
  );
}

/** A stored prescription's fields, or null when it no longer reads as a prescription document. */
export function storedPrescription(body: unknown): PrescriptionBody | null {
  const r = prescriptionBaseSchema.safeParse(body);
  return r.success ? r.data : null;
}

/** The roster lists one row per binding; the console shows one row per participant with their devices. */
export function groupRoster(rows: readonly RosterEntryView[]): RosterParticipant[] {
  const by = new Map<string, RosterParticipant>();
  for (const r of rows) {
    if (r.unboundAt !== null) continue;
    const p = by.get(r.participantId) ?? { participantId: r.participantId, alias: r.alias, devices: [] };
    if (!p.devices.some((d) => d.deviceId === r.deviceId))
      p.devices.push({ deviceId: r.deviceId, kind: r.deviceKind });
    by.set(r.participantId, p);
  }
  return [...by.values()];
}

function alert(a: AlertReportRead, startedAt: number | null): ReportAlert {
  const { raisedAt, acknowledgedAt } = a;
  return {
    id: a.alertId,
    rule: a.rule,
    severity: a.severity,
    raisedS: raisedAt !== null && startedAt !== null ? Math.max(0, (raisedAt - startedAt) / 1000) : 0,
    raisedAt,
    acknowledgedAt,
    acknowledgedBy: a.acknowledgedBy,
    closedAt: a.closedAt,
    ackNote: a.ackNote,
    timeToAckS:
      a.timeToAcknowledgeS ??
      (raisedAt !== null && acknowledgedAt !== null ? (acknowledgedAt - raisedAt) / 1000 : null),
  };
}

/**
 * One saved report body (the rules engine's `SessionReport` plus `alias` and `zone`, written when the
 * session ended), read with the protocol's {@link savedReportReadSchema}: a missing figure shows as "--",
 * never as a broken page, and an alert severity this console does not know shows as unknown, never as a
 * lower one.
 */
export function toParticipantReport(
  item: { participantId: string; alias: string; body: unknown },
  startedAt: number | null,
): ParticipantReport {
  const { hrRecovery, trace, alerts, zone, adherence, monitoringGaps, ...m } = savedReportReadSchema.parse(
    item.body,
  );
  const hrMode = hrModeSchema.safeParse((item.body as { zone?: { hrMode?: unknown } } | null)?.zone?.hrMode);
  return {
    participantId: item.participantId,
    alias: item.alias,
    metrics: {
      ...m,
      secondsBelow: m.secondsBelow ?? 0,
      secondsIn: m.secondsIn ?? 0,
      secondsAbove: m.secondsAbove ?? 0,
      secondsOverCeiling: m.secondsOverCeiling ?? 0,
    },
    hrRecovery,
    trace: { t: trace.map((p) => p.tS), hr: trace.map((p) => p.hr), spo2: trace.map((p) => p.spo2) },
    // A report saved before buckets kept their extremes: the mean stands in for both.
    hrRange: { min: trace.map((p) => p.hrMin ?? p.hr), max: trace.map((p) => p.hrMax ?? p.hr) },
    alerts: alerts.map((a) => alert(a, startedAt)),
    zone,
    hrMode: hrMode.success ? hrMode.data : null,
    adherence,
    monitoringGaps,
  };
}

export function toSessionReport(r: {
  session: {
    id: string;
    name: string;
    kind: 'class' | 'home';
    coachId: string | null;
    startedAt: number | null;
    endedAt: number | null;
  };
  items: readonly { participantId: string; alias: string; body: unknown }[];
}): SessionReportView {
  const { id, name, kind, coachId, startedAt, endedAt } = r.session;
  return {
    session: { id, name, kind, coachId, startedAt, endedAt },
    participants: r.items.map((i) => toParticipantReport(i, startedAt)),
  };
}
