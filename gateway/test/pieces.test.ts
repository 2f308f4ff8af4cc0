/**
 * The transport-free pieces a browser gateway will share (batching and seq, outbox publishing and replay
 * pacing, status payloads), driven by a manual clock: no broker, no wall clock.
 */
import { parseGatewayStatus, parseTelemetry, type Sample } from '@zonewatch/protocol';
import { describe, expect, it } from 'vitest';
import { Batcher, firstSeq } from '../src/batcher.js';
import { MemoryOutbox } from '../src/outbox.js';
import { OutboxPublisher, type TelemetrySink } from '../src/publisher.js';
import { commandType, offlineStatus, offlineWill, onlineStatus } from '../src/status.js';
import type { Timers } from '../src/timers.js';
import { testLogger } from './helpers/harness.js';

/** Timers on a clock that moves only when the test says so. */
function manualTimers() {
  let now = 0;
  let nextId = 1;
  const due = new Map<number, { at: number; fn: () => void; every?: number }>();
  const timers: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      due.set(nextId, { at: now + ms, fn });
      return nextId++;
    },
    clearTimeout: (h) => void due.delete(h as number),
    setInterval: (fn, ms) => {
      due.set(nextId, { at: now + ms, fn, every: ms });
      return nextId++;
    },
    clearInterval: (h) => void due.delete(h as number),
  };
  /** Moves the clock to `to`, running every timer due on the way (and the promises they settle). */
  const advanceTo = async (to: number) => {
    for (;;) {
      await new Promise((r) => setImmediate(r));
      const next = [...due.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > to) break;
      const [id, t] = next;
      now = t.at;
      if (t.every) t.at += t.every;
      else due.delete(id);
      t.fn();
    }
    now = to;
    await new Promise((r) => setImmediate(r));
  };
  return { timers, advanceTo };
}

const hr = (bpm: number): Sample => ({ kind: 'hr', device: 'strap-1', t: 1_700_000_000_000 + bpm, bpm });

describe('Batcher', () => {
  it('seals gathered samples into one batch per flush under increasing seqs, and nothing when idle', () => {
    const b = new Batcher({ gatewayId: 'gw-1', maxBatchBytes: 128 * 1024 });
    b.resume(41, 0);
    expect(b.seal(1000)).toEqual([]);
    b.add(hr(60));
    b.add(hr(61));
    const [one, ...rest] = b.seal(2000);
    expect(rest).toEqual([]);
    const batch = parseTelemetry(one!.payload);
    expect(batch.ok && batch.value).toMatchObject({ v: 1, gatewayId: 'gw-1', seq: 42, sentAt: 2000 });
    expect(batch.ok && batch.value.samples.map((s) => (s.kind === 'hr' ? s.bpm : 0))).toEqual([60, 61]);
    b.add(hr(62));
    expect(b.seal(3000).map((x) => x.seq)).toEqual([43]);
    expect(b).toMatchObject({ nextSeq: 44, batchesCreated: 2, pending: 0 });
  });

  it('starts a fresh data directory at the clock, and splits a flush to fit maxBatchBytes', () => {
    expect(firstSeq(undefined, 1_700_000_000_123.7)).toBe(1_700_000_000_123);
    expect(firstSeq(9, 1_700_000_000_000)).toBe(10);
    const b = new Batcher({ gatewayId: 'gw-1', maxBatchBytes: 1024 });
    for (let i = 0; i < 40; i++) b.add(hr(60 + i));
    const sealed = b.seal(5000);
    expect(sealed.length).toBeGreaterThan(1);
    for (const s of sealed) expect(s.payload.length).toBeLessThanOrEqual(1024);
    expect(sealed.map((s) => s.seq)).toEqual(sealed.map((_, i) => 1 + i));
    expect(sealed.reduce((n, s) => n + s.samples, 0)).toBe(40);
  });
});

