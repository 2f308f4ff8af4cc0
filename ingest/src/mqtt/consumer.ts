import { performance } from 'node:perf_hooks';
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
  /** Sites this node owns; empty = all sites. Ignored with `leased` (sites come through `addSite`). */
  sites: readonly string[];
  /**
   * Site leases (issue 18): no site is consumed at start; `addSite` opens one persistent MQTT session per
   * site (clean session off, client id `{username}_site_{siteId}`, QoS 1), so the broker keeps the site's
   * messages while no node holds it and the next owner receives them in order. A message is acknowledged
   * (PUBACK) only once `onBatch` took it: one that arrives after the lease was lost stays on the broker.
   */
  leased?: boolean;
  /** With `leased`: whether this node holds the site now (checked for every batch before it is taken). */
  accept?(siteId: string): boolean;
  logger: Logger;
  /** Called for every valid, first-seen batch. Must not throw. */
  onBatch(siteId: string, batch: TelemetryBatch): unknown;
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
  /** Batches sent before the gateway's previous batch had reached this node by more than `LATE_MS` (drained). */
  late: number;
  /** Batches refused (not acknowledged) because the site was no longer this node's. */
  refused: number;
}

/** How long a site session waits for the broker's CONNACK before it drops the attempt and tries again. */
export const SITE_CONNECT_TIMEOUT_MS = 5_000;

/** A batch that reaches ingest this long after its gateway sent it is counted as late (ms). */
export const LATE_MS = 2_000;

/**
 * How long message handling may run on before the event loop gets a turn (ms). mqtt.js hands a connection's
 * buffered messages over one after another without returning to the event loop; a burst (gateways sending
 * their outboxes after a restart, a taken-over site's backlog) on a loaded machine kept timers waiting for
 * seconds, and a node whose lease renewal waited past its lease lost every site (measured at 7,000
 * participants on aedes: stalls of 1.5–3.4 s).
 */
export const SLICE_MS = 20;

/**
 * Acknowledges through `pace`: at once while the current slice of work is under {@link SLICE_MS}, otherwise
 * after the event loop had a turn (timers, other sockets). mqtt.js takes a connection's next message only
 * once the previous one was acknowledged, so this paces every connection that uses it.
 */
function createPacer(): (acknowledge: () => void) => void {
  let sliceStart: number | undefined;
  return (acknowledge) => {
    const now = performance.now();
    if (sliceStart === undefined) {
      sliceStart = now;
      setImmediate(() => {
        sliceStart = undefined;
      });
    }
    if (now - sliceStart < SLICE_MS) acknowledge();
    else setImmediate(acknowledge);
  };
}

