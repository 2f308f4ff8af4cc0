import { commandTopic, type PublishRefusal, parseTopic, TOPIC_ROOT } from '@zonewatch/protocol';
import type { Principal } from './credentials.js';

export { type PublishRefusal, publishRefusalSchema } from '@zonewatch/protocol';

/** Why a SUBSCRIBE filter was refused (SUBACK 0x80). */
export type SubscribeRefusal = 'sysReserved' | 'foreignTopic' | 'topicNotAllowed' | 'noPrincipal';

const SYS_ZONEWATCH = '$SYS/zonewatch/';
const ZW_PREFIX = `${TOPIC_ROOT}/`;

/**
 * Topic ACL for PUBLISH: a gateway may publish only `zw/v1/{its site}/{its id}/telemetry` (never
 * retained) and `.../status`; the ingest service only `zw/v1/{site}/{gateway}/cmd`.
 * @returns null when allowed, else the reason.
 */
export function checkPublish(
  principal: Principal | undefined,
  topic: string,
  retain: boolean,
): PublishRefusal | null {
  if (!principal) return 'noPrincipal';
  if (topic.startsWith('$')) return 'sysReserved';
  const parsed = parseTopic(topic);
  if (!parsed) return 'topicNotAllowed';
  if (principal.kind === 'service') return parsed.kind === 'cmd' ? null : 'topicNotAllowed';
  if (parsed.siteId !== principal.siteId || parsed.gatewayId !== principal.gatewayId) return 'foreignTopic';
  if (parsed.kind === 'cmd') return 'topicNotAllowed';
  if (parsed.kind === 'telemetry' && retain) return 'retainNotAllowed';
  return null;
}

/**
 * ACL for a will published by the broker for a client that is gone from every node (`client` is null in
 * aedes' authorizePublish). Wills were checked against their owner at CONNECT, so only the shape is
 * re-checked here: a gateway's status or telemetry topic.
 */
export function checkOrphanWill(topic: string): PublishRefusal | null {
  if (topic.startsWith('$')) return 'sysReserved';
  const parsed = parseTopic(topic);
  return parsed && parsed.kind !== 'cmd' ? null : 'topicNotAllowed';
}

/**
 * Topic ACL for SUBSCRIBE: a gateway may subscribe only to its own `.../cmd` (no wildcards); the ingest
 * service to any filter under `zw/v1/` and under `$SYS/zonewatch/`. Nobody else sees `$SYS`.
 */
export function checkSubscribe(principal: Principal | undefined, filter: string): SubscribeRefusal | null {
  if (!principal) return 'noPrincipal';
  if (principal.kind === 'service') {
    if (filter.startsWith(SYS_ZONEWATCH)) return null;
    if (filter.startsWith('$')) return 'sysReserved';
    return filter.startsWith(ZW_PREFIX) ? null : 'topicNotAllowed';
  }
  if (filter === commandTopic(principal.siteId, principal.gatewayId)) return null;
  if (filter.startsWith('$')) return 'sysReserved';
  const parsed = parseTopic(filter);
  if (parsed?.kind === 'cmd') return 'foreignTopic';
  return 'topicNotAllowed';
}

/** Whether a delivery may reach this client at all (defence in depth behind the subscribe ACL). */
export function mayReceive(principal: Principal | undefined, topic: string): boolean {
  if (!principal) return false;
  if (topic.startsWith('$')) return principal.kind === 'service' && topic.startsWith(SYS_ZONEWATCH);
  return true;
}

/**
 * Whether a principal may use this MQTT client id. Gateways: exactly their username. Services: the
 * username or `{username}_{suffix}`; `_` is outside the gateway id alphabet, so a service can never take
 * over a gateway's session ([MQTT-3.1.4-2] disconnects the older client with the same id).
 */
export function clientIdAllowed(principal: Principal, clientId: string): boolean {
  if (principal.kind === 'gateway') return clientId === principal.username;
  return clientId === principal.username || clientId.startsWith(`${principal.username}_`);
}
