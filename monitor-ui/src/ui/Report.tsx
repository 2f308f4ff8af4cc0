import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { endpoints } from '../api/endpoints.js';
import type { AdherenceResponse, ParticipantReport, SessionReportView } from '../api/types.js';
import { formatClock, formatDate, formatDateTime, formatDuration, formatNumber } from '../format.js';
import { language, t } from '../i18n/store.js';
import { adherenceRows, mayReadAdherence, overCeilingWithoutAlert, timeInZone } from '../report/report.js';
import { errorText } from './admin/common.js';
import { type ChartMarker, TraceChart } from './Chart.js';
import { AlarmIcon, ZoneShape } from './icons.js';
import { ruleKey, SEVERITY_KEY, sessionDisplayName, ZONE_KEY } from './labels.js';
import { Data } from './Msg.js';
import { me } from './session.js';

/** Weeks of adherence shown next to a report. */
const ADHERENCE_WEEKS = 8;

function ZoneBars({ r }: { r: ParticipantReport }) {
  const shares = timeInZone(r.metrics);
  return (
    <div class="tiz" data-testid="time-in-zone">
      <div class="tiz-bar" role="img" aria-label={t('report.timeInZone')}>
        {shares.map((s) =>
          s.pct > 0 ? (
            <div key={s.zone} class={`tiz-seg zone-pill-${s.zone}`} style={{ width: `${s.pct}%` }} />
          ) : null,
        )}
      </div>
      <ul class="tiz-legend">
        {shares.map((s) => (
          <li key={s.zone} class={`zone-text-${s.zone}`}>
            <ZoneShape zone={s.zone} /> {t(ZONE_KEY[s.zone])}{' '}
            <strong class="tiz-dur">{formatDuration(s.seconds)}</strong>{' '}
            <span class="muted">{t('report.pct', { pct: formatNumber(s.pct, 0) })}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Adherence({ participantId }: { participantId: string }) {
  const data = useSignal<AdherenceResponse | null>(null);
  const error = useSignal<string | null>(null);
  useEffect(() => {
    endpoints.adherence(participantId, ADHERENCE_WEEKS).then(
      (r) => (data.value = r),
      (e: unknown) => (error.value = errorText(e)),
    );
  }, [participantId]);
  if (error.value)
    return (
      <p class="error">
        <Data>{error.value}</Data>
      </p>
    );
  if (!data.value) return <p>{t('common.loading')}</p>;
  const rows = adherenceRows(data.value);
  const a = data.value;
  return (
    <div class="adherence" data-testid="adherence">
      <p>
        {a.fitt
          ? t('report.fittTarget', { sessions: a.fitt.sessionsPerWeek, minutes: a.fitt.minutesInZone })
          : t('report.noFitt')}
      </p>
      <table class="table">
        <thead>
          <tr>
            <th>{t('report.week')}</th>
            <th>{t('report.sessions')}</th>
            <th>{t('report.sessionsMeeting')}</th>
            <th>{t('report.minutesInZone')}</th>
            <th>{t('report.met')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((w) => (
            <tr key={w.weekStart}>
              <td>{formatDate(w.weekStart, language.value)}</td>
              <td>{w.sessions}</td>
              <td>
                {w.sessionsMeetingTarget ?? '--'}
                {w.targetSessions !== null && <span class="muted"> / {w.targetSessions}</span>}
                <span class="meter" aria-hidden="true">
                  <span style={{ width: `${(w.progress ?? 0) * 100}%` }} />
                </span>
              </td>
              <td>{formatNumber(w.minutesInZone, 0)}</td>
              <td>{w.met === null ? '--' : w.met ? t('report.metYes') : t('report.metNo')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ParticipantSection({
  r,
  adherence,
  sessionId,
}: {
  r: ParticipantReport;
  adherence: boolean;
  sessionId: string;
}) {
  const m = r.metrics;
  const markers: ChartMarker[] = r.alerts.map((a) => ({
    x: a.raisedS,
    severity: a.severity,
    label: t(ruleKey(a.rule)),
  }));
  const rec = r.hrRecovery;
  const overCeiling = overCeilingWithoutAlert(r);
  return (
    <section class="report-participant" data-participant={r.participantId}>
      <div class="report-participant-head">
        <h2>
          <Data>{r.alias}</Data>
        </h2>
        <a
          class="btn"
          href={endpoints.participantPdfUrl(sessionId, r.participantId, language.value)}
          download
          data-pdf="participant"
        >
          {t('report.pdfParticipant')}
        </a>
      </div>
      <dl class="metrics">
        <div>
          <dt>{t('report.duration')}</dt>
          <dd>{m.durationS === null ? '--' : formatDuration(m.durationS)}</dd>
        </div>
        <div>
          <dt>{t('report.hrMean')}</dt>
          <dd>
            {formatNumber(m.hrMean, 0)} <small>{t('unit.bpm')}</small>
          </dd>
        </div>
        <div>
          <dt>{t('report.hrPeak')}</dt>
          <dd>
            {formatNumber(m.hrPeak, 0)} <small>{t('unit.bpm')}</small>
          </dd>
        </div>
        <div>
          <dt>{t('report.spo2Mean')}</dt>
          <dd>
            {formatNumber(m.spo2Mean, 0)} <small>{t('unit.percent')}</small>
          </dd>
        </div>
        <div>
          <dt>{t('report.spo2Min')}</dt>
          <dd>
            {formatNumber(m.spo2Min, 0)} <small>{t('unit.percent')}</small>
          </dd>
        </div>
        <div>
          <dt>{t('report.steps')}</dt>
          <dd>{formatNumber(m.steps, 0)}</dd>
        </div>
        <div>
          <dt>{t('report.cadence')}</dt>
          <dd>
            {formatNumber(m.cadence, 0)} <small>{t('unit.perMin')}</small>
          </dd>
        </div>
        <div>
          <dt>{t('report.completeness')}</dt>
          <dd>
            {formatNumber(m.completeness, 0)} <small>{t('unit.percent')}</small>
          </dd>
        </div>
        <div>
          <dt>{t('report.minutesInZoneSession')}</dt>
          <dd>
            {r.adherence ? formatNumber(r.adherence.minutesInZone, 0) : '--'}
            {r.adherence?.targetMinutesInZone != null && (
              <small> / {formatNumber(r.adherence.targetMinutesInZone, 0)}</small>
            )}
            {r.adherence?.met != null && (
              <span class={`target ${r.adherence.met ? 'ok' : 'muted'}`}>
                {r.adherence.met ? t('report.targetMet') : t('report.targetNotMet')}
              </span>
            )}
          </dd>
        </div>
        <div class={rec?.flaggedForReview ? 'flag' : ''} data-testid="hr-recovery">
          <dt>{t('report.hrRecovery')}</dt>
          <dd>
            {rec ? (
              <>
                {rec.dropBpm < 0
                  ? t('report.hrRecoveryRise', { rise: formatNumber(-rec.dropBpm, 0) })
                  : t('report.hrRecoveryDrop', { drop: formatNumber(rec.dropBpm, 0) })}
                {rec.flaggedForReview && <span class="review"> {t('report.hrRecoveryReview')}</span>}
              </>
            ) : (
              '--'
            )}
          </dd>
        </div>
      </dl>
      {r.zone && (
        <p class="muted">
          {t('report.zoneLine', { low: r.zone.lowBpm, high: r.zone.highBpm, ceiling: r.zone.ceilingBpm })}
        </p>
      )}
      <TraceChart
        testid="report-chart"
        data={[r.trace.t, r.trace.hr, r.trace.spo2]}
        hrRange={r.hrRange}
        xKind="relative"
        zone={r.zone}
        markers={markers}
        height={380}
        labels={{
          hr: t('chart.hr'),
          spo2: t('chart.spo2'),
          zone: t('chart.zone'),
          ceiling: t('chart.ceiling'),
          time: t('chart.elapsed'),
          hrMax: t('chart.hrMax'),
          hrMin: t('chart.hrMin'),
        }}
      />
      <h3>{t('report.timeInZone')}</h3>
      <ZoneBars r={r} />
      {overCeiling && (
        <p class="muted" data-testid="over-ceiling-note">
          {overCeiling.kind === 'shortRuns'
            ? t('report.overCeilingShortRuns', {
                duration: formatDuration(overCeiling.seconds),
                hold: overCeiling.holdS,
              })
            : t('report.overCeilingHrAlertsOff', { duration: formatDuration(overCeiling.seconds) })}
        </p>
      )}
      {r.monitoringGaps.map((g) => (
        <p class="muted" data-testid="monitoring-gap" key={g.from}>
          {t('report.monitoringGap', {
            from: formatClock(g.from, language.value),
            to: formatClock(g.to, language.value),
          })}
        </p>
      ))}
      <h3>{t('report.alerts')}</h3>
      {r.alerts.length === 0 ? (
        <p class="muted">{t('report.noAlerts')}</p>
      ) : (
        <table class="table" data-testid="report-alerts">
          <thead>
            <tr>
              <th>{t('report.alertTime')}</th>
              <th>{t('report.alertSeverity')}</th>
              <th>{t('report.alertRule')}</th>
              <th>{t('report.timeToAck')}</th>
              <th>{t('report.ackBy')}</th>
              <th>{t('report.ackNote')}</th>
              <th>{t('report.closed')}</th>
            </tr>
          </thead>
          <tbody>
            {r.alerts.map((a) => (
              <tr key={a.id}>
                <td>
                  {a.raisedAt !== null ? formatClock(a.raisedAt, language.value) : formatDuration(a.raisedS)}
                </td>
                {a.severity === 'unknown' ? (
                  <td class="sev-text-critical" data-severity="unknown">
                    ? {t('severity.unknown')}
                  </td>
                ) : (
                  <td class={`sev-text-${a.severity}`}>
                    <AlarmIcon severity={a.severity} /> {t(SEVERITY_KEY[a.severity])}
                  </td>
                )}
                <td>{t(ruleKey(a.rule))}</td>
                <td>{a.timeToAckS === null ? t('report.notAcked') : formatDuration(a.timeToAckS)}</td>
                <td>{a.acknowledgedBy ? <Data>{a.acknowledgedBy}</Data> : '--'}</td>
                <td data-testid="ack-note">{a.ackNote ? <Data>{a.ackNote}</Data> : '--'}</td>
                <td>{a.closedAt !== null ? formatClock(a.closedAt, language.value) : '--'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {adherence && (
        <>
          <h3>{t('report.adherence')}</h3>
          <Adherence participantId={r.participantId} />
        </>
      )}
    </section>
  );
}

/** A saved session report: one section per participant. */
export function Report({ sessionId }: { sessionId: string }) {
  const report = useSignal<SessionReportView | null>(null);
  const error = useSignal<string | null>(null);
  useEffect(() => {
    endpoints.report(sessionId).then(
      (r) => (report.value = r),
      (e: unknown) =>
        (error.value = e instanceof ApiError && e.status === 404 ? t('report.notYet') : errorText(e)),
    );
  }, [sessionId]);
  const r = report.value;
  return (
    <main class="page report" data-session={sessionId}>
      <div class="wall-bar">
        <button type="button" class="btn" onClick={() => history.back()}>
          {t('common.back')}
        </button>
        <h1 class="wall-title">
          {t('report.title')} <Data>{sessionDisplayName(r?.session, sessionId, t)}</Data>
        </h1>
        <span class="spacer" />
        <a class="btn" href={endpoints.summaryPdfUrl(sessionId, language.value)} download data-pdf="summary">
          {t('report.pdfSummary')}
        </a>
        <a class="btn" href={endpoints.reportCsvUrl(sessionId, 'alerts', language.value)} download>
          {t('report.csvAlerts')}
        </a>
        <a
          class="btn btn-primary"
          href={endpoints.reportCsvUrl(sessionId, 'participants', language.value)}
          download
        >
          {t('report.csv')}
        </a>
      </div>
      {r?.session?.startedAt && (
        <p class="muted">
          {t('report.when', {
            start: formatDateTime(r.session.startedAt, language.value),
            end: r.session.endedAt ? formatDateTime(r.session.endedAt, language.value) : '--',
          })}
        </p>
      )}
      {error.value && (
        <p class="error" role="alert">
          <Data>{error.value}</Data>
        </p>
      )}
      {!r && !error.value && <p>{t('common.loading')}</p>}
      {r && r.participants.length === 0 && <p class="muted">{t('report.empty')}</p>}
      {r && r.participants.length > 0 && (
        // The class summary (issue 14): everyone's minutes in zone against their FITT target.
        <table class="table" data-testid="zone-minutes-summary">
          <caption>{t('report.zoneMinutesSummary')}</caption>
          <thead>
            <tr>
              <th>{t('report.participantCol')}</th>
              <th>{t('report.minutesInZoneSession')}</th>
              <th>{t('report.targetCol')}</th>
              <th>{t('report.metCol')}</th>
            </tr>
          </thead>
          <tbody>
            {r.participants.map((p) => (
              <tr key={p.participantId} data-participant={p.participantId}>
                <td>
                  <Data>{p.alias}</Data>
                </td>
                <td>{p.adherence ? formatNumber(p.adherence.minutesInZone, 0) : '--'}</td>
                <td>
                  {p.adherence?.targetMinutesInZone != null
                    ? formatNumber(p.adherence.targetMinutesInZone, 0)
                    : '--'}
                </td>
                <td>
                  {p.adherence?.met == null
                    ? '--'
                    : p.adherence.met
                      ? t('report.targetMet')
                      : t('report.targetNotMet')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r?.participants.map((p) => (
        <ParticipantSection
          key={p.participantId}
          r={p}
          sessionId={sessionId}
          adherence={mayReadAdherence(me.value, r.session)}
        />
      ))}
    </main>
  );
}
