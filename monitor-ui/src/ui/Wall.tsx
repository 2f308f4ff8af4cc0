import { useSignal } from '@preact/signals';
import type { OwnedDeviceStart, TechnicalAlarm } from '@zonewatch/protocol';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { endpoints } from '../api/endpoints.js';
import { language, t } from '../i18n/store.js';
import {
  alertsByParticipant,
  moveTile,
  nextGroupToAcknowledge,
  sortAlerts,
  tileOrder,
} from '../live/alerts.js';
import { displayFreshness } from '../live/link.js';
import { href } from '../router.js';
import { gridFor, tileSizes } from '../wall/grid.js';
import { AlertStrip } from './AlertStrip.js';
import { errorText } from './admin/common.js';
import { ClassTimer } from './ClassTimer.js';
import { AlarmIcon } from './icons.js';
import { STATUS_KEY, sessionDisplayName } from './labels.js';
import { Data } from './Msg.js';
import { PhaseControl } from './PhaseControl.js';
import { RosterDialog } from './RosterDialog.js';
import { SoundControl } from './SoundControl.js';
import { Tile } from './Tile.js';
import { useLiveSession } from './useLive.js';

/** Space between tiles (px), as the grid lays them out and gridFor counts them. */
const TILE_GAP_PX = 10;
/** A tile row never gets lower than this: a screen too small for its class scrolls rather than squash the HR. */
const MIN_ROW_PX = 120;

const arrangeKey = (id: string) => `zw.arrange.${id}`;

