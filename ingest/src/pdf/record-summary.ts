import type { ParticipantHistory } from '../participant/history.js';
import { barChart, lineChart } from './charts.js';
import { localMinute, type PdfMeta, PdfWriter } from './doc.js';

/** The participant's record summary: prescription, weekly minutes in zone, HR recovery trend, sessions. */
export async function recordSummaryPdf(
  meta: PdfMeta,
  h: ParticipantHistory,
  extra: { nextReassessmentAt?: number | null } = {},
): Promise<Buffer> {
  const w = new PdfWriter(meta);
  const { t } = w;
  const tz = meta.timezone;
  const rx = h.prescription;
  w.facts([
    [t('field.participant'), h.participant.alias],
    [t('h.sessions'), String(h.sessions.length)],
    ...(extra.nextReassessmentAt
      ? [[t('fig.nextReassessment'), localMinute(extra.nextReassessmentAt, tz).slice(0, 10)] as const]
      : []),
  ]);
  w.heading(t('h.prescription'));
  if (rx) {
    w.para(t('rx.zone', { low: rx.zoneLowBpm, high: rx.zoneHighBpm, ceiling: rx.ceilingBpm }));
    if (rx.sessionsPerWeek && rx.minutesInZone)
      w.para(t('rx.fitt', { sessions: rx.sessionsPerWeek, minutes: rx.minutesInZone }));
  } else w.para(t('rx.none'));

  w.heading(t('h.weekly'));
  barChart(w, {
    bars: h.weeks.map((x) => ({ label: localMinute(x.weekStart, tz).slice(5, 10), value: x.minutesInZone })),
    target: h.weeklyTargetMinutes,
    yUnit: t('unit.min'),
  });
  w.muted(t('weekly.caption'));

  const rec = [...h.sessions].reverse().filter((s) => s.hrRecoveryDropBpm !== null);
  if (rec.length > 0) {
    w.heading(t('h.recovery'));
    const first = rec[0]!.startedAt;
    const last = rec.at(-1)!.startedAt;
    lineChart(w, {
      points: rec.map((s) => ({ x: s.startedAt, y: s.hrRecoveryDropBpm })),
      xTicks: [
        { x: first, label: localMinute(first, tz).slice(5, 10) },
        ...(last > first ? [{ x: last, label: localMinute(last, tz).slice(5, 10) }] : []),
      ],
      yUnit: t('unit.bpm'),
      height: 120,
    });
  }

  w.heading(t('h.sessions'));
  if (h.sessions.length === 0) w.para(t('noData'));
  else
    w.table(
      [
        { header: t('col.date'), width: 1.6 },
        { header: t('field.kind'), width: 1.2 },
        { header: t('col.minutes'), width: 1.5, align: 'right' },
        { header: t('col.peak'), width: 1, align: 'right' },
        { header: t('col.recovery'), width: 1, align: 'right' },
        { header: t('col.alerts'), width: 0.9, align: 'right' },
      ],
      h.sessions
        .slice(0, 40)
        .map((s) => [
          localMinute(s.startedAt, tz),
          t(s.kind === 'home' ? 'kind.home' : 'kind.class'),
          `${Number(s.minutesInZone.toFixed(1))} / ${s.targetMinutesInZone ?? '–'}`,
          s.hrPeak === null ? '–' : String(s.hrPeak),
          s.hrRecoveryDropBpm === null ? '–' : String(s.hrRecoveryDropBpm),
          String(s.alertCount),
        ]),
    );
  return w.finish();
}
