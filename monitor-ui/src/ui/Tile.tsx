import type { Freshness, ParticipantLive } from '@zonewatch/protocol';
import { t } from '../i18n/store.js';
import { type EscalationReach, escalationReach } from '../live/alerts.js';
import { type AlertEntry, needsAck } from '../live/state.js';
import { zoneBar } from '../wall/zonebar.js';
import { AlarmIcon, BatteryIcon, CheckIcon, ContactIcon, ZoneShape } from './icons.js';
import {
  alertQualifierKey,
  BATTERY_LOW_PCT,
  REACH_KEY,
  ruleKey,
  ruleShortKey,
  SEVERITY_KEY,
  ZONE_KEY,
} from './labels.js';

export interface TileProps {
  p: ParticipantLive;
  /** This participant's alerts, most urgent first (the banner shows the first and counts the others). */
  alerts: readonly AlertEntry[];
  /** Freshness to show (server verdict aged by the console's clock). */
  freshness: Freshness;
  /** Seconds since the last usable sample, when known. */
  ageS: number | null;
  large?: boolean;
  /** Called once per alert of the participant still waiting when the banner is pressed. */
  onAck?: (alertId: string) => void;
  pending?: ReadonlySet<string>;
  /** Arrange mode: buttons to move the tile. */
  onMove?: (delta: -1 | 1) => void;
  /** The session has ended: nothing on the tile is live (issue 14). */
  ended?: boolean;
}

function ZonePositionBar({ p, hr }: { p: ParticipantLive; hr: number | null }) {
  if (p.zoneLowBpm === null || p.zoneHighBpm === null || p.ceilingBpm === null) return null;
  const b = zoneBar(hr, p.zoneLowBpm, p.zoneHighBpm, p.ceilingBpm);
  return (
    <div
      class="zonebar"
      role="img"
      aria-label={t('tile.zoneBar', { low: p.zoneLowBpm, high: p.zoneHighBpm, ceiling: p.ceilingBpm })}
    >
      <div class="zonebar-track" />
      {/* Inset by half a marker, so a marker at either end stays inside the bar. */}
      <div class="zonebar-scale">
        <div class="zonebar-band" style={{ left: `${b.lowPct}%`, width: `${b.highPct - b.lowPct}%` }} />
        <div class="zonebar-ceiling" style={{ left: `${b.ceilingPct}%` }} />
        {b.hrPct !== null && (
          <div
            class={`zonebar-marker${b.clamped ? ' clamped' : ''}`}
            style={{ left: `${b.hrPct}%`, '--at': b.hrPct }}
          />
        )}
      </div>
    </div>
  );
}

/**
 * Minutes in zone this session against the FITT target, as a small progress ring with the minutes inside
 * (the clinical answer to effort points). Nothing is drawn without a target.
 */
function ZoneMinutesRing({ minutes, target }: { minutes: number | null; target: number | null }) {
  if (minutes === null || target === null) return null;
  const done = Math.min(1, minutes / target);
  const r = 15.9155; // circumference 100
  const whole = Math.floor(minutes);
  return (
    <span
      class={`zone-ring${done >= 1 ? ' zone-ring-met' : ''}`}
      data-testid="zone-minutes"
      data-minutes={minutes}
      data-target={target}
      role="img"
      aria-label={t('tile.zoneMinutes', { min: whole, target })}
      title={t('tile.zoneMinutes', { min: whole, target })}
    >
      <svg viewBox="0 0 36 36" aria-hidden="true">
        <circle class="zone-ring-track" cx="18" cy="18" r={r} />
        <circle
          class="zone-ring-done"
          cx="18"
          cy="18"
          r={r}
          stroke-dasharray={`${done * 100} 100`}
          visibility={done > 0 ? 'visible' : 'hidden'}
          transform="rotate(-90 18 18)"
        />
      </svg>
      <span class="zone-ring-text">{whole}</span>
    </span>
  );
}

/**
 * The tile's alarm banner: priority icon, priority and short rule name. While the alarm waits, the whole
 * banner is the acknowledge button (one click, a large target, no room taken from the rule's name).
 */
function TileAlarm({
  entry,
  more,
  waiting,
  reach,
  pending,
  onAck,
}: {
  entry: AlertEntry;
  /** The participant's other open alerts (their card in the alert list names them). */
  more: number;
  waiting: boolean;
  reach: EscalationReach;
  pending: boolean;
  onAck?: () => void;
}) {
  const a = entry.alert;
  const qualifier = alertQualifierKey(a);
  const body = (
    <>
      <AlarmIcon severity={a.severity} />
      <span class="tile-alarm-text">
        <strong>{t(SEVERITY_KEY[a.severity])}</strong> {t(ruleShortKey(a.rule))}
        {qualifier && <em> {t(qualifier)}</em>}
        {reach !== 'none' && <span class="tile-escalated"> {t(REACH_KEY[reach])}</span>}
      </span>
      {more > 0 && (
        <span class="badge badge-more" data-testid="more-alerts">
          {t('tile.moreAlerts', { n: more })}
        </span>
      )}
      {waiting ? <CheckIcon /> : <span class="tile-acked">{t('alert.acknowledgedShort')}</span>}
    </>
  );
  if (waiting && onAck)
    return (
      <button
        type="button"
        class={`tile-alarm sev-${a.severity}`}
        data-alert={a.id}
        disabled={pending}
        title={t('alert.ack')}
        aria-label={`${t('alert.ack')}: ${t(SEVERITY_KEY[a.severity])} ${t(ruleKey(a.rule))}`}
        onClick={onAck}
      >
        {body}
      </button>
    );
  return (
    <div class={`tile-alarm sev-${a.severity}`} data-alert={a.id}>
      {body}
    </div>
  );
}

