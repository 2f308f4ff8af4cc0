import { type SavedReportRead, savedReportReadSchema } from '@zonewatch/protocol';
import { minutesInZone, readReportBody } from '../api/report-body.js';
import { addWeeks, startOfWeek } from '../api/time.js';
import { tryResolve } from '../api/views.js';
import type { Participant, Registry, SessionRecord, Site } from '../registry/index.js';

/**
 * One participant's history as their own view and the record PDF tell it: their saved session reports, the
 * current prescription in figures, and weekly minutes in zone (calendar weeks from Monday in the centre's
 * time zone, as `GET /participants/:id/adherence` counts them). Only this participant's rows are read.
 */
export interface SessionSummary {
  sessionId: string;
  kind: 'class' | 'home';
  startedAt: number;
  durationS: number | null;
  minutesInZone: number;
  targetMinutesInZone: number | null;
  hrMean: number | null;
  hrPeak: number | null;
  spo2Min: number | null;
  completeness: number | null;
  steps: number | null;
  /** HR drop in the first minute after exercise (bpm); null when the session marked no exercise end. */
  hrRecoveryDropBpm: number | null;
  alertCount: number;
}

export interface PrescriptionWords {
  zoneLowBpm: number;
  zoneHighBpm: number;
  ceilingBpm: number;
  sessionsPerWeek: number | null;
  minutesInZone: number | null;
  effectiveFrom: number;
}

export interface WeekFigure {
  weekStart: number;
  minutesInZone: number;
  sessions: number;
}

export interface ParticipantHistory {
  participant: Participant;
  site: Site;
  prescription: PrescriptionWords | null;
  /** Weekly target (min): sessions per week × minutes in zone per session; null without FITT. */
  weeklyTargetMinutes: number | null;
  /** Oldest first; the last one is this week. */
  weeks: WeekFigure[];
  /** Newest first. */
  sessions: SessionSummary[];
}

/** A saved report body read for display. */
export function readSaved(body: unknown): SavedReportRead {
  return savedReportReadSchema.parse(body ?? {});
}

export function summaryOf(s: SessionRecord, body: unknown): SessionSummary {
  const r = readSaved(body);
  const lenient = readReportBody(body);
  return {
    sessionId: s.id,
    kind: s.kind,
    startedAt: s.startedAt ?? s.scheduledAt ?? s.createdAt,
    durationS: r.durationS,
    minutesInZone: minutesInZone(lenient),
    targetMinutesInZone: r.adherence?.targetMinutesInZone ?? null,
    hrMean: r.hrMean,
    hrPeak: r.hrPeak,
    spo2Min: r.spo2Min,
    completeness: r.completeness,
    steps: r.steps,
    hrRecoveryDropBpm: r.hrRecovery?.dropBpm ?? null,
    alertCount: r.alerts.length,
  };
}

export async function participantHistory(
  registry: Registry,
  participant: Participant,
  nowMs: number,
  opts: { weeks?: number; sessions?: number } = {},
): Promise<ParticipantHistory> {
  const site = (await registry.sites.get(participant.siteId)) ?? {
    id: participant.siteId,
    name: participant.siteId,
    timezone: 'UTC',
    createdAt: 0,
  };
  const tz = site.timezone;
  const current = await registry.prescriptions.current(participant.id, nowMs);
  const resolved = current ? tryResolve(current.body) : null;
  const prescription: PrescriptionWords | null =
    current && resolved
      ? {
          zoneLowBpm: resolved.zoneLowBpm,
          zoneHighBpm: resolved.zoneHighBpm,
          ceilingBpm: resolved.ceilingBpm,
          sessionsPerWeek: resolved.fitt?.sessionsPerWeek ?? null,
          minutesInZone: resolved.fitt?.minutesInZone ?? null,
          effectiveFrom: current.effectiveFrom,
        }
      : null;
  const reports = await registry.reports.listByParticipant(participant.id, { limit: 1000 });
  const sessions: SessionSummary[] = [];
  for (const r of reports) {
    const s = await registry.sessions.get(r.sessionId);
    if (s) sessions.push(summaryOf(s, r.body));
  }
  sessions.sort((a, b) => b.startedAt - a.startedAt);
  const thisWeek = startOfWeek(nowMs, tz);
  const weeks: WeekFigure[] = [];
  const n = opts.weeks ?? 12;
  for (let i = n - 1; i >= 0; i--) {
    const weekStart = addWeeks(thisWeek, -i, tz);
    const weekEnd = addWeeks(weekStart, 1, tz);
    const inWeek = sessions.filter((x) => x.startedAt >= weekStart && x.startedAt < weekEnd);
    weeks.push({
      weekStart,
      minutesInZone: Math.round(inWeek.reduce((a, x) => a + x.minutesInZone, 0) * 10) / 10,
      sessions: inWeek.length,
    });
  }
  const weeklyTargetMinutes =
    prescription?.sessionsPerWeek && prescription.minutesInZone
      ? prescription.sessionsPerWeek * prescription.minutesInZone
      : null;
  return {
    participant,
    site,
    prescription,
    weeklyTargetMinutes,
    weeks,
    sessions: sessions.slice(0, opts.sessions ?? 1000),
  };
}

/**
 * The registry's count of each session's alerts for this participant (the report body is a snapshot taken
 * when the session ended; the registry is what the staff saw, as the report page and CSV tell it).
 */
export async function withAlertCounts(
  registry: Registry,
  participantId: string,
  sessions: readonly SessionSummary[],
): Promise<SessionSummary[]> {
  const out: SessionSummary[] = [];
  for (const s of sessions) {
    const alerts = await registry.alerts.listBySession(s.sessionId);
    out.push({ ...s, alertCount: alerts.filter((a) => a.participantId === participantId).length });
  }
  return out;
}
