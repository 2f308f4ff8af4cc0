import type { RecordResponse } from '@zonewatch/protocol';
import { formatDate, formatDateTime, formatNumber } from '../../format.js';
import { language, t } from '../../i18n/store.js';
import { KIND_KEY, PROGRESSION_KIND_KEY } from '../../record/labels.js';
import { dateMs } from '../../record/programme.js';
import { valueAt } from '../../record/trends.js';
import { href } from '../../router.js';
import { AlarmIcon } from '../icons.js';
import { ruleKey, sessionDisplayName } from '../labels.js';
import { Data } from '../Msg.js';
import { programmeName } from './Enrol.js';

type Assessment = RecordResponse['assessments'][number];

/** The headline figures of an assessment (what a clinician scans for). */
function headline(a: Assessment | undefined): string {
  if (!a) return '';
  const d = a.document;
  const parts: string[] = [];
  const walk = valueAt(d, 'sixMinuteWalk.distanceM');
  if (walk !== null) parts.push(t('record.tl.walk', { m: formatNumber(walk, 0) }));
  const peak = valueAt(d, 'exerciseTest.peakHrBpm');
  if (peak !== null) parts.push(t('record.tl.peak', { bpm: formatNumber(peak, 0) }));
  const sys = valueAt(d, 'restingBp.systolicMmHg');
  const dia = valueAt(d, 'restingBp.diastolicMmHg');
  if (sys !== null && dia !== null) parts.push(t('record.tl.bp', { sys, dia }));
  const hr = valueAt(d, 'restingHrBpm');
  if (hr !== null) parts.push(t('record.tl.restingHr', { bpm: hr }));
  const kg = valueAt(d, 'anthropometrics.weightKg');
  if (kg !== null) parts.push(t('record.tl.weight', { kg: formatNumber(kg, 1) }));
  return parts.join(t('common.listSep'));
}

/** A note the server writes itself (an accepted proposal's version), worded here; a person's note as typed. */
function Note({ note }: { note: string }) {
  const m = /^progression proposal accepted \((progress|hold|step-back)\)$/.exec(note);
  if (m) return <>{t('record.tl.acceptedNote', { kind: t(PROGRESSION_KIND_KEY[m[1] as 'progress']) })}</>;
  return <Data>{note}</Data>;
}

const STATUS_KEY = {
  proposed: 'record.tl.proposed',
  accepted: 'record.tl.accepted',
  rejected: 'record.tl.rejected',
  superseded: 'record.tl.superseded',
} as const;

/**
 * The record's timeline: assessments, prescription versions, enrolment, sessions (class and home), alerts
 * and proposals, newest first.
 */
export function Timeline({
  r,
  onDerive,
}: {
  r: RecordResponse;
  onDerive: ((assessmentId: string) => void) | undefined;
}) {
  const items = [...r.timeline].sort((a, b) => b.at - a.at);
  if (items.length === 0) return <p class="muted">{t('record.tl.empty')}</p>;
  const lang = language.value;
  return (
    <ol class="record-timeline" data-testid="timeline">
      {items.map((i) => {
        switch (i.type) {
          case 'assessment': {
            const a = r.assessments.find((x) => x.id === i.id);
            return (
              <li key={`a-${i.id}`} data-type="assessment">
                <span class="tl-date">{formatDate(dateMs(i.date), lang)}</span>
                <span class="tl-what">
                  <strong>{t(KIND_KEY[i.kind])}</strong> {headline(a)}
                  {a?.source === 'device' && <span class="muted"> {t('record.tl.fromDevice')}</span>}
                  {a?.document.findings && (
                    <span class="tl-findings">
                      <Data>{a.document.findings}</Data>
                    </span>
                  )}
                </span>
                {onDerive && (
                  <button
                    type="button"
                    class="btn btn-small no-print"
                    data-testid="derive"
                    onClick={() => onDerive(i.id)}
                  >
                    {t('record.derive.open')}
                  </button>
                )}
              </li>
            );
          }
          case 'prescription':
            return (
              <li key={`p-${i.id}`} data-type="prescription">
                <span class="tl-date">{formatDate(i.at, lang)}</span>
                <span class="tl-what tl-rx">
                  <strong>{t('record.tl.rxVersion', { version: i.version })}</strong>
                  {i.note && (
                    <>
                      {' '}
                      <Note note={i.note} />
                    </>
                  )}
                </span>
              </li>
            );
          case 'enrolment':
            return (
              <li key={`e-${i.id}`} data-type="enrolment">
                <span class="tl-date">{formatDate(dateMs(i.startDate), lang)}</span>
                <span class="tl-what">
                  {t('record.tl.enrolled')}{' '}
                  {programmeName({
                    preset: r.enrolment?.id === i.id ? r.enrolment.programme.preset : null,
                    name: i.programmeName,
                  })}
                </span>
              </li>
            );
          case 'session':
            return (
              <li key={`s-${i.id}`} data-type="session">
                <span class="tl-date">{formatDateTime(i.at, lang)}</span>
                <span class="tl-what">
                  <a href={href({ name: 'report', sessionId: i.id })}>
                    {i.sessionKind === 'home' ? t('record.tl.home') : t('record.tl.class')}{' '}
                    <Data>{sessionDisplayName(i, i.id, t)}</Data>
                  </a>{' '}
                  {i.minutesInZone !== null &&
                    t('record.tl.minutes', { minutes: formatNumber(i.minutesInZone, 0) })}
                  {i.alerts > 0 && <span class="warn"> {t('record.tl.alerts', { n: i.alerts })}</span>}
                </span>
              </li>
            );
          case 'alert':
            return (
              <li key={`al-${i.id}`} data-type="alert">
                <span class="tl-date">{formatDateTime(i.at, lang)}</span>
                <span class={`tl-what sev-text-${i.severity}`}>
                  <AlarmIcon severity={i.severity} /> {t(ruleKey(i.rule))}
                </span>
              </li>
            );
          case 'proposal':
            return (
              <li key={`pr-${i.id}`} data-type="proposal">
                <span class="tl-date">{formatDate(i.at, lang)}</span>
                <span class="tl-what">
                  {t('record.tl.proposal')} {t(PROGRESSION_KIND_KEY[i.kind])} · {t(STATUS_KEY[i.status])}
                </span>
              </li>
            );
          default:
            return null;
        }
      })}
    </ol>
  );
}
