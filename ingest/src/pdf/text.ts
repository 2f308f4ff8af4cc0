/**
 * The words of the PDFs, in English and Simplified Chinese (the console's catalogues live in monitor-ui; the
 * server words its own documents). `{name}` placeholders take the figures.
 */
export const PDF_LANGS = ['zh-CN', 'en'] as const;
export type PdfLang = (typeof PDF_LANGS)[number];

const en = {
  'doc.sessionReport': 'Session report',
  'doc.recordSummary': 'Exercise health record — summary',
  'doc.classSummary': 'Class summary',
  'footer.generated': 'Generated {at} ({tz})',
  'footer.page': 'Page {n} of {total}',
  'field.participant': 'Participant',
  'field.session': 'Session',
  'field.date': 'Date',
  'field.duration': 'Duration',
  'field.kind': 'Kind',
  'kind.class': 'Class session',
  'kind.home': 'Home session',
  'h.figures': 'Figures',
  'h.chart': 'Heart rate during the session',
  'h.alerts': 'Alerts and their handling',
  'h.summary': 'In plain words',
  'h.prescription': 'Prescription',
  'h.weekly': 'Minutes in zone per week',
  'h.sessions': 'Sessions',
  'h.recovery': 'Heart-rate recovery at 1 minute',
  'h.participants': 'Participants',
  'fig.minutesInZone': 'Minutes in zone',
  'fig.target': 'Target',
  'fig.zone': 'Target zone',
  'fig.ceiling': 'Safety ceiling',
  'fig.hrMean': 'Mean heart rate',
  'fig.hrPeak': 'Peak heart rate',
  'fig.spo2Min': 'Lowest SpO2',
  'fig.completeness': 'Data completeness',
  'fig.recovery': 'Heart-rate recovery (1 min)',
  'fig.steps': 'Steps',
  'fig.nextReassessment': 'Next re-assessment',
  'fig.below': 'Time below zone',
  'fig.above': 'Time above zone',
  'col.participant': 'Participant',
  'col.minutes': 'Min in zone / target',
  'col.peak': 'Peak HR',
  'col.alerts': 'Alerts and handling',
  'col.date': 'Date',
  'col.session': 'Session',
  'col.recovery': 'HR recovery',
  'col.time': 'Time',
  'col.alert': 'Alert',
  'col.handling': 'Handling',
  none: 'None',
  noData: 'No data',
  'alerts.none': 'No alerts.',
  'handling.ack': 'acknowledged by {who} after {s} s',
  'handling.ackNoName': 'acknowledged after {s} s',
  'handling.notAck': 'not acknowledged',
  'handling.cleared': 'cleared {at}',
  'handling.note': 'note: {note}',
  'summary.minutes': 'You spent {in} of {target} minutes in your zone.',
  'summary.minutesNoTarget': 'You spent {in} minutes in your zone.',
  'summary.recovery': 'Your heart rate came down {drop} beats in the first minute after exercise.',
  'summary.alerts': 'Staff were alerted {n} time(s) during the session.',
  'summary.noAlerts': 'No alerts during the session.',
  'rx.zone': 'Exercise with your heart rate between {low} and {high} beats per minute; stay below {ceiling}.',
  'rx.fitt': '{sessions} sessions a week, {minutes} minutes in your zone each time.',
  'rx.none': 'No prescription yet.',
  'weekly.caption': 'Bars: minutes in zone; line: weekly target.',
  'unit.bpm': 'bpm',
  'unit.min': 'min',
  'unit.s': 's',
  'unit.pct': '%',
  'severity.critical': 'critical',
  'severity.warning': 'warning',
  'severity.advisory': 'advisory',
  'rule.HR_ABOVE_ZONE': 'Heart rate above zone',
  'rule.HR_OVER_CEILING': 'Heart rate over ceiling',
  'rule.HR_LOW': 'Heart rate low',
  'rule.SPO2_LOW': 'SpO2 below floor',
  'rule.SPO2_DROP': 'SpO2 drop',
  'rule.SIGNAL_LOST': 'Sensor signal lost',
  'rule.NO_CONTACT': 'Sensor not on skin',
  'rule.UNMONITORED': 'Not monitored: no device',
  'rule.unknown': 'Alert',
} as const;

export type PdfKey = keyof typeof en;

