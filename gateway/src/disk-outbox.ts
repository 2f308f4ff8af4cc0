import { type FileHandle, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Logger } from 'pino';
import { OutboxClosedError, OutboxIoError, OutboxSeqError } from './errors.js';
import { type Outbox, type OutboxStats, PendingIndex, RECORD_HEADER_BYTES } from './outbox.js';

/**
 * Durable outbox: append-only segment files under `{dir}/outbox/`.
 *
 * - A segment is named after the seq of its first record, zero-padded (`00000000000000000042.seg`), and
 *   holds records back to back. A record is a 16-byte little-endian header — u32 payload length, u32 CRC-32
 *   of (seq bytes + payload), u64 seq — then the payload (the batch's JSON). Each append is one write plus
 *   `fdatasync` before it resolves, so a batch is durable before it is published.
 * - Start-up scans every segment; a record whose header is cut short, whose length runs past the file, or
 *   whose CRC does not match (a write torn by a crash or power cut) ends that segment's scan: it is counted
 *   in `corrupt` and skipped, never fatal. The gateway always starts a new segment after a restart, so
 *   nothing is ever appended behind damaged bytes.
 * - Acknowledged and dropped records are forgotten in memory; a segment file is deleted once none of its
 *   records is pending (the newest segment is kept: its last record remembers the highest seq).
 *   `state.json` (written atomically: temp file, fsync, rename) keeps the lowest pending seq and the next
 *   seq; it is refreshed at most every {@link STATE_PERSIST_INTERVAL_MS}, so a crash re-sends at most about
 *   a second of already-acknowledged batches (the consumer dedupes by seq). The next seq never goes back:
 *   it is the larger of the saved one and the newest record's.
 * - The byte bound counts the records of pending batches. Disk use can exceed it by at most about two
 *   segments (a partly acknowledged oldest segment and the newest one); segments are an eighth of the bound,
 *   between 4 KiB and 4 MiB.
 */
export class DiskOutbox implements Outbox {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly segmentMaxBytes: number;
  private readonly log: Logger | undefined;
  private readonly index = new PendingIndex<{ segment: Segment; offset: number }>();
  private readonly segments: Segment[] = [];
  /** Payloads of the newest appends, so the live path publishes without reading the disk back. */
  private readonly recent = new Map<number, Uint8Array>();
  private active: { segment: Segment; fh: FileHandle } | undefined;
  private lastSeq: number | undefined;
  private isOpen = false;
  private dropped = 0;
  private corrupt = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private stateTimer: NodeJS.Timeout | undefined;
  private stateDirty = false;

  constructor(opts: {
    /** The gateway's data directory; the outbox lives in its `outbox/` subdirectory. */
    dir: string;
    /** Bound in bytes of pending records (headers included). */
    maxBytes: number;
    /** Segment size in bytes; default an eighth of `maxBytes`, clamped to 4 KiB–4 MiB. */
    segmentMaxBytes?: number;
    log?: Logger;
  }) {
    this.dir = path.join(opts.dir, 'outbox');
    this.maxBytes = opts.maxBytes;
    this.segmentMaxBytes =
      opts.segmentMaxBytes ?? Math.min(4 * 1024 * 1024, Math.max(4096, Math.floor(opts.maxBytes / 8)));
    this.log = opts.log;
  }