/** One participant on the wall (or, larger, on the coach's live view). */
export function Tile({ p, alerts, freshness, ageS, large, onAck, pending, onMove, ended }: TileProps) {
  // Never "Live" after the session ended, nor for someone with no device bound (issue 14).
  const notice = ended ? 'ended' : p.bound === false ? 'unbound' : null;
  const top = alerts[0];
  const waiting = top !== undefined && needsAck(top);
  const hr = freshness === 'lost' ? null : p.hr;
  const spo2 = freshness === 'lost' ? null : p.spo2;
  const zone = freshness === 'lost' ? null : p.zone;
  const alarmClass = top
    ? ` alarm alarm-${top.alert.severity}${waiting ? ' alarm-waiting' : ' alarm-acked'}`
    : '';
  const lowBattery = p.battery !== null && p.battery <= BATTERY_LOW_PCT;
  const reach = top ? escalationReach(top.alert.severity, top.alert.escalationLevel) : 'none';
  return (
    <article
      class={`tile${large ? ' tile-large' : ''} fresh-${freshness} zone-${zone ?? 'none'}${alarmClass}`}
      data-participant={p.participantId}
      data-zone={zone ?? ''}
      data-freshness={freshness}
      data-alarm={top ? top.alert.severity : ''}
      aria-label={t('tile.label', { alias: p.alias })}
    >
      <header class="tile-head">
        <span class="tile-alias" translate={false}>
          {p.alias}
        </span>
        <ZoneMinutesRing minutes={p.minutesInZone} target={p.targetMinutesInZone} />
        <span class="tile-badges">
          {lowBattery && (
            <span class="badge badge-battery" title={t('tile.batteryLow', { pct: p.battery ?? 0 })}>
              <BatteryIcon />{' '}
              <span class="badge-text">{t('tile.batteryLowShort', { pct: p.battery ?? 0 })}</span>
            </span>
          )}
          {p.contact === false && (
            <span class="badge badge-contact">
              <ContactIcon /> <span class="badge-text">{t('tile.noContact')}</span>
            </span>
          )}
          {p.clockFault === true && (
            <span class="badge badge-clock" title={t('tile.clockFaultDetail')} data-testid="clock-fault">
              <span class="badge-text">{t('tile.clockFault')}</span>
            </span>
          )}
        </span>
        <span
          class={`tile-fresh fresh-label-${notice ?? freshness}`}
          data-testid="tile-fresh"
          data-notice={notice ?? ''}
        >
          {notice === 'ended'
            ? t('fresh.ended')
            : notice === 'unbound'
              ? t('fresh.unbound')
              : freshness === 'live'
                ? t('fresh.live')
                : freshness === 'stale'
                  ? t('fresh.stale', { s: ageS ?? 0 })
                  : t('fresh.lost')}
        </span>
      </header>

      {top && (
        <TileAlarm
          entry={top}
          more={alerts.length - 1}
          waiting={waiting}
          reach={reach}
          pending={pending?.has(top.alert.id) ?? false}
          {...(onAck
            ? {
                onAck: () => {
                  for (const e of alerts) if (needsAck(e)) onAck(e.alert.id);
                },
              }
            : {})}
        />
      )}

      <div class="tile-main">
        <span class="hr-value" data-testid="hr">
          {hr === null ? '--' : Math.round(hr)}
        </span>
        <span class="hr-unit">{t('unit.bpm')}</span>
      </div>

      <div class="tile-zonerow">
        <div class={`tile-zone zone-pill-${zone ?? 'none'}`} data-testid="zone">
          <ZoneShape zone={zone} />
          <span>{zone ? t(ZONE_KEY[zone]) : t('zone.unknown')}</span>
        </div>
        <ZonePositionBar p={p} hr={hr} />
      </div>

      <footer class="tile-foot">
        <span class="tile-metric">
          <span class="metric-label">{t('metric.spo2')}</span>
          <strong data-testid="spo2">{spo2 === null ? '--' : Math.round(spo2)}</strong>
          <span class="metric-unit">{t('unit.percent')}</span>
        </span>
        <span class="tile-metric">
          <span class="metric-label">{t('metric.steps')}</span>
          <strong data-testid="steps">{p.steps ?? '--'}</strong>
        </span>
        {p.cadence !== null && (
          <span class="tile-metric tile-metric-minor">
            <span class="metric-label">{t('metric.cadence')}</span>
            <strong data-testid="cadence">{Math.round(p.cadence)}</strong>
            <span class="metric-unit">{t('unit.perMin')}</span>
          </span>
        )}
        {p.hrMode !== 'enforce' && (
          <span class="tile-hrmode">
            {p.hrMode === 'advisory' ? t('hrMode.advisoryShort') : t('hrMode.offShort')}
          </span>
        )}
      </footer>

      {onMove && (
        <div class="tile-move">
          <button
            type="button"
            class="btn"
            onClick={() => onMove(-1)}
            aria-label={t('wall.moveEarlier', { alias: p.alias })}
          >
            {t('wall.moveEarlierShort')}
          </button>
          <button
            type="button"
            class="btn"
            onClick={() => onMove(1)}
            aria-label={t('wall.moveLater', { alias: p.alias })}
          >
            {t('wall.moveLaterShort')}
          </button>
        </div>
      )}
    </article>
  );
}
