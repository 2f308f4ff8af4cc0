import { defaultRuleSettings } from '@zonewatch/clinical';
import type { ZoneState } from '@zonewatch/protocol';
import type { AdherenceResponse, ParticipantReport, ReportMetrics } from '../api/types.js';

export interface ZoneShare {
  zone: ZoneState;
  seconds: number;
  /** Share of the time with usable HR (0–100). */
  pct: number;
}

/** Time-in-zone bars: the four zone states as shares of the time with usable HR. */
export function timeInZone(m: ReportMetrics): ZoneShare[] {
  const parts: [ZoneState, number][] = [
    ['below', m.secondsBelow],
    ['in', m.secondsIn],
    ['above', m.secondsAbove],
    ['overCeiling', m.secondsOverCeiling],
  ];
  const total = parts.reduce((s, [, v]) => s + Math.max(0, v), 0);
  return parts.map(([zone, seconds]) => ({
    zone,
    seconds,
    pct: total > 0 ? (Math.max(0, seconds) / total) * 100 : 0,
  }));
}

/**
 * Why time over the ceiling raised no alert, stated so a reader does not take the two for a contradiction
 * (issue 14): the seconds are every usable sample at or above the ceiling added up, while HR_OVER_CEILING
 * needs the ceiling held for its hold time without a break (CLINICAL-RULES.md section 3). Null when there
 * was no time over the ceiling or an over-ceiling alert was raised.
 */
export function overCeilingWithoutAlert(
  r: Pick<ParticipantReport, 'metrics' | 'alerts' | 'hrMode'>,
): { kind: 'shortRuns'; seconds: number; holdS: number } | { kind: 'hrAlertsOff'; seconds: number } | null {
  const seconds = r.metrics.secondsOverCeiling;
  if (!(seconds > 0) || r.alerts.some((a) => a.rule === 'HR_OVER_CEILING')) return null;
  if (r.hrMode === 'off') return { kind: 'hrAlertsOff', seconds };
  return { kind: 'shortRuns', seconds, holdS: defaultRuleSettings.hrOverCeiling.warningHoldMs / 1000 };
}

export interface AdherenceRow {
  weekStart: number;
  sessions: number;
  minutesInZone: number;
  /** Sessions that reached the minutes-in-zone target, of the sessions the prescription asks for. */
  sessionsMeetingTarget: number | null;
  targetSessions: number | null;
  /** Share of the weekly target reached (0–1, capped); null without a FITT target. */
  progress: number | null;
  met: boolean | null;
}

/**
 * Adherence per week against the FITT targets (the server counts; this only shapes the rows): progress is
 * the share of the target sessions that met their minutes in zone.
 */
export function adherenceRows(a: AdherenceResponse): AdherenceRow[] {
  return a.weeks.map((w) => ({
    weekStart: w.weekStart,
    sessions: w.sessions,
    minutesInZone: w.minutesInZone,
    sessionsMeetingTarget: w.sessionsMeetingTarget,
    targetSessions: w.targetSessions,
    progress:
      w.sessionsMeetingTarget !== null && w.targetSessions
        ? Math.min(1, w.sessionsMeetingTarget / w.targetSessions)
        : null,
    met: w.met,
  }));
}

/**
 * Whether the console may ask for a participant's weekly adherence on this report, as the API allows it
 * (`GET /participants/:id/adherence`): clinicians and admins always; coaches on a home session they follow
 * (assigned to them or to no coach). Anyone else is never sent to a route their role may not use.
 */
export function mayReadAdherence(
  user: { id: string; roles: readonly string[] } | null | undefined,
  session: { kind: 'class' | 'home'; coachId: string | null } | null,
): boolean {
  if (!user) return false;
  if (user.roles.includes('admin') || user.roles.includes('clinician')) return true;
  return (
    user.roles.includes('coach') &&
    session?.kind === 'home' &&
    (session.coachId === null || session.coachId === user.id)
  );
}
