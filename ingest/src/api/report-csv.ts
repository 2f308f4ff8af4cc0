import type { Registry, SessionRecord } from '../registry/index.js';
import { type CsvCell, toCsv } from './csv.js';
import { alertLines } from './report-alerts.js';
import { readReportBody } from './report-body.js';
import { formatLocal } from './time.js';
import { aliases } from './views.js';

/** Header of the per-participant export (units in the names). */
export const PARTICIPANT_COLUMNS = [
  'alias',
  'participant_id',
  'duration_s',
  'seconds_below',
  'seconds_in',
  'seconds_above',
  'seconds_over_ceiling',
  'hr_mean_bpm',
  'hr_peak_bpm',
  'spo2_mean_pct',
  'spo2_min_pct',
  'steps',
  'cadence_spm',
  'completeness_pct',
  'alerts',
  'hr_recovery_drop_bpm',
  'hr_recovery_flagged',
  'report_saved',
] as const;

/**
 * One row per participant of the session (everyone ever bound, plus anyone with a saved report), by alias.
 * Metrics come from the saved report (empty until the session has ended); the alert count from the registry.
 */
export async function participantsCsv(registry: Registry, session: SessionRecord): Promise<string> {
  const reports = await registry.reports.listBySession(session.id);
  const roster = await registry.rosters.list(session.id, { includeUnbound: true });
  const alerts = await registry.alerts.listBySession(session.id);
  const ids = [...new Set([...roster.map((b) => b.participantId), ...reports.map((r) => r.participantId)])];
  const alias = await aliases(registry, ids);
  const byParticipant = new Map(reports.map((r) => [r.participantId, r]));
  const rows: CsvCell[][] = ids
    .map((id) => {
      const saved = byParticipant.get(id);
      const r = readReportBody(saved?.body);
      return [
        alias.get(id) ?? '',
        id,
        r.durationS,
        r.secondsBelow,
        r.secondsIn,
        r.secondsAbove,
        r.secondsOverCeiling,
        r.hrMean,
        r.hrPeak,
        r.spo2Mean,
        r.spo2Min,
        r.steps,
        r.cadence,
        r.completeness,
        alerts.filter((a) => a.participantId === id).length,
        r.hrRecovery?.dropBpm,
        r.hrRecovery?.flaggedForReview,
        saved !== undefined,
      ];
    })
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])));
  return toCsv(PARTICIPANT_COLUMNS, rows);
}

/** Header of the per-alert export; times are local to the site (`YYYY-MM-DD HH:mm:ss`). */
export function alertColumns(tz: string): string[] {
  return [
    'alert_id',
    'alias',
    'participant_id',
    'rule',
    'severity',
    'unconfirmed',
    'state',
    `raised_at (${tz})`,
    'acknowledged_by',
    `acknowledged_at (${tz})`,
    'time_to_ack_s',
    'ack_note',
    `cleared_at (${tz})`,
    `closed_at (${tz})`,
    'escalation_level',
  ];
}

/**
 * One row per alert, oldest first. Acknowledgement columns describe the first acknowledgement (time to
 * acknowledge as CLINICAL-RULES.md section 6 reports it), even when a stronger upgrade re-opened the alert.
 */
export async function alertsCsv(registry: Registry, session: SessionRecord, tz: string): Promise<string> {
  const lines = await alertLines(registry, session);
  const alias = await aliases(
    registry,
    lines.map((a) => a.participantId),
  );
  const rows: CsvCell[][] = lines.map((a) => [
    a.alertId,
    alias.get(a.participantId) ?? '',
    a.participantId,
    a.rule,
    a.severity,
    a.unconfirmed,
    a.state,
    formatLocal(a.raisedAt, tz),
    a.acknowledgedBy,
    a.acknowledgedAt === null ? null : formatLocal(a.acknowledgedAt, tz),
    a.timeToAcknowledgeS,
    a.ackNote,
    a.clearedAt === null ? null : formatLocal(a.clearedAt, tz),
    formatLocal(a.closedAt, tz),
    a.escalationLevel,
  ]);
  return toCsv(alertColumns(tz), rows);
}
