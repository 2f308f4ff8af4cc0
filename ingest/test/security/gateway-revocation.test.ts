import { telemetryTopic } from '@zonewatch/protocol';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closed, connect, endClient, refusalCode } from '../../../broker/test/helpers.js';
import type { Platform } from '../../src/platform.js';
import { login, startTwoNodes, type TwoNodes } from '../integration/stack.js';
import { type DemoPlatform, startDemoPlatform } from './web-stack.js';

const SITE = 'test-site';

const clients: MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await endClient(c);
});

/** REST as the demo's ops user. */
async function asOps(platform: Platform, seedOwner: Platform = platform) {
  const ops = seedOwner.demo!.seed.users.find((u) => u.role === 'ops')!;
  const token = await login(platform.url, ops.username, ops.password);
  return async (method: string, url: string, body?: unknown) => {
    const res = await fetch(new URL(url, platform.url), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
}

type Rest = Awaited<ReturnType<typeof asOps>>;

async function register(rest: Rest, id: string): Promise<string> {
  const res = await rest('POST', '/api/gateways', { id, siteId: SITE });
  expect(res.status).toBe(201);
  return res.json.secret as string;
}

async function gatewayOn(mqttPort: number, id: string, secret: string): Promise<MqttClient> {
  const c = await connect(`mqtt://127.0.0.1:${mqttPort}`, { username: id, password: secret, clientId: id });
  clients.push(c);
  return c;
}

const refusal = (mqttPort: number, id: string, secret: string) =>
  refusalCode(`mqtt://127.0.0.1:${mqttPort}`, { username: id, password: secret, clientId: id });

const batch = (gatewayId: string, seq: number): string =>
  JSON.stringify({ v: 1, gatewayId, seq, sentAt: 1, samples: [] });

/**
 * Issue 13, hole 4: a gateway revoked (or rotated) through the REST API kept publishing on its open
 * connection — PUBACKs, data accepted, still connected 35 s later; only new connections were refused.
 * The real platform (registry, embedded aedes broker over TCP, REST API), a real MQTT gateway client.
 */
describe('hole 4: a revoked gateway keeps publishing on its open connection', () => {
  let stack: DemoPlatform;
  let platform: Platform;
  let rest: Rest;

  beforeAll(async () => {
    stack = await startDemoPlatform('revoke', { DEMO: undefined });
    platform = stack.platform;
    rest = await asOps(platform);
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('DELETE /api/gateways/:id disconnects the gateway at once', async () => {
    const secret = await register(rest, 'gw-revoked');
    const gw = await gatewayOn(platform.mqttPort!, 'gw-revoked', secret);
    await gw.publishAsync(telemetryTopic(SITE, 'gw-revoked'), batch('gw-revoked', 1), { qos: 1 });

    expect((await rest('DELETE', '/api/gateways/gw-revoked')).status).toBe(200);
    await closed(gw, 2000);
    expect(await refusal(platform.mqttPort!, 'gw-revoked', secret)).toBe(5);
  });

  it('POST /api/gateways/:id/rotate-secret disconnects the connection made with the old secret', async () => {
    const old = await register(rest, 'gw-rotated');
    const bystanderSecret = await register(rest, 'gw-bystander');
    const gw = await gatewayOn(platform.mqttPort!, 'gw-rotated', old);
    const bystander = await gatewayOn(platform.mqttPort!, 'gw-bystander', bystanderSecret);

    const rotated = await rest('POST', '/api/gateways/gw-rotated/rotate-secret');
    expect(rotated.status).toBe(200);
    await closed(gw, 2000);
    expect(await refusal(platform.mqttPort!, 'gw-rotated', old)).toBe(5);
    const renewed = await gatewayOn(platform.mqttPort!, 'gw-rotated', rotated.json.secret as string);
    await renewed.publishAsync(telemetryTopic(SITE, 'gw-rotated'), batch('gw-rotated', 1), { qos: 1 });
    // Other gateways keep their connection.
    await bystander.publishAsync(telemetryTopic(SITE, 'gw-bystander'), batch('gw-bystander', 1), { qos: 1 });
    expect(bystander.connected).toBe(true);
  });
});

/**
 * The same across two ingest nodes sharing Postgres and Redis, each with its embedded broker: a gateway
 * connected to node B is revoked through node A's REST API.
 */
describe('hole 4: a revoked gateway keeps publishing on its open connection (two ingest nodes)', () => {
  let nodes: TwoNodes;
  let nodeA: Platform;
  let nodeB: Platform;

  beforeAll(async () => {
    nodes = await startTwoNodes('revocation', SITE, 'revoke-node');
    ({ nodeA, nodeB } = nodes);
  }, 120_000);

  afterAll(async () => {
    await nodes?.close();
  });

  it('revoking on node A disconnects the gateway from node B’s broker', async () => {
    const rest = await asOps(nodeA, nodeB);
    const secret = await register(rest, 'gw-remote');
    const gw = await gatewayOn(nodeB.mqttPort!, 'gw-remote', secret);
    await gw.publishAsync(telemetryTopic(SITE, 'gw-remote'), batch('gw-remote', 1), { qos: 1 });
    expect((await rest('DELETE', '/api/gateways/gw-remote')).status).toBe(200);
    await closed(gw, 3000);
    expect(await refusal(nodeB.mqttPort!, 'gw-remote', secret)).toBe(5);
  });
});