export interface TelemetryConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): ConsumerStats;
  /**
   * Starts consuming a site this node now holds (`leased`): its persistent session, and the messages the
   * broker kept for it meanwhile, in order. Resolves once subscribed.
   */
  addSite(siteId: string): Promise<void>;
  /**
   * Stops consuming a site: `graceful` disconnects after the messages already taken (hand-over); otherwise the
   * connection is cut at once and nothing more is acknowledged (lease lost).
   */
  removeSite(siteId: string, graceful: boolean): Promise<void>;
  /** Sites with a persistent session open now. */
  sites(): string[];
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
    late: 0,
    refused: 0,
  };
  const siteClients = new Map<string, MqttClient>();
  const dedupe = new SeqDeduper();
  const pace = createPacer();
  const shouldLog = createRejectionLog();
  let client: MqttClient | undefined;
  const siteFilters = (s: string) => [siteFilter(s, 'telemetry'), siteFilter(s, 'status')];
  // Leased: the shared connection carries only broker metrics; each held site has its own session.
  const filters = opts.leased ? [] : (opts.sites.length ? opts.sites : ['+' as const]).flatMap(siteFilters);
  if (opts.onBrokerMetrics) filters.push(METRICS_FILTER);

  /** Handles one message; false only for a batch the site's owner did not take (not to be acknowledged). */
  const handle = (topic: string, payload: Buffer): boolean => {
    if (topic.startsWith('$SYS/')) {
      try {
        const m = brokerMetricsSchema.safeParse(JSON.parse(payload.toString('utf8')));
        if (m.success) opts.onBrokerMetrics?.(m.data);
      } catch {
        opts.logger.warn({ topic }, 'invalid broker metrics');
      }
      return true;
    }
    const t = parseTopic(topic);
    if (!t) return true;
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
      return true;
    }
    if (t.kind !== 'telemetry') return true;
    const r = decodePayload(telemetryBatchSchema, payload);
    if (!r.ok) {
      stats.invalid++;
      rejected('invalid telemetry batch rejected', r.reason, r.fields);
      return true;
    }
    if (r.value.gatewayId !== gatewayId) {
      stats.mismatched++;
      rejected('telemetry gatewayId does not match topic', 'gateway_mismatch');
      return true;
    }
    // A site this node no longer holds: neither counted nor acknowledged (the broker keeps it for the next
    // owner). Checked before the dedupe window, which would otherwise remember a batch never applied.
    if (opts.leased && (!siteClients.has(siteId) || opts.accept?.(siteId) === false)) {
      stats.refused++;
      return false;
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
      return true;
    }
    if (verdict === 'reset') {
      stats.seqResets++;
      opts.logger.warn({ siteId, gatewayId }, 'gateway seq counter restarted: dedupe window reset');
    }
    // `accept` was asked just above, synchronously: the owner takes it.
    opts.onBatch(siteId, r.value);
    stats.batches++;
    stats.samples += r.value.samples.length;
    if (Date.now() - r.value.sentAt > LATE_MS) stats.late++;
    return true;
  };
  const onMessage = (topic: string, payload: Buffer): void => {
    handle(topic, payload);
  };

  return {
    async start() {
      if (filters.length === 0) return;
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
      // 'message' was emitted (and handled) before this; only the acknowledgement, and the next message, wait.
      client.handleMessage = (_packet, callback) => pace(() => callback());
      client.on('error', (e) => opts.logger.error({ err: e.message }, 'mqtt error'));
      client.on('connect', () => {
        // A clean session loses subscriptions across reconnects; renew them.
        client?.subscribe(filters, { qos: 1 });
      });
      await client.subscribeAsync(filters, { qos: 1 });
      opts.logger.info({ filters }, 'consuming telemetry');
    },
    async stop() {
      for (const siteId of [...siteClients.keys()]) await this.removeSite(siteId, true);
      await client?.endAsync();
    },
    stats: () => ({ ...stats }),
    sites: () => [...siteClients.keys()],
    async addSite(siteId) {
      if (siteClients.has(siteId)) return;
      const c = mqtt.connect(opts.url, {
        protocolVersion: 4,
        // Stable per site, so whichever node holds the site resumes the same broker session.
        clientId: `${opts.username ?? 'ingest'}_site_${siteId}`,
        username: opts.username,
        password: opts.password,
        clean: false,
        // Reconnects below, and only while the site is still this node's: a node resumed after losing its
        // lease must not take the session back from the new owner.
        reconnectPeriod: 0,
        resubscribe: false,
        // A CONNECT the broker never answers is tried again after this, not after mqtt.js's 30 s: seen with
        // aedes (sessions in Redis) when a node took over a site, which then stayed held and unconsumed.
        connectTimeout: SITE_CONNECT_TIMEOUT_MS,
      });
      siteClients.set(siteId, c);
      c.on('close', () => {
        setTimeout(() => {
          if (siteClients.get(siteId) === c && opts.accept?.(siteId) !== false) c.reconnect();
        }, 1000).unref();
      });
      // PUBACK only once the batch was taken: a message refused here stays with the broker's session.
      c.handleMessage = (packet, callback) => {
        if (handle(packet.topic, packet.payload as Buffer)) return pace(() => callback());
        // Refused (the lease was not certain at that instant): not acknowledged, and mqtt.js would wait for
        // this message for ever, so the connection goes; it comes back (and the broker sends the message
        // again) if the site is still this node's a second later, as after any other drop.
        c.stream?.destroy();
      };
      c.on('error', (e) => opts.logger.error({ siteId, err: e.message }, 'mqtt error (site session)'));
      const subscribed = new Promise<void>((resolve, reject) => {
        // One filter per SUBSCRIBE: aedes with its Redis persistence never answers a SUBSCRIBE of two
        // filters from a client without a clean session (measured with aedes 1.2, aedes-persistence-redis 12).
        const subscribe = () => {
          const [telemetry, status] = siteFilters(siteId) as [string, string];
          c.subscribeAsync(telemetry, { qos: 1 })
            .then(() => c.subscribeAsync(status, { qos: 1 }))
            .then(() => resolve(), reject);
        };
        c.on('connect', subscribe);
        c.once('end', () => reject(new Error(`site ${siteId}: consumer stopped before it subscribed`)));
      });
      await subscribed;
      opts.logger.info({ siteId }, 'consuming site (persistent session)');
    },
    async removeSite(siteId, graceful) {
      const c = siteClients.get(siteId);
      if (!c) return;
      siteClients.delete(siteId);
      // Not graceful: cut at once; what was not acknowledged stays on the broker for the next owner.
      await c.endAsync(!graceful);
    },
  };
}
