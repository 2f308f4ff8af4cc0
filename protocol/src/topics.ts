import { z } from 'zod';

/** Wire version segment of every topic; bump only with a migration plan for deployed gateways. */
export const TOPIC_VERSION = 'v1';
export const TOPIC_ROOT = `zw/${TOPIC_VERSION}`;

/** Site and gateway ids: `[a-z0-9-]{1,64}` (ARCHITECTURE.md, wire format). */
export const idSchema = z
  .string()
  .regex(/^[a-z0-9-]{1,64}$/, 'must be 1-64 characters of lower-case letters, digits or "-"');

export type TopicKind = 'telemetry' | 'status' | 'cmd';
const KINDS: readonly TopicKind[] = ['telemetry', 'status', 'cmd'];

export interface ParsedTopic {
  siteId: string;
  gatewayId: string;
  kind: TopicKind;
}

function checkId(field: string, value: string): void {
  const r = idSchema.safeParse(value);
  if (!r.success) throw new TypeError(`${field} ${JSON.stringify(value)} ${r.error.issues[0]?.message}`);
}

function build(kind: TopicKind, siteId: string, gatewayId: string): string {
  checkId('siteId', siteId);
  checkId('gatewayId', gatewayId);
  return `${TOPIC_ROOT}/${siteId}/${gatewayId}/${kind}`;
}

/** `zw/v1/{siteId}/{gatewayId}/telemetry`, published QoS1. Throws TypeError on an invalid id. */
export const telemetryTopic = (siteId: string, gatewayId: string): string =>
  build('telemetry', siteId, gatewayId);
/** `zw/v1/{siteId}/{gatewayId}/status`, retained; the last will says offline. */
export const statusTopic = (siteId: string, gatewayId: string): string => build('status', siteId, gatewayId);
/** `zw/v1/{siteId}/{gatewayId}/cmd`: the only topic a gateway may subscribe to. */
export const commandTopic = (siteId: string, gatewayId: string): string => build('cmd', siteId, gatewayId);

/** Prefix every topic of one gateway starts with (for ACLs). */
export const gatewayPrefix = (siteId: string, gatewayId: string): string => {
  checkId('siteId', siteId);
  checkId('gatewayId', gatewayId);
  return `${TOPIC_ROOT}/${siteId}/${gatewayId}/`;
};

/** Subscription filter for every telemetry and status topic of one site, or of all sites. */
export const siteFilter = (siteId: string | '+', kind: TopicKind | '+' = '+'): string => {
  if (siteId !== '+') checkId('siteId', siteId);
  return `${TOPIC_ROOT}/${siteId}/+/${kind}`;
};

/** Parses a concrete topic; returns null for anything that is not a valid zonewatch v1 topic. */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== 'zw' || parts[1] !== TOPIC_VERSION) return null;
  const [, , siteId, gatewayId, kind] = parts as [string, string, string, string, string];
  if (!idSchema.safeParse(siteId).success || !idSchema.safeParse(gatewayId).success) return null;
  if (!KINDS.includes(kind as TopicKind)) return null;
  return { siteId, gatewayId, kind: kind as TopicKind };
}
