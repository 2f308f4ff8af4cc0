import { z } from 'zod';
import { type PublishRefusal, publishRefusalSchema } from './acl.js';

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

/** Mutable counters behind `metrics()`; the broker shell increments them, `snapshot` copies them. */
export class MetricsRecorder {
  messagesIn = 0;
  messagesOut = 0;
  bytesIn = 0;
  rejectedAuth = 0;
  rejectedSubscribes = 0;
  payloadTooLarge = 0;
  rateLimited = 0;
  readonly #rejectedPublishes: Record<PublishRefusal, number> = Object.fromEntries(
    publishRefusalSchema.options.map((r) => [r, 0]),
  ) as Record<PublishRefusal, number>;

  constructor(
    readonly nodeId: string,
    readonly startedAtMs: number,
  ) {}

  rejectPublish(reason: PublishRefusal): void {
    this.#rejectedPublishes[reason] += 1;
  }

  snapshot(nowMs: number, connectedClients: number): BrokerMetrics {
    const byReason = { ...this.#rejectedPublishes };
    return {
      schemaVersion: 1,
      nodeId: this.nodeId,
      timestampMs: nowMs,
      startedAtMs: this.startedAtMs,
      connectedClients,
      messagesIn: this.messagesIn,
      messagesOut: this.messagesOut,
      bytesIn: this.bytesIn,
      rejectedAuth: this.rejectedAuth,
      rejectedPublishes: { total: Object.values(byReason).reduce((a, b) => a + b, 0), byReason },
      rejectedSubscribes: this.rejectedSubscribes,
      payloadTooLarge: this.payloadTooLarge,
      rateLimited: this.rateLimited,
    };
  }
}
