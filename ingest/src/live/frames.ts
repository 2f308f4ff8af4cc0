import type { ParticipantLive, SessionFrame, SessionSnapshot, Unnamed } from '@zonewatch/protocol';
import { currentClockFaults, hasClockFault, sessionTechnicalAlarms } from './clock-skew.js';
import { type LiveCore, type LiveStats, ownsSite, type ParticipantRuntime } from './types.js';

/** What every console of the session shows at `now`: one tile per participant. */
export function frameOf(core: LiveCore, sessionId: string, now: number): SessionFrame | undefined {
  const rt = core.sessions.get(sessionId);
  // A node that lost the site sends nothing more of it.
  if (!rt || !ownsSite(core, rt.info.siteId)) return undefined;
  const lease = core.deps.ownership?.token(rt.info.siteId);
  return {
    sessionId,
    at: now,
    participants: [...rt.participants.values()].filter((p) => !p.removed).map((p) => participantLive(p, now)),
    technical: sessionTechnicalAlarms(core, rt, now),
    session: rt.info,
    ...(lease !== undefined ? { lease } : {}),
  };
}

/** A frame plus the session and its live alerts (a console joining). */
export function snapshotOf(core: LiveCore, sessionId: string, now: number): SessionSnapshot | undefined {
  const rt = core.sessions.get(sessionId);
  const f = frameOf(core, sessionId, now);
  if (!rt || !f) return undefined;
  return { ...f, session: rt.info, alerts: [...rt.alerts.values()] };
}

/**
 * Who the session's shared screens show without a name (no wall-name consent in force), and how: by seat
 * and the device they wear (issue 16).
 */
export function wallHiddenOf(core: LiveCore, sessionId: string): Map<string, Unnamed> {
  const hidden = new Map<string, Unnamed>();
  const rt = core.sessions.get(sessionId);
  if (!rt) return hidden;
  for (const p of rt.participants.values())
    if (!p.wallName)
      hidden.set(p.participantId, {
        kind: 'unnamed',
        seat: p.seat,
        deviceId: [...p.deviceIds].sort()[0] ?? null,
      });
  return hidden;
}

export function statsOf(core: LiveCore): LiveStats {
  let participants = 0;
  let alertsOpen = 0;
  for (const rt of core.sessions.values()) {
    participants += rt.participants.size;
    alertsOpen += rt.alerts.size;
  }
  return {
    sessions: core.sessions.size,
    participants,
    alertsOpen,
    clockFaultGateways: currentClockFaults(core, core.clock()).length,
    unboundTracked: core.unbound.size,
    unboundEvictedSite: core.unbound.evicted.site,
    unboundEvictedGateway: core.unbound.evicted.gateway,
    unboundEvicted: core.unbound.evicted.site + core.unbound.evicted.gateway,
    ...core.counters,
  };
}

/** Per-session completeness for the `session` measurement: share of bound participants with a live sample. */
export function sessionHealthOf(
  core: LiveCore,
  now: number,
): { siteId: string; sessionId: string; participants: number; completeness: number }[] {
  return [...core.sessions.values()].map((rt) => {
    const bound = [...rt.participants.values()].filter((p) => p.deviceIds.size > 0);
    const live = bound.filter((p) => p.monitor.view(now).freshness === 'live').length;
    return {
      siteId: rt.info.siteId,
      sessionId: rt.info.id,
      participants: bound.length,
      completeness: bound.length ? Math.round((live / bound.length) * 1000) / 10 : 0,
    };
  });
}

function participantLive(p: ParticipantRuntime, now: number): ParticipantLive {
  const v = p.monitor.view(now);
  const lastSampleAt = Math.max(v.hr?.t ?? -1, v.spo2?.t ?? -1);
  return {
    participantId: p.participantId,
    alias: p.alias,
    hr: v.hr && v.hr.freshness !== 'lost' ? v.hr.value : null,
    spo2: v.spo2 && v.spo2.freshness !== 'lost' ? v.spo2.value : null,
    steps: v.steps,
    cadence: v.cadence,
    battery: p.battery,
    contact: v.contact,
    zone: p.rx ? v.zoneState : null,
    freshness: v.freshness,
    lastSampleAt: lastSampleAt < 0 ? null : lastSampleAt,
    zoneLowBpm: p.rx?.zoneLowBpm ?? null,
    zoneHighBpm: p.rx?.zoneHighBpm ?? null,
    ceilingBpm: p.rx?.ceilingBpm ?? null,
    hrMode: p.rx?.hrMode ?? 'off',
    minutesInZone: p.rx ? Math.floor(p.monitor.metrics(now).secondsIn / 6) / 10 : null,
    targetMinutesInZone: p.rx?.fitt?.minutesInZone ?? null,
    clockFault: hasClockFault(p, now),
    bound: p.monitor.bound,
  };
}
