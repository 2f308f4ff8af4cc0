import { type Broker, createBroker } from '@zonewatch/broker';
import { statusTopic, type TelemetryBatch, telemetryTopic } from '@zonewatch/protocol';
import type { IClientPublishOptions, MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect,
  connectAs,
  endClient,
  expectNothingBefore,
  refusalCode,
  SECRETS,
  subscribe,
  testCredentials,
} from '../../../broker/test/helpers.js';
import {
  mosquittoBroker,
  SUBSCRIBER,
  secretFor,
  type TestBroker,
} from '../../../gateway/test/helpers/brokers.js';
import { createTelemetryConsumer, type TelemetryConsumer } from '../../src/mqtt/consumer.js';
import { closedByBroker } from './suite-stack.js';

const silent = pino({ level: 'silent' });
const MAX_PAYLOAD = 256 * 1024;

/** A batch ingest would accept, naming `gatewayId` (so a forged one that got through would be visible). */
const batch = (gatewayId: string, seq: number, bpm = 120): string =>
  JSON.stringify({
    v: 1,
    gatewayId,
    seq,
    sentAt: 1_760_000_000_000,
    samples: [{ kind: 'hr', device: 'AA:BB:CC:00:00:01', t: 1_760_000_000_000, bpm }],
  } satisfies TelemetryBatch);

/** What reached ingest: the consumer's accepted batches and statuses, and a raw `zw/v1/#` subscription. */
interface Seen {
  batches: string[];
  statuses: string[];
  raw: string[];
}

/**
 * Issue 13 security suite, MQTT side: a gateway (gw-a of site-1) trying to publish or subscribe outside its
 * own prefix, to log in as someone else, or to push frames over the size limit — against the zonewatch
 * broker (aedes with its ACL) over TCP, with the real ingest consumer behind it. Every refused publish is
 * proven absent with a sentinel: the broker handles the attack before it closes the attacker's connection,
 * so anything it had let through would reach ingest ahead of a legitimate batch sent afterwards.
 */
