import type { RuleId } from '@zonewatch/protocol';
import type { Registry, SessionRecord } from '../registry/index.js';
import { type CsvCell, type CsvLanguage, type CsvOptions, formatLocalWithOffset, toCsv } from './csv.js';
import { alertLines } from './report-alerts.js';
import { readReportBody } from './report-body.js';
import { aliases } from './views.js';

/** A column: its stable machine name and its header in each language (units in the names). */
type Columns = readonly (readonly [machine: string, zh: string, en: string])[];

/** The header row of `columns` as `opts` asks: machine names, or the labels of its language. */
function header(columns: Columns, opts: Pick<CsvOptions, 'lang' | 'header'>): string[] {
  return columns.map(([machine, zh, en]) =>
    opts.header === 'machine' ? machine : opts.lang === 'zh-CN' ? zh : en,
  );
}

/** Per-participant export. */
export const PARTICIPANT_COLUMNS = [
  ['alias', '代号', 'Alias'],
  ['participant_id', '参与者编号', 'Participant ID'],
  ['duration_s', '时长（秒）', 'Duration (s)'],
  ['seconds_below', '低于区间（秒）', 'Below zone (s)'],
  ['seconds_in', '区间内（秒）', 'In zone (s)'],
  ['seconds_above', '高于区间（秒）', 'Above zone (s)'],
  ['seconds_over_ceiling', '超过安全上限（秒）', 'Over ceiling (s)'],
  ['hr_mean_bpm', '平均心率（次/分）', 'Mean HR (bpm)'],
  ['hr_peak_bpm', '最高心率（次/分）', 'Peak HR (bpm)'],
  ['spo2_mean_pct', '平均血氧（%）', 'Mean SpO₂ (%)'],
  ['spo2_min_pct', '最低血氧（%）', 'Lowest SpO₂ (%)'],
  ['steps', '步数', 'Steps'],
  ['cadence_spm', '步频（步/分）', 'Cadence (steps/min)'],
  ['completeness_pct', '数据完整度（%）', 'Data completeness (%)'],
  ['alerts', '警报数', 'Alerts'],
  ['hr_recovery_drop_bpm', '心率恢复 60 秒下降（次/分）', 'HR recovery drop at 60 s (bpm)'],
  ['hr_recovery_flagged', '心率恢复需复核', 'HR recovery flagged for review'],
  ['report_saved', '报告已保存', 'Report saved'],
] as const satisfies Columns;

/** Per-alert export; times are the site's wall time with its offset. */
export const ALERT_COLUMNS = [
  ['alert_id', '警报编号', 'Alert ID'],
  ['alias', '代号', 'Alias'],
  ['participant_id', '参与者编号', 'Participant ID'],
  ['rule', '警报', 'Alert'],
  ['severity', '优先级', 'Priority'],
  ['unconfirmed', '数据存疑', 'Unconfirmed'],
  ['state', '状态', 'State'],
  ['raised_at', '触发时间', 'Raised at'],
  ['acknowledged_by', '确认人', 'Acknowledged by'],
  ['acknowledged_at', '确认时间', 'Acknowledged at'],
  ['time_to_ack_s', '确认用时（秒）', 'Time to acknowledge (s)'],
  ['ack_note', '确认备注', 'Acknowledgement note'],
  ['cleared_at', '条件解除时间', 'Condition cleared at'],
  ['closed_at', '关闭时间', 'Closed at'],
  ['escalation_level', '升级级别', 'Escalation level'],
] as const satisfies Columns;

