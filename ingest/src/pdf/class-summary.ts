import type { AlertLine } from '../api/report-alerts.js';
import { readSaved } from '../participant/history.js';
import type { SessionRecord } from '../registry/index.js';
import { localClock, localMinute, type PdfMeta, PdfWriter } from './doc.js';
import { handling } from './session-report.js';
import { ruleLabel, sessionName, severityLabel } from './text.js';

export interface ClassSummaryInput {
  session: SessionRecord;
  /** Every participant with a saved report, and the report body. */
  rows: readonly { participantId: string; alias: string; body: unknown }[];
  /** Every alert of the session (registry). */
  alerts: readonly AlertLine[];
}

/** The class summary: one table of every participant, minutes in zone, peak HR, alerts and their handling. */
export async function classSummaryPdf(meta: PdfMeta, input: ClassSummaryInput): Promise<Buffer> {
  const w = new PdfWriter(meta);
  const { t } = w;
  const tz = meta.timezone;
  const s = input.session;
  const started = s.startedAt ?? s.scheduledAt ?? s.createdAt;
  w.facts([
    [t('field.session'), sessionName(t, s.name)],
    [t('field.date'), localMinute(started, tz)],
    [t('field.kind'), t(s.kind === 'home' ? 'kind.home' : 'kind.class')],
    [
      t('field.duration'),
      s.endedAt && s.startedAt ? `${Math.round((s.endedAt - s.startedAt) / 60_000)} ${t('unit.min')}` : '–',
    ],
  ]);
  w.heading(t('h.participants'));
  const rows = [...input.rows]
    .sort((a, b) => a.alias.localeCompare(b.alias))
    .map((p) => {
      const r = readSaved(p.body);
      const mins = r.adherence?.minutesInZone ?? (r.secondsIn !== null ? r.secondsIn / 60 : null);
      const target = r.adherence?.targetMinutesInZone ?? null;
      const mine = input.alerts.filter((a) => a.participantId === p.participantId);
      return [
        p.alias,
        `${mins === null ? '–' : Number(mins.toFixed(1))} / ${target === null ? '–' : target}`,
        r.hrPeak === null ? '–' : `${r.hrPeak} ${t('unit.bpm')}`,
        mine.length === 0
          ? t('none')
          : mine
              .map(
                (a) =>
                  `${localClock(a.raisedAt, tz)} ${ruleLabel(t, a.rule)} (${severityLabel(t, a.severity)}): ${handling(t, a, tz, true)}`,
              )
              .join('\n'),
      ];
    });
  w.table(
    [
      { header: t('col.participant'), width: 1.4 },
      { header: t('col.minutes'), width: 1.7, align: 'right' },
      { header: t('col.peak'), width: 1.1, align: 'right' },
      { header: t('col.alerts'), width: 3.8 },
    ],
    rows,
  );
  return w.finish();
}
