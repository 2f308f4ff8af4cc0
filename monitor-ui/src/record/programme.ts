import type { EnrolmentView } from '@zonewatch/protocol';

/** "Session n of N": the sessions done so far in the programme (never shown past N). */
export function sessionOfN(e: EnrolmentView): { n: number; total: number; complete: boolean } {
  const total = e.programme.totalSessions;
  return { n: Math.min(e.sessionsDone, total), total, complete: e.sessionsDone >= total };
}

/** "Week w of W": the programme week (1 = the first), never shown past W. */
export function weekOfN(e: EnrolmentView): { week: number; total: number } {
  return { week: Math.min(e.programme.weeks, Math.max(1, e.week)), total: e.programme.weeks };
}

/** A calendar date (YYYY-MM-DD, site time zone) as epoch ms at its midday, so no time zone moves its day. */
export function dateMs(date: string): number {
  return Date.parse(`${date}T12:00:00`);
}
