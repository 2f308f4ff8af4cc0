import type { TechnicalAlarm } from '@zonewatch/protocol';
import type { LiveCore, ParticipantRuntime, SessionRuntime } from './types.js';

/** How far ahead of ingest's clock a sample may be stamped and still be current (config CLOCK_SKEW_MAX_MS). */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5_000;

/** A tile shows a clock fault, and a gateway's clock alarm stays up, this long after its last future sample. */
export const CLOCK_FAULT_SHOW_MS = 60_000;

/** One episode of a gateway stamping samples ahead of ingest's clock. */
export interface GatewayClockFault {
  siteId: string;
  gatewayId: string;
  /** Ingest time of the first future sample of this episode. */
  since: number;
  /** Ingest time of the latest one. */
  lastAt: number;
  /** Future samples of this episode. */
  samples: number;
}

/**
 * True when a sample is stamped further ahead of `now` than the allowed skew. The engine drops every
 * sample older than the latest one it has seen, so one such sample would hide every real one after it
 * (issue 13, hole 1): it is never fed to the engine, nor stored.
 */
export function fromTheFuture(core: LiveCore, t: number, now: number): boolean {
  return t > now + core.maxClockSkewMs;
}

/**
 * Counts a sample from the future, marks the device's tile (when a participant wears it) and the gateway's
 * clock fault; the first one of an episode is logged (ids only, never the payload).
 */
export function noteFutureSample(
  core: LiveCore,
  siteId: string,
  gatewayId: string,
  p: ParticipantRuntime | undefined,
  now: number,
): void {
  core.counters.futureSamples++;
  if (p) p.clockFaultAt = now;
  const key = `${siteId}/${gatewayId}`;
  let fault = core.clockFaults.get(key);
  if (!fault || now - fault.lastAt >= CLOCK_FAULT_SHOW_MS) {
    fault = { siteId, gatewayId, since: now, lastAt: now, samples: 0 };
    core.clockFaults.set(key, fault);
    core.log.warn(
      { siteId, gatewayId, maxClockSkewMs: core.maxClockSkewMs },
      'gateway clock ahead: samples stamped in the future are counted, not used as current',
    );
  }
  fault.lastAt = now;
  fault.samples++;
}

/** Gateways whose clock fault is current at `now` (ended episodes are forgotten). */
export function currentClockFaults(core: LiveCore, now: number): GatewayClockFault[] {
  const current: GatewayClockFault[] = [];
  for (const [key, f] of core.clockFaults) {
    if (now - f.lastAt >= CLOCK_FAULT_SHOW_MS) core.clockFaults.delete(key);
    else current.push(f);
  }
  return current;
}

/** The tile's clock fault: a device of the participant sent a sample from the future within the last minute. */
export function hasClockFault(p: ParticipantRuntime, now: number): boolean {
  return p.clockFaultAt !== null && now - p.clockFaultAt < CLOCK_FAULT_SHOW_MS;
}

/** Technical alarms of a session: the current clock faults of the gateways serving its participants. */
export function sessionTechnicalAlarms(core: LiveCore, rt: SessionRuntime, now: number): TechnicalAlarm[] {
  const gateways = new Set([...rt.participants.values()].map((p) => p.gatewayId));
  return currentClockFaults(core, now)
    .filter((f) => f.siteId === rt.info.siteId && gateways.has(f.gatewayId))
    .map((f) => ({
      kind: 'gateway-clock-ahead',
      gatewayId: f.gatewayId,
      since: f.since,
      lastAt: f.lastAt,
      samples: f.samples,
    }));
}
