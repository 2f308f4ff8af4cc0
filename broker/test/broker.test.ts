import { Socket } from 'node:net';
import { commandTopic, statusTopic, telemetryTopic } from '@zonewatch/protocol';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InMemoryCredentialStore } from '../src/credentials.js';
import { brokerMetricsSchema, METRICS_FILTER } from '../src/metrics.js';
import {
  closed,
  connect,
  connectAs,
  endClient,
  expectNothingBefore,
  nextMessage,
  type RunningBroker,
  refusalCode,
  SECRETS,
  startBroker,
  subscribe,
} from './helpers.js';

const MAX_PAYLOAD = 4096;
let credentials: InMemoryCredentialStore;
let running: RunningBroker;
let url: string;
const clients: MqttClient[] = [];

async function as(
  user: keyof typeof SECRETS,
  opts: Parameters<typeof connectAs>[2] = {},
): Promise<MqttClient> {
  const client = await connectAs(running.mqttPort, user, opts);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  const { testCredentials } = await import('./helpers.js');
  credentials = await testCredentials();
  running = await startBroker(credentials, {
    wsPort: 0,
    maxPayloadBytes: MAX_PAYLOAD,
    metricsIntervalMs: 100,
  });
  url = `mqtt://127.0.0.1:${running.mqttPort}`;
});

// Telemetry-only filters where a test asserts silence or counts: earlier tests leave retained status
// messages (wills) that any `zw/v1/#` subscription would receive first.
afterEach(async () => {
  await Promise.all(clients.splice(0).map(endClient));
});

afterAll(async () => {
  await running?.broker.close();
});

describe('authentication', () => {
  it('accepts correct credentials', async () => {
    const gw = await as('gw-a');
    expect(gw.connected).toBe(true);
    const before = running.broker.metrics().connectedClients;
    expect(before).toBeGreaterThanOrEqual(1);
  });

  it('refuses a wrong secret with CONNACK 5 (not authorized) and counts it', async () => {
    const before = running.broker.metrics().rejectedAuth;
    expect(await refusalCode(url, { username: 'gw-a', password: 'wrong-secret', clientId: 'gw-a' })).toBe(5);
    expect(running.broker.metrics().rejectedAuth).toBe(before + 1);
  });

  it('refuses an unknown user and a missing password the same way', async () => {
    expect(await refusalCode(url, { username: 'gw-zz', password: SECRETS['gw-a'], clientId: 'gw-zz' })).toBe(
      5,
    );
    expect(await refusalCode(url, { clientId: 'anonymous' })).toBe(5);
    expect(await refusalCode(url, { username: 'gw-a', clientId: 'gw-a' })).toBe(5);
  });

  it('refuses a gateway whose client id is not its username (CONNACK 2)', async () => {
    expect(await refusalCode(url, { username: 'gw-a', password: SECRETS['gw-a'], clientId: 'gw-b' })).toBe(2);
  });

  it('refuses a service using a gateway id as client id (no session takeover)', async () => {
    const gw = await as('gw-b');
    expect(await refusalCode(url, { username: 'ingest', password: SECRETS.ingest, clientId: 'gw-b' })).toBe(
      2,
    );
    expect(gw.connected).toBe(true);
  });

  it('refuses a will on another gateway topic, accepts one on its own status', async () => {
    const foreignWill = {
      topic: statusTopic('site-1', 'gw-b'),
      payload: Buffer.from('offline'),
      qos: 1 as const,
      retain: true,
    };
    expect(
      await refusalCode(url, {
        username: 'gw-a',
        password: SECRETS['gw-a'],
        clientId: 'gw-a',
        will: foreignWill,
      }),
    ).toBe(5);
    const ownWill = { ...foreignWill, topic: statusTopic('site-1', 'gw-a') };
    expect((await as('gw-a', { will: ownWill })).connected).toBe(true);
  });
});

describe('credential store failures', () => {
  it('answers CONNACK 3 (server unavailable) when the store throws or hangs, without counting a refusal', async () => {
    const failing = await startBroker(
      {
        lookup: async (username: string) => {
          if (username === 'hang') return new Promise<undefined>(() => {});
          throw new Error('registry down');
        },
      },
      { authTimeoutMs: 200 },
    );
    const failingUrl = `mqtt://127.0.0.1:${failing.mqttPort}`;
    try {
      expect(await refusalCode(failingUrl, { username: 'gw-a', password: 'x', clientId: 'gw-a' })).toBe(3);
      expect(await refusalCode(failingUrl, { username: 'hang', password: 'x', clientId: 'hang' })).toBe(3);
      expect(failing.broker.metrics().rejectedAuth).toBe(0);
    } finally {
      await failing.broker.close();
    }
  });
});