const zh: Record<PdfKey, string> = {
  'doc.sessionReport': '运动课程报告',
  'doc.recordSummary': '运动健康档案摘要',
  'doc.classSummary': '课程汇总',
  'footer.generated': '生成时间 {at}（{tz}）',
  'footer.page': '第 {n} 页，共 {total} 页',
  'field.participant': '参与者',
  'field.session': '课程',
  'field.date': '日期',
  'field.duration': '时长',
  'field.kind': '类型',
  'kind.class': '集体课',
  'kind.home': '居家训练',
  'h.figures': '主要数据',
  'h.chart': '运动中的心率',
  'h.alerts': '警报及处理',
  'h.summary': '简要说明',
  'h.prescription': '运动处方',
  'h.weekly': '每周区间内分钟数',
  'h.sessions': '训练记录',
  'h.recovery': '运动后 1 分钟心率恢复',
  'h.participants': '参与者',
  'fig.minutesInZone': '区间内分钟数',
  'fig.target': '目标',
  'fig.zone': '目标心率区间',
  'fig.ceiling': '安全上限',
  'fig.hrMean': '平均心率',
  'fig.hrPeak': '最高心率',
  'fig.spo2Min': '最低血氧',
  'fig.completeness': '数据完整度',
  'fig.recovery': '心率恢复（1 分钟）',
  'fig.steps': '步数',
  'fig.nextReassessment': '下次复评',
  'fig.below': '低于区间时间',
  'fig.above': '高于区间时间',
  'col.participant': '参与者',
  'col.minutes': '区间内分钟 / 目标',
  'col.peak': '最高心率',
  'col.alerts': '警报及处理',
  'col.date': '日期',
  'col.session': '课程',
  'col.recovery': '心率恢复',
  'col.time': '时间',
  'col.alert': '警报',
  'col.handling': '处理',
  none: '无',
  noData: '无数据',
  'alerts.none': '无警报。',
  'handling.ack': '{who} 在 {s} 秒后确认',
  'handling.ackNoName': '在 {s} 秒后确认',
  'handling.notAck': '未确认',
  'handling.cleared': '{at} 解除',
  'handling.note': '备注：{note}',
  'summary.minutes': '您在目标心率区间内运动了 {in} 分钟（目标 {target} 分钟）。',
  'summary.minutesNoTarget': '您在目标心率区间内运动了 {in} 分钟。',
  'summary.recovery': '运动结束后第一分钟，您的心率下降了 {drop} 次/分。',
  'summary.alerts': '训练中工作人员收到了 {n} 次警报。',
  'summary.noAlerts': '训练中没有警报。',
  'rx.zone': '运动时心率保持在每分钟 {low} 至 {high} 次之间，不要超过 {ceiling} 次。',
  'rx.fitt': '每周 {sessions} 次，每次在目标区间内运动 {minutes} 分钟。',
  'rx.none': '尚无运动处方。',
  'weekly.caption': '柱：区间内分钟数；线：每周目标。',
  'unit.bpm': '次/分',
  'unit.min': '分钟',
  'unit.s': '秒',
  'unit.pct': '%',
  'severity.critical': '危急',
  'severity.warning': '警告',
  'severity.advisory': '提示',
  'rule.HR_ABOVE_ZONE': '心率高于目标区间',
  'rule.HR_OVER_CEILING': '心率超过安全上限',
  'rule.HR_LOW': '心率过低',
  'rule.SPO2_LOW': '血氧低于下限',
  'rule.SPO2_DROP': '血氧下降',
  'rule.SIGNAL_LOST': '传感器无信号',
  'rule.NO_CONTACT': '传感器未贴合皮肤',
  'rule.UNMONITORED': '未监测：未绑定设备',
  'rule.unknown': '警报',
};

const CATALOGUES: Record<PdfLang, Record<PdfKey, string>> = { en, 'zh-CN': zh };

/** A translator for `lang`: `t('summary.minutes', { in: 24, target: 30 })`. */
export function translator(lang: PdfLang) {
  const cat = CATALOGUES[lang];
  return (key: PdfKey, params: Readonly<Record<string, string | number>> = {}): string =>
    cat[key].replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}
export type Translate = ReturnType<typeof translator>;

/** The label of an alert rule (an unknown rule reads as "Alert"). */
export function ruleLabel(t: Translate, rule: string): string {
  const key = `rule.${rule}` as PdfKey;
  return key in en ? t(key) : t('rule.unknown');
}

/**
 * A session name the server made up ('Class session', 'Home session', the seed's 'Home session — {alias}')
 * in the document's language, as the console words it; a typed name as typed.
 */
export function sessionName(t: Translate, name: string): string {
  if (name === 'Class session') return t('kind.class');
  if (name === 'Home session') return t('kind.home');
  const home = /^Home session — (.+)$/.exec(name);
  return home ? `${t('kind.home')} — ${home[1]}` : name;
}

/** The label of a severity (unknown ones as written). */
export function severityLabel(t: Translate, severity: string): string {
  const key = `severity.${severity}` as PdfKey;
  return key in en ? t(key) : severity;
}
