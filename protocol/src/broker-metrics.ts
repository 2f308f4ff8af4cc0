import { z } from 'zod';

/**
 * Broker → ingest: the broker's metrics snapshot on `$SYS` (ARCHITECTURE.md, observability). The broker
 * publishes it, ingest's MQTT consumer parses it; neither imports the other.
 */

/** Why a PUBLISH was refused (also the keys of `rejectedPublishes.byReason` in the metrics payload). */
export const publishRefusalSchema = z.enum([
  /** Topic starts with `$` (`$SYS` is the broker's own). */
  'sysReserved',
  /** A gateway wrote under another gateway's (or site's) prefix. */
  'foreignTopic',
  /** Not a topic this principal may ever publish (wrong kind, not a zonewatch topic). */
  'topicNotAllowed',
  /** A retained message where retain is not allowed (telemetry must never be retained). */
  'retainNotAllowed',
  /** No principal is attached to the client (cannot happen after authentication; fail closed). */
  'noPrincipal',
]);
export type PublishRefusal = z.infer<typeof publishRefusalSchema>;

/** Topic the broker publishes its metrics snapshot to; only the ingest service may subscribe. */
export const metricsTopic = (nodeId: string): string => `$SYS/zonewatch/broker/${nodeId}/metrics`;
/** Filter matching every broker node's metrics topic. */
export const METRICS_FILTER = '$SYS/zonewatch/broker/+/metrics';

const count = z.int().nonnegative();

/**
 * Payload of `$SYS/zonewatch/broker/{nodeId}/metrics` (JSON, QoS 0, not retained) and the value of
 * `broker.metrics()`. Counters are cumulative since the node started (use a non-negative derivative in
 * Grafana); `connectedClients` is a gauge. A counter reset means the node restarted (`startedAtMs`).
 */
export const brokerMetricsSchema = z.strictObject({
  schemaVersion: z.literal(1),
  /** Broker node id (the aedes id; unique per node in a cluster). */
  nodeId: z.string().min(1),
  /** When the snapshot was taken, ms since the epoch. */
  timestampMs: z.int(),
  /** When this node started, ms since the epoch. */
  startedAtMs: z.int(),
  /** Clients connected to this node now (gauge). */
  connectedClients: count,
  /** PUBLISH packets accepted from clients, wills included. */
  messagesIn: count,
  /** PUBLISH packets delivered to subscribers on this node. */
  messagesOut: count,
  /** Payload bytes of the accepted PUBLISH packets. */
  bytesIn: count,
  /** CONNECTs refused: unknown user, wrong secret, bad client id, will not allowed. */
  rejectedAuth: count,
  /** PUBLISHes refused by the topic ACL (each one closes the connection); payload size is counted apart. */
  rejectedPublishes: z.strictObject({
    total: count,
    byReason: z.record(publishRefusalSchema, count),
  }),
  /** Subscription filters refused (SUBACK 0x80). */
  rejectedSubscribes: count,
  /** PUBLISH payloads over the limit plus packets cut at the transport for announcing a larger size. */
  payloadTooLarge: count,
  /** Connections dropped by the per-IP connection-rate limit. */
  rateLimited: count,
});
export type BrokerMetrics = z.infer<typeof brokerMetricsSchema>;
