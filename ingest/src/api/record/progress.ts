import type { EnrolmentView, ReassessmentPoint } from '@zonewatch/protocol';
import type { AssessmentRecord, EnrolmentRecord, ProgrammeRecord } from '../../registry/index.js';
import { addDays, DAY_MS, dateOf, dateStart, type SessionWithReport } from './history.js';
import { programmeView } from './views.js';

type Due = NonNullable<EnrolmentView['nextReassessment']>;

/**
 * Where a participant stands in their programme at `now`: sessions done since the start ("session n of
 * N"), the programme week, and the next re-assessment point not yet covered by a re-assessment.
 *
 * A point `{ atWeek: w }` is due during programme week w (from its first day) and overdue once that week
 * has ended; `{ atSession: s }` is due once the s-th session is done and overdue a week later (before that,
 * its date is estimated from the programme's sessions per week). A point is covered by a `reassessment`
 * dated on or after the day it became due.
 */
export function enrolmentProgress(
  e: EnrolmentRecord,
  programme: ProgrammeRecord,
  sessions: readonly SessionWithReport[],
  assessments: readonly AssessmentRecord[],
  now: number,
  tz: string,
): EnrolmentView {
  const startMs = dateStart(e.startDate, tz);
  const endMs = e.endedAt ?? Number.POSITIVE_INFINITY;
  const done = sessions.filter((s) => s.startMs >= startMs && s.startMs < endMs && s.startMs <= now);
  const week = now < startMs ? 0 : Math.floor((now - startMs) / (7 * DAY_MS)) + 1;
  const perWeek = programme.totalSessions / programme.weeks;
  const today = dateOf(now, tz);
  const reassessments = assessments.filter((a) => a.kind === 'reassessment').map((a) => a.date);

  const windows = (e.reassessAt as ReassessmentPoint[]).map((point) => {
    if ('atWeek' in point) {
      const from = addDays(e.startDate, 7 * (point.atWeek - 1));
      return { point, from, until: addDays(from, 7), reached: today >= from };
    }
    const nth = done[point.atSession - 1];
    const from = nth
      ? dateOf(nth.startMs, tz)
      : addDays(e.startDate, Math.max(0, Math.ceil(point.atSession / perWeek) * 7 - 1));
    return { point, from, until: addDays(from, 7), reached: nth !== undefined };
  });
  windows.sort((a, b) => a.from.localeCompare(b.from));
  const open = windows.find((w) => !reassessments.some((d) => d >= w.from));
  let next: Due | null = null;
  if (open && e.status === 'active') {
    const due = open.reached;
    next = { point: open.point, dueDate: addDays(open.until, -1), due, overdue: due && today >= open.until };
  }
  return {
    id: e.id,
    participantId: e.participantId,
    programme: programmeView(programme),
    startDate: e.startDate,
    reassessAt: e.reassessAt as ReassessmentPoint[],
    homeSessions: e.homeSessions,
    status: e.status,
    endedAt: e.endedAt,
    enrolledBy: e.enrolledBy,
    createdAt: e.createdAt,
    sessionsDone: done.length,
    week,
    nextReassessment: next,
  };
}
