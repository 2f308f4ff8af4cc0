import type { MeSessionDetail } from '@zonewatch/protocol';
import type { MessageKey } from '../i18n/i18n.js';
import { language, t } from '../i18n/store.js';
import { downloadPdf } from './api.js';
import { LineChart } from './Charts.js';
import { pHref } from './route.js';
import { dateIn, sessionSentences, timeIn } from './words.js';

const RULES = new Set([
  'HR_ABOVE_ZONE',
  'HR_OVER_CEILING',
  'HR_LOW',
  'SPO2_LOW',
  'SPO2_DROP',
  'SIGNAL_LOST',
  'NO_CONTACT',
  'UNMONITORED',
]);

/** One session for the participant, printable on one page. */
export function SessionPage(props: { token: string; detail: MeSessionDetail }) {
  const d = props.detail;
  const s = d.session;
  const tz = d.centre.timezone;
  const lang = language.value;
  const fig = (v: number | null, key: MessageKey) => (v === null ? '–' : t(key, { n: Math.round(v) }));
  const rows: [string, string][] = [
    [t('me.figMinutes'), t('me.minutes', { n: Math.round(s.minutesInZone) })],
    [t('me.figDuration'), s.durationS === null ? '–' : t('me.minutes', { n: Math.round(s.durationS / 60) })],
    [t('me.figMeanHr'), fig(s.hrMean, 'me.bpm')],
    [t('me.figPeakHr'), fig(s.hrPeak, 'me.bpm')],
    [t('me.figSpo2Min'), fig(s.spo2Min, 'me.percent')],
    [t('me.figRecovery'), fig(s.hrRecoveryDropBpm, 'me.bpm')],
  ];
  const last = d.trace.at(-1)?.tS ?? 0;
  return (
    <main class="p-page p-session-page">
      <a class="p-back no-print" href={pHref({ token: props.token, sessionId: null })}>
        ‹ {t('me.back')}
      </a>
      <h1>{t('me.sessionTitle')}</h1>
      <p class="p-when">
        {dateIn(s.startedAt, tz, lang)} · {s.kind === 'home' ? t('me.kindHome') : t('me.kindClass')}
      </p>
      <section class="p-card">
        {sessionSentences(t, s).map((line) => (
          <p key={line} class="p-lead">
            {line}
          </p>
        ))}
      </section>
      <section class="p-card">
        <dl class="p-figures">
          {rows.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </section>
      {d.trace.some((p) => p.hr !== null) && (
        <section class="p-card">
          <h2>{t('me.chartHr')}</h2>
          <LineChart
            points={d.trace.map((p) => ({ x: p.tS, y: p.hr }))}
            band={d.zone ? { low: d.zone.lowBpm, high: d.zone.highBpm } : null}
            xLabels={[0, last].map((x) => ({ x, text: timeIn(s.startedAt + x * 1000, tz) }))}
            label={t('me.chartHr')}
          />
          {d.zone && <p class="p-caption">{t('me.chartHrCaption')}</p>}
        </section>
      )}
      <section class="p-card">
        <h2>{t('me.alerts')}</h2>
        {d.alerts.length === 0 ? (
          <p>{t('me.alertsNone')}</p>
        ) : (
          <ul class="p-alerts">
            {d.alerts.map((a) => (
              <li key={a.raisedAt}>
                {timeIn(a.raisedAt, tz)} ·{' '}
                {t((RULES.has(a.rule) ? `rule.${a.rule}` : 'rule.unknown') as MessageKey)}
              </li>
            ))}
          </ul>
        )}
      </section>
      <div class="p-actions no-print">
        <button type="button" class="p-btn" onClick={() => window.print()}>
          {t('me.print')}
        </button>
        <button type="button" class="p-btn" onClick={() => void downloadPdf(props.token, s.sessionId, lang)}>
          {t('me.pdf')}
        </button>
      </div>
    </main>
  );
}
