import { type Broker, createBroker } from '@zonewatch/broker';
import { statusTopic, type TelemetryBatch, telemetryTopic } from '@zonewatch/protocol';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAs, endClient, SECRETS, testCredentials } from '../../../broker/test/helpers.js';
import { createTelemetryConsumer, type TelemetryConsumer } from '../../src/mqtt/consumer.js';
import { type CapturedLog, captureLog } from './helpers.js';

/** Fragments an attacker or a broken gateway puts in payloads: a device id, a value, a name. */
const DEVICE = 'DE:AD:BE:EF:00:42';
const VALUE = '23456';
const NAME = 'jane-doe';

/**
 * Issue 13, hole 9: rejected telemetry was logged with the JSON parser's message, which quotes the payload
 * bytes (V8: `Unexpected token 'D', "DE:AD:BE:EF"... is not valid JSON`), and schema errors named keys
 * found in the payload. Real broker over TCP, real ingest consumer, a real MQTT gateway client, and the
 * log lines both write, captured.
 */
describe('hole 9: payload fragments in logs', () => {
  let log: CapturedLog;
  let broker: Broker;
  let consumer: TelemetryConsumer;
  let gateway: MqttClient;
  const accepted: TelemetryBatch[] = [];

  beforeAll(async () => {
    log = captureLog('debug');
    broker = await createBroker(
      { mqttPort: 0, metricsIntervalMs: 0 },
      { logger: log.logger, credentials: await testCredentials() },
    );
    const { mqttPort } = await broker.listen();
    consumer = createTelemetryConsumer({
      url: `mqtt://127.0.0.1:${mqttPort}`,
      username: 'ingest',
      password: SECRETS.ingest,
      sites: [],
      logger: log.logger.child({ component: 'consumer' }),
      onBatch: (_site, batch) => accepted.push(batch),
    });
    await consumer.start();
    gateway = await connectAs(mqttPort, 'gw-a');
  });

  afterAll(async () => {
    if (gateway) await endClient(gateway);
    await consumer?.stop();
    await broker?.close();
  });

  it('logs a reason code, the gateway id and the byte length of a rejected payload, never its content', async () => {
    const notJson = `${DEVICE} bpm=${VALUE} ${NAME}`;
    const badSchema = JSON.stringify({
      v: 1,
      gatewayId: 'gw-a',
      seq: 1,
      sentAt: 1,
      samples: [{ kind: 'hr', device: DEVICE, t: 1, bpm: Number(VALUE) }],
      [NAME]: VALUE,
    });
    const mismatched = JSON.stringify({ v: 1, gatewayId: NAME, seq: 2, sentAt: 1, samples: [] });
    const badStatus = `${DEVICE} offline ${NAME}`;
    const telemetry = telemetryTopic('site-1', 'gw-a');
    await gateway.publishAsync(telemetry, notJson, { qos: 1 });
    await gateway.publishAsync(telemetry, badSchema, { qos: 1 });
    await gateway.publishAsync(telemetry, mismatched, { qos: 1 });
    await gateway.publishAsync(statusTopic('site-1', 'gw-a'), badStatus, { qos: 1 });
    // A valid batch after them: it goes through and is not logged either.
    const valid: TelemetryBatch = {
      v: 1,
      gatewayId: 'gw-a',
      seq: 3,
      sentAt: 1,
      samples: [{ kind: 'hr', device: DEVICE, t: 1, bpm: 123 }],
    };
    await gateway.publishAsync(telemetry, JSON.stringify(valid), { qos: 1 });

    const rejected = (msg: string) => (l: Record<string, unknown>) => l.msg === msg;
    await log.waitFor(rejected('invalid gateway status'), 5000, 'the bad status');
    await log.waitFor(rejected('telemetry gatewayId does not match topic'), 5000, 'the mismatch');
    await log.waitFor(
      () => log.lines.filter(rejected('invalid telemetry batch rejected')).length === 2,
      5000,
      'both bad batches',
    );
    await expect.poll(() => accepted.map((b) => b.seq), { timeout: 5000 }).toEqual([3]);

    // Parsers quote a few bytes only ("DE:AD:BE:E"...): look for short fragments.
    const fragments = [DEVICE.slice(0, 5), VALUE, NAME.slice(0, 4)];
    const leaks = log.raw.filter((l) => fragments.some((f) => l.includes(f)));
    expect(leaks).toEqual([]);

    const [first, second] = log.lines.filter(rejected('invalid telemetry batch rejected'));
    expect(first).toMatchObject({
      siteId: 'site-1',
      gatewayId: 'gw-a',
      reason: 'not_json',
      bytes: Buffer.byteLength(notJson),
    });
    expect(second).toMatchObject({
      siteId: 'site-1',
      gatewayId: 'gw-a',
      reason: 'schema',
      bytes: Buffer.byteLength(badSchema),
    });
    // Which schema fields failed (paths and zod issue codes come from the schema, not the payload).
    expect(second?.fields).toEqual(
      expect.arrayContaining(['samples.0.bpm:too_big', '(root):unrecognized_keys']),
    );
    expect(log.lines.find(rejected('invalid gateway status'))).toMatchObject({
      gatewayId: 'gw-a',
      reason: 'not_json',
      bytes: Buffer.byteLength(badStatus),
    });
    expect(log.lines.find(rejected('telemetry gatewayId does not match topic'))).toMatchObject({
      gatewayId: 'gw-a',
      reason: 'gateway_mismatch',
      bytes: Buffer.byteLength(mismatched),
    });
    expect(consumer.stats()).toMatchObject({ invalid: 2, mismatched: 1, batches: 1 });
  });
});
