import { MAX_SAMPLES_PER_BATCH, type Sample, type TelemetryBatch } from '@zonewatch/protocol';

/** A batch closed by {@link Batcher.seal}: its seq and the bytes to store and publish. */
export interface SealedBatch {
  seq: number;
  /** The batch as UTF-8 JSON. */
  payload: Uint8Array;
  samples: number;
}

const utf8 = new TextEncoder();

/**
 * The first seq of a gateway run: one past the last seq the outbox remembers, or, for a fresh data
 * directory (first start, or a wiped or replaced disk), the clock in ms. A gateway makes far fewer than
 * 1000 batches a second, so a clock start stays above any seq it sent before and consumers that dedupe by
 * (gateway, seq) never discard its new batches as old ones.
 */
export function firstSeq(lastSeq: number | undefined, nowMs: number): number {
  return lastSeq !== undefined ? lastSeq + 1 : Math.max(1, Math.floor(nowMs));
}

/**
 * Batching and sequence numbers: samples gather between flushes; {@link seal} closes them into one batch
 * (or several, within the schema's sample cap and `maxBatchBytes`) under a per-gateway `seq` that
 * increases by one per batch and never goes back. No I/O, no timers, no Node-only APIs.
 */
export class Batcher {
  /** The next batch's seq. */
  nextSeq = 1;
  /** Batches sealed so far. */
  batchesCreated = 0;
  private buffer: Sample[] = [];

  constructor(private readonly opts: { gatewayId: string; maxBatchBytes: number }) {}

  /** Continues the seq after a restart (see {@link firstSeq}). */
  resume(lastSeq: number | undefined, nowMs: number): void {
    this.nextSeq = firstSeq(lastSeq, nowMs);
  }

  add(sample: Sample): void {
    this.buffer.push(sample);
  }

  /** Samples waiting for the next seal. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Closes the samples gathered so far into batches stamped `sentAt`, in seq order; none when empty. */
  seal(sentAt: number): SealedBatch[] {
    if (this.buffer.length === 0) return [];
    const samples = this.buffer;
    this.buffer = [];
    return splitToFit(samples, this.opts.gatewayId, sentAt, this.opts.maxBatchBytes).map((chunk) => {
      const seq = this.nextSeq++;
      const batch: TelemetryBatch = { v: 1, gatewayId: this.opts.gatewayId, seq, sentAt, samples: chunk };
      this.batchesCreated++;
      return { seq, payload: utf8.encode(JSON.stringify(batch)), samples: chunk.length };
    });
  }
}

/**
 * Splits one flush's samples into batches within the schema's sample cap and `maxBatchBytes` (with room
 * for the `replayed` flag), halving until each fits: a broker closes the connection on an oversize
 * PUBLISH, and a batch that never fits would block the outbox forever.
 */
export function splitToFit(
  samples: Sample[],
  gatewayId: string,
  sentAt: number,
  maxBatchBytes: number,
): Sample[][] {
  const probe = { v: 1, gatewayId, seq: Number.MAX_SAFE_INTEGER, sentAt, replayed: true };
  const fits = (s: Sample[]) =>
    s.length <= MAX_SAMPLES_PER_BATCH &&
    utf8.encode(JSON.stringify({ ...probe, samples: s })).length <= maxBatchBytes;
  const out: Sample[][] = [];
  const pending = [samples];
  while (pending.length > 0) {
    const s = pending.shift()!;
    if (s.length <= 1 || fits(s)) out.push(s);
    else pending.unshift(s.slice(0, s.length >> 1), s.slice(s.length >> 1));
  }
  return out;
}
