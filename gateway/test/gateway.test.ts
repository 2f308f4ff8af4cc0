import { appendFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  encodeBatteryLevel,
  encodeHeartRate,
  encodePlxContinuous,
  encodeRsc,
  encodeStepCount,
  msToRr,
  PLX_SENSOR_STATUS,
} from '@zonewatch/protocol';
import type { IClientOptions, MqttClient } from 'mqtt';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/gateway.js';
import { MemoryOutbox } from '../src/outbox.js';
import type { Timers } from '../src/timers.js';
import { aedesBroker, type BrokerFactory, mosquittoBroker, type TestBroker } from './helpers/brokers.js';
import {
  cleanupDirs,
  countingTimers,
  ScriptedLink,
  Subscriber,
  tempDir,
  testConfig,
  testLogger,
  waitFor,
} from './helpers/harness.js';

describe.each([
  ['aedes', aedesBroker],
  ['mosquitto', mosquittoBroker],
] as [string, BrokerFactory][])('gateway against %s', (_name, makeBroker) => {
  let broker: TestBroker;
  let sub: Subscriber;
  const running: Gateway[] = [];

  beforeAll(async () => {
    broker = await makeBroker();
    sub = new Subscriber(broker);
    await sub.connect();
  });

  afterEach(async () => {
    for (const g of running.splice(0)) await g.stop().catch(() => undefined);
    cleanupDirs();
  });

  afterAll(async () => {
    await sub?.close();
    await broker?.dispose();
  });

  const startGateway = async (
    gatewayId: string,
    opts: {
      link?: ScriptedLink;
      dataDir?: string;
      connect?: (u: string, o: IClientOptions) => MqttClient;
      timers?: Timers;
    } = {},
    over: Parameters<typeof testConfig>[3] = {},
  ) => {
    const link = opts.link ?? new ScriptedLink();
    const dataDir = opts.dataDir ?? tempDir();
    const gateway = createGateway(testConfig(broker, gatewayId, dataDir, over), {
      link,
      logger: testLogger,
      ...(opts.connect ? { connect: opts.connect } : {}),
      ...(opts.timers ? { timers: opts.timers } : {}),
    });
    await gateway.start();
    running.push(gateway);
    return { gateway, link, dataDir };
  };

  const stopGateway = async (g: Gateway) => {
    running.splice(running.indexOf(g), 1);
    await g.stop();
  };

  /** Runs `emit` (which must hand the gateway at least one sample) and waits for the flush that batches it. */
  const inOwnBatch = async (g: Gateway, emit: () => void) => {
    const before = g.stats().batchesCreated;
    emit();
    await waitFor(() => g.stats().batchesCreated > before, 15_000, 'the next flush');
  };

  it('decodes every characteristic into the right wire sample and counts malformed bytes', async () => {
    const { gateway, link } = await startGateway('gw-a');
    await waitFor(() => gateway.stats().connected, 15_000, 'gateway connected');
    const t0 = Date.now();
    link.emit(
      'strap-1',
      '0x2A37',
      encodeHeartRate({ bpm: 128, sensorContact: 'detected', rrIntervals: [msToRr(500), msToRr(480)] }),
      t0,
    );
    link.emit('strap-2', '0x2A37', encodeHeartRate({ bpm: 90, sensorContact: 'unsupported' }), t0 + 1);
    link.emit(
      'oxi-1',
      '0x2A5F',
      encodePlxContinuous({
        spo2: 94,
        pulseRate: 101,
        deviceAndSensorStatus: PLX_SENSOR_STATUS.sensorUnconnectedToUser,
        pulseAmplitudeIndex: 3.5,
      }),
      t0 + 2,
    );
    link.emit(
      'oxi-1',
      '0x2A5F',
      encodePlxContinuous({ spo2: null, pulseRate: null, spo2Special: 'NaN' }),
      t0 + 3,
    );
    link.emit('pod-1', '0x2A53', encodeRsc({ speedMps: 1.5, cadenceSpm: 120, running: false }), t0 + 4);
    link.emit('pod-1', '0x2A53', encodeRsc({ speedMps: 1.5, cadenceSpm: 120, running: false }), t0 + 1004);
    link.emit('ped-1', 'zw-steps', encodeStepCount({ steps: 1234, cadenceSpm: 98 }), t0 + 5);
    link.emit('strap-1', '0x2A19', encodeBatteryLevel(77), t0 + 6);
    // Malformed: truncated HR, trailing bytes, battery above 100 %, unknown characteristic.
    link.emit('strap-1', '0x2A37', Uint8Array.of(0x01, 0x50), t0 + 7);
    link.emit('ped-1', 'zw-steps', Uint8Array.of(0, 1, 0, 0, 0, 9), t0 + 8);
    link.emit('strap-1', '0x2A19', Uint8Array.of(101), t0 + 9);
    link.emit('strap-1', '0x2A99' as never, Uint8Array.of(1), t0 + 10);
    link.emit('strap-1', '0x2A37', encodeHeartRate({ bpm: 130, sensorContact: 'not-detected' }), t0 + 11);

    await waitFor(() => sub.unique('gw-a').flatMap((b) => b.samples).length >= 8, 15_000, 'samples arrive');
    const samples = sub.unique('gw-a').flatMap((b) => b.samples);
    expect(samples).toEqual([
      { kind: 'hr', device: 'strap-1', t: t0, bpm: 128, rrMs: [500, 480.46875], contact: true },
      { kind: 'hr', device: 'strap-2', t: t0 + 1, bpm: 90 },
      { kind: 'spo2', device: 'oxi-1', t: t0 + 2, spo2: 94, pulseRate: 101, quality: 3.5, contact: false },
      { kind: 'steps', device: 'pod-1', t: t0 + 4, steps: 0, cadence: 120 },
      { kind: 'steps', device: 'pod-1', t: t0 + 1004, steps: 2, cadence: 120 },
      { kind: 'steps', device: 'ped-1', t: t0 + 5, steps: 1234, cadence: 98 },
      { kind: 'battery', device: 'strap-1', t: t0 + 6, percent: 77 },
      { kind: 'hr', device: 'strap-1', t: t0 + 11, bpm: 130, contact: false },
    ]);
    const s = gateway.stats();
    expect(s.decodeErrors).toEqual({
      TRUNCATED: 1,
      TRAILING_BYTES: 1,
      INVALID_VALUE: 1,
      UNKNOWN_CHARACTERISTIC: 1,
    });
    expect(s.spo2Unavailable).toBe(1);
    expect(s.samplesAccepted).toBe(8);
    await waitFor(() => gateway.stats().samplesPublished === 8, 15_000, 'stats catch up');
  });

  it('publishes one QoS1 batch per flush with strictly increasing seq, skips empty flushes, and keeps the seq across restarts', async () => {
    const dataDir = tempDir();
    const startedAt = Date.now();
    const counting = countingTimers();
    const { gateway, link } = await startGateway(
      'gw-b',
      { dataDir, timers: counting.timers },
      { flushIntervalMs: 100 },
    );
    await waitFor(() => gateway.stats().connected, 15_000, 'gateway connected');
    // A burst emitted in one tick cannot straddle a flush; the next burst waits for that flush.
    for (let burst = 0; burst < 5; burst++) {
      await inOwnBatch(gateway, () => {
        for (let i = 0; i < 7; i++) link.emitHr('strap-b', 60 + burst * 10 + i);
      });
    }
    // Idle flushes must not publish: three more flush ticks with nothing to send.
    const ticks = counting.fired(100);
    await waitFor(() => counting.fired(100) >= ticks + 3, 15_000, 'three idle flush ticks');
    await waitFor(() => gateway.stats().batchesPublished >= 5, 15_000, 'five PUBACKs');
    await waitFor(() => sub.unique('gw-b').length >= 5, 15_000, 'five batches');
    const got = sub.all.filter((r) => r.batch.gatewayId === 'gw-b');
    expect(got).toHaveLength(5);
    for (const [burst, r] of got.entries()) {
      expect(r.topic).toBe('zw/v1/site-test/gw-b/telemetry');
      expect(r.qos).toBe(1);
      expect(r.retain).toBe(false);
      expect(r.batch.replayed).toBeUndefined();
      expect(r.batch.samples.map((x) => (x.kind === 'hr' ? x.bpm : -1))).toEqual(
        Array.from({ length: 7 }, (_, i) => 60 + burst * 10 + i),
      );
      expect(r.batch.sentAt).toBeGreaterThanOrEqual(Math.max(...r.batch.samples.map((x) => x.t)));
    }
    const seqs = got.map((r) => r.batch.seq);
    expect(seqs).toEqual([seqs[0], seqs[0]! + 1, seqs[0]! + 2, seqs[0]! + 3, seqs[0]! + 4]);
    expect(gateway.stats()).toMatchObject({ batchesCreated: 5, batchesPublished: 5, samplesPublished: 35 });

    await stopGateway(gateway);
    const again = await startGateway('gw-b', { dataDir }, { flushIntervalMs: 100 });
    again.link.emitHr('strap-b', 150);
    await waitFor(() => sub.unique('gw-b').length >= 6, 15_000, 'batch after restart');
    expect(sub.unique('gw-b').at(-1)!.seq).toBe(seqs[4]! + 1);

    // A fresh data directory starts from the clock, so a wiped disk never reuses a seq.
    expect(seqs[0]).toBeGreaterThanOrEqual(startedAt);
    await stopGateway(again.gateway);
    const wiped = await startGateway('gw-b', { dataDir: tempDir() }, { flushIntervalMs: 100 });
    wiped.link.emitHr('strap-b', 151);
    await waitFor(() => sub.unique('gw-b').length >= 7, 15_000, 'batch after a wiped disk');
    expect(sub.unique('gw-b').at(-1)!.seq).toBeGreaterThan(seqs[4]! + 1);
  });

  it('loses nothing through a broker outage and a gateway restart during it: every accepted sample arrives once, in order', async () => {
    const dataDir = tempDir();
    const accepted: number[] = [];
    let counter = 0;
    let link = new ScriptedLink();
    let current: Gateway | undefined;
    // Each sample carries a counter in its energy field, so the subscriber can account for every one. One
    // round is three samples and the flush that batches them (or nothing, when no gateway listens).
    const produce = async (rounds: number) => {
      for (let r = 0; r < rounds; r++) {
        const before = current?.stats().batchesCreated ?? 0;
        let sent = false;
        for (let i = 0; i < 3; i++) {
          const n = counter++;
          const bytes = encodeHeartRate({ bpm: 100, sensorContact: 'detected', energyExpendedKj: n });
          if (link.emit('strap-c', '0x2A37', bytes)) {
            accepted.push(n);
            sent = true;
          }
        }
        if (sent) await waitFor(() => current!.stats().batchesCreated > before, 15_000, 'the next flush');
      }
    };
    const over = { flushIntervalMs: 40, replayRatePerSec: 400 };
    const first = await startGateway('gw-c', { link, dataDir }, over);
    current = first.gateway;
    await waitFor(() => first.gateway.stats().connected, 15_000, 'gateway connected');
    await produce(8);
    await broker.stop();
    await produce(8);
    await waitFor(() => !first.gateway.stats().connected, 15_000, 'gateway noticed the outage');
    await produce(2);
    await stopGateway(first.gateway); // clean stop while the broker is down: the outbox stays on disk
    current = undefined;
    await produce(2); // nobody listening: these are not accepted
    link = new ScriptedLink();
    const second = await startGateway('gw-c', { link, dataDir }, over);
    current = second.gateway;
    expect(second.gateway.stats().outboxDepth).toBeGreaterThan(0);
    await produce(8);
    const subs = sub.subscriptions;
    await broker.start({ gatewaysHeld: true });
    await sub.resubscribed(subs);
    await broker.releaseGateways();
    // Samples keep coming while the gateway reconnects and replays, and after it is back.
    while (!second.gateway.stats().connected) await produce(1);
    await produce(8);
    await waitFor(
      () => sub.unique('gw-c').flatMap((b) => b.samples).length >= accepted.length,
      15_000,
      'every accepted sample',
    );
    const batches = sub.unique('gw-c');
    const seqs = batches.map((b) => b.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
    const counters = batches.flatMap((b) => b.samples.map((x) => (x.kind === 'hr' ? x.energyKj : -1)));
    expect(counters).toEqual(accepted);
    expect(batches.some((b) => b.replayed === true)).toBe(true);
    expect(batches[0]!.replayed).toBeUndefined();
    expect(batches.at(-1)!.replayed).toBeUndefined();
    // The replayed batches are exactly the ones made while the broker was away.
    const firstReplayed = batches.findIndex((b) => b.replayed);
    const lastReplayed = batches.findLastIndex((b) => b.replayed);
    expect(batches.slice(firstReplayed, lastReplayed + 1).every((b) => b.replayed)).toBe(true);
    const s = second.gateway.stats();
    expect(s.replayed).toBeGreaterThan(0);
    expect(s.outboxDropped).toBe(0);
    await waitFor(() => second.gateway.stats().outboxDepth === 0, 15_000, 'outbox drained');
  });

  it('drops the oldest batches past OUTBOX_MAX_BYTES, counts them, and delivers the newest', async () => {
    const { gateway, link } = await startGateway('gw-e', {}, { outboxMaxBytes: 4096, flushIntervalMs: 20 });
    await waitFor(() => gateway.stats().connected, 15_000, 'gateway connected');
    const subs = sub.subscriptions;
    await broker.stop();
    await waitFor(() => !gateway.stats().connected, 15_000, 'gateway noticed the outage');
    let bpm = 40;
    for (let i = 0; i < 60; i++) await inOwnBatch(gateway, () => link.emitHr('strap-e', bpm++));
    const settled = () => {
      const x = gateway.stats();
      return x.batchesCreated === x.outboxDepth + x.outboxDropped;
    };
    await waitFor(settled, 15_000, 'every batch stored or dropped');
    const s = gateway.stats();
    expect(s.outboxDropped).toBeGreaterThan(0);
    expect(s.outboxBytes).toBeLessThanOrEqual(4096);
    expect(s.batchesCreated).toBe(s.outboxDepth + s.outboxDropped);
    await broker.start({ gatewaysHeld: true });
    await sub.resubscribed(subs);
    await broker.releaseGateways();
    await waitFor(() => sub.unique('gw-e').length >= s.outboxDepth, 15_000, 'backlog replayed');
    const got = sub.unique('gw-e');
    const bpms = got.flatMap((b) => b.samples.map((x) => (x.kind === 'hr' ? x.bpm : -1)));
    // The newest samples survive, contiguous up to the last one; the oldest are gone.
    expect(bpms.at(-1)).toBe(bpm - 1);
    expect(bpms[0]).toBeGreaterThan(40);
    expect(bpms).toEqual(Array.from({ length: bpms.length }, (_, i) => bpm - bpms.length + i));
    await waitFor(
      () => sub.statuses.some((x) => x.status.gatewayId === 'gw-e' && (x.status.outboxDropped ?? 0) > 0),
      15_000,
      'status reports the drops',
    );
  });

  it("regression: a failed publish does not end the client from inside MQTT.js's flush loop (gateway crash)", async () => {
    // MQTT.js calls publish callbacks from its own loop; ending the client there emptied the list that loop
    // walks and threw, taking the gateway process down. Fail the first telemetry publish synchronously.
    let inPublish = false;
    let endedInsidePublish = false;
    let failed = 0;
    const connect = (url: string, o: IClientOptions) => {
      const c = mqtt.connect(url, o);
      const publish = c.publish.bind(c) as (...a: unknown[]) => MqttClient;
      const end = c.end.bind(c) as (...a: unknown[]) => MqttClient;
      (c as unknown as { end: (...a: unknown[]) => MqttClient }).end = (...a: unknown[]) => {
        if (inPublish) endedInsidePublish = true;
        return end(...a);
      };
      (c as unknown as { publish: (...a: unknown[]) => MqttClient }).publish = (...a: unknown[]) => {
        const cb = a.at(-1);
        if (String(a[0]).endsWith('/telemetry') && failed === 0 && typeof cb === 'function') {
          failed++;
          inPublish = true;
          try {
            (cb as (e: Error) => void)(new Error('connection lost'));
          } finally {
            inPublish = false;
          }
          return c;
        }
        return publish(...a);
      };
      return c;
    };
    const { gateway, link } = await startGateway('gw-flush', { connect }, { flushIntervalMs: 50 });
    await waitFor(() => gateway.stats().connected, 15_000, 'gateway connected');
    const t0 = Date.now();
    for (let i = 0; i < 5; i++)
      link.emit('strap-g', '0x2A37', encodeHeartRate({ bpm: 100 + i, sensorContact: 'detected' }), t0 + i);
    const samples = () => sub.unique('gw-flush').flatMap((b) => b.samples);
    await waitFor(() => samples().length >= 5, 15_000, 'every sample after the reconnect');
    expect(failed).toBe(1);
    expect(endedInsidePublish).toBe(false);
    expect(samples().map((x) => (x.kind === 'hr' ? x.bpm : 0))).toEqual([100, 101, 102, 103, 104]);
  });

  it('announces a retained online status, and the broker sends the offline will when the socket dies', async () => {
    let mqttClient: MqttClient | undefined;
    const connect = (url: string, o: IClientOptions) => {
      mqttClient = mqtt.connect(url, o);
      return mqttClient;
    };
    const statusOf = () => sub.statuses.filter((x) => x.status.gatewayId === 'gw-d').map((x) => x.status);
    const { gateway } = await startGateway('gw-d', { connect });
    await waitFor(() => statusOf().some((x) => x.state === 'online'), 15_000, 'online status');
    expect(statusOf()[0]).toMatchObject({
      v: 1,
      gatewayId: 'gw-d',
      siteId: 'site-test',
      state: 'online',
      outboxDepth: 0,
      outboxDropped: 0,
      version: expect.any(String),
    });
    // A newcomer gets the retained copy.
    const late = new Subscriber(broker);
    await late.connect();
    await waitFor(() => late.statuses.some((x) => x.status.gatewayId === 'gw-d'), 15_000, 'retained status');
    expect(late.statuses.find((x) => x.status.gatewayId === 'gw-d')).toMatchObject({
      retain: true,
      status: { state: 'online' },
    });
    await late.close();

    // Abrupt death of the connection (no DISCONNECT): the broker publishes the will.
    const before = statusOf().length;
    (mqttClient!.stream as unknown as { destroy(): void }).destroy();
    await waitFor(
      () =>
        statusOf()
          .slice(before)
          .some((x) => x.state === 'offline'),
      15_000,
      'offline will',
    );
    expect(
      statusOf()
        .slice(before)
        .find((x) => x.state === 'offline'),
    ).toEqual({
      v: 1,
      gatewayId: 'gw-d',
      siteId: 'site-test',
      state: 'offline',
    });
    // It reconnects by itself and says online again.
    await waitFor(() => statusOf().at(-1)?.state === 'online', 15_000, 'online again');
    expect(gateway.stats().connections).toBe(2);

    // The command topic is subscribed: a ping refreshes the status.
    const n = statusOf().length;
    const cmd = mqtt.connect(broker.url, {
      protocolVersion: 4,
      username: 'gw-h',
      password: 's3cret-gw-h',
      reconnectPeriod: 0,
    });
    await new Promise<void>((resolve) => cmd.once('connect', () => resolve()));
    await cmd.publishAsync('zw/v1/site-test/gw-d/cmd', JSON.stringify({ type: 'ping' }), { qos: 1 });
    await cmd.endAsync();
    await waitFor(() => statusOf().length > n, 15_000, 'status after ping');
    expect(gateway.stats().commands).toBe(1);

    // A clean stop announces offline itself, with a time.
    await stopGateway(gateway);
    await waitFor(() => statusOf().at(-1)?.state === 'offline', 15_000, 'offline on stop');
    expect(statusOf().at(-1)!.at).toEqual(expect.any(Number));
  });

  it('starts with a torn last outbox record, skips it, and replays the rest', async () => {
    const dataDir = tempDir();
    const { gateway, link } = await startGateway('gw-f', { dataDir });
    await waitFor(() => gateway.stats().connected, 15_000, 'gateway connected');
    const subs = sub.subscriptions;
    await broker.stop();
    await waitFor(() => !gateway.stats().connected, 15_000, 'outage noticed');
    for (let i = 0; i < 3; i++) await inOwnBatch(gateway, () => link.emitHr('strap-f', 70 + i));
    await stopGateway(gateway);
    const segDir = path.join(dataDir, 'outbox');
    const seg = path.join(
      segDir,
      readdirSync(segDir)
        .filter((f) => f.endsWith('.seg'))
        .sort()
        .at(-1)!,
    );
    appendFileSync(seg, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 9, 0, 0, 0, 0, 0, 0, 0, 123, 34])); // torn
    const again = await startGateway('gw-f', { dataDir });
    expect(again.gateway.stats()).toMatchObject({ outboxDepth: 3, outboxCorrupt: 1 });
    await broker.start({ gatewaysHeld: true });
    await sub.resubscribed(subs);
    await broker.releaseGateways();
    await waitFor(() => sub.unique('gw-f').length >= 3, 15_000, 'replayed');
    expect(sub.unique('gw-f').flatMap((b) => b.samples.map((x) => (x.kind === 'hr' ? x.bpm : -1)))).toEqual([
      70, 71, 72,
    ]);
    expect(sub.invalid).toEqual([]);
  });

  it('replays the backlog first, rate-limited, then the batches made meanwhile, strictly in seq order', async () => {
    const outbox = new MemoryOutbox(1 << 20);
    const link = new ScriptedLink();
    // When the gateway hands each telemetry batch to MQTT, on the clock it paces replay with.
    const sent: { at: number; replayed: boolean }[] = [];
    const connect = (url: string, o: IClientOptions) => {
      const c = mqtt.connect(url, o);
      const publish = c.publish.bind(c) as (...a: unknown[]) => MqttClient;
      (c as unknown as { publish: (...a: unknown[]) => MqttClient }).publish = (...a: unknown[]) => {
        if (String(a[0]).endsWith('/telemetry')) {
          sent.push({ at: performance.now(), replayed: String(a[1]).includes('"replayed":true') });
        }
        return publish(...a);
      };
      return c;
    };
    const gateway = createGateway(
      testConfig(broker, 'gw-g', tempDir(), { flushIntervalMs: 30, replayRatePerSec: 20 }),
      { link, logger: testLogger, outbox, connect },
    );
    await gateway.start();
    running.push(gateway);
    await waitFor(() => gateway.stats().connected, 15_000, 'gateway connected');
    const subs = sub.subscriptions;
    await broker.stop();
    await waitFor(() => !gateway.stats().connected, 15_000, 'outage noticed');
    let bpm = 40;
    for (let i = 0; i < 10; i++) await inOwnBatch(gateway, () => link.emitHr('strap-g', bpm++));
    await waitFor(() => gateway.stats().outboxDepth >= 10, 15_000, 'ten batches stored');
    const backlog = gateway.stats().outboxDepth;
    await broker.start({ gatewaysHeld: true });
    await sub.resubscribed(subs);
    await broker.releaseGateways();
    // Live samples keep coming, one batch each, while the backlog drains at 20 batches/s, until live
    // batches follow it (and at least 15 were made meanwhile).
    const live = () => sub.all.some((r) => r.batch.gatewayId === 'gw-g' && !r.batch.replayed);
    for (let i = 0; i < 15 || !live(); i++) {
      await inOwnBatch(gateway, () => link.emitHr('strap-g', bpm++));
      if (i > 2000) throw new Error('no live batch after 2000 flushes');
    }
    await waitFor(
      () => sub.unique('gw-g').flatMap((b) => b.samples).length >= bpm - 40,
      15_000,
      'all samples',
    );
    const raw = sub.all.filter((r) => r.batch.gatewayId === 'gw-g');
    const seqs = raw.map((r) => r.batch.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
    const flags = raw.map((r) => (r.batch.replayed ? 'R' : 'L')).join('');
    expect(flags).toMatch(/^R{5,}L+$/);
    const replayed = raw.filter((r) => r.batch.replayed);
    // The backlog is whatever was made before the gateway got back in: at least what we counted.
    expect(replayed.length).toBeGreaterThanOrEqual(backlog);
    // 20 batches/s: the gateway hands the n replayed batches to MQTT at least 50 ms apart on average (a lower
    // bound on its own pacing clock; a busy machine only makes them later).
    const replaySends = sent.filter((x) => x.replayed);
    expect(replaySends.length).toBeGreaterThanOrEqual(replayed.length);
    expect(replaySends.at(-1)!.at - replaySends[0]!.at).toBeGreaterThanOrEqual(
      (replaySends.length - 1) * 50 - 10,
    );
    const bpms = sub.unique('gw-g').flatMap((b) => b.samples.map((x) => (x.kind === 'hr' ? x.bpm : -1)));
    expect(bpms).toEqual(Array.from({ length: bpm - 40 }, (_, i) => 40 + i));
    expect(gateway.stats().replayed).toBe(replayed.length);
  });

  it('splits a flush that would exceed MAX_BATCH_BYTES into several batches', async () => {
    const { gateway, link } = await startGateway('gw-h', {}, { maxBatchBytes: 1024, flushIntervalMs: 100 });
    await waitFor(() => gateway.stats().connected, 15_000, 'gateway connected');
    for (let i = 0; i < 40; i++) {
      link.emit(
        'strap-h',
        '0x2A37',
        encodeHeartRate({ bpm: 60 + i, sensorContact: 'detected', rrIntervals: [900, 901] }),
      );
    }
    await waitFor(() => sub.unique('gw-h').flatMap((b) => b.samples).length >= 40, 15_000, 'all samples');
    const got = sub.all.filter((r) => r.batch.gatewayId === 'gw-h');
    expect(got.length).toBeGreaterThanOrEqual(4);
    for (const r of got) expect(r.bytes).toBeLessThanOrEqual(1024);
    expect(got.flatMap((r) => r.batch.samples.map((x) => (x.kind === 'hr' ? x.bpm : -1)))).toEqual(
      Array.from({ length: 40 }, (_, i) => 60 + i),
    );
    const seqs = got.map((r) => r.batch.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
  });
});
