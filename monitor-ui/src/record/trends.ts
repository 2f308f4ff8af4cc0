import type { RecordResponse } from '@zonewatch/protocol';
import { dateMs } from './programme.js';

/**
 * The record page's trend series (issue 15), from the record's `trends`: dates oldest first and one column
 * per line, ready for `TrendChart`. Sessions give the training trends; assessments give the measured ones.
 */
export interface Trend {
  at: number[];
  columns: (number | null)[][];
}

type Trends = RecordResponse['trends'];
type SessionPoint = Trends['sessions'][number];
type AssessmentPoint = Trends['assessments'][number];

/** Weekly minutes in zone against the prescription's target (two columns: done, target). */
export function weeklyMinutes(t: Trends): Trend {
  const weeks = [...t.weeks].sort((a, b) => a.weekStart - b.weekStart);
  return {
    at: weeks.map((w) => w.weekStart),
    columns: [weeks.map((w) => w.minutesInZone), weeks.map((w) => w.targetMinutes)],
  };
}

/** One session figure, from the sessions that have it (oldest first). */
export function sessionTrend(t: Trends, pick: (s: SessionPoint) => number | null): Trend {
  const s = t.sessions.filter((x) => pick(x) !== null).sort((a, b) => a.at - b.at);
  return { at: s.map((x) => x.at), columns: [s.map(pick)] };
}

/** Assessment figures (one column each) from the assessments that have any of them (oldest first). */
export function assessmentTrend(t: Trends, picks: readonly ((a: AssessmentPoint) => number | null)[]): Trend {
  const a = t.assessments
    .filter((x) => picks.some((p) => p(x) !== null))
    .sort((x, y) => x.date.localeCompare(y.date));
  return { at: a.map((x) => dateMs(x.date)), columns: picks.map((p) => a.map(p)) };
}

/** The number at a dotted path of an assessment document (`sixMinuteWalk.distanceM`), or null. */
export function valueAt(document: unknown, path: string): number | null {
  let o: unknown = document;
  for (const p of path.split('.')) {
    if (!o || typeof o !== 'object') return null;
    o = (o as Record<string, unknown>)[p];
  }
  return typeof o === 'number' && Number.isFinite(o) ? o : null;
}
