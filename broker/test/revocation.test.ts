import { telemetryTopic } from '@zonewatch/protocol';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { CredentialStore, InMemoryCredentialStore, Principal } from '../src/credentials.js';
import { hashSecret } from '../src/secrets.js';
import {
  closed,
  connectAs,
  endClient,
  nextMessage,
  type RedisServer,
  type RunningBroker,
  refusalCode,
  SECRETS,
  startBroker,
  startRedis,
  subscribe,
  testCredentials,
} from './helpers.js';

const clients: MqttClient[] = [];
const brokers: RunningBroker[] = [];
let redis: RedisServer | undefined;

afterEach(async () => {
  for (const c of clients.splice(0)) await endClient(c);
  for (const b of brokers.splice(0)) await b.broker.close();
  await redis?.stop();
  redis = undefined;
});

async function start(credentials: CredentialStore, config = {}): Promise<RunningBroker> {
  const b = await startBroker(credentials, config);
  brokers.push(b);
  return b;
}

async function as(port: number, user: keyof typeof SECRETS, password?: string): Promise<MqttClient> {
  const c = await connectAs(port, user, password ? { password } : {});
  clients.push(c);
  return c;
}

const batch = (gatewayId: string, seq: number): string =>
  JSON.stringify({ v: 1, gatewayId, seq, sentAt: 1, samples: [] });

async function rotated(store: InMemoryCredentialStore, username: string, secret: string): Promise<Principal> {
  const p = await store.lookup(username);
  if (!p) throw new Error(`no ${username}`);
  return { ...p, secretHash: await hashSecret(secret) };
}

/**
 * Issue 13, hole 4: a revoked or rotated gateway kept publishing on its open connection (PUBACKs, data
 * accepted, still connected 35 s later); only new connections were refused. Real aedes over TCP, real
 * mqtt.js clients.
 */
describe('hole 4: a revoked gateway keeps publishing on its open connection', () => {
  it('removing a gateway from the credential store disconnects it at once; others keep publishing', async () => {
    const store = await testCredentials();
    const { mqttPort } = await start(store);
    const ingest = await as(mqttPort, 'ingest');
    await subscribe(ingest, 'zw/v1/+/+/telemetry');
    const revoked = await as(mqttPort, 'gw-a');
    const other = await as(mqttPort, 'gw-b');
    await revoked.publishAsync(telemetryTopic('site-1', 'gw-a'), batch('gw-a', 1), { qos: 1 });

    store.delete('gw-a');
    await closed(revoked, 2000);
    expect(
      await refusalCode(`mqtt://127.0.0.1:${mqttPort}`, {
        username: 'gw-a',
        password: SECRETS['gw-a'],
        clientId: 'gw-a',
      }),
    ).toBe(5);

    const next = nextMessage(ingest, telemetryTopic('site-1', 'gw-b'));
    await other.publishAsync(telemetryTopic('site-1', 'gw-b'), batch('gw-b', 1), { qos: 1 });
    expect(JSON.parse((await next).payload.toString()).gatewayId).toBe('gw-b');
    expect(other.connected).toBe(true);
  });

  it('rotating a gateway secret disconnects the connection made with the old one; the new one works', async () => {
    const store = await testCredentials();
    const { mqttPort } = await start(store);
    const gw = await as(mqttPort, 'gw-b');
    store.set(await rotated(store, 'gw-b', 'the-new-secret-of-gateway-b'));
    await closed(gw, 2000);
    const url = `mqtt://127.0.0.1:${mqttPort}`;
    expect(await refusalCode(url, { username: 'gw-b', password: SECRETS['gw-b'], clientId: 'gw-b' })).toBe(5);
    const again = await as(mqttPort, 'gw-b', 'the-new-secret-of-gateway-b');
    expect(again.connected).toBe(true);
  });

  it('broker.revalidate() cuts connections whose credential changed behind a lookup-only store (a registry)', async () => {
    const rows = new Map<string, Principal>();
    for (const u of ['gw-a', 'gw-c', 'ingest'] as const)
      rows.set(u, (await (await testCredentials()).lookup(u))!);
    const registry: CredentialStore = { lookup: async (u) => rows.get(u) };
    const { broker, mqttPort } = await start(registry);
    const gw = await as(mqttPort, 'gw-a');
    const untouched = await as(mqttPort, 'gw-c');
    rows.delete('gw-a');
    await broker.revalidate(['gw-a']);
    await closed(gw, 2000);
    // A revalidation of everyone leaves valid connections alone.
    await broker.revalidate();
    await untouched.publishAsync(telemetryTopic('site-2', 'gw-c'), batch('gw-c', 1), { qos: 1 });
    expect(untouched.connected).toBe(true);
  });

  it('in cluster mode, a credential revoked on node A disconnects the gateway connected to node B', async () => {
    redis = await startRedis();
    // Node A is told of changes by its store; node B only looks credentials up (the same rows, as both
    // would read one registry), so only the Redis fan-out can tell node B.
    const store = await testCredentials();
    const lookupOnly: CredentialStore = { lookup: (u) => store.lookup(u) };
    await start(store, { redisUrl: redis.url, nodeId: 'node-a' });
    const nodeB = await start(lookupOnly, { redisUrl: redis.url, nodeId: 'node-b' });
    const gw = await as(nodeB.mqttPort, 'gw-a');
    const other = await as(nodeB.mqttPort, 'gw-b');
    store.delete('gw-a');
    await closed(gw, 3000);
    await other.publishAsync(telemetryTopic('site-1', 'gw-b'), batch('gw-b', 1), { qos: 1 });
    expect(other.connected).toBe(true);
  });
});
