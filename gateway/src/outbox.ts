import { OutboxClosedError, OutboxSeqError } from './errors.js';

/** Counters every outbox keeps. */
export interface OutboxStats {
  /** Batches stored and not yet acknowledged by the broker. */
  depth: number;
  /** Bytes those batches take in the outbox's accounting (record headers included). */
  bytes: number;
  /** Batches dropped, oldest first, because the outbox was full; since this outbox was opened. */
  dropped: number;
  /** Damaged records found and skipped when the outbox was opened (e.g. a torn last write). */
  corrupt: number;
}

/**
 * Store-and-forward queue of serialised telemetry batches, keyed by the batch's seq. A batch is appended
 * before it is published and acknowledged (removed) only after the broker's PUBACK. Past the byte bound the
 * oldest batches are dropped and counted. Implementations: {@link MemoryOutbox} for unit tests of the code
 * around it, `DiskOutbox` for the gateway.
 */
export interface Outbox {
  /** Loads whatever survived a restart. Resolves with the highest seq ever appended, if known. */
  open(): Promise<{ lastSeq: number | undefined }>;
  /** Stores a batch; durable once the promise resolves. `seq` must exceed every seq appended before. */
  append(seq: number, payload: Uint8Array): Promise<void>;
  /** The lowest pending seq above `after` (use -1 for the oldest), or undefined. */
  nextAfter(after: number): number | undefined;
  /** The stored payload of a pending batch, or undefined when it was acknowledged or dropped meanwhile. */
  read(seq: number): Promise<Uint8Array | undefined>;
  /** Removes a batch the broker acknowledged; unknown seqs are ignored. */
  ack(seq: number): Promise<void>;
  stats(): OutboxStats;
  close(): Promise<void>;
}

/** Bytes of the per-record header in the disk format; the memory outbox counts the same for parity. */
export const RECORD_HEADER_BYTES = 16;

interface Entry<L> {
  seq: number;
  size: number;
  loc: L;
  done: boolean;
}

/**
 * Pending batches in seq order with O(log n) lookup. Acknowledged or dropped entries are marked done and
 * compacted away from the front, where they almost always are (acks arrive in publish order).
 */
export class PendingIndex<L> {
  private items: Entry<L>[] = [];
  private head = 0;
  count = 0;
  bytes = 0;

  push(seq: number, size: number, loc: L): void {
    this.items.push({ seq, size, loc, done: false });
    this.count++;
    this.bytes += size;
  }

  private indexOf(seq: number): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(seq: number): Entry<L> | undefined {
    const e = this.items[this.indexOf(seq)];
    return e && e.seq === seq && !e.done ? e : undefined;
  }

  nextAfter(after: number): number | undefined {
    for (let i = this.indexOf(after + 1); i < this.items.length; i++) {
      const e = this.items[i]!;
      if (!e.done) return e.seq;
    }
    return undefined;
  }

  oldest(): Entry<L> | undefined {
    this.compact();
    return this.items[this.head];
  }

  /** Marks a pending entry done; returns it, or undefined when it was not pending. */
  remove(seq: number): Entry<L> | undefined {
    const e = this.get(seq);
    if (!e) return undefined;
    e.done = true;
    this.count--;
    this.bytes -= e.size;
    this.compact();
    return e;
  }

  private compact(): void {
    while (this.head < this.items.length && this.items[this.head]!.done) this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * In-memory outbox with the disk outbox's semantics (byte bound, oldest dropped first, seq order). It
 * survives a gateway restart only if the same instance is handed to the new gateway, which is what unit
 * tests of restart logic do.
 */
export class MemoryOutbox implements Outbox {
  private readonly index = new PendingIndex<Uint8Array>();
  private last: number | undefined;
  private isOpen = false;
  private dropped = 0;

  /** @param maxBytes bound in bytes, counting {@link RECORD_HEADER_BYTES} per batch as the disk does */
  constructor(private readonly maxBytes: number) {}

  async open(): Promise<{ lastSeq: number | undefined }> {
    this.isOpen = true;
    return { lastSeq: this.last };
  }

  async append(seq: number, payload: Uint8Array): Promise<void> {
    if (!this.isOpen) throw new OutboxClosedError('append');
    if (this.last !== undefined && seq <= this.last) throw new OutboxSeqError(seq, this.last);
    this.last = seq;
    this.index.push(seq, payload.length + RECORD_HEADER_BYTES, payload);
    while (this.index.bytes > this.maxBytes) {
      this.index.remove(this.index.oldest()!.seq);
      this.dropped++;
    }
  }

  nextAfter(after: number): number | undefined {
    return this.index.nextAfter(after);
  }

  async read(seq: number): Promise<Uint8Array | undefined> {
    return this.index.get(seq)?.loc;
  }

  async ack(seq: number): Promise<void> {
    this.index.remove(seq);
  }

  stats(): OutboxStats {
    return { depth: this.index.count, bytes: this.index.bytes, dropped: this.dropped, corrupt: 0 };
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }
}