describe('OutboxPublisher', () => {
  it('replays the backlog flagged and paced at replayRatePerSec, then the live batches, acking on PUBACK', async () => {
    const { timers, advanceTo } = manualTimers();
    const outbox = new MemoryOutbox(1 << 20);
    await outbox.open();
    const batcher = new Batcher({ gatewayId: 'gw-1', maxBatchBytes: 128 * 1024 });
    const store = async (bpm: number) => {
      batcher.add(hr(bpm));
      for (const s of batcher.seal(timers.now())) await outbox.append(s.seq, s.payload);
    };
    for (let i = 0; i < 5; i++) await store(60 + i); // made while no broker was reachable
    const publisher = new OutboxPublisher({ outbox, replayRatePerSec: 20, log: testLogger, timers });
    const sent: { at: number; seq: number; replayed: boolean }[] = [];
    const sink: TelemetrySink = {
      publish: (body, done) => {
        const r = parseTelemetry(typeof body === 'string' ? body : new TextDecoder().decode(body));
        if (!r.ok) throw new Error(r.reason);
        sent.push({ at: timers.now(), seq: r.value.seq, replayed: r.value.replayed === true });
        queueMicrotask(() => done());
      },
      abort: () => {
        throw new Error('no publish failed');
      },
    };
    publisher.attach(sink, batcher.nextSeq - 1);
    await store(70); // live, made after the connection came up
    void publisher.pump();
    await advanceTo(1000);
    expect(sent.map((s) => [s.seq, s.replayed])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, true],
      [6, false],
    ]);
    // 20 batches/s: exactly 50 ms apart on the publisher's clock.
    expect(sent.slice(0, 5).map((s) => s.at)).toEqual([0, 50, 100, 150, 200]);
    expect(publisher).toMatchObject({ batchesPublished: 6, samplesPublished: 6, replayed: 5 });
    expect(outbox.stats().depth).toBe(0);
  });

  it('on a failed publish drops the connection once and keeps the batch for the next one', async () => {
    const { timers, advanceTo } = manualTimers();
    const outbox = new MemoryOutbox(1 << 20);
    await outbox.open();
    await outbox.append(
      1,
      new TextEncoder().encode(
        JSON.stringify({ v: 1, gatewayId: 'g', seq: 1, sentAt: 0, samples: [hr(60)] }),
      ),
    );
    const publisher = new OutboxPublisher({ outbox, replayRatePerSec: 50, log: testLogger, timers });
    let aborts = 0;
    const failing: TelemetrySink = {
      publish: (_b, done) => done(new Error('connection lost')),
      abort: () => void aborts++,
    };
    publisher.attach(failing, 0);
    await publisher.pump();
    await advanceTo(100);
    expect(aborts).toBe(1);
    expect(outbox.stats().depth).toBe(1);
    publisher.detach(failing);
    const got: number[] = [];
    publisher.attach(
      {
        publish: (_b, done) => {
          got.push(1);
          done();
        },
        abort: () => {},
      },
      0,
    );
    await publisher.pump();
    await advanceTo(200);
    expect(got).toEqual([1]);
    expect(outbox.stats().depth).toBe(0);
  });
});

describe('status', () => {
  it('builds the will, the clean offline and the online status the wire schema accepts', () => {
    const id = { gatewayId: 'gw-1', siteId: 'site-1' };
    expect(offlineWill(id)).toEqual({ v: 1, gatewayId: 'gw-1', siteId: 'site-1', state: 'offline' });
    expect(offlineStatus(id, 5)).toMatchObject({ state: 'offline', at: 5 });
    const online = onlineStatus(id, 7, { depth: 3, dropped: 1 }, '0.1.0');
    expect(online).toMatchObject({
      state: 'online',
      at: 7,
      outboxDepth: 3,
      outboxDropped: 1,
      version: '0.1.0',
    });
    for (const s of [offlineWill(id), offlineStatus(id, 5), online]) {
      expect(parseGatewayStatus(JSON.stringify(s)).ok).toBe(true);
    }
    expect(commandType(new TextEncoder().encode('{"type":"ping"}'))).toBe('ping');
    expect(commandType(new TextEncoder().encode('nope'))).toBe('(not JSON)');
    expect(commandType(new TextEncoder().encode('{}'))).toBe('(no type)');
  });
});
