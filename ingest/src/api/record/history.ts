import { type SavedReportRead, savedReportReadSchema } from '@zonewatch/protocol';
import type { Registry, SessionRecord } from '../../registry/index.js';
import { localMidnight } from '../time.js';

const DAY_MS = 86_400_000;

/** One ended session of a participant with its saved report (the rules engine's figures). */
export interface SessionWithReport {
  session: SessionRecord;
  /** Session start (ms): started, else scheduled, else created. */
  startMs: number;
  report: SavedReportRead;
}

/**
 * A participant's sessions that have a saved report (ended sessions), oldest first. The figures are the
 * report's as stored when the session ended, never recomputed.
 */
export async function sessionHistory(
  registry: Registry,
  participantId: string,
): Promise<SessionWithReport[]> {
  const reports = await registry.reports.listByParticipant(participantId, { limit: 1000 });
  const out: SessionWithReport[] = [];
  for (const r of reports) {
    const session = await registry.sessions.get(r.sessionId);
    if (!session) continue;
    out.push({
      session,
      startMs: session.startedAt ?? session.scheduledAt ?? session.createdAt,
      report: savedReportReadSchema.parse(r.body),
    });
  }
  return out.sort((a, b) => a.startMs - b.startMs || a.session.id.localeCompare(b.session.id));
}

/** Local midnight (ms) of a `YYYY-MM-DD` date in `tz`. */
export function dateStart(date: string, tz: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return localMidnight(y, m, d, tz);
}

/** The `YYYY-MM-DD` date of an instant in `tz`. */
export function dateOf(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(ms));
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

export { DAY_MS };
