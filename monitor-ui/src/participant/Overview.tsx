import type { MeView } from '@zonewatch/protocol';
import { language, t } from '../i18n/store.js';
import { LineChart, WeeklyBars } from './Charts.js';
import { pHref } from './route.js';
import { dateIn, sessionSentences, shortDate } from './words.js';

/** The participant's overview: this week against the target, prescription, re-assessment, sessions, trends. */
export function Overview(props: { token: string; view: MeView }) {
  const v = props.view;
  const tz = v.centre.timezone;
  const lang = language.value;
  const w = v.thisWeek;
  const pct = w.targetMinutes ? Math.min(100, Math.round((w.minutesInZone / w.targetMinutes) * 100)) : null;
  const rx = v.prescription;
  const recovery = [...v.sessions].reverse().filter((s) => s.hrRecoveryDropBpm !== null);
  return (
    <main class="p-page">
      <h1>{t('me.title')}</h1>
      <section class="p-card" aria-labelledby="p-week">
        <h2 id="p-week">{t('me.thisWeek')}</h2>
        <p class="p-big">
          {w.targetMinutes
            ? t('me.weekMinutes', { in: Math.round(w.minutesInZone), target: Math.round(w.targetMinutes) })
            : t('me.weekMinutesNoTarget', { in: Math.round(w.minutesInZone) })}
        </p>
        {pct !== null && (
          <div
            class="p-progress"
            role="progressbar"
            aria-valuenow={pct}
            aria-valuemin={0}
            aria-valuemax={100}
          >
            <div style={{ width: `${pct}%` }} />
          </div>
        )}
        <p>
          {w.targetSessions
            ? t('me.weekSessions', { n: w.sessions, target: w.targetSessions })
            : t('me.weekSessionsNoTarget', { n: w.sessions })}
        </p>
      </section>

      <section class="p-card" aria-labelledby="p-rx">
        <h2 id="p-rx">{t('me.prescription')}</h2>
        {rx ? (
          <>
            <p>{t('me.rxZone', { low: rx.zoneLowBpm, high: rx.zoneHighBpm })}</p>
            <p>{t('me.rxCeiling', { ceiling: rx.ceilingBpm })}</p>
            {rx.sessionsPerWeek && rx.minutesInZone && (
              <p>{t('me.rxFitt', { sessions: rx.sessionsPerWeek, minutes: rx.minutesInZone })}</p>
            )}
          </>
        ) : (
          <p>{t('me.rxNone')}</p>
        )}
        <h3>{t('me.reassessment')}</h3>
        <p>
          {v.nextReassessmentAt ? dateIn(v.nextReassessmentAt, tz, lang, false) : t('me.reassessmentNone')}
        </p>
      </section>

      <section class="p-card" aria-labelledby="p-sessions">
        <h2 id="p-sessions">{t('me.sessions')}</h2>
        {v.sessions.length === 0 && <p>{t('me.sessionsNone')}</p>}
        <ul class="p-list">
          {v.sessions.map((s) => (
            <li key={s.sessionId}>
              <a class="p-session" href={pHref({ token: props.token, sessionId: s.sessionId })}>
                <span class="p-when">
                  {dateIn(s.startedAt, tz, lang)} · {s.kind === 'home' ? t('me.kindHome') : t('me.kindClass')}
                </span>
                {sessionSentences(t, s).map((line) => (
                  <span key={line} class="p-line-text">
                    {line}
                  </span>
                ))}
                <span class="p-more">{t('me.open')} ›</span>
              </a>
            </li>
          ))}
        </ul>
      </section>

      <section class="p-card" aria-labelledby="p-trends">
        <h2 id="p-trends">{t('me.trends')}</h2>
        <h3>{t('me.trendWeekly')}</h3>
        <WeeklyBars weeks={v.weeks} target={v.weeklyTargetMinutes} tz={tz} label={t('me.trendWeekly')} />
        <p class="p-caption">{t('me.trendWeeklyCaption')}</p>
        {recovery.length > 0 && (
          <>
            <h3>{t('me.trendRecovery')}</h3>
            <LineChart
              points={recovery.map((s) => ({ x: s.startedAt, y: s.hrRecoveryDropBpm }))}
              xLabels={[recovery[0]!, recovery.at(-1)!].map((s) => ({
                x: s.startedAt,
                text: shortDate(s.startedAt, tz),
              }))}
              label={t('me.trendRecovery')}
            />
          </>
        )}
      </section>
      <p class="p-caption">{t('me.linkValid', { date: dateIn(v.link.expiresAt, tz, lang, false) })}</p>
    </main>
  );
}
