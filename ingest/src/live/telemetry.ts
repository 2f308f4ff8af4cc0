import type { Sample as RuleSample } from '@zonewatch/clinical';
import type { TelemetryBatch, Sample as WireSample } from '@zonewatch/protocol';
import type { DeviceKind } from '../telemetry/index.js';
import type { AlertProjection } from './alerts.js';
import { fromTheFuture, noteFutureSample } from './clock-skew.js';
import type { UnboundList } from './types.js';
import {
  ALERT_HORIZON_MS,
  type LiveCore,
  ownsSite,
  type ParticipantRuntime,
  RECENTLY_WORN_MS,
  type SessionRuntime,
} from './types.js';

const KIND_OF: Record<WireSample['kind'], DeviceKind | null> = {
  hr: 'hr-strap',
  spo2: 'oximeter',
  steps: 'pedometer',
  battery: null,
};

/**
 * Telemetry hand-off: a validated, first-seen batch of a gateway of `siteId` goes to the rules engine of
 * the participant wearing each device (in measurement-time order) and to InfluxDB; samples of devices no
 * active session binds are only remembered for pairing. A sample stamped further ahead of this node's clock
 * than the allowed skew is counted and flagged as a clock fault, never evaluated nor stored.
 */
export function applyBatch(
  core: LiveCore,
  alerts: AlertProjection,
  siteId: string,
  batch: TelemetryBatch,
): void {
  const now = core.clock();
  // The backlog has started to arrive: the rest of it follows within a second.
  const warm = core.warming.get(siteId);
  if (warm !== undefined && warm > now + 1000) core.warming.set(siteId, now + 1000);
  const horizon = now - ALERT_HORIZON_MS;
  const writer = core.deps.writer;
  const perParticipant = new Map<ParticipantRuntime, { rt: SessionRuntime; samples: WireSample[] }>();
  for (const sample of batch.samples) {
    const key = `${siteId}/${sample.device}`;
    const bound = core.bindings.get(key);
    if (fromTheFuture(core, sample.t, now)) {
      // Never current: the engine would drop every real sample after it (issue 13, hole 1).
      noteFutureSample(core, siteId, batch.gatewayId, bound?.p, now);
      if (bound) {
        bound.p.gatewayId = batch.gatewayId;
        continue;
      }
    }
    if (!bound) {
      core.counters.unbound++;
      const prev = core.unbound.get(siteId, sample.device);
      core.unbound.seen({
        siteId,
        deviceId: sample.device,
        gatewayId: batch.gatewayId,
        kind: KIND_OF[sample.kind] ?? prev?.kind ?? null,
        lastSeenAt: now,
      });
      continue;
    }
    bound.p.gatewayId = batch.gatewayId;
    core.wornBy.set(key, { participantId: bound.p.participantId, alias: bound.p.alias, at: now });
    let group = perParticipant.get(bound.p);
    if (!group) {
      group = { rt: bound.session, samples: [] };
      perParticipant.set(bound.p, group);
    }
    group.samples.push(sample);
  }
  for (const [p, { rt, samples }] of perParticipant) {
    samples.sort((a, b) => a.t - b.t);
    for (const s of samples) {
      core.counters.samples++;
      const ctx = {
        site: rt.info.siteId,
        session: rt.info.id,
        participant: p.participantId,
        gateway: batch.gatewayId,
      };
      if (s.kind === 'battery') {
        p.battery = s.percent;
        writer.writeSample(ctx, s);
        continue;
      }
      if (batch.replayed && s.t < horizon) {
        core.counters.lateReplayed++;
        writer.writeSample({ ...ctx, deviceKind: KIND_OF[s.kind] ?? 'hr-strap' }, s);
        continue;
      }
      const events = p.monitor.evaluate(toRuleSample(s));
      if (s.kind === 'hr') {
        const latest = p.monitor.lastHrReading();
        const usable = latest !== null && latest.t === s.t && latest.usable;
        const zone = usable ? p.monitor.view(s.t).zoneState : null;
        writer.writeSample(
          { ...ctx, deviceKind: 'hr-strap' },
          s,
          zone && p.rx ? { usable, zone } : { usable },
        );
      } else {
        writer.writeSample({ ...ctx, deviceKind: KIND_OF[s.kind] ?? 'pedometer' }, s);
      }
      if (events.length) alerts.handle(rt, p, events);
    }
  }
}

/** Once a second: time-based rules (signal lost), escalation and re-sound of every participant. */
export function tickAll(core: LiveCore, alerts: AlertProjection, now: number): void {
  for (const rt of core.sessions.values()) {
    if (rt.loading || !ownsSite(core, rt.info.siteId)) continue;
    const warmUntil = core.warming.get(rt.info.siteId);
    if (warmUntil !== undefined) {
      if (now < warmUntil) continue;
      core.warming.delete(rt.info.siteId);
    }
    for (const p of rt.participants.values()) {
      const events = p.monitor.tick(now);
      if (events.length) alerts.handle(rt, p, events);
    }
  }
}

/** Devices of a site seen within `withinMs` that no active session binds (pairing), newest first, at most `limit`. */
export function unboundDevices(core: LiveCore, siteId: string, withinMs: number, limit: number): UnboundList {
  const now = core.clock();
  const { devices, omitted } = core.unbound.list(siteId, now - withinMs, limit);
  return {
    devices: devices.map(({ deviceId, kind, lastSeenAt }) => {
      // Delivered data for someone in the last 5 minutes: it may still be on them (issue 14).
      const w = core.wornBy.get(`${siteId}/${deviceId}`);
      const recent = w !== undefined && now - w.at <= RECENTLY_WORN_MS;
      return {
        deviceId,
        kind,
        lastSeenAt,
        recentlyWornBy: recent ? { participantId: w.participantId, alias: w.alias, lastDataAt: w.at } : null,
      };
    }),
    omitted,
  };
}

export function toRuleSample(s: Exclude<WireSample, { kind: 'battery' }>): RuleSample {
  switch (s.kind) {
    case 'hr':
      return { t: s.t, hr: s.bpm, contact: s.contact ?? null, rrMs: s.rrMs ?? null };
    case 'spo2':
      return { t: s.t, spo2: s.spo2 };
    case 'steps':
      return { t: s.t, steps: s.steps, cadence: s.cadence ?? null };
  }
}
