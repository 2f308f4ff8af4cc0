import { performance } from 'node:perf_hooks';
import {
  commandTopic,
  type DeviceLink,
  type DeviceNotification,
  type GatewayStatus,
  MAX_SAMPLES_PER_BATCH,
  type Sample,
  statusTopic,
  type TelemetryBatch,
  telemetryTopic,
} from '@zonewatch/protocol';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import pkg from '../package.json' with { type: 'json' };
import type { GatewayConfig } from './config.js';
import { NotificationDecoder } from './decode.js';
import { DiskOutbox } from './disk-outbox.js';
import { type DecodeErrorReason, GatewayStateError } from './errors.js';
import type { Outbox } from './outbox.js';

/** Gateway software version, announced in the retained status. */
export const GATEWAY_VERSION: string = pkg.version;

/** Publishes in flight (awaiting PUBACK) at once; small, so a dropped link re-sends little. */
export const MAX_INFLIGHT = 8;
/** How long stop() waits for batches already handed to a live connection to be acknowledged. */
export const STOP_GRACE_MS = 2_000;

export interface GatewayDeps {
  /** Where wearable notifications come from (the simulator, or a BLE adapter). */
  link: DeviceLink;
  logger: Logger;
  /** Wall clock for wire timestamps (`sentAt`, status `at`), ms since epoch; default `Date.now`. */
  clock?: () => number;
  /** Outbox to use instead of the disk outbox under `config.dataDir` (unit tests). */
  outbox?: Outbox;
  /** Opens an MQTT connection; default `mqtt.connect`. Tests wrap it to reach the socket. */
  connect?: (url: string, options: IClientOptions) => MqttClient;
  /** Random numbers in [0, 1) for reconnect jitter; default `Math.random`. */
  random?: () => number;
}

export interface GatewayStats {
  /** An MQTT connection is up (CONNACK received and not closed since). */
  connected: boolean;
  /** Successful connections since start (the first one included). */
  connections: number;
  /** Connection attempts that failed or connections that dropped. */
  connectionFailures: number;
  /** Samples decoded and accepted into a batch. */
  samplesAccepted: number;
  /** Batches formed (one per non-empty flush, more if a flush exceeds the per-batch sample cap). */
  batchesCreated: number;
  /** Batches the broker acknowledged (PUBACK), live and replayed. */
  batchesPublished: number;
  /** Samples in those batches. */
  samplesPublished: number;
  /** Acknowledged batches that were sent from the backlog with `replayed: true`. */
  replayed: number;
  /** Rejected notifications per reason (see DECODE_ERROR_REASONS). */
  decodeErrors: Partial<Record<DecodeErrorReason, number>>;
  /** Valid notifications that carry no sample (an oximeter sending NaN/NRes SpO2 while it searches). */
  spo2Unavailable: number;
  /** Batches whose samples were lost because the outbox could not store them (disk failure). */
  outboxWriteErrors: number;
  /** Stored batches dropped because they could not be read back after retries. */
  outboxUnreadable: number;
  outboxDepth: number;
  outboxBytes: number;
  /** Batches dropped (oldest first) because the outbox reached `outboxMaxBytes`. */
  outboxDropped: number;
  /** Damaged outbox records skipped at start-up (e.g. a write torn by a power cut). */
  outboxCorrupt: number;
  /** The next batch's seq. */
  nextSeq: number;
  /** Milliseconds from PUBLISH to PUBACK of the last acknowledged batch. */
  lastPublishLatencyMs: number | undefined;
  /** Commands received on the gateway's `cmd` topic. */
  commands: number;
}

export interface Gateway {
  /** Opens the outbox, starts batching and connecting; resolves without waiting for the broker. */
  start(): Promise<void>;
  /** Stops the link, flushes, announces `offline` (if connected), disconnects and closes the outbox. */
  stop(): Promise<void>;
  stats(): GatewayStats;
}

