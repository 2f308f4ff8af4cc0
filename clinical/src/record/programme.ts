import type { AssessmentKind, ReassessmentPoint } from '@zonewatch/protocol';

/**
 * Where a participant is in a programme (issue 15): "session n of N", the programme week, and the next
 * re-assessment with whether it is due. Pure calendar arithmetic on `YYYY-MM-DD` dates: the caller gives
 * them in the site's time zone (today included), so nothing here reads a clock or a zone.
 */

/** When a re-assessment shows as due and overdue [default]; a clinician may change them per site. */
export const REASSESSMENT_DEFAULTS = Object.freeze({
  /** A week point is due from this many days before the last day of that week (6: the whole week). */
  dueWindowDays: 6,
  /** A re-assessment up to this many days before a point counts for it. */
  earlyDays: 6,
  /** Overdue this many days after the point without a re-assessment. */
  overdueAfterDays: 7,
});
export type ReassessmentSettings = typeof REASSESSMENT_DEFAULTS;

export interface ProgrammeProgressInput {
  programme: { totalSessions: number; weeks: number; reassessAt: readonly ReassessmentPoint[] };
  /** First day of the programme. */
  startDate: string;
  /** Today, in the site's time zone. */
  today: string;
  /** Dates of the participant's ended sessions on or after the start date (any order). */
  sessionDates: readonly string[];
  /** The participant's assessments (only `reassessment` ones satisfy a point). */
  assessments: readonly { date: string; kind: AssessmentKind }[];
}

export interface ReassessmentDue {
  point: ReassessmentPoint;
  /** The day the point falls on: a week's last day, the day of the n-th session, or its estimate by the plan. */
  dueDate: string;
  due: boolean;
  overdue: boolean;
}

export interface ProgrammeProgress {
  /** Sessions ended since the start ("session n of N": n). */
  sessionsDone: number;
  totalSessions: number;
  /** Programme week of `today` (1 = the first week; 0 before the start; may pass `weeks` when it overruns). */
  week: number;
  weeks: number;
  /** The first re-assessment point no re-assessment has answered yet; null when all are answered (or none). */
  nextReassessment: ReassessmentDue | null;
}

const DAY_MS = 86_400_000;
const toDay = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
const fromDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * Progress through a programme. A week point `{ atWeek: w }` falls on the last day of week w and is due
 * from `dueWindowDays` before it; a session point `{ atSession: n }` falls on the day of the n-th session
 * and is due once it is done (before that its date is estimated from the plan's sessions per week). Points
 * are taken in date order; a point is answered by a `reassessment` dated from `earlyDays` before it up to
 * that many days before the next point. The first unanswered one is reported (overdue `overdueAfterDays`
 * after its date), unless the next point's window has begun: a missed point is then superseded by it.
 */
export function programmeProgress(
  input: ProgrammeProgressInput,
  settings: ReassessmentSettings = REASSESSMENT_DEFAULTS,
): ProgrammeProgress {
  const start = toDay(input.startDate);
  const today = toDay(input.today);
  const { totalSessions, weeks } = input.programme;
  const sessions = input.sessionDates
    .map(toDay)
    .filter((d) => d >= start)
    .sort((a, b) => a - b);
  const perWeek = totalSessions / weeks;

  const points = input.programme.reassessAt.map((point) => {
    if ('atWeek' in point) {
      const day = start + 7 * point.atWeek - 1;
      return { point, day, reached: today >= day - settings.dueWindowDays };
    }
    const nth = sessions[point.atSession - 1];
    if (nth !== undefined) return { point, day: nth, reached: true };
    return { point, day: start + Math.ceil((point.atSession / perWeek) * 7) - 1, reached: false };
  });
  points.sort((a, b) => a.day - b.day);

  const reassessments = input.assessments.filter((a) => a.kind === 'reassessment').map((a) => toDay(a.date));
  let next: ReassessmentDue | null = null;
  for (const [i, p] of points.entries()) {
    const from = p.day - settings.earlyDays;
    const following = points[i + 1];
    const until = following ? following.day - settings.earlyDays : Number.POSITIVE_INFINITY;
    if (reassessments.some((d) => d >= from && d < until)) continue;
    // Unanswered, but once the next point's window has begun this one is superseded by it.
    if (following && today >= until) continue;
    next = {
      point: p.point,
      dueDate: fromDay(p.day),
      due: p.reached,
      overdue: p.reached && today > p.day + settings.overdueAfterDays,
    };
    break;
  }

  return {
    sessionsDone: sessions.length,
    totalSessions,
    week: today < start ? 0 : Math.floor((today - start) / 7) + 1,
    weeks,
    nextReassessment: next,
  };
}
