import { appendFileSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskOutbox } from '../src/disk-outbox.js';
import { MemoryOutbox, type Outbox, RECORD_HEADER_BYTES } from '../src/outbox.js';
import { cleanupDirs, tempDir } from './helpers/harness.js';

/** Exactly `size` bytes that name their seq. */
const payload = (seq: number, size = 100): Uint8Array => Buffer.from(`seq=${seq};`.padEnd(size, 'x'));

const drain = async (o: Outbox): Promise<number[]> => {
  const out: number[] = [];
  for (let s = o.nextAfter(-1); s !== undefined; s = o.nextAfter(s)) out.push(s);
  return out;
};

afterEach(() => cleanupDirs());

describe.each([
  ['memory', (maxBytes: number) => new MemoryOutbox(maxBytes)],
  ['disk', (maxBytes: number) => new DiskOutbox({ dir: tempDir(), maxBytes })],
] as [string, (maxBytes: number) => Outbox][])('%s outbox', (_name, make) => {
  it('keeps batches in seq order until acknowledged, in any ack order', async () => {
    const o = make(1 << 20);
    expect(await o.open()).toEqual({ lastSeq: undefined });
    for (let s = 1; s <= 5; s++) await o.append(s, payload(s));
    await o.ack(2);
    await o.ack(1);
    expect(await drain(o)).toEqual([3, 4, 5]);
    expect(o.nextAfter(3)).toBe(4);
    expect(Buffer.from((await o.read(4))!).toString()).toBe(Buffer.from(payload(4)).toString());
    expect(await o.read(1)).toBeUndefined();
    expect(o.stats()).toMatchObject({ depth: 3, bytes: 3 * (100 + RECORD_HEADER_BYTES), dropped: 0 });
    await expect(o.append(5, payload(5))).rejects.toMatchObject({ code: 'ZW_ERR_OUTBOX_SEQ' });
    await o.close();
  });

  it('drops the oldest batches past its byte bound and counts them', async () => {
    const record = 200 + RECORD_HEADER_BYTES;
    const o = make(record * 10);
    await o.open();
    for (let s = 1; s <= 25; s++) await o.append(s, payload(s, 200));
    expect(await drain(o)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(o.stats()).toMatchObject({ depth: 10, bytes: record * 10, dropped: 15 });
    await o.close();
  });
});

describe('disk outbox across restarts', () => {
  const segmentsOf = (dir: string) =>
    readdirSync(path.join(dir, 'outbox'))
      .filter((f) => f.endsWith('.seg'))
      .sort();

  it('keeps unacknowledged batches and the seq across a restart, and deletes consumed segments', async () => {
    const dir = tempDir();
    const a = new DiskOutbox({ dir, maxBytes: 1 << 20, segmentMaxBytes: 4096 });
    await a.open();
    for (let s = 1; s <= 100; s++) await a.append(s, payload(s, 200));
    expect(segmentsOf(dir).length).toBeGreaterThan(3);
    for (let s = 1; s <= 60; s++) await a.ack(s);
    await a.close();
    // Segments holding only acknowledged batches are gone.
    expect(segmentsOf(dir)[0]! > '00000000000000000040').toBe(true);

    const b = new DiskOutbox({ dir, maxBytes: 1 << 20, segmentMaxBytes: 4096 });
    expect(await b.open()).toEqual({ lastSeq: 100 });
    expect(await drain(b)).toEqual(Array.from({ length: 40 }, (_, i) => 61 + i));
    expect(Buffer.from((await b.read(61))!).toString()).toBe(Buffer.from(payload(61, 200)).toString());
    for (let s = 61; s <= 100; s++) await b.ack(s);
    await b.close();

    // Everything acknowledged: the seq still survives (the newest segment keeps the last record).
    const c = new DiskOutbox({ dir, maxBytes: 1 << 20, segmentMaxBytes: 4096 });
    expect(await c.open()).toEqual({ lastSeq: 100 });
    expect(c.stats().depth).toBe(0);
    await c.append(101, payload(101));
    await c.close();
  });

  it('re-sends rather than loses when it crashes before saving the acknowledged position', async () => {
    const dir = tempDir();
    const a = new DiskOutbox({ dir, maxBytes: 1 << 20 });
    await a.open();
    for (let s = 1; s <= 5; s++) await a.append(s, payload(s));
    await a.ack(1);
    await a.ack(2);
    // No close(): the process "dies" before the lazily saved state catches up.
    const b = new DiskOutbox({ dir, maxBytes: 1 << 20 });
    expect(await b.open()).toEqual({ lastSeq: 5 });
    expect(await drain(b)).toEqual([1, 2, 3, 4, 5]);
    await b.close();
  });

  it('skips a torn last record, keeps the good ones, and never appends behind it', async () => {
    const dir = tempDir();
    const a = new DiskOutbox({ dir, maxBytes: 1 << 20 });
    await a.open();
    for (let s = 1; s <= 3; s++) await a.append(s, payload(s));
    await a.close();
    const seg = path.join(dir, 'outbox', segmentsOf(dir).at(-1)!);
    // A power cut during the write of seq 4: header and half the payload reached the disk.
    const dir4 = tempDir();
    const a4 = new DiskOutbox({ dir: dir4, maxBytes: 1 << 20 });
    await a4.open();
    await a4.append(4, payload(4));
    await a4.close();
    const full4 = readFileSync(path.join(dir4, 'outbox', '00000000000000000004.seg'));
    appendFileSync(seg, full4.subarray(0, RECORD_HEADER_BYTES + 40));
    const tornSize = statSync(seg).size;

    const b = new DiskOutbox({ dir, maxBytes: 1 << 20 });
    expect(await b.open()).toEqual({ lastSeq: 3 });
    expect(b.stats()).toMatchObject({ depth: 3, corrupt: 1 });
    expect(await drain(b)).toEqual([1, 2, 3]);
    await b.append(4, payload(4));
    await b.append(5, payload(5));
    await b.close();
    expect(statSync(seg).size).toBe(tornSize); // new records went to a new segment

    const c = new DiskOutbox({ dir, maxBytes: 1 << 20 });
    expect(await c.open()).toEqual({ lastSeq: 5 });
    expect(await drain(c)).toEqual([1, 2, 3, 4, 5]);
    expect(c.stats().corrupt).toBe(1);
    await c.close();
  });

  it('skips a record whose checksum does not match and a header cut short', async () => {
    const dir = tempDir();
    const a = new DiskOutbox({ dir, maxBytes: 1 << 20 });
    await a.open();
    for (let s = 1; s <= 2; s++) await a.append(s, payload(s));
    await a.close();
    const seg = path.join(dir, 'outbox', segmentsOf(dir)[0]!);
    const bytes = readFileSync(seg);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1); // damage seq 2
    writeFileSync(seg, bytes);
    const b = new DiskOutbox({ dir, maxBytes: 1 << 20 });
    // The saved state remembers that seq 2 was handed out: a seq is never reused.
    expect(await b.open()).toEqual({ lastSeq: 2 });
    expect(b.stats()).toMatchObject({ depth: 1, corrupt: 1 });
    expect(await drain(b)).toEqual([1]);
    await b.close();

    truncateSync(seg, 5); // not even a whole header left
    const c = new DiskOutbox({ dir, maxBytes: 1 << 20 });
    expect(await c.open()).toEqual({ lastSeq: 2 });
    expect(c.stats()).toMatchObject({ depth: 0, corrupt: 1 });
    await c.close();
  });

  it('applies the byte bound to what it finds at start-up', async () => {
    const dir = tempDir();
    const a = new DiskOutbox({ dir, maxBytes: 1 << 20 });
    await a.open();
    for (let s = 1; s <= 20; s++) await a.append(s, payload(s, 200));
    await a.close();
    const b = new DiskOutbox({ dir, maxBytes: 5 * (200 + RECORD_HEADER_BYTES) });
    await b.open();
    expect(await drain(b)).toEqual([16, 17, 18, 19, 20]);
    expect(b.stats().dropped).toBe(15);
    await b.close();
  });

  it('refuses use before open and after close', async () => {
    const o = new DiskOutbox({ dir: tempDir(), maxBytes: 1 << 20 });
    await expect(o.append(1, payload(1))).rejects.toMatchObject({ code: 'ZW_ERR_OUTBOX_CLOSED' });
    await o.open();
    await o.close();
    await expect(o.append(1, payload(1))).rejects.toMatchObject({ code: 'ZW_ERR_OUTBOX_CLOSED' });
  });
});
