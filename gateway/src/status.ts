import type { GatewayStatus } from '@zonewatch/protocol';
import type { OutboxStats } from './outbox.js';

/**
 * The gateway's status semantics on `.../status` (retained, QoS1), shared by every gateway whatever its
 * transport: `online` at connect, every `STATUS_INTERVAL_MS` and on a `ping` command; the last will is
 * `offline` without `at` (the broker sends it when the gateway dies); a clean stop publishes `offline`
 * with `at`. No Node-only APIs.
 */
export interface GatewayIdentity {
  gatewayId: string;
  siteId: string;
}

/** The last will: `offline` without a time, since the broker sends it when the gateway is gone. */
export function offlineWill(id: GatewayIdentity): GatewayStatus {
  return { v: 1, gatewayId: id.gatewayId, siteId: id.siteId, state: 'offline' };
}

/** What a clean stop announces: `offline` at the time it stopped. */
export function offlineStatus(id: GatewayIdentity, at: number): GatewayStatus {
  return { ...offlineWill(id), at };
}

/** The retained `online` status with the outbox's depth and drops and the software version. */
export function onlineStatus(
  id: GatewayIdentity,
  at: number,
  outbox: Pick<OutboxStats, 'depth' | 'dropped'>,
  version: string,
): GatewayStatus {
  return {
    v: 1,
    gatewayId: id.gatewayId,
    siteId: id.siteId,
    state: 'online',
    at,
    outboxDepth: outbox.depth,
    outboxDropped: outbox.dropped,
    version,
  };
}

const utf8 = new TextDecoder();

/** The `type` of a command on the gateway's `cmd` topic, for the log: at most 64 characters. */
export function commandType(payload: Uint8Array): string {
  try {
    const parsed = JSON.parse(utf8.decode(payload)) as { type?: unknown };
    return typeof parsed?.type === 'string' ? parsed.type.slice(0, 64) : '(no type)';
  } catch {
    return '(not JSON)';
  }
}

/** Commands the gateway answers: a `ping` refreshes the retained status. */
export const refreshesStatus = (type: string): boolean => type === 'ping';
