import { prescriptionBaseSchema, SEVERITIES } from '@zonewatch/protocol';
import type { z } from 'zod';
import type {
  ParticipantReport,
  PrescriptionBody,
  ReportAlert,
  ReportMetrics,
  RosterEntryView,
  RosterParticipant,
  SessionReportView,
  ZoneView,
} from './types.js';

type Obj = Record<string, unknown>;

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

function obj(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function num(o: Obj, ...keys: string[]): number | null {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

function str(o: Obj, ...keys: string[]): string | null {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'string') return v;
  }
  return null;
}

function metrics(o: Obj): ReportMetrics {
  return {
    durationS: num(o, 'durationS'),
    secondsBelow: num(o, 'secondsBelow') ?? 0,
    secondsIn: num(o, 'secondsIn') ?? 0,
    secondsAbove: num(o, 'secondsAbove') ?? 0,
    secondsOverCeiling: num(o, 'secondsOverCeiling') ?? 0,
    hrMean: num(o, 'hrMean'),
    hrPeak: num(o, 'hrPeak'),
    spo2Mean: num(o, 'spo2Mean'),
    spo2Min: num(o, 'spo2Min'),
    steps: num(o, 'steps'),
    cadence: num(o, 'cadence'),
    completeness: num(o, 'completeness'),
  };
}

function zone(v: unknown): ZoneView | null {
  const z = obj(v);
  const low = num(z, 'lowBpm');
  const high = num(z, 'highBpm');
  const ceiling = num(z, 'ceilingBpm');
  return low === null || high === null || ceiling === null
    ? null
    : { lowBpm: low, highBpm: high, ceilingBpm: ceiling };
}

function alert(v: unknown, startedAt: number | null): ReportAlert {
  const o = obj(v);
  const raisedAt = num(o, 'raisedAt');
  const acknowledgedAt = num(o, 'acknowledgedAt');
  const sev = o['severity'];
  return {
    id: str(o, 'alertId', 'id') ?? '',
    rule: str(o, 'rule') ?? '',
    severity: SEVERITIES.find((s) => s === sev) ?? 'advisory',
    raisedS: raisedAt !== null && startedAt !== null ? Math.max(0, (raisedAt - startedAt) / 1000) : 0,
    raisedAt,
    acknowledgedAt,
    acknowledgedBy: str(o, 'acknowledgedBy'),
    closedAt: num(o, 'closedAt'),
    timeToAckS:
      num(o, 'timeToAcknowledgeS') ??
      (raisedAt !== null && acknowledgedAt !== null ? (acknowledgedAt - raisedAt) / 1000 : null),
  };
}

function adherence(v: unknown): ParticipantReport['adherence'] {
  const o = obj(v);
  const minutesInZone = num(o, 'minutesInZone');
  if (minutesInZone === null) return null;
  return {
    minutesInZone,
    targetMinutesInZone: num(o, 'targetMinutesInZone'),
    met: typeof o['met'] === 'boolean' ? o['met'] : null,
  };
}

/**
 * One saved report body (the rules engine's `SessionReport` plus `alias` and `zone`, written when the
 * session ended), read leniently: a missing figure shows as "--", never as a broken page.
 */
export function toParticipantReport(
  item: { participantId: string; alias: string; body: Obj },
  startedAt: number | null,
): ParticipantReport {
  const b = item.body;
  const rec = obj(b['hrRecovery']);
  const drop = num(rec, 'dropBpm');
  const trace = (Array.isArray(b['trace']) ? b['trace'] : []).map(obj);
  return {
    participantId: item.participantId,
    alias: item.alias,
    metrics: metrics(b),
    hrRecovery:
      drop === null
        ? null
        : {
            hrAtEndBpm: num(rec, 'hrAtEndBpm'),
            hrAfterBpm: num(rec, 'hrAfterBpm'),
            dropBpm: drop,
            flaggedForReview: rec['flaggedForReview'] === true,
          },
    trace: {
      t: trace.map((p) => num(p, 'tS') ?? 0),
      hr: trace.map((p) => num(p, 'hr')),
      spo2: trace.map((p) => num(p, 'spo2')),
    },
    alerts: (Array.isArray(b['alerts']) ? b['alerts'] : []).map((a) => alert(a, startedAt)),
    zone: zone(b['zone']),
    adherence: adherence(b['adherence']),
  };
}

/**
 * A saved report names who acknowledged by user id; the session's alert list (REST) names them by user
 * name and is the authoritative record: its acknowledgement wins where both know the alert.
 */
export function withAckNames(
  report: SessionReportView,
  alerts: readonly { id: string; acknowledgedBy: string | null; acknowledgedAt: number | null }[],
): SessionReportView {
  const byId = new Map(alerts.map((a) => [a.id, a]));
  return {
    ...report,
    participants: report.participants.map((p) => ({
      ...p,
      alerts: p.alerts.map((a) => {
        const live = byId.get(a.id);
        if (!live?.acknowledgedBy) return a;
        const acknowledgedAt = live.acknowledgedAt ?? a.acknowledgedAt;
        return {
          ...a,
          acknowledgedBy: live.acknowledgedBy,
          acknowledgedAt,
          timeToAckS:
            a.timeToAckS ??
            (acknowledgedAt !== null && a.raisedAt !== null ? (acknowledgedAt - a.raisedAt) / 1000 : null),
        };
      }),
    })),
  };
}

export function toSessionReport(r: {
  session: { id: string; name: string; startedAt: number | null; endedAt: number | null };
  items: readonly { participantId: string; alias: string; body: Obj }[];
}): SessionReportView {
  const { id, name, startedAt, endedAt } = r.session;
  return {
    session: { id, name, startedAt, endedAt },
    participants: r.items.map((i) => toParticipantReport(i, startedAt)),
  };
}
