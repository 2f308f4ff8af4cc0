import type { AlertLine } from '../api/report-alerts.js';
import { readSaved } from '../participant/history.js';
import type { SessionRecord } from '../registry/index.js';
import { barChart, lineChart } from './charts.js';
import { localClock, localMinute, type PdfMeta, PdfWriter } from './doc.js';
import { ruleLabel, severityLabel, type Translate } from './text.js';

/** What a session report PDF is made from. */
export interface SessionReportInput {
  session: SessionRecord;
  alias: string;
  /** The saved report body (`session_reports.body`). */
  body: unknown;
  /** This participant's alerts from the registry (`alertLines`). */
  alerts: readonly AlertLine[];
  /**
   * `participant`: the participant's own copy: no staff names or notes. `staff`: who acknowledged and their
   * notes.
   */
  audience: 'staff' | 'participant';
}

const fmt = (v: number | null | undefined, unit: string, digits = 0): string =>
  v === null || v === undefined ? '–' : `${Number(v.toFixed(digits))} ${unit}`.trim();

/** The plain-language sentences of a session ("you spent 24 of 30 minutes in your zone…"). */
export function plainSummary(
  t: Translate,
  figures: { minutesInZone: number; targetMinutesInZone: number | null; hrRecoveryDropBpm: number | null },
): string[] {
  const min = Math.round(figures.minutesInZone);
  const out = [
    figures.targetMinutesInZone
      ? t('summary.minutes', { in: min, target: Math.round(figures.targetMinutesInZone) })
      : t('summary.minutesNoTarget', { in: min }),
  ];
  if (figures.hrRecoveryDropBpm !== null && figures.hrRecoveryDropBpm > 0)
    out.push(t('summary.recovery', { drop: Math.round(figures.hrRecoveryDropBpm) }));
  return out;
}

/** How an alert was handled, in words. */
export function handling(t: Translate, a: AlertLine, tz: string, withStaff: boolean): string {
  const parts: string[] = [];
  if (a.timeToAcknowledgeS !== null) {
    const s = Math.round(a.timeToAcknowledgeS);
    parts.push(
      withStaff && a.acknowledgedBy
        ? t('handling.ack', { who: a.acknowledgedBy, s })
        : t('handling.ackNoName', { s }),
    );
  } else parts.push(t('handling.notAck'));
  if (a.clearedAt !== null) parts.push(t('handling.cleared', { at: localClock(a.clearedAt, tz) }));
  if (withStaff && a.ackNote) parts.push(t('handling.note', { note: a.ackNote }));
  return parts.join('; ');
}

/** One participant's report of one session as a PDF. */
export async function sessionReportPdf(meta: PdfMeta, input: SessionReportInput): Promise<Buffer> {
  const w = new PdfWriter(meta);
  const { t } = w;
  const tz = meta.timezone;
  const r = readSaved(input.body);
  const s = input.session;
  const started = s.startedAt ?? s.scheduledAt ?? s.createdAt;
  const mins = r.adherence?.minutesInZone ?? (r.secondsIn !== null ? r.secondsIn / 60 : 0);
  const target = r.adherence?.targetMinutesInZone ?? null;
  w.facts([
    [t('field.participant'), input.alias],
    [t('field.date'), localMinute(started, tz)],
    [t('field.kind'), t(s.kind === 'home' ? 'kind.home' : 'kind.class')],
    [t('field.duration'), fmt(r.durationS === null ? null : r.durationS / 60, t('unit.min'))],
  ]);
  w.heading(t('h.summary'));
  for (const line of plainSummary(t, {
    minutesInZone: mins,
    targetMinutesInZone: target,
    hrRecoveryDropBpm: r.hrRecovery?.dropBpm ?? null,
  }))
    w.para(line);
  w.para(input.alerts.length ? t('summary.alerts', { n: input.alerts.length }) : t('summary.noAlerts'));

  w.heading(t('h.figures'));
  w.facts([
    [t('fig.minutesInZone'), fmt(mins, t('unit.min'), 1)],
    [t('fig.target'), fmt(target, t('unit.min'))],
    [t('fig.zone'), r.zone ? `${r.zone.lowBpm}–${r.zone.highBpm} ${t('unit.bpm')}` : '–'],
    [t('fig.ceiling'), fmt(r.zone?.ceilingBpm, t('unit.bpm'))],
    [t('fig.hrMean'), fmt(r.hrMean, t('unit.bpm'))],
    [t('fig.hrPeak'), fmt(r.hrPeak, t('unit.bpm'))],
    [t('fig.spo2Min'), fmt(r.spo2Min, t('unit.pct'))],
    [t('fig.recovery'), fmt(r.hrRecovery?.dropBpm, t('unit.bpm'))],
    [t('fig.below'), fmt(r.secondsBelow === null ? null : r.secondsBelow / 60, t('unit.min'), 1)],
    [t('fig.above'), fmt(r.secondsAbove === null ? null : r.secondsAbove / 60, t('unit.min'), 1)],
    [t('fig.completeness'), fmt(r.completeness, t('unit.pct'))],
    [t('fig.steps'), fmt(r.steps, '')],
  ]);

  w.heading(t('h.chart'));
  if (r.trace.some((p) => p.hr !== null)) {
    const last = r.trace.at(-1)?.tS ?? 0;
    const ticks = [];
    const every = last > 3600 ? 900 : last > 1200 ? 600 : 300;
    for (let x = 0; x <= last; x += every) ticks.push({ x, label: localClock(started + x * 1000, tz) });
    lineChart(w, {
      points: r.trace.map((p) => ({ x: p.tS, y: p.hr })),
      band: r.zone ? { low: r.zone.lowBpm, high: r.zone.highBpm } : null,
      limit: r.zone?.ceilingBpm ?? null,
      xTicks: ticks,
      yUnit: t('unit.bpm'),
    });
  } else w.para(t('noData'));
  // The share of time below / in / above the zone as bars (minutes).
  if (r.secondsIn !== null) {
    barChart(w, {
      bars: [
        { label: t('fig.below'), value: (r.secondsBelow ?? 0) / 60 },
        { label: t('fig.minutesInZone'), value: (r.secondsIn ?? 0) / 60 },
        { label: t('fig.above'), value: (r.secondsAbove ?? 0) / 60 },
      ],
      target,
      yUnit: t('unit.min'),
      height: 90,
    });
  }

  w.heading(t('h.alerts'));
  if (input.alerts.length === 0) w.para(t('alerts.none'));
  else
    w.table(
      [
        { header: t('col.time'), width: 1 },
        { header: t('col.alert'), width: 2.4 },
        { header: t('col.handling'), width: 3.6 },
      ],
      input.alerts.map((a) => [
        localClock(a.raisedAt, tz),
        `${ruleLabel(t, a.rule)} (${severityLabel(t, a.severity)})`,
        handling(t, a, tz, input.audience === 'staff'),
      ]),
    );
  return w.finish();
}
