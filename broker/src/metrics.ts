import {
  type BrokerMetrics,
  brokerMetricsSchema,
  METRICS_FILTER,
  metricsTopic,
  type PublishRefusal,
  publishRefusalSchema,
} from '@zonewatch/protocol';

/** The metrics payload, its topic and filter are protocol's (ingest parses what the broker publishes). */
export { type BrokerMetrics, brokerMetricsSchema, METRICS_FILTER, metricsTopic };

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
