import { useMemo } from 'preact/hooks';
import { t } from '../i18n/store.js';
import { alertsByParticipant, sortAlerts } from '../live/alerts.js';
import { displayFreshness } from '../live/link.js';
import { ROLLING_WINDOW_MS } from '../live/trace.js';
import { href } from '../router.js';
import { AlertStrip } from './AlertStrip.js';
import { PairPhone } from './admin/PairPhone.js';
import { type ChartMarker, TraceChart } from './Chart.js';
import { ruleKey, STATUS_KEY, sessionDisplayName } from './labels.js';
import { Data } from './Msg.js';
import { SoundControl } from './SoundControl.js';
import { Tile } from './Tile.js';
import { useLiveSession } from './useLive.js';
import { InterruptedBanner, LinkBanner, LinkIndicator, TechnicalBanner } from './Wall.js';

/** A home session watched remotely: the participant's tile, larger, with a rolling 10-minute chart. */
export function CoachLive({ sessionId }: { sessionId: string }) {
  const live = useLiveSession(sessionId, { traces: true, view: 'private' });
  const s = live.state.value;
  const now = live.now.value;
  const alertList = useMemo(() => sortAlerts(Object.values(s.alerts)), [s.alerts]);
  const byP = useMemo(() => alertsByParticipant(alertList), [alertList]);
  const skew = s.serverAt !== null && s.receivedAt !== null ? s.serverAt - s.receivedAt : 0;
  const frameAge = s.receivedAt === null ? Number.POSITIVE_INFINITY : now - s.receivedAt;
  const labels = {
    hr: t('chart.hr'),
    spo2: t('chart.spo2'),
    zone: t('chart.zone'),
    ceiling: t('chart.ceiling'),
    time: t('chart.time'),
    hrMax: t('chart.hrMax'),
    hrMin: t('chart.hrMin'),
  };
  return (
    <main
      class="page coach-live"
      data-session={sessionId}
      data-snapshots={s.snapshots}
      data-link={live.link.value}
    >
      <div class="wall-bar">
        <a class="btn" href={href({ name: 'coach' })}>
          {t('common.back')}
        </a>
        <h1 class="wall-title">
          <Data>{sessionDisplayName(s.session, sessionId, t)}</Data>
        </h1>
        {s.session && (
          <span class={`status status-${s.session.status}`}>{t(STATUS_KEY[s.session.status])}</span>
        )}
        <LinkIndicator link={live.link.value} />
        <span class="spacer" />
        <SoundControl />
      </div>
      {live.refused.value && (
        <p class="error" role="alert">
          {t('wall.joinRefused')} <Data>{live.refused.value}</Data>
        </p>
      )}
      {live.unreadable.value && (
        <p class="error" role="alert" data-testid="unreadable">
          {t('wall.unreadable')}
        </p>
      )}
      <LinkBanner link={live.link.value} />
      <TechnicalBanner alarms={live.state.value.technical} />
      <InterruptedBanner since={live.interruptedSince.value} />
      <AlertStrip
        alerts={alertList}
        now={now}
        skewMs={skew}
        pending={live.pending.value}
        errors={live.ackErrors.value}
        onAck={(id, note) => void live.ack(id, note)}
      />
      {s.snapshots === 0 && <p class="wall-empty">{t('wall.waiting')}</p>}
      {s.participants.map((p) => {
        const trace = live.traces.value.get(p.participantId);
        const zone =
          p.zoneLowBpm !== null && p.zoneHighBpm !== null && p.ceilingBpm !== null
            ? { lowBpm: p.zoneLowBpm, highBpm: p.zoneHighBpm, ceilingBpm: p.ceilingBpm }
            : null;
        const markers: ChartMarker[] = (byP.get(p.participantId) ?? []).map((e) => ({
          x: e.alert.raisedAt / 1000,
          severity: e.alert.severity,
          label: t(ruleKey(e.alert.rule)),
        }));
        return (
          <section key={p.participantId} class="coach-participant">
            <div class="coach-tile">
              <Tile
                p={p}
                large
                alerts={byP.get(p.participantId) ?? []}
                freshness={displayFreshness(p.freshness, frameAge)}
                ageS={
                  p.lastSampleAt === null
                    ? null
                    : Math.max(0, Math.round((now + skew - p.lastSampleAt) / 1000))
                }
                pending={live.pending.value}
                onAck={(a) => void live.ack(a)}
              />
            </div>
            <div class="coach-chart">
              <h2>{t('coach.rolling')}</h2>
              <TraceChart
                testid="rolling-chart"
                data={[trace?.t ?? [], trace?.hr ?? [], trace?.spo2 ?? []]}
                hrRange={{ min: trace?.hrMin ?? [], max: trace?.hrMax ?? [] }}
                xKind="epoch"
                zone={zone}
                markers={markers}
                height={360}
                labels={labels}
                windowS={ROLLING_WINDOW_MS / 1000}
              />
            </div>
            {s.session?.kind === 'home' && <PairPhone participantId={p.participantId} />}
          </section>
        );
      })}
    </main>
  );
}
