// Session report and weekly adherence (CLINICAL-RULES.md section 6): pure reads of the engine's state.

import type { SessionReport } from '@zonewatch/protocol';
import { hrRecovery, type SessionMetrics, summarizeMetrics, traceSoFar } from './metrics.js';
import type { ParticipantState } from './state.js';

/** The report shapes are protocol's (ingest stores them, the console reads them); computed here. */
export type { AlertReport, SessionAdherence, SessionReport } from '@zonewatch/protocol';

/** Summary metrics at `endMs` (see {@link SessionMetrics}). */
export function metricsOf(state: ParticipantState, endMs: number): SessionMetrics {
  return summarizeMetrics(state.metrics, endMs);
}

/** The full session report at `endMs`. `exerciseEndMs` overrides a marked exercise end. */
export function reportOf(
  state: ParticipantState,
  endMs: number,
  opts: { exerciseEndMs?: number } = {},
): SessionReport {
  const summary = summarizeMetrics(state.metrics, endMs);
  const exEnd = opts.exerciseEndMs ?? state.exerciseEndMs;
  const minutesInZone = Math.round((summary.secondsIn / 60) * 10) / 10;
  const target = state.rx.fitt?.minutesInZone ?? null;
  return {
    ...summary,
    hrRecovery: exEnd === null ? null : hrRecovery(state.metrics, exEnd, state.settings.metrics),
    trace: traceSoFar(state.metrics),
    alerts: state.alerts.map((a) => ({
      alertId: a.alertId,
      rule: a.rule,
      severity: a.severity,
      unconfirmed: a.unconfirmed,
      raisedAt: a.raisedAt,
      clearedAt: a.conditionClearedAt,
      acknowledgedAt: a.acknowledgedAt,
      acknowledgedBy: a.acknowledgedBy,
      timeToAcknowledgeS: a.acknowledgedAt === null ? null : (a.acknowledgedAt - a.raisedAt) / 1000,
      closedAt: a.closedAt,
    })),
    adherence: {
      minutesInZone,
      targetMinutesInZone: target,
      met: target === null ? null : minutesInZone >= target,
    },
  };
}

/**
 * Weekly adherence against FITT (section 6): sessions in the week starting at `weekStartMs` and how many
 * met their minutes-in-zone target.
 */
export function weeklyAdherence(
  sessions: readonly { startMs: number; minutesInZone: number }[],
  fitt: { sessionsPerWeek: number; minutesInZone: number },
  weekStartMs: number,
): { sessions: number; sessionsMeetingTarget: number; targetSessions: number; met: boolean } {
  const weekMs = 7 * 24 * 3600 * 1000;
  const inWeek = sessions.filter((x) => x.startMs >= weekStartMs && x.startMs < weekStartMs + weekMs);
  const meeting = inWeek.filter((x) => x.minutesInZone >= fitt.minutesInZone).length;
  return {
    sessions: inWeek.length,
    sessionsMeetingTarget: meeting,
    targetSessions: fitt.sessionsPerWeek,
    met: meeting >= fitt.sessionsPerWeek,
  };
}
