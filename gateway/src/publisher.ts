import type { TelemetryBatch } from '@zonewatch/protocol';
import type { Outbox } from './outbox.js';
import { delay, errSummary, type GatewayLogger, type Timers } from './timers.js';

/** Publishes in flight (awaiting PUBACK) at once; small, so a dropped link re-sends little. */
export const MAX_INFLIGHT = 8;

/** Where telemetry goes while a broker connection is up (one sink per connection). */
export interface TelemetrySink {
  /** Publishes one batch QoS1; `done` runs on PUBACK, or with an error when the publish failed. */
  publish(body: Uint8Array | string, done: (err?: Error) => void): void;
  /** Tears the connection down after a failed publish, outside the publish callback. */
  abort(): void;
}

interface Lane {
  sink: TelemetrySink;
  /** Batches with a seq up to this were created before the connection came up: they are the backlog. */
  backlogEnd: number;
  /** Highest seq handed to this connection. */
  cursor: number;
  inflight: Map<number, { startedAt: number; samples: number; replayed: boolean }>;
  /** The connection is being torn down after a failed publish. */
  closing?: boolean;
}

const utf8 = new TextDecoder();

/**
 * Publishing from the outbox: hands stored batches to the current connection strictly in seq order, up to
 * {@link MAX_INFLIGHT} awaiting PUBACK; the backlog (batches made before the connection came up) goes out
 * with `replayed: true` at `replayRatePerSec`, and batches made meanwhile wait behind it. A batch leaves
 * the outbox only on PUBACK; a failed publish drops the connection so the next one re-sends in order.
 * Transport- and storage-agnostic (a {@link TelemetrySink}, an {@link Outbox}); no Node-only APIs.
 */
export class OutboxPublisher {
  batchesPublished = 0;
  samplesPublished = 0;
  /** Acknowledged batches that were sent from the backlog. */
  replayed = 0;
  /** Stored batches dropped because they could not be read back after retries. */
  outboxUnreadable = 0;
  /** Milliseconds from PUBLISH to PUBACK of the last acknowledged batch. */
  lastPublishLatencyMs: number | undefined;
  /** Set while the gateway stops: the live stream finishes, the backlog stays stored for the next start. */
  stopping = false;

  private lane: Lane | undefined;
  private nextReplayAt = 0;
  private pumping = false;
  private pumpAgain = false;
  private pumpTimer: unknown;
  private readonly readFailures = new Map<number, number>();

  constructor(
    private readonly deps: { outbox: Outbox; replayRatePerSec: number; log: GatewayLogger; timers: Timers },
  ) {}

  /** A connection came up; batches up to `backlogEnd` are its backlog. */
  attach(sink: TelemetrySink, backlogEnd: number): void {
    this.lane = { sink, backlogEnd, cursor: -1, inflight: new Map() };
  }

  /** The connection is gone (or being closed); what it had in flight stays stored for the next one. */
  detach(sink?: TelemetrySink): void {
    if (!sink || this.lane?.sink === sink) this.lane = undefined;
  }

  isAttached(sink: TelemetrySink): boolean {
    return this.lane?.sink === sink;
  }

  /** Hands stored batches to the connection in seq order, backlog rate-limited, up to MAX_INFLIGHT. */
  async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        await this.pumpOnce();
      } while (this.pumpAgain);
    } catch (err) {
      this.deps.log.error({ error: errSummary(err) }, 'outbox read failed; retrying');
      this.schedule(1000);
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Waits, at most `graceMs`, until the live stream handed to this connection is acknowledged (the backlog
   * stays stored), so a stop loses nothing it could still deliver but never hangs on a dead broker.
   */
  async drainLive(graceMs: number): Promise<void> {
    const c = this.lane;
    if (!c) return;
    const { timers, outbox } = this.deps;
    const deadline = timers.now() + graceMs;
    while (this.lane === c && timers.now() < deadline) {
      const next = outbox.nextAfter(c.cursor);
      if (c.inflight.size === 0 && (next === undefined || next <= c.backlogEnd)) return;
      await delay(timers, 10);
    }
  }

  /** Cancels a scheduled pump and resolves once no pump is running. */
  async quiesce(): Promise<void> {
    this.deps.timers.clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    while (this.pumping) await delay(this.deps.timers, 5);
  }

  private schedule(delayMs: number): void {
    if (this.pumpTimer) return;
    this.pumpTimer = this.deps.timers.setTimeout(() => {
      this.pumpTimer = undefined;
      void this.pump();
    }, delayMs);
  }

  private async pumpOnce(): Promise<void> {
    const { outbox, timers, log } = this.deps;
    const c = this.lane;
    while (c && this.lane === c && c.inflight.size < MAX_INFLIGHT) {
      const seq = outbox.nextAfter(c.cursor);
      if (seq === undefined) return;
      const replayed = seq <= c.backlogEnd;
      // Stopping: finish the live stream, leave the backlog on disk for the next start.
      if (replayed && this.stopping) return;
      if (replayed) {
        const now = timers.now();
        if (now < this.nextReplayAt) {
          this.schedule(Math.ceil(this.nextReplayAt - now));
          return;
        }
        this.nextReplayAt = Math.max(now, this.nextReplayAt) + 1000 / this.deps.replayRatePerSec;
      }
      let batch: TelemetryBatch | undefined;
      let stored: Uint8Array | undefined;
      try {
        stored = await outbox.read(seq);
        if (stored) batch = JSON.parse(utf8.decode(stored)) as TelemetryBatch;
        this.readFailures.delete(seq);
      } catch (err) {
        if (this.lane !== c) return;
        // Transient I/O gets a few retries; a batch that never reads back must not block those behind it.
        const failures = (this.readFailures.get(seq) ?? 0) + 1;
        this.readFailures.set(seq, failures);
        if (failures < 3) throw err;
        this.readFailures.delete(seq);
        this.outboxUnreadable++;
        log.error({ error: errSummary(err), seq }, 'stored batch unreadable; dropped');
        await outbox.ack(seq);
        continue;
      }
      if (this.lane !== c) return;
      c.cursor = seq;
      if (!stored || !batch) continue; // dropped for space while we were reading
      const body = replayed ? JSON.stringify({ ...batch, replayed: true }) : stored;
      c.inflight.set(seq, { startedAt: timers.now(), samples: batch.samples.length, replayed });
      c.sink.publish(body, (err) => this.onPuback(c, seq, err));
    }
  }

  private onPuback(c: Lane, seq: number, err: Error | undefined): void {
    if (this.lane !== c) return; // a dropped connection; the batch is still in the outbox for the next one
    const f = c.inflight.get(seq);
    c.inflight.delete(seq);
    const { log, outbox, timers } = this.deps;
    if (err || !f) {
      // MQTT 3.1.1 has no negative PUBACK; a publish error means the connection is unusable. Reconnect so
      // the batch is re-sent in order from the outbox. Once is enough.
      log.warn({ error: errSummary(err), seq }, 'publish failed; reconnecting');
      if (!c.closing) {
        c.closing = true;
        c.sink.abort();
      }
      return;
    }
    this.batchesPublished++;
    this.samplesPublished += f.samples;
    if (f.replayed) this.replayed++;
    this.lastPublishLatencyMs = Math.round((timers.now() - f.startedAt) * 10) / 10;
    outbox.ack(seq).catch((e: unknown) => log.error({ error: errSummary(e), seq }, 'outbox ack failed'));
    void this.pump();
  }
}