function loadArrangement(id: string): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(arrangeKey(id)) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function isTyping(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** Link state line and the console's own "live link lost" technical alarm. */
export function LinkBanner({ link }: { link: string }) {
  if (link === 'lost')
    return (
      <div class="link-lost alarm alarm-warning alarm-waiting" role="alert" data-testid="link-lost">
        <AlarmIcon severity="warning" size="1.6em" />
        <strong>{t('link.lost')}</strong> <span>{t('link.lostDetail')}</span>
      </div>
    );
  return null;
}

/** Technical alarms of the session's gateways: a gateway whose clock runs ahead (its readings are not used). */
export function TechnicalBanner({ alarms }: { alarms: readonly TechnicalAlarm[] }) {
  if (alarms.length === 0) return null;
  return (
    <>
      {alarms.map((a) => (
        <div
          key={`${a.kind}/${a.gatewayId}`}
          class="technical-alarm alarm alarm-warning"
          role="alert"
          data-testid="technical-alarm"
          data-kind={a.kind}
        >
          <AlarmIcon severity="warning" size="1.6em" />
          <strong>{t('technical.gatewayClockAhead')}</strong>{' '}
          <span>{t('technical.gatewayClockAheadDetail', { gateway: a.gatewayId, n: a.samples })}</span>
        </div>
      ))}
    </>
  );
}

/**
 * No server node evaluates the session now (its owner is gone, issue 18): nothing can raise an alert until
 * another node takes it over. A technical alarm, with the sound of a warning, until then.
 */
export function InterruptedBanner({ since }: { since: number | null }) {
  if (since === null) return null;
  const time = new Date(since).toLocaleTimeString(language.value, { hour12: false });
  return (
    <div
      class="technical-alarm alarm alarm-warning"
      role="alert"
      data-testid="monitoring-interrupted"
      data-kind="monitoring-interrupted"
    >
      <AlarmIcon severity="warning" size="1.6em" />
      <strong>{t('technical.monitoringInterrupted')}</strong>{' '}
      <span>{t('technical.monitoringInterruptedDetail', { time })}</span>
    </div>
  );
}

export function LinkIndicator({ link }: { link: string }) {
  const key =
    link === 'ended'
      ? 'link.ended'
      : link === 'live'
        ? 'link.live'
        : link === 'connecting'
          ? 'link.connecting'
          : link === 'lost'
            ? 'link.lostShort'
            : 'link.reconnecting';
  return (
    <span class={`link-indicator link-${link}`} data-link={link}>
      <span class="dot" aria-hidden="true" /> {t(key)}
    </span>
  );
}

/** The class wall: every participant of one live session, alerts on top, readable across a room. */
export function Wall({ sessionId, canControl }: { sessionId: string; canControl: boolean }) {
  const live = useLiveSession(sessionId);
  const s = live.state.value;
  const now = live.now.value;
  const arranged = useSignal<string[]>(loadArrangement(sessionId));
  const arranging = useSignal(false);
  const rosterOpen = useSignal(false);
  const statusOverride = useSignal<'active' | 'ended' | null>(null);
  const controlError = useSignal<string | null>(null);
  const confirmStop = useSignal(false);
  /** Assigned devices at start: how many were bound automatically, and the ones not seen (issue 14). */
  const owned = useSignal<OwnedDeviceStart[] | null>(null);
  const liveRef = useRef<HTMLDivElement>(null);
  const reserveRef = useRef<HTMLDivElement>(null);
  /** The tiles' area: what the alert list and the tiles share, less the list at its largest. */
  const box = useSignal({ w: 1600, h: 800 });

  // Tiles are sized for the alert list at its limit, not at its current height (issue 14): text sizes
  // hold however many alerts come and go, and a tile never shrinks when a card appears.
  useEffect(() => {
    const live = liveRef.current;
    const reserve = reserveRef.current;
    if (!live || !reserve) return;
    const measure = () => {
      box.value = { w: live.clientWidth, h: Math.max(0, live.clientHeight - reserve.offsetHeight) };
    };
    const ro = new ResizeObserver(measure);
    ro.observe(live);
    ro.observe(reserve);
    measure();
    return () => ro.disconnect();
  }, []);

  const alertList = useMemo(() => sortAlerts(Object.values(s.alerts)), [s.alerts]);
  const byP = useMemo(() => alertsByParticipant(alertList), [alertList]);
  const order = tileOrder(
    s.participants.map((p) => p.participantId),
    arranged.value,
    alertList,
  );
  const byId = new Map(s.participants.map((p) => [p.participantId, p]));
  const skew = s.serverAt !== null && s.receivedAt !== null ? s.serverAt - s.receivedAt : 0;
  const frameAge = s.receivedAt === null ? Number.POSITIVE_INFINITY : now - s.receivedAt;
  const grid = gridFor(order.length, box.value.w, box.value.h, TILE_GAP_PX);
  const rowH = Math.max(MIN_ROW_PX, Math.floor(grid.tileH));
  const sizes = tileSizes(grid.tileW, rowH);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e)) return;
      if (e.key === 'a' || e.key === 'A') {
        // The card of the most urgent waiting alert: every alert of that participant still waiting.
        const next = nextGroupToAcknowledge(Object.values(live.state.value.alerts));
        if (next) {
          e.preventDefault();
          for (const w of next.waiting) void live.ack(w.alert.id);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [sessionId]);

  const saveArrangement = (next: string[]) => {
    arranged.value = next;
    try {
      localStorage.setItem(arrangeKey(sessionId), JSON.stringify(next));
    } catch {
      // Kept for this page only.
    }
  };
  // The arrangement ignores alerts (tiles with alerts float to the top whatever their place).
  const move = (id: string, delta: -1 | 1) => {
    const base = tileOrder(order, arranged.value, []);
    saveArrangement(moveTile(base, id, base.indexOf(id) + delta));
  };
  const dropOn = (targetId: string, draggedId: string) => {
    const base = tileOrder(order, arranged.value, []);
    saveArrangement(moveTile(base, draggedId, base.indexOf(targetId)));
  };

  // The live state's status wins once it says ended (the last frame of a session, or a later visit).
  const status =
    s.session?.status === 'ended' ? 'ended' : (statusOverride.value ?? s.session?.status ?? null);
  const ended = status === 'ended';
  const control = async (action: 'start' | 'stop') => {
    controlError.value = null;
    try {
      if (action === 'start') {
        const info = await endpoints.startSession(sessionId);
        if (info.status !== 'scheduled') statusOverride.value = info.status;
        owned.value = info.ownedDevices?.length ? info.ownedDevices : null;
      } else {
        const info = await endpoints.stopSession(sessionId);
        if (info.status !== 'scheduled') statusOverride.value = info.status;
      }
    } catch (e) {
      // By code, in the console's language (a home session refused for want of consent, issue 16).
      controlError.value = errorText(e);
    }
    confirmStop.value = false;
  };

  return (
    <div class="wall" data-session={sessionId} data-snapshots={s.snapshots} data-link={live.link.value}>
      <div class="wall-bar">
        <h1 class="wall-title">
          <Data>{sessionDisplayName(s.session, sessionId, t)}</Data>
        </h1>
        {status && <span class={`status status-${status}`}>{t(STATUS_KEY[status])}</span>}
        <ClassTimer session={s.session} serverNow={now + skew} />
        <LinkIndicator link={ended ? 'ended' : live.link.value} />
        <span class="wall-count">{t('wall.participants', { n: s.participants.length })}</span>
        {alertList.length > 0 && <span class="hint">{t('wall.ackHint')}</span>}
        <span class="spacer" />
        <SoundControl />
        {canControl && (
          <>
            <button type="button" class="btn" onClick={() => (rosterOpen.value = true)}>
              {t('wall.rosterButton')}
            </button>
            <button
              type="button"
              class="btn"
              aria-pressed={arranging.value}
              onClick={() => (arranging.value = !arranging.value)}
            >
              {arranging.value ? t('wall.arrangeDone') : t('wall.arrange')}
            </button>
            {status === 'active' && <PhaseControl sessionId={sessionId} session={s.session} />}
            {status === 'scheduled' && (
              <button type="button" class="btn btn-primary" onClick={() => void control('start')}>
                {t('wall.start')}
              </button>
            )}
            {status === 'active' &&
              (confirmStop.value ? (
                <>
                  <button type="button" class="btn btn-danger" onClick={() => void control('stop')}>
                    {t('wall.stopConfirm')}
                  </button>
                  <button type="button" class="btn" onClick={() => (confirmStop.value = false)}>
                    {t('common.cancel')}
                  </button>
                </>
              ) : (
                <button type="button" class="btn" onClick={() => (confirmStop.value = true)}>
                  {t('wall.stop')}
                </button>
              ))}
            {status === 'ended' && (
              <a class="btn" href={href({ name: 'report', sessionId })}>
                {t('wall.openReport')}
              </a>
            )}
          </>
        )}
        <button
          type="button"
          class="btn"
          onClick={() =>
            document.fullscreenElement
              ? void document.exitFullscreen()
              : void document.documentElement.requestFullscreen()
          }
        >
          {t('wall.fullscreen')}
        </button>
      </div>
      {controlError.value && (
        <p class="error" role="alert">
          <Data>{controlError.value}</Data>
        </p>
      )}
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
      {owned.value && !ended && (
        <div class="owned-start" role="status" data-testid="owned-start">
          <p>{t('wall.ownedBound', { n: owned.value.filter((o) => o.outcome === 'bound').length })}</p>
          {owned.value.some((o) => o.outcome !== 'bound') && (
            <>
              <p>{t('wall.ownedNotSeen')}</p>
              <ul class="plain">
                {owned.value
                  .filter((o) => o.outcome !== 'bound')
                  .map((o) => (
                    <li key={o.deviceId} data-device={o.deviceId}>
                      <Data>{o.alias}</Data> · <Data>{o.deviceId}</Data>
                    </li>
                  ))}
              </ul>
            </>
          )}
          <button type="button" class="btn btn-small" onClick={() => (owned.value = null)}>
            {t('common.close')}
          </button>
        </div>
      )}
      {ended && (
        <p class="session-ended" role="status" data-testid="session-ended">
          <strong>{t('wall.ended')}</strong> {t('wall.endedDetail')}
        </p>
      )}
      <LinkBanner link={ended ? 'ended' : live.link.value} />
      <TechnicalBanner alarms={s.technical} />
      <InterruptedBanner since={ended ? null : live.interruptedSince.value} />
      <div class="wall-live" ref={liveRef}>
        <div class="alert-reserve" ref={reserveRef} aria-hidden="true" />
        <AlertStrip
          alerts={alertList}
          now={now}
          skewMs={skew}
          pending={live.pending.value}
          errors={live.ackErrors.value}
          onAck={(id, note) => void live.ack(id, note)}
        />
        <div
          class={`wall-grid${arranging.value ? ' arranging' : ''}`}
          style={{
            gap: `${TILE_GAP_PX}px`,
            gridTemplateColumns: `repeat(${grid.cols}, minmax(0, 1fr))`,
            gridAutoRows: `${rowH}px`,
            '--tile-name': `${sizes.name}px`,
            '--tile-metric': `${sizes.metric}px`,
            '--tile-small': `${sizes.small}px`,
            '--tile-border': `${sizes.border}px`,
            '--tile-pad-x': `${sizes.padX}px`,
            '--tile-pad-y': `${sizes.padY}px`,
            '--tile-gap': `${sizes.gap}px`,
          }}
        >
          {s.snapshots === 0 && <p class="wall-empty">{t('wall.waiting')}</p>}
          {s.snapshots > 0 && order.length === 0 && <p class="wall-empty">{t('wall.noParticipants')}</p>}
          {order.map((id) => {
            const p = byId.get(id);
            if (!p) return null;
            const fresh = displayFreshness(p.freshness, frameAge);
            const ageS =
              p.lastSampleAt === null ? null : Math.max(0, Math.round((now + skew - p.lastSampleAt) / 1000));
            return (
              // biome-ignore lint/a11y/noStaticElementInteractions: drag and drop is a pointer shortcut; the tile's move buttons are the keyboard path
              <div
                key={id}
                class="tile-slot"
                draggable={arranging.value}
                onDragStart={(e) => e.dataTransfer?.setData('text/plain', id)}
                onDragOver={(e) => arranging.value && e.preventDefault()}
                onDrop={(e) => {
                  const dragged = e.dataTransfer?.getData('text/plain');
                  if (dragged && dragged !== id) dropOn(id, dragged);
                }}
              >
                <Tile
                  p={p}
                  alerts={byP.get(id) ?? []}
                  freshness={fresh}
                  ageS={ageS}
                  pending={live.pending.value}
                  onAck={(a) => void live.ack(a)}
                  ended={ended}
                  {...(arranging.value && !byP.has(id) ? { onMove: (d: -1 | 1) => move(id, d) } : {})}
                />
              </div>
            );
          })}
        </div>
      </div>
      {rosterOpen.value && (
        <RosterDialog
          sessionId={sessionId}
          siteId={s.session?.siteId ?? null}
          members={s.participants.map((p) => ({ participantId: p.participantId, alias: p.alias }))}
          onClose={() => (rosterOpen.value = false)}
        />
      )}
    </div>
  );
}