describe('topic ACL', () => {
  it('the ingest service account receives a gateway telemetry', async () => {
    const ingest = await as('ingest');
    expect(await subscribe(ingest, 'zw/v1/#')).toBe(1);
    const gw = await as('gw-a');
    const got = nextMessage(ingest, telemetryTopic('site-1', 'gw-a'));
    await gw.publishAsync(telemetryTopic('site-1', 'gw-a'), '{"seq":1}', { qos: 1 });
    expect((await got).payload.toString()).toBe('{"seq":1}');
  });

  it('a gateway publishing under another gateway topic is refused, disconnected and counted', async () => {
    const ingest = await as('ingest');
    await subscribe(ingest, 'zw/v1/+/+/telemetry');
    const gw = await as('gw-a');
    const before = running.broker.metrics().rejectedPublishes;
    gw.publish(telemetryTopic('site-1', 'gw-b'), '{"forged":true}', { qos: 1 });
    await closed(gw);
    await expectNothingBefore(ingest, async () => {
      await (await as('gw-a')).publishAsync(telemetryTopic('site-1', 'gw-a'), 'sentinel', { qos: 1 });
    });
    const after = running.broker.metrics().rejectedPublishes;
    expect(after.byReason.foreignTopic).toBe(before.byReason.foreignTopic + 1);
    expect(after.total).toBe(before.total + 1);
  });

  it('a gateway may not publish to a command topic, nor retain telemetry', async () => {
    const before = running.broker.metrics().rejectedPublishes.byReason;
    const gw1 = await as('gw-a');
    gw1.publish(commandTopic('site-1', 'gw-a'), 'x', { qos: 0 });
    await closed(gw1);
    const gw2 = await as('gw-a');
    gw2.publish(telemetryTopic('site-1', 'gw-a'), 'x', { qos: 1, retain: true });
    await closed(gw2);
    const after = running.broker.metrics().rejectedPublishes.byReason;
    expect(after.topicNotAllowed).toBe(before.topicNotAllowed + 1);
    expect(after.retainNotAllowed).toBe(before.retainNotAllowed + 1);
  });

  it('a gateway subscribing to $SYS/# or another gateway cmd gets SUBACK 0x80; its own cmd works', async () => {
    const before = running.broker.metrics().rejectedSubscribes;
    const gw = await as('gw-a');
    expect(await subscribe(gw, '$SYS/#')).toBe(128);
    expect(await subscribe(gw, '$SYS/zonewatch/#')).toBe(128);
    expect(await subscribe(gw, commandTopic('site-1', 'gw-b'))).toBe(128);
    expect(await subscribe(gw, 'zw/v1/#')).toBe(128);
    expect(await subscribe(gw, commandTopic('site-1', 'gw-a'))).toBe(1);
    expect(running.broker.metrics().rejectedSubscribes).toBe(before + 4);
    expect(gw.connected).toBe(true);

    const ingest = await as('ingest');
    const got = nextMessage(gw, commandTopic('site-1', 'gw-a'));
    await ingest.publishAsync(commandTopic('site-1', 'gw-a'), '{"cmd":"ping"}', { qos: 1 });
    expect((await got).payload.toString()).toBe('{"cmd":"ping"}');
  });

  it('the ingest service may not publish telemetry', async () => {
    const ingest = await as('ingest');
    ingest.publish(telemetryTopic('site-1', 'gw-a'), 'x', { qos: 1 });
    await closed(ingest);
  });

  it('a gateway last will reaches the ingest service when it drops', async () => {
    const ingest = await as('ingest');
    await subscribe(ingest, 'zw/v1/+/+/status');
    const topic = statusTopic('site-2', 'gw-c');
    const gw = await connectAs(running.mqttPort, 'gw-c', {
      will: { topic, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    const got = nextMessage(ingest, topic);
    (gw.stream as Socket).destroy();
    expect((await got).payload.toString()).toBe('{"online":false}');
    await endClient(gw);
  });
});

describe('payload size limit', () => {
  it('refuses and counts a payload over the limit; accepts one at the limit', async () => {
    const ingest = await as('ingest');
    await subscribe(ingest, 'zw/v1/+/+/telemetry');
    const gw = await as('gw-a');
    const topic = telemetryTopic('site-1', 'gw-a');
    const ok = nextMessage(ingest, topic);
    await gw.publishAsync(topic, Buffer.alloc(MAX_PAYLOAD, 1), { qos: 1 });
    expect((await ok).payload.length).toBe(MAX_PAYLOAD);

    const before = running.broker.metrics().payloadTooLarge;
    gw.publish(topic, Buffer.alloc(MAX_PAYLOAD + 1, 1), { qos: 1 });
    await closed(gw);
    await expectNothingBefore(ingest, async () => {
      await (await as('gw-a')).publishAsync(topic, 'sentinel', { qos: 1 });
    });
    expect(running.broker.metrics().payloadTooLarge).toBe(before + 1);
  });

  it('cuts a huge packet at the transport before it is buffered, and counts it', async () => {
    const before = running.broker.metrics().payloadTooLarge;
    const gw = await as('gw-a');
    gw.publish(telemetryTopic('site-1', 'gw-a'), Buffer.alloc(2 * 1024 * 1024), { qos: 0 });
    await closed(gw);
    expect(running.broker.metrics().payloadTooLarge).toBe(before + 1);
  });
});

describe('WebSocket listener', () => {
  it('carries a gateway publish from an mqtt.js ws client to a TCP subscriber', async () => {
    const ingest = await as('ingest');
    await subscribe(ingest, 'zw/v1/#');
    const gw = await connectAs(running.wsPort!, 'gw-b', { scheme: 'ws' });
    clients.push(gw);
    const got = nextMessage(ingest, telemetryTopic('site-1', 'gw-b'));
    await gw.publishAsync(telemetryTopic('site-1', 'gw-b'), '{"via":"ws"}', { qos: 1 });
    expect((await got).payload.toString()).toBe('{"via":"ws"}');
  });

  it('enforces credentials on WebSocket too', async () => {
    expect(
      await refusalCode(`ws://127.0.0.1:${running.wsPort}`, {
        username: 'gw-b',
        password: 'nope',
        clientId: 'gw-b',
      }),
    ).toBe(5);
  });
});

describe('metrics', () => {
  it('publishes a schema-valid snapshot to $SYS/zonewatch/broker/{nodeId}/metrics for the ingest service', async () => {
    const ingest = await as('ingest');
    expect(await subscribe(ingest, METRICS_FILTER, 0)).toBe(0);
    const msg = await nextMessage(ingest, `$SYS/zonewatch/broker/${running.broker.nodeId}/metrics`);
    const metrics = brokerMetricsSchema.parse(JSON.parse(msg.payload.toString()));
    expect(metrics.nodeId).toBe(running.broker.nodeId);
    expect(metrics.connectedClients).toBeGreaterThanOrEqual(1);
    expect(metrics.messagesIn).toBeGreaterThan(0);
    expect(metrics.rejectedAuth).toBeGreaterThan(0);
  });

  it('metrics() counts messages and bytes in and out', async () => {
    // A broker of its own: wills of clients closed by earlier tests would land in the shared one's counts.
    const own = await startBroker(credentials);
    const ingest = await connectAs(own.mqttPort, 'ingest');
    const gw = await connectAs(own.mqttPort, 'gw-c');
    try {
      await subscribe(ingest, 'zw/v1/site-2/+/telemetry');
      const before = own.broker.metrics();
      const got = nextMessage(ingest);
      await gw.publishAsync(telemetryTopic('site-2', 'gw-c'), '12345', { qos: 1 });
      await got;
      // aedes runs its `published` hook (messagesIn) after the PUBACK and the delivery, so it may trail.
      await expect.poll(() => own.broker.metrics().messagesIn - before.messagesIn).toBe(1);
      const after = own.broker.metrics();
      expect(after.bytesIn - before.bytesIn).toBe(5);
      expect(after.messagesOut - before.messagesOut).toBe(1);
      expect(after.connectedClients).toBe(2);
      expect(brokerMetricsSchema.safeParse(after).success).toBe(true);
    } finally {
      await endClient(gw);
      await endClient(ingest);
      await own.broker.close();
    }
  });
});

describe('connection-rate limit', () => {
  it('drops connections from an IP past its burst and counts them', async () => {
    const limited = await startBroker(credentials, { connectionRate: { perSecond: 0.001, burst: 2 } });
    const limitedUrl = `mqtt://127.0.0.1:${limited.mqttPort}`;
    const opened: MqttClient[] = [];
    try {
      opened.push(await connectAs(limited.mqttPort, 'gw-a'));
      opened.push(await connectAs(limited.mqttPort, 'gw-b'));
      await expect(
        connect(limitedUrl, { username: 'gw-c', password: SECRETS['gw-c'], clientId: 'gw-c' }),
      ).rejects.toThrow();
      expect(limited.broker.metrics().rateLimited).toBe(1);
    } finally {
      await Promise.all(opened.map(endClient));
      await limited.broker.close();
    }
  });
});

describe('lifecycle', () => {
  it('refuses a second listen() and closes idempotently, dropping half-open sockets', async () => {
    const b = await startBroker(credentials, { connectTimeoutMs: 120_000 });
    await expect(b.broker.listen()).rejects.toMatchObject({ code: 'ZW_ERR_BROKER_STATE' });
    // A socket that never sends CONNECT must not hold close() up until the connect timeout.
    const idle = new Socket();
    await new Promise<void>((resolve) => idle.connect(b.mqttPort, '127.0.0.1', resolve));
    const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()));
    // Its connect timeout (120 s) is far beyond the test's: close() waiting for it would fail the test.
    await Promise.all([b.broker.close(), b.broker.close()]);
    await idleClosed;
    await expect(b.broker.listen()).rejects.toMatchObject({ code: 'ZW_ERR_BROKER_STATE' });
  });
});