interface Connection {
  client: MqttClient;
  /** Batches with a seq up to this were created before the connection came up: they are the backlog. */
  backlogEnd: number;
  /** Highest seq handed to this connection. */
  cursor: number;
  inflight: Map<number, { startedAt: number; samples: number; replayed: boolean }>;
  /** The connection is being torn down after a failed publish. */
  closing?: boolean;
}

/**
 * Builds a gateway: decodes wearable notifications into wire samples, batches them every
 * `flushIntervalMs` under a per-gateway increasing `seq`, stores each batch in the outbox and publishes it
 * QoS1, strictly in seq order; removes it on PUBACK. Nothing is opened until {@link Gateway.start}.
 */
export function createGateway(config: GatewayConfig, deps: GatewayDeps): Gateway {
  const log = deps.logger.child({ component: 'gateway', gatewayId: config.gatewayId, siteId: config.siteId });
  const clock = deps.clock ?? Date.now;
  const random = deps.random ?? Math.random;
  const connectFn = deps.connect ?? mqtt.connect;
  const outbox = deps.outbox ?? new DiskOutbox({ dir: config.dataDir, maxBytes: config.outboxMaxBytes, log });
  const decoder = new NotificationDecoder();
  const topics = {
    telemetry: telemetryTopic(config.siteId, config.gatewayId),
    status: statusTopic(config.siteId, config.gatewayId),
    cmd: commandTopic(config.siteId, config.gatewayId),
  };
  const willPayload = JSON.stringify({
    v: 1,
    gatewayId: config.gatewayId,
    siteId: config.siteId,
    state: 'offline',
  } satisfies GatewayStatus);

  const counters = {
    connections: 0,
    connectionFailures: 0,
    samplesAccepted: 0,
    batchesCreated: 0,
    batchesPublished: 0,
    samplesPublished: 0,
    replayed: 0,
    spo2Unavailable: 0,
    outboxWriteErrors: 0,
    outboxUnreadable: 0,
    commands: 0,
    lastPublishLatencyMs: undefined as number | undefined,
  };
  const decodeErrors: Partial<Record<DecodeErrorReason, number>> = {};
  const errorLogCounts = new Map<string, number>();

  let state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  let nextSeq = 1;
  let buffer: Sample[] = [];
  let appendChain: Promise<void> = Promise.resolve();
  let flushTimer: NodeJS.Timeout | undefined;
  let statusTimer: NodeJS.Timeout | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let pumpTimer: NodeJS.Timeout | undefined;
  let attempt = 0;
  let client: MqttClient | undefined;
  let conn: Connection | undefined;
  let nextReplayAt = 0;
  let pumping = false;
  let pumpAgain = false;
  const readFailures = new Map<number, number>();

  const onNotification = (n: DeviceNotification): void => {
    if (state !== 'running' && state !== 'starting') return;
    const out = decoder.decode(n);
    if (out.kind === 'sample') {
      buffer.push(out.sample);
      counters.samplesAccepted++;
    } else if (out.kind === 'skip') {
      counters.spo2Unavailable++;
    } else {
      decodeErrors[out.reason] = (decodeErrors[out.reason] ?? 0) + 1;
      // One noisy device must not flood the log: the 1st, then every 100th, per device and reason.
      const key = `${n.deviceId}\u0000${out.reason}`;
      if (errorLogCounts.size > 10_000) errorLogCounts.clear();
      const seen = (errorLogCounts.get(key) ?? 0) + 1;
      errorLogCounts.set(key, seen);
      if (seen === 1 || seen % 100 === 0) {
        log.warn(
          {
            deviceId: String(n.deviceId).slice(0, 64),
            characteristic: String(n.characteristic).slice(0, 40),
            reason: out.reason,
            detail: out.detail,
            bytes: n.bytes?.length,
            occurrences: seen,
          },
          'wearable notification rejected',
        );
      }
    }
  };

  /** Closes the current interval's batch (or batches) and queues it for the outbox, in seq order. */
  const flush = (): Promise<void> => {
    if (buffer.length === 0) return appendChain;
    const samples = buffer;
    buffer = [];
    const sentAt = clock();
    for (const chunk of splitToFit(samples, sentAt)) {
      const seq = nextSeq++;
      const batch: TelemetryBatch = { v: 1, gatewayId: config.gatewayId, seq, sentAt, samples: chunk };
      const payload = Buffer.from(JSON.stringify(batch));
      counters.batchesCreated++;
      appendChain = appendChain
        .then(() => outbox.append(seq, payload))
        .then(
          () => void pump(),
          (err: unknown) => {
            counters.outboxWriteErrors++;
            log.error(
              { error: errSummary(err), seq, samples: chunk.length },
              'batch could not be stored; lost',
            );
          },
        );
    }
    return appendChain;
  };

  /**
   * Splits one flush's samples into batches within the schema's sample cap and `maxBatchBytes` (with room
   * for the `replayed` flag), halving until each fits: a broker closes the connection on an oversize
   * PUBLISH, and a batch that never fits would block the outbox forever.
   */
  const splitToFit = (samples: Sample[], sentAt: number): Sample[][] => {
    const probe = { v: 1, gatewayId: config.gatewayId, seq: Number.MAX_SAFE_INTEGER, sentAt, replayed: true };
    const fits = (s: Sample[]) =>
      s.length <= MAX_SAMPLES_PER_BATCH &&
      Buffer.byteLength(JSON.stringify({ ...probe, samples: s })) <= config.maxBatchBytes;
    const out: Sample[][] = [];
    const pending = [samples];
    while (pending.length > 0) {
      const s = pending.shift()!;
      if (s.length <= 1 || fits(s)) out.push(s);
      else pending.unshift(s.slice(0, s.length >> 1), s.slice(s.length >> 1));
    }
    return out;
  };

  const schedulePump = (delayMs: number): void => {
    if (pumpTimer) return;
    pumpTimer = setTimeout(() => {
      pumpTimer = undefined;
      void pump();
    }, delayMs);
  };

  /** Hands stored batches to the connection in seq order, backlog rate-limited, up to MAX_INFLIGHT. */
  const pump = async (): Promise<void> => {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        await pumpOnce();
      } while (pumpAgain);
    } catch (err) {
      log.error({ error: errSummary(err) }, 'outbox read failed; retrying');
      schedulePump(1000);
    } finally {
      pumping = false;
    }
  };

  const pumpOnce = async (): Promise<void> => {
    const c = conn;
    while (c && conn === c && c.inflight.size < MAX_INFLIGHT) {
      const seq = outbox.nextAfter(c.cursor);
      if (seq === undefined) return;
      const replayed = seq <= c.backlogEnd;
      // Stopping: finish the live stream, leave the backlog on disk for the next start.
      if (replayed && state === 'stopping') return;
      if (replayed) {
        const now = performance.now();
        if (now < nextReplayAt) {
          schedulePump(Math.ceil(nextReplayAt - now));
          return;
        }
        nextReplayAt = Math.max(now, nextReplayAt) + 1000 / config.replayRatePerSec;
      }
      let batch: TelemetryBatch | undefined;
      let stored: Uint8Array | undefined;
      try {
        stored = await outbox.read(seq);
        if (stored) batch = JSON.parse(Buffer.from(stored).toString('utf8')) as TelemetryBatch;
        readFailures.delete(seq);
      } catch (err) {
        if (conn !== c) return;
        // Transient I/O gets a few retries; a batch that never reads back must not block those behind it.
        const failures = (readFailures.get(seq) ?? 0) + 1;
        readFailures.set(seq, failures);
        if (failures < 3) throw err;
        readFailures.delete(seq);
        counters.outboxUnreadable++;
        log.error({ error: errSummary(err), seq }, 'stored batch unreadable; dropped');
        await outbox.ack(seq);
        continue;
      }
      if (conn !== c) return;
      c.cursor = seq;
      if (!stored || !batch) continue; // dropped for space while we were reading
      const body = replayed ? JSON.stringify({ ...batch, replayed: true }) : stored;
      c.inflight.set(seq, { startedAt: performance.now(), samples: batch.samples.length, replayed });
      c.client.publish(topics.telemetry, Buffer.from(body), { qos: 1 }, (err) => onPuback(c, seq, err));
    }
  };

  const onPuback = (c: Connection, seq: number, err: Error | undefined): void => {
    if (conn !== c) return; // a dropped connection; the batch is still in the outbox for the next one
    const f = c.inflight.get(seq);
    c.inflight.delete(seq);
    if (err || !f) {
      // MQTT 3.1.1 has no negative PUBACK; a publish error means the connection is unusable. Reconnect so
      // the batch is re-sent in order from the outbox.
      log.warn({ error: errSummary(err), seq }, 'publish failed; reconnecting');
      // Not from inside this callback: MQTT.js runs it from its own flush loop, and ending the client there
      // empties the list that loop is walking (a TypeError that took the whole gateway down). Once is enough.
      if (!c.closing) {
        c.closing = true;
        setImmediate(() => c.client.end(true));
      }
      return;
    }
    counters.batchesPublished++;
    counters.samplesPublished += f.samples;
    if (f.replayed) counters.replayed++;
    counters.lastPublishLatencyMs = Math.round((performance.now() - f.startedAt) * 10) / 10;
    outbox.ack(seq).catch((e: unknown) => log.error({ error: errSummary(e), seq }, 'outbox ack failed'));
    void pump();
  };

  const statusPayload = (): string => {
    const s = outbox.stats();
    return JSON.stringify({
      v: 1,
      gatewayId: config.gatewayId,
      siteId: config.siteId,
      state: 'online',
      at: clock(),
      outboxDepth: s.depth,
      outboxDropped: s.dropped,
      version: GATEWAY_VERSION,
    } satisfies GatewayStatus);
  };

  const publishStatus = (c: Connection): void => {
    c.client.publish(topics.status, statusPayload(), { qos: 1, retain: true }, (err) => {
      if (err && conn === c) log.warn({ error: errSummary(err) }, 'status publish failed');
    });
  };

  const onCommand = (topic: string, payload: Buffer): void => {
    if (topic !== topics.cmd) return;
    counters.commands++;
    let type = '(not JSON)';
    try {
      const parsed = JSON.parse(payload.toString('utf8')) as { type?: unknown };
      type = typeof parsed?.type === 'string' ? parsed.type.slice(0, 64) : '(no type)';
    } catch {}
    log.info({ command: type, bytes: payload.length }, 'command received');
    if (type === 'ping' && conn) publishStatus(conn);
  };

  const connect = (): void => {
    reconnectTimer = undefined;
    if (state !== 'running' && state !== 'starting') return;
    const c = connectFn(config.mqttUrl, {
      protocolVersion: 4,
      clientId: config.gatewayId,
      username: config.gatewayId,
      password: config.secret,
      clean: true,
      // Reconnects are ours (back-off with jitter, fresh client, replay from the outbox), not MQTT.js's.
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      keepalive: config.keepaliveSec,
      resubscribe: false,
      will: { topic: topics.status, payload: Buffer.from(willPayload), qos: 1, retain: true },
    });
    client = c;
    let opened = false;
    c.on('connect', () => {
      opened = true;
      attempt = 0;
      counters.connections++;
      const connection: Connection = { client: c, backlogEnd: nextSeq - 1, cursor: -1, inflight: new Map() };
      conn = connection;
      log.info({ backlog: outbox.stats().depth }, 'connected to broker');
      publishStatus(connection);
      c.subscribe(topics.cmd, { qos: 1 }, (err) => {
        if (err && conn === connection) log.warn({ error: errSummary(err) }, 'command subscription failed');
      });
      statusTimer = setInterval(() => publishStatus(connection), config.statusIntervalMs);
      void pump();
    });
    c.on('message', onCommand);
    let lastError: Error | undefined;
    c.on('error', (err) => {
      lastError = err;
      log.debug({ error: errSummary(err) }, 'mqtt error');
    });
    c.once('close', () => {
      if (client === c) client = undefined;
      if (conn?.client === c) {
        conn = undefined;
        clearInterval(statusTimer);
        statusTimer = undefined;
      }
      c.end(true);
      if (state !== 'running' && state !== 'starting') return;
      counters.connectionFailures++;
      const delay = backoff(attempt++, config.reconnectMinMs, config.reconnectMaxMs, random);
      log.warn(
        { wasConnected: opened, retryInMs: delay, error: errSummary(lastError) },
        opened ? 'broker connection lost' : 'connect failed',
      );
      reconnectTimer = setTimeout(connect, delay);
    });
  };

  return {
    async start() {
      if (state !== 'new') throw new GatewayStateError(`start() in state ${state}`);
      state = 'starting';
      const { lastSeq } = await outbox.open();
      // A fresh data directory (first start, or a wiped or replaced disk) starts from the clock in ms: the
      // gateway makes far fewer than 1000 batches a second, so this stays above any seq it sent before and
      // consumers that dedupe by (gateway, seq) never discard its new batches as old ones.
      nextSeq = lastSeq !== undefined ? lastSeq + 1 : Math.max(1, Math.floor(clock()));
      const s = outbox.stats();
      log.info(
        { nextSeq, outboxDepth: s.depth, outboxBytes: s.bytes, outboxCorrupt: s.corrupt },
        'gateway starting',
      );
      flushTimer = setInterval(() => void flush(), config.flushIntervalMs);
      state = 'running';
      connect();
      await deps.link.start(onNotification);
    },

    async stop() {
      if (state !== 'running') throw new GatewayStateError(`stop() in state ${state}`);
      state = 'stopping';
      try {
        await deps.link.stop();
      } catch (err) {
        log.warn({ error: errSummary(err) }, 'device link did not stop cleanly');
      }
      clearInterval(flushTimer);
      await flush();
      clearTimeout(reconnectTimer);
      const c = conn;
      if (c) {
        // Let the last batches through while the connection is up, but never hang a shutdown on it.
        const deadline = performance.now() + STOP_GRACE_MS;
        while (conn === c && performance.now() < deadline) {
          const next = outbox.nextAfter(c.cursor);
          if (c.inflight.size === 0 && (next === undefined || next <= c.backlogEnd)) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        if (conn === c) {
          const offline = JSON.stringify({ ...JSON.parse(willPayload), at: clock() });
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, STOP_GRACE_MS);
            c.client.publish(topics.status, offline, { qos: 1, retain: true }, () => {
              clearTimeout(t);
              resolve();
            });
          });
        }
      }
      clearTimeout(pumpTimer);
      clearInterval(statusTimer);
      // A connected client says DISCONNECT (so the broker drops the will); one still connecting is cut.
      const graceful = conn !== undefined && conn.client === client;
      conn = undefined;
      const last = client;
      client = undefined;
      if (last) await new Promise<void>((resolve) => last.end(!graceful, {}, () => resolve()));
      await appendChain;
      while (pumping) await new Promise((r) => setTimeout(r, 5));
      await outbox.close();
      state = 'stopped';
      log.info(statsFor(), 'gateway stopped');
    },

    stats: () => statsFor(),
  };

  function statsFor(): GatewayStats {
    const s = outbox.stats();
    return {
      connected: conn !== undefined,
      ...counters,
      decodeErrors: { ...decodeErrors },
      outboxDepth: s.depth,
      outboxBytes: s.bytes,
      outboxDropped: s.dropped,
      outboxCorrupt: s.corrupt,
      nextSeq,
    };
  }
}

/** Exponential back-off with "equal jitter": half the delay fixed, half random, capped at `maxMs`. */
export function backoff(attempt: number, minMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** An error for a log line: its code and message, never a payload. */
function errSummary(err: unknown): { code?: string; message: string } | undefined {
  if (err === undefined || err === null) return undefined;
  const e = err as { code?: unknown; message?: unknown };
  return {
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    message: typeof e.message === 'string' ? e.message : String(err),
  };
}