/** Rule names as the console words them (its `rule.*` messages). */
export const RULE_LABEL: Readonly<Record<RuleId, Readonly<Record<CsvLanguage, string>>>> = {
  HR_ABOVE_ZONE: { 'zh-CN': '心率高于目标区间', en: 'Heart rate above zone' },
  HR_OVER_CEILING: { 'zh-CN': '心率超过安全上限', en: 'Heart rate over ceiling' },
  HR_LOW: { 'zh-CN': '心率过低', en: 'Heart rate very low' },
  SPO2_LOW: { 'zh-CN': '血氧低于下限', en: 'SpO₂ below floor' },
  SPO2_DROP: { 'zh-CN': '血氧下降', en: 'SpO₂ dropping' },
  SIGNAL_LOST: { 'zh-CN': '传感器无信号', en: 'No signal from sensors' },
  NO_CONTACT: { 'zh-CN': '传感器未贴合皮肤', en: 'Sensor not in contact' },
  UNMONITORED: { 'zh-CN': '未监测：未绑定设备', en: 'Not monitored: no device bound' },
};

const SEVERITY_LABEL: Readonly<Record<string, Readonly<Record<CsvLanguage, string>>>> = {
  critical: { 'zh-CN': '危急', en: 'Critical' },
  warning: { 'zh-CN': '警告', en: 'Warning' },
  advisory: { 'zh-CN': '提示', en: 'Advisory' },
};

const STATE_LABEL: Readonly<Record<string, Readonly<Record<CsvLanguage, string>>>> = {
  open: { 'zh-CN': '未确认', en: 'Open' },
  acknowledged: { 'zh-CN': '已确认', en: 'Acknowledged' },
  closed: { 'zh-CN': '已关闭', en: 'Closed' },
};

const YES_NO: Readonly<Record<CsvLanguage, readonly [string, string]>> = {
  'zh-CN': ['是', '否'],
  en: ['yes', 'no'],
};

/** A coded value as `opts` asks: the code itself for machines, its label (or the code when unknown) for people. */
function coded(
  table: Readonly<Record<string, Readonly<Record<CsvLanguage, string>>>>,
  code: string,
  opts: Pick<CsvOptions, 'lang' | 'header'>,
): string {
  if (opts.header === 'machine') return code;
  return Object.hasOwn(table, code) ? (table[code]?.[opts.lang] ?? code) : code;
}

/** A yes/no cell: `true`/`false` for machines, 是/否 or yes/no for people; empty stays empty. */
function yesNo(v: boolean | null | undefined, opts: Pick<CsvOptions, 'lang' | 'header'>): CsvCell {
  if (v === null || v === undefined || opts.header === 'machine') return v;
  return YES_NO[opts.lang][v ? 0 : 1];
}

/**
 * One row per participant of the session (everyone ever bound, plus anyone with a saved report), by alias.
 * Metrics come from the saved report (empty until the session has ended); the alert count from the registry.
 */
export async function participantsCsv(
  registry: Registry,
  session: SessionRecord,
  opts: CsvOptions,
): Promise<string> {
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
        yesNo(r.hrRecovery?.flaggedForReview, opts),
        yesNo(saved !== undefined, opts),
      ];
    })
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])));
  return toCsv(header(PARTICIPANT_COLUMNS, opts), rows);
}

/**
 * One row per alert, oldest first. Acknowledgement columns describe the first acknowledgement (time to
 * acknowledge as CLINICAL-RULES.md section 6 reports it), even when a stronger upgrade re-opened the alert.
 */
export async function alertsCsv(
  registry: Registry,
  session: SessionRecord,
  opts: CsvOptions,
): Promise<string> {
  const lines = await alertLines(registry, session);
  const alias = await aliases(
    registry,
    lines.map((a) => a.participantId),
  );
  const at = (ms: number | null) => formatLocalWithOffset(ms, opts.tz);
  const rows: CsvCell[][] = lines.map((a) => [
    a.alertId,
    alias.get(a.participantId) ?? '',
    a.participantId,
    coded(RULE_LABEL, a.rule, opts),
    coded(SEVERITY_LABEL, a.severity, opts),
    yesNo(a.unconfirmed, opts),
    coded(STATE_LABEL, a.state, opts),
    at(a.raisedAt),
    a.acknowledgedBy,
    at(a.acknowledgedAt),
    a.timeToAcknowledgeS,
    a.ackNote,
    at(a.clearedAt),
    at(a.closedAt),
    a.escalationLevel,
  ]);
  return toCsv(header(ALERT_COLUMNS, opts), rows);
}
