import { type Broker, createBroker } from '@zonewatch/broker';
import { type TelemetryBatch, telemetryTopic } from '@zonewatch/protocol';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, SECRETS, testCredentials } from '../../../broker/test/helpers.js';
import {
  mosquittoBroker,
  SUBSCRIBER,
  secretFor,
  type TestBroker,
} from '../../../gateway/test/helpers/brokers.js';
import { createTelemetryConsumer, type TelemetryConsumer } from '../../src/mqtt/consumer.js';

const silent = pino({ level: 'silent' });

interface Rig {
  url: string;
  ingest: { username: string; password: string };
  gateway: { username: string; password: string };
  close(): Promise<void>;
}

/** The zonewatch broker (aedes, with its ACL) over TCP. */
async function zonewatchBroker(): Promise<Rig> {
  const broker: Broker = await createBroker(
    { mqttPort: 0, metricsIntervalMs: 0 },
    { logger: silent, credentials: await testCredentials() },
  );
  const { mqttPort } = await broker.listen();
  return {
    url: `mqtt://127.0.0.1:${mqttPort}`,
    ingest: { username: 'ingest', password: SECRETS.ingest },
    gateway: { username: 'gw-a', password: SECRETS['gw-a'] },
    close: () => broker.close(),
  };
}

/** Debian's Mosquitto (ingest and gateways speak plain MQTT and must work with any broker). */
async function mosquitto(): Promise<Rig> {
  const m: TestBroker = await mosquittoBroker();
  return {
    url: m.url,
    ingest: { username: SUBSCRIBER, password: secretFor(SUBSCRIBER) },
    gateway: { username: 'gw-a', password: secretFor('gw-a') },
    close: () => m.dispose(),
  };
}

const batch = (seq: number): string =>
  JSON.stringify({
    v: 1,
    gatewayId: 'gw-a',
    seq,
    sentAt: 1_760_000_000_000,
    samples: [{ kind: 'hr', device: 'AA:00:00:00:00:01', t: 1_760_000_000_000, bpm: 100 }],
  } satisfies TelemetryBatch);

/**
 * Issue 13, hole 7: one batch with seq = 2^53 − 1 made ingest treat every later batch of that gateway as a
 * duplicate (everything "older than the window" below the highest seq ever seen) until ingest restarted.
 * Real broker over TCP (zonewatch's aedes, and Mosquitto), a real MQTT gateway client, the real consumer.
 */
describe.each([
  ['aedes', zonewatchBroker],
  ['mosquitto', mosquitto],
])('hole 7: sequence poisoning (%s)', (_name, start) => {
  let rig: Rig;
  let consumer: TelemetryConsumer;
  let gateway: MqttClient;
  const seen: number[] = [];
  const topic = telemetryTopic('site-1', 'gw-a');

  beforeAll(async () => {
    rig = await start();
    consumer = createTelemetryConsumer({
      url: rig.url,
      ...rig.ingest,
      sites: ['site-1'],
      logger: silent,
      onBatch: (_site, b) => seen.push(b.seq),
    });
    await consumer.start();
    gateway = await connect(rig.url, { ...rig.gateway, clientId: 'gw-a' });
  });

  afterAll(async () => {
    gateway?.end(true);
    await consumer?.stop();
    await rig?.close();
  });

  const send = (seq: number) => gateway.publishAsync(topic, batch(seq), { qos: 1 });

  it('one batch with seq 2^53 − 1 does not turn the gateway’s later batches into duplicates', async () => {
    await send(1);
    await send(2);
    await send(Number.MAX_SAFE_INTEGER);
    for (const seq of [3, 4, 4, 5]) await send(seq); // 4 twice: a QoS 1 redelivery
    await send(2); // a replayed batch already seen
    await send(6);
    await expect.poll(() => seen, { timeout: 5000 }).toEqual([1, 2, Number.MAX_SAFE_INTEGER, 3, 4, 5, 6]);
    expect(consumer.stats()).toMatchObject({ batches: 7, duplicates: 2 });
  });
});