  /** Runs file operations one at a time, in call order. */
  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }

  open(): Promise<{ lastSeq: number | undefined }> {
    return this.serial(async () => {
      try {
        await mkdir(this.dir, { recursive: true });
        const state = await this.readState();
        const names = (await readdir(this.dir)).sort();
        for (const name of names) {
          if (name.endsWith('.tmp')) await rm(path.join(this.dir, name), { force: true });
        }
        const segNames = names.filter((n) => /^\d{20}\.seg$/.test(n));
        let last = -1;
        let highest: number | undefined = state.nextSeq > 0 ? state.nextSeq - 1 : undefined;
        for (const name of segNames) {
          const file = path.join(this.dir, name);
          const segment: Segment = { file, firstSeq: Number(name.slice(0, 20)), pending: 0, records: 0 };
          const buf = await readFile(file);
          let offset = 0;
          while (offset < buf.length) {
            const rec = readRecord(buf, offset);
            if (!rec) {
              this.corrupt++;
              this.log?.warn(
                { segment: name, offset, bytesSkipped: buf.length - offset },
                'damaged outbox record skipped (torn write?)',
              );
              break;
            }
            segment.records++;
            // Seqs only grow; anything not above the last one is a damaged or duplicated record.
            if (rec.seq > last) {
              last = rec.seq;
              highest = Math.max(highest ?? -1, rec.seq);
              if (rec.seq >= state.head) {
                this.index.push(rec.seq, rec.size, { segment, offset });
                segment.pending++;
              }
            }
            offset += rec.size;
          }
          this.segments.push(segment);
        }
        this.lastSeq = highest;
        this.enforceBound();
        // Fully consumed or empty segments can go, except the newest record's segment.
        for (const s of [...this.segments]) {
          if (s.pending === 0 && (s.records === 0 || s !== this.newestWithRecords()))
            await this.deleteSegment(s);
        }
        this.isOpen = true;
        await this.persistState();
        return { lastSeq: this.lastSeq };
      } catch (err) {
        throw wrapIo(err, `opening ${this.dir}`);
      }
    });
  }

  append(seq: number, payload: Uint8Array): Promise<void> {
    return this.serial(async () => {
      if (!this.isOpen) throw new OutboxClosedError('append');
      if (this.lastSeq !== undefined && seq <= this.lastSeq) throw new OutboxSeqError(seq, this.lastSeq);
      const record = encodeRecord(seq, payload);
      let target = this.active;
      try {
        if (!target || target.segment.size! + record.length > this.segmentMaxBytes) {
          await this.rollSegment(seq);
          target = this.active!;
        }
        const offset = target.segment.size!;
        try {
          await writeAll(target.fh, record, offset);
          await target.fh.datasync();
        } catch (err) {
          // Leave no half record behind: cut back, and start a fresh segment next time regardless.
          await target.fh.truncate(offset).catch(() => undefined);
          await this.closeActive();
          throw err;
        }
        target.segment.size = offset + record.length;
        target.segment.records++;
        target.segment.pending++;
        this.index.push(seq, record.length, { segment: target.segment, offset });
        this.lastSeq = seq;
        this.recent.set(seq, payload);
        if (this.recent.size > 64) this.recent.delete(this.recent.keys().next().value!);
        this.enforceBound();
        await this.collect();
      } catch (err) {
        throw wrapIo(err, `appending seq ${seq}`);
      }
    });
  }

  nextAfter(after: number): number | undefined {
    return this.index.nextAfter(after);
  }

  read(seq: number): Promise<Uint8Array | undefined> {
    const cached = this.recent.get(seq);
    if (cached && this.index.get(seq)) return Promise.resolve(cached);
    return this.serial(async () => {
      const e = this.index.get(seq);
      if (!e) return undefined;
      try {
        const fh = await open(e.loc.segment.file, 'r');
        try {
          const buf = Buffer.alloc(e.size);
          const { bytesRead } = await fh.read(buf, 0, e.size, e.loc.offset);
          const rec = bytesRead === e.size ? readRecord(buf, 0) : undefined;
          if (!rec || rec.seq !== seq) throw new Error(`record for seq ${seq} changed on disk`);
          return rec.payload;
        } finally {
          await fh.close();
        }
      } catch (err) {
        throw wrapIo(err, `reading seq ${seq}`);
      }
    });
  }

  ack(seq: number): Promise<void> {
    return this.serial(async () => {
      const e = this.index.remove(seq);
      if (!e) return;
      this.recent.delete(seq);
      e.loc.segment.pending--;
      try {
        await this.collect();
      } catch (err) {
        throw wrapIo(err, `removing acknowledged seq ${seq}`);
      }
      this.markStateDirty();
    });
  }

  stats(): OutboxStats {
    return { depth: this.index.count, bytes: this.index.bytes, dropped: this.dropped, corrupt: this.corrupt };
  }

  close(): Promise<void> {
    return this.serial(async () => {
      if (!this.isOpen) return;
      clearTimeout(this.stateTimer);
      this.stateTimer = undefined;
      try {
        await this.closeActive();
        await this.persistState();
      } finally {
        this.isOpen = false;
      }
    });
  }

  private enforceBound(): void {
    while (this.index.bytes > this.maxBytes) {
      const oldest = this.index.oldest()!;
      this.index.remove(oldest.seq);
      this.recent.delete(oldest.seq);
      oldest.loc.segment.pending--;
      this.dropped++;
      this.markStateDirty();
    }
  }

  private newestWithRecords(): Segment | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--)
      if (this.segments[i]!.records > 0) return this.segments[i];
    return undefined;
  }

  /** Deletes segments with nothing pending, other than the one being written and the newest record's. */
  private async collect(): Promise<void> {
    const keep = this.newestWithRecords();
    const done = this.segments.filter((s) => s.pending === 0 && s !== keep && s !== this.active?.segment);
    for (const s of done) await this.deleteSegment(s);
    if (done.length > 0) this.markStateDirty();
  }

  private async deleteSegment(s: Segment): Promise<void> {
    await rm(s.file, { force: true });
    this.segments.splice(this.segments.indexOf(s), 1);
  }

  private async rollSegment(firstSeq: number): Promise<void> {
    await this.closeActive();
    const file = path.join(this.dir, `${String(firstSeq).padStart(20, '0')}.seg`);
    const fh = await open(file, 'wx');
    const segment: Segment = { file, firstSeq, pending: 0, records: 0, size: 0 };
    this.segments.push(segment);
    this.active = { segment, fh };
    await syncDir(this.dir);
  }

  private async closeActive(): Promise<void> {
    const a = this.active;
    this.active = undefined;
    if (a) await a.fh.close();
  }

  private markStateDirty(): void {
    this.stateDirty = true;
    if (this.stateTimer || !this.isOpen) return;
    this.stateTimer = setTimeout(() => {
      this.stateTimer = undefined;
      if (!this.stateDirty || !this.isOpen) return;
      this.serial(() => this.persistState()).catch((err: unknown) =>
        this.log?.error({ error: { message: (err as Error).message } }, 'outbox state could not be saved'),
      );
    }, STATE_PERSIST_INTERVAL_MS);
    this.stateTimer.unref();
  }

  private async readState(): Promise<{ head: number; nextSeq: number }> {
    try {
      const raw = JSON.parse(await readFile(path.join(this.dir, STATE_FILE), 'utf8')) as Record<
        string,
        unknown
      >;
      const head = raw['head'];
      const nextSeq = raw['nextSeq'];
      if (raw['v'] === 1 && Number.isSafeInteger(head) && Number.isSafeInteger(nextSeq)) {
        return { head: head as number, nextSeq: nextSeq as number };
      }
      this.log?.warn('outbox state file has an unknown shape; ignoring it');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.log?.warn(
          { error: { message: (err as Error).message } },
          'outbox state file unreadable; ignoring it',
        );
      }
    }
    return { head: 0, nextSeq: 0 };
  }

  private async persistState(): Promise<void> {
    this.stateDirty = false;
    const nextSeq = (this.lastSeq ?? -1) + 1;
    const head = this.index.oldest()?.seq ?? nextSeq;
    const file = path.join(this.dir, STATE_FILE);
    const tmp = `${file}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(JSON.stringify({ v: 1, head, nextSeq }));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  }
}

/** How often (at most) the acknowledged position is saved, in milliseconds. */
export const STATE_PERSIST_INTERVAL_MS = 1000;
const STATE_FILE = 'state.json';
/** Largest payload a record may claim; anything bigger is a damaged length field. */
const MAX_RECORD_PAYLOAD = 64 * 1024 * 1024;

interface Segment {
  file: string;
  firstSeq: number;
  /** Records not yet acknowledged or dropped. */
  pending: number;
  /** Valid records in the file. */
  records: number;
  /** Bytes written; known only for the segment being appended to. */
  size?: number;
}

function encodeRecord(seq: number, payload: Uint8Array): Buffer {
  const rec = Buffer.alloc(RECORD_HEADER_BYTES + payload.length);
  rec.writeUInt32LE(payload.length, 0);
  rec.writeBigUInt64LE(BigInt(seq), 8);
  rec.set(payload, RECORD_HEADER_BYTES);
  rec.writeUInt32LE(crc32(rec.subarray(8)), 4);
  return rec;
}

/** Decodes the record at `offset`, or undefined when it is cut short or fails its checksum. */
function readRecord(buf: Buffer, offset: number): { seq: number; payload: Buffer; size: number } | undefined {
  if (buf.length - offset < RECORD_HEADER_BYTES) return undefined;
  const length = buf.readUInt32LE(offset);
  if (length > MAX_RECORD_PAYLOAD || buf.length - offset - RECORD_HEADER_BYTES < length) return undefined;
  const end = offset + RECORD_HEADER_BYTES + length;
  if (crc32(buf.subarray(offset + 8, end)) !== buf.readUInt32LE(offset + 4)) return undefined;
  const seq = buf.readBigUInt64LE(offset + 8);
  if (seq > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return {
    seq: Number(seq),
    payload: buf.subarray(offset + RECORD_HEADER_BYTES, end),
    size: RECORD_HEADER_BYTES + length,
  };
}

async function writeAll(fh: FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

/** Makes a new file's directory entry durable (Linux); best effort elsewhere. */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {}
}

function wrapIo(err: unknown, what: string): Error {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e.code === 'string' && e.code.startsWith('ZW_ERR_')) return err as Error;
  const wrapped = new OutboxIoError(`${what}: ${typeof e.code === 'string' ? e.code : String(e.message)}`);
  wrapped.cause = err;
  return wrapped;
}