describe('security suite: MQTT ACL escapes and oversized frames (zonewatch broker, real ingest consumer)', () => {
  let broker: Broker;
  let url: string;
  let port: number;
  let consumer: TelemetryConsumer;
  let raw: MqttClient;
  let victim: MqttClient;
  let victimSeq = 0;
  const seen: Seen = { batches: [], statuses: [], raw: [] };

  beforeAll(async () => {
    broker = await createBroker(
      // Every attempt below opens a connection from 127.0.0.1: the per-address connection limit is not
      // what this file tests (broker/test/broker.test.ts does).
      { mqttPort: 0, metricsIntervalMs: 0, connectionRate: { perSecond: 0, burst: 1 } },
      { logger: silent, credentials: await testCredentials() },
    );
    port = (await broker.listen()).mqttPort;
    url = `mqtt://127.0.0.1:${port}`;
    consumer = createTelemetryConsumer({
      url,
      username: 'ingest',
      password: SECRETS.ingest,
      sites: [],
      logger: silent,
      onBatch: (site, b) => seen.batches.push(`${site}/${b.gatewayId}#${b.seq}`),
      onStatus: (site, gw, s) => seen.statuses.push(`${site}/${gw}:${s.state}`),
    });
    await consumer.start();
    raw = await connectAs(port, 'ingest', { clientId: 'ingest_raw' });
    await subscribe(raw, 'zw/v1/#');
    raw.on('message', (topic) => seen.raw.push(topic));
    victim = await connectAs(port, 'gw-b');
  });

  afterAll(async () => {
    if (victim) await endClient(victim);
    if (raw) await endClient(raw);
    await consumer?.stop();
    await broker?.close();
  });

  /** Clears what was seen, runs `attack`, then proves with gw-b's next batch that nothing else arrived. */
  async function nothingReachesIngest(attack: () => Promise<void>): Promise<void> {
    seen.batches.length = 0;
    seen.statuses.length = 0;
    seen.raw.length = 0;
    await attack();
    victimSeq += 1;
    const sentinel = `site-1/gw-b#${victimSeq}`;
    await victim.publishAsync(telemetryTopic('site-1', 'gw-b'), batch('gw-b', victimSeq), { qos: 1 });
    await expect.poll(() => seen.batches.includes(sentinel), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => seen.raw.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect({ batches: seen.batches, statuses: seen.statuses, raw: seen.raw }).toEqual({
      batches: [sentinel],
      statuses: [],
      raw: [telemetryTopic('site-1', 'gw-b')],
    });
  }

  /** gw-a publishes once on a fresh connection and is disconnected for it. */
  async function publishAsAttacker(
    topic: string,
    payload: string | Buffer,
    opts: IClientPublishOptions = { qos: 1 },
  ): Promise<void> {
    const gw = await connectAs(port, 'gw-a');
    try {
      gw.publish(topic, payload, opts, () => {});
      await closedByBroker(gw);
    } finally {
      gw.end(true);
    }
  }

  const PUBLISH_ESCAPES: [what: string, topic: string, opts?: IClientPublishOptions][] = [
    ['another gateway of its site', 'zw/v1/site-1/gw-b/telemetry'],
    ['a gateway of another site', 'zw/v1/site-2/gw-c/telemetry'],
    ['its own id under another site', 'zw/v1/site-2/gw-a/telemetry'],
    ['another gateway’s retained status', 'zw/v1/site-1/gw-b/status', { qos: 1, retain: true }],
    ['its own command topic', 'zw/v1/site-1/gw-a/cmd'],
    ['another gateway’s command topic', 'zw/v1/site-1/gw-b/cmd'],
    ['retained telemetry on its own topic', 'zw/v1/site-1/gw-a/telemetry', { qos: 1, retain: true }],
    ['$SYS metrics of the broker', '$SYS/zonewatch/broker/node-1/metrics'],
    ['another $SYS topic', '$SYS/broker/clients/connected'],
    ['a path with ..', 'zw/v1/site-1/gw-a/../gw-b/telemetry'],
    ['.. as the site', 'zw/v1/../site-1/gw-b/telemetry'],
    ['a level past its topic', 'zw/v1/site-1/gw-a/telemetry/../../gw-b/telemetry'],
    ['a unicode look-alike of its id', 'zw/v1/site-1/gw-\uff41/telemetry'],
    ['its id upper-cased', 'zw/v1/site-1/GW-A/telemetry'],
    ['an empty gateway level', 'zw/v1/site-1//telemetry'],
    ['a leading slash', '/zw/v1/site-1/gw-a/telemetry'],
    ['another wire version', 'zw/v2/site-1/gw-a/telemetry'],
    ['an overlong gateway id', `zw/v1/site-1/${'a'.repeat(65)}/telemetry`],
    ['a 60,000-character topic', `zw/v1/site-1/gw-a/${'x'.repeat(60_000)}`],
  ];

  it.each(PUBLISH_ESCAPES)(
    'a gateway publishing to %s is refused, disconnected and counted; ingest gets nothing',
    async (_what, topic, opts) => {
      const before = broker.metrics().rejectedPublishes.total;
      const payload = topic.endsWith('/status')
        ? JSON.stringify({ v: 1, gatewayId: 'gw-b', siteId: 'site-1', state: 'offline' })
        : batch(topic.split('/')[3] ?? 'gw-a', 1);
      await nothingReachesIngest(() => publishAsAttacker(topic, payload, opts));
      expect(broker.metrics().rejectedPublishes.total).toBe(before + 1);
    },
  );

  it('a gateway publishing to a wildcard topic (MQTT forbids it) loses its connection and ingest gets nothing', async () => {
    for (const topic of ['zw/v1/site-1/+/telemetry', 'zw/v1/#', '#']) {
      await nothingReachesIngest(() => publishAsAttacker(topic, batch('gw-b', 1)));
    }
  });

  it('a gateway cannot subscribe beyond its own command topic, so it reads nobody else’s data', async () => {
    // A retained status is waiting, as a live gateway leaves one: a subscription would hand it over at once.
    await victim.publishAsync(
      statusTopic('site-1', 'gw-b'),
      JSON.stringify({ v: 1, gatewayId: 'gw-b', siteId: 'site-1', state: 'online' }),
      { qos: 1, retain: true },
    );
    const gw = await connectAs(port, 'gw-a');
    const refusedBefore = broker.metrics().rejectedSubscribes;
    try {
      const filters = [
        '#',
        '+/#',
        'zw/#',
        'zw/v1/#',
        'zw/v1/+/+/+',
        'zw/v1/site-1/#',
        'zw/v1/site-1/+/telemetry',
        'zw/v1/site-1/+/status',
        'zw/v1/+/gw-b/telemetry',
        'zw/v1/site-1/gw-b/telemetry',
        'zw/v1/site-1/gw-b/status',
        'zw/v1/site-1/gw-b/cmd',
        'zw/v1/site-2/gw-c/cmd',
        'zw/v1/site-1/gw-a/telemetry',
        'zw/v1/site-1/gw-a/+',
        'zw/v1/site-1/gw-a/#',
        'zw/v1/site-1/gw-a/../gw-b/cmd',
        'zw/v1/site-1/gw-\uff41/cmd',
        `zw/v1/site-1/${'a'.repeat(65)}/cmd`,
        '$SYS/#',
        '$SYS/zonewatch/#',
        '$share/grp/zw/v1/#',
      ];
      const granted: Record<string, number> = {};
      for (const f of filters) granted[f] = await subscribe(gw, f);
      expect(granted).toEqual(Object.fromEntries(filters.map((f) => [f, 128])));
      expect(broker.metrics().rejectedSubscribes).toBe(refusedBefore + filters.length);
      // Its own command topic is the one it may follow.
      expect(await subscribe(gw, 'zw/v1/site-1/gw-a/cmd')).toBe(1);

      const gwC = await connectAs(port, 'gw-c');
      try {
        await expectNothingBefore(gw, async () => {
          await victim.publishAsync(telemetryTopic('site-1', 'gw-b'), batch('gw-b', 9_000), { qos: 1 });
          await gwC.publishAsync(telemetryTopic('site-2', 'gw-c'), batch('gw-c', 1), { qos: 1 });
          await raw.publishAsync('zw/v1/site-1/gw-b/cmd', 'for gw-b only', { qos: 1 });
          await raw.publishAsync('zw/v1/site-1/gw-a/cmd', 'sentinel', { qos: 1 });
        });
      } finally {
        await endClient(gwC);
      }
      expect(gw.connected).toBe(true);
      // Ingest got all of it (so none of it spills into the next test's window).
      await expect
        .poll(() => ['site-1/gw-b#9000', 'site-2/gw-c#1'].every((b) => seen.batches.includes(b)), {
          timeout: 10_000,
        })
        .toBe(true);
      await expect.poll(() => seen.statuses.includes('site-1/gw-b:online'), { timeout: 10_000 }).toBe(true);
    } finally {
      await endClient(gw);
    }
  });

  it('a gateway cannot log in as another one, nor with a foreign, unicode or overlong identity', async () => {
    const refusals = {
      'gw-a secret, gw-b client id': await refusalCode(url, {
        username: 'gw-a',
        password: SECRETS['gw-a'],
        clientId: 'gw-b',
      }),
      'gw-b name, gw-a secret': await refusalCode(url, {
        username: 'gw-b',
        password: SECRETS['gw-a'],
        clientId: 'gw-b',
      }),
      'ingest name, gw-a secret': await refusalCode(url, {
        username: 'ingest',
        password: SECRETS['gw-a'],
        clientId: 'ingest_x',
      }),
      'unicode look-alike name': await refusalCode(url, {
        username: 'gw-\uff41',
        password: SECRETS['gw-a'],
        clientId: 'gw-\uff41',
      }),
      'overlong name': await refusalCode(url, {
        username: 'g'.repeat(10_000),
        password: SECRETS['gw-a'],
        clientId: 'g'.repeat(10_000),
      }),
      'no credentials': await refusalCode(url, { clientId: 'gw-a' }),
    };
    expect(refusals).toEqual({
      'gw-a secret, gw-b client id': 2,
      'gw-b name, gw-a secret': 5,
      'ingest name, gw-a secret': 5,
      'unicode look-alike name': 5,
      'overlong name': 5,
      'no credentials': 5,
    });
    // The ingest service's own account cannot borrow a gateway's client id (session takeover) either.
    expect(await refusalCode(url, { username: 'ingest', password: SECRETS.ingest, clientId: 'gw-b' })).toBe(
      2,
    );
  });

  it('a payload over the broker limit, and a frame far over it, are refused and counted; ingest gets nothing', async () => {
    const before = broker.metrics().payloadTooLarge;
    const over = Buffer.alloc(MAX_PAYLOAD + 1, 0x7b);
    await nothingReachesIngest(() => publishAsAttacker(telemetryTopic('site-1', 'gw-a'), over));
    // 20 MiB: cut at the transport before it is buffered.
    const huge = Buffer.alloc(20 * 1024 * 1024, 0x7b);
    await nothingReachesIngest(() => publishAsAttacker(telemetryTopic('site-1', 'gw-a'), huge));
    expect(broker.metrics().payloadTooLarge).toBe(before + 2);
    // The attacker itself comes back and is served normally.
    const gw = await connectAs(port, 'gw-a');
    seen.batches.length = 0;
    await gw.publishAsync(telemetryTopic('site-1', 'gw-a'), batch('gw-a', 1), { qos: 1 });
    await expect.poll(() => seen.batches, { timeout: 10_000 }).toEqual(['site-1/gw-a#1']);
    await endClient(gw);
  });
});

interface Rig {
  url: string;
  ingest: { username: string; password: string };
  gateway: { username: string; password: string };
  close(): Promise<void>;
}

/**
 * What ingest itself checks, whichever broker carries the message (Mosquitto has no zonewatch ACL: its
 * topic ACL is the operator's acl_file): a body naming another gateway than its topic, and junk, are
 * dropped and counted, and the gateway's next good batch still goes through.
 */
describe.each([
  [
    'zonewatch broker',
    async (): Promise<Rig> => {
      const b = await createBroker(
        { mqttPort: 0, metricsIntervalMs: 0 },
        { logger: silent, credentials: await testCredentials() },
      );
      const { mqttPort } = await b.listen();
      return {
        url: `mqtt://127.0.0.1:${mqttPort}`,
        ingest: { username: 'ingest', password: SECRETS.ingest },
        gateway: { username: 'gw-a', password: SECRETS['gw-a'] },
        close: () => b.close(),
      };
    },
  ],
  [
    'Mosquitto',
    async (): Promise<Rig> => {
      const m: TestBroker = await mosquittoBroker();
      return {
        url: m.url,
        ingest: { username: SUBSCRIBER, password: secretFor(SUBSCRIBER) },
        gateway: { username: 'gw-a', password: secretFor('gw-a') },
        close: () => m.dispose(),
      };
    },
  ],
])('security suite: ingest-side topic and payload checks (%s)', (_name, start) => {
  let rig: Rig;
  let consumer: TelemetryConsumer;
  let gw: MqttClient;
  const accepted: string[] = [];

  beforeAll(async () => {
    rig = await start();
    consumer = createTelemetryConsumer({
      url: rig.url,
      ...rig.ingest,
      sites: ['site-1'],
      logger: silent,
      onBatch: (site, b) => accepted.push(`${site}/${b.gatewayId}#${b.seq}`),
    });
    await consumer.start();
    gw = await connect(rig.url, { ...rig.gateway, clientId: 'gw-a' });
  });

  afterAll(async () => {
    gw?.end(true);
    await consumer?.stop();
    await rig?.close();
  });

  it('a batch whose body names another gateway, and junk, are dropped and counted; the next good batch goes through', async () => {
    const topic = telemetryTopic('site-1', 'gw-a');
    await gw.publishAsync(topic, batch('gw-b', 1, 190), { qos: 1 });
    await gw.publishAsync(topic, Buffer.from([0xff, 0xfe, 0x00, 0x7b]), { qos: 1 });
    await gw.publishAsync(topic, `${'['.repeat(100_000)}${']'.repeat(100_000)}`, { qos: 1 });
    await gw.publishAsync(topic, batch('gw-a', 2), { qos: 1 });
    await expect.poll(() => accepted, { timeout: 10_000 }).toEqual(['site-1/gw-a#2']);
    expect(consumer.stats()).toMatchObject({ batches: 1, mismatched: 1, invalid: 2 });
  });
});
