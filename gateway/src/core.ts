import type { DeviceLink, DeviceNotification } from '@zonewatch/protocol';
import type { IClientOptions, MqttClient } from 'mqtt';
import { Batcher } from './batcher.js';
import { BrokerSession } from './broker-session.js';
import { type DecodeErrorReason, GatewayStateError } from './errors.js';
import { Intake } from './intake.js';
import type { Outbox } from './outbox.js';
import { OutboxPublisher } from './publisher.js';
import { onlineStatus } from './status.js';
import { errSummary, type GatewayLogger, systemTimers, type Timers } from './timers.js';

/** How long stop() waits for batches already handed to a live connection to be acknowledged. */
export const STOP_GRACE_MS = 2_000;

/** What the core needs of the configuration: everything but where a Node gateway keeps its files. */
export interface GatewayCoreConfig {
  readonly gatewayId: string;
  readonly siteId: string;
  /** `mqtt://`, `mqtts://`, `ws://` or `wss://` (a browser: `ws(s)://` only). */
  readonly mqttUrl: string;
  /** MQTT password; never logged. */
  readonly secret: string;
  readonly flushIntervalMs: number;
  readonly maxBatchBytes: number;
  readonly replayRatePerSec: number;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  readonly statusIntervalMs: number;
  readonly keepaliveSec: number;
}

export interface GatewayCoreDeps {
  /** Where wearable notifications come from (the simulator, a BLE adapter, Web Bluetooth). */
  link: DeviceLink;
  logger: GatewayLogger;
  /** Store-and-forward queue: the disk outbox (Node), IndexedDB (browser), memory (tests). */
  outbox: Outbox;
  /** Opens an MQTT connection: MQTT.js's `connect` (its browser build speaks `ws(s)://`). */
  connect: (url: string, options: IClientOptions) => MqttClient;
  /** Software version announced in the retained status. */
  version: string;
  /** Wall clock for wire timestamps (`sentAt`, status `at`), ms since epoch; default `Date.now`. */
  clock?: () => number;
  /** Random numbers in [0, 1) for reconnect jitter; default `Math.random`. */
  random?: () => number;
  /** Timers and monotonic clock for flushes, replay pacing, status refreshes and back-off; default the platform's. */
  timers?: Timers;
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

/**
 * The platform-neutral gateway (no Node-only APIs): the Node gateway ({@link createGateway} in
 * `gateway.ts`, disk outbox) and the browser gateway (home page, IndexedDB outbox) are both this. It
 * decodes wearable notifications into wire samples ({@link Intake}), batches them every
 * `flushIntervalMs` under a per-gateway increasing `seq` ({@link Batcher}), stores each batch in the outbox
 * and publishes it QoS1, strictly in seq order, removing it on PUBACK ({@link OutboxPublisher}), over an
 * MQTT session that announces the gateway's status and reconnects by itself ({@link BrokerSession}).
 * Nothing is opened until {@link Gateway.start}.
 */
export function createGatewayCore(config: GatewayCoreConfig, deps: GatewayCoreDeps): Gateway {
  const log = deps.logger.child({ component: 'gateway', gatewayId: config.gatewayId, siteId: config.siteId });
  const clock = deps.clock ?? Date.now;
  const timers = deps.timers ?? systemTimers;
  const outbox = deps.outbox;
  const intake = new Intake(log);
  const batcher = new Batcher(config);
  const publisher = new OutboxPublisher({ outbox, replayRatePerSec: config.replayRatePerSec, log, timers });
  const session = new BrokerSession({
    config,
    connect: deps.connect,
    random: deps.random ?? Math.random,
    timers,
    log,
    online: () => onlineStatus(config, clock(), outbox.stats(), deps.version),
    backlog: () => outbox.stats().depth,
    onUp: (sink) => {
      publisher.attach(sink, batcher.nextSeq - 1);
      void publisher.pump();
    },
    onDown: (sink) => publisher.detach(sink),
  });
  let outboxWriteErrors = 0;
  let state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  let appendChain: Promise<void> = Promise.resolve();
  let flushTimer: unknown;

  const onNotification = (n: DeviceNotification): void => {
    if (state !== 'running' && state !== 'starting') return;
    const sample = intake.take(n);
    if (sample) batcher.add(sample);
  };

  /** Closes the current interval's batch (or batches) and queues it for the outbox, in seq order. */
  const flush = (): Promise<void> => {
    for (const b of batcher.seal(clock())) {
      appendChain = appendChain
        .then(() => outbox.append(b.seq, b.payload))
        .then(
          () => void publisher.pump(),
          (err: unknown) => {
            outboxWriteErrors++;
            log.error(
              { error: errSummary(err), seq: b.seq, samples: b.samples },
              'batch could not be stored; lost',
            );
          },
        );
    }
    return appendChain;
  };

  return {
    async start() {
      if (state !== 'new') throw new GatewayStateError(`start() in state ${state}`);
      state = 'starting';
      const { lastSeq } = await outbox.open();
      batcher.resume(lastSeq, clock());
      const s = outbox.stats();
      log.info(
        { nextSeq: batcher.nextSeq, outboxDepth: s.depth, outboxBytes: s.bytes, outboxCorrupt: s.corrupt },
        'gateway starting',
      );
      flushTimer = timers.setInterval(() => void flush(), config.flushIntervalMs);
      state = 'running';
      session.open();
      await deps.link.start(onNotification);
    },

    async stop() {
      if (state !== 'running') throw new GatewayStateError(`stop() in state ${state}`);
      state = 'stopping';
      session.halt();
      publisher.stopping = true;
      try {
        await deps.link.stop();
      } catch (err) {
        log.warn({ error: errSummary(err) }, 'device link did not stop cleanly');
      }
      timers.clearInterval(flushTimer);
      await flush();
      const c = session.sink;
      if (c) {
        // Let the last batches through while the connection is up, but never hang a shutdown on it.
        await publisher.drainLive(STOP_GRACE_MS);
        if (session.sink === c) await session.announceOffline(clock(), STOP_GRACE_MS);
      }
      publisher.detach();
      await session.close();
      await appendChain;
      await publisher.quiesce();
      await outbox.close();
      state = 'stopped';
      log.info(statsFor(), 'gateway stopped');
    },

    stats: () => statsFor(),
  };

  function statsFor(): GatewayStats {
    const s = outbox.stats();
    return {
      connected: session.sink !== undefined,
      connections: session.connections,
      connectionFailures: session.connectionFailures,
      samplesAccepted: intake.samplesAccepted,
      batchesCreated: batcher.batchesCreated,
      batchesPublished: publisher.batchesPublished,
      samplesPublished: publisher.samplesPublished,
      replayed: publisher.replayed,
      spo2Unavailable: intake.spo2Unavailable,
      outboxWriteErrors,
      outboxUnreadable: publisher.outboxUnreadable,
      commands: session.commands,
      lastPublishLatencyMs: publisher.lastPublishLatencyMs,
      decodeErrors: { ...intake.decodeErrors },
      outboxDepth: s.depth,
      outboxBytes: s.bytes,
      outboxDropped: s.dropped,
      outboxCorrupt: s.corrupt,
      nextSeq: batcher.nextSeq,
    };
  }
}
