import {
  type BrokerMetrics,
  brokerMetricsSchema,
  type GatewayStatus,
  gatewayStatusSchema,
  METRICS_FILTER,
  parseTopic,
  siteFilter,
  type TelemetryBatch,
  telemetryBatchSchema,
} from '@zonewatch/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { SeqDeduper } from './dedupe.js';
import { createRejectionLog, decodePayload, type RejectReason } from './payload.js';

export interface ConsumerOptions {
  /** Broker URL, e.g. mqtt://127.0.0.1:1883. */
  url: string;
  username?: string;
  password?: string;
  /** Sites this node owns; empty = all sites. */
  sites: readonly string[];
  logger: Logger;
  /** Called for every valid, first-seen batch. Must not throw. */
  onBatch(siteId: string, batch: TelemetryBatch): void;
  /** Called for gateway status announcements (retained online status, last will). */
  onStatus?(siteId: string, gatewayId: string, status: GatewayStatus): void;
  /** Called for broker metrics published on `$SYS/zonewatch/broker/{node}/metrics`. */
  onBrokerMetrics?(metrics: BrokerMetrics): void;
}

export interface ConsumerStats {
  batches: number;
  samples: number;
  /** Batches dropped as already seen: repeats within the dedupe window plus `staleSeqs`. */
  duplicates: number;
  /** Of `duplicates`, those whose seq was below the whole (full) window. */
  staleSeqs: number;
  /** Times a gateway's seq counter started again from below the window and the window was reset. */
  seqResets: number;
  invalid: number;
  /** Batches whose body names a different gateway than the topic it came on. */
  mismatched: number;
}

export interface TelemetryConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): ConsumerStats;
}

/**
 * Subscribes to telemetry and status of the sites this node owns, validates every payload with the
 * protocol schemas, drops duplicates by (gateway, seq), and hands valid batches on. Invalid payloads are
 * counted and logged with a reason code, the topic's ids and their size — never their content nor a
 * parser's message about it (it is health data; see payload.ts).
 */
export function createTelemetryConsumer(opts: ConsumerOptions): TelemetryConsumer {
  const stats: ConsumerStats = {
    batches: 0,
    samples: 0,
    duplicates: 0,
    staleSeqs: 0,
    seqResets: 0,
    invalid: 0,
    mismatched: 0,
  };
  const dedupe = new SeqDeduper();
  const shouldLog = createRejectionLog();
  let client: MqttClient | undefined;
  const filters = (opts.sites.length ? opts.sites : ['+' as const]).flatMap((s) => [
    siteFilter(s, 'telemetry'),
    siteFilter(s, 'status'),
  ]);
  if (opts.onBrokerMetrics) filters.push(METRICS_FILTER);

  const onMessage = (topic: string, payload: Buffer): void => {
    if (topic.startsWith('$SYS/')) {
      try {
        const m = brokerMetricsSchema.safeParse(JSON.parse(payload.toString('utf8')));
        if (m.success) opts.onBrokerMetrics?.(m.data);
      } catch {
        opts.logger.warn({ topic }, 'invalid broker metrics');
      }
      return;
    }
    const t = parseTopic(topic);
    if (!t) return;
    const { siteId, gatewayId } = t;
    /** Never the payload nor a parser's message about it (they quote it): a code, the topic's ids, a size. */
    const rejected = (msg: string, reason: RejectReason, fields?: string[]): void => {
      const occurrences = shouldLog(`${siteId}/${gatewayId}/${t.kind}/${reason}`);
      if (occurrences === undefined) return;
      opts.logger.warn(
        { siteId, gatewayId, reason, ...(fields ? { fields } : {}), bytes: payload.length, occurrences },
        msg,
      );
    };
    if (t.kind === 'status') {
      const s = decodePayload(gatewayStatusSchema, payload);
      if (s.ok) opts.onStatus?.(siteId, gatewayId, s.value);
      else rejected('invalid gateway status', s.reason, s.fields);
      return;
    }
    if (t.kind !== 'telemetry') return;
    const r = decodePayload(telemetryBatchSchema, payload);
    if (!r.ok) {
      stats.invalid++;
      rejected('invalid telemetry batch rejected', r.reason, r.fields);
      return;
    }
    if (r.value.gatewayId !== gatewayId) {
      stats.mismatched++;
      rejected('telemetry gatewayId does not match topic', 'gateway_mismatch');
      return;
    }
    const verdict = dedupe.check(`${siteId}/${gatewayId}`, r.value.seq);
    if (verdict === 'duplicate' || verdict === 'stale') {
      stats.duplicates++;
      if (verdict === 'stale') {
        stats.staleSeqs++;
        const occurrences = shouldLog(`${siteId}/${gatewayId}/stale`);
        if (occurrences !== undefined) {
          opts.logger.warn(
            { siteId, gatewayId, occurrences },
            'telemetry seq below the dedupe window: dropped as already seen',
          );
        }
      }
      return;
    }
    if (verdict === 'reset') {
      stats.seqResets++;
      opts.logger.warn({ siteId, gatewayId }, 'gateway seq counter restarted: dedupe window reset');
    }
    stats.batches++;
    stats.samples += r.value.samples.length;
    opts.onBatch(siteId, r.value);
  };

  return {
    async start() {
      client = await mqtt.connectAsync(opts.url, {
        protocolVersion: 4,
        // The broker admits a service's client id as `{username}_…`, so a service never takes a gateway's session.
        clientId: `${opts.username ?? 'ingest'}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`,
        username: opts.username,
        password: opts.password,
        clean: true,
        reconnectPeriod: 1000,
      });
      client.on('message', onMessage);
      client.on('error', (e) => opts.logger.error({ err: e.message }, 'mqtt error'));
      client.on('connect', () => {
        // A clean session loses subscriptions across reconnects; renew them.
        client?.subscribe(filters, { qos: 1 });
      });
      await client.subscribeAsync(filters, { qos: 1 });
      opts.logger.info({ filters }, 'consuming telemetry');
    },
    async stop() {
      await client?.endAsync();
    },
    stats: () => ({ ...stats }),
  };
}
