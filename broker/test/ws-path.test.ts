import { createServer, type Server } from 'node:http';
import { statusTopic, telemetryTopic } from '@zonewatch/protocol';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { Broker } from '../src/broker.js';
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
  testCredentials,
} from './helpers.js';

// Issue 17: a phone's browser gateway speaks MQTT over WebSocket on one path — of the broker's own
// WebSocket listener, or of ingest's HTTP server (`attachWebSocket`) — behind the same login and ACL.

let running: RunningBroker;
let host: Server;
let hostPort: number;
let otherUpgrades = 0;
const clients: MqttClient[] = [];
const track = (c: MqttClient): MqttClient => {
  clients.push(c);
  return c;
};
const gwA = { username: 'gw-a', password: SECRETS['gw-a'], clientId: 'gw-a' };

beforeAll(async () => {
  running = await startBroker(await testCredentials(), { wsPort: 0, wsPath: '/mqtt' });
  // An HTTP server that also carries another WebSocket service (as ingest carries Socket.IO).
  host = createServer();
  const other = new WebSocketServer({ noServer: true });
  host.on('upgrade', (req, socket, head) => {
    if (req.url?.startsWith('/other')) {
      otherUpgrades++;
      other.handleUpgrade(req, socket, head, (ws) => ws.close());
    }
  });
  running.broker.attachWebSocket(host, '/broker/mqtt');
  await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
  hostPort = (host.address() as { port: number }).port;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map(endClient));
});

afterAll(async () => {
  await running?.broker.close();
  host?.closeAllConnections();
  await new Promise((r) => host?.close(r));
});

describe('MQTT over WebSocket on a configured path', () => {
  it('accepts MQTT on the configured path of its own listener and refuses other paths', async () => {
    const ok = track(await connect(`ws://127.0.0.1:${running.wsPort}/mqtt`, gwA));
    expect(ok.connected).toBe(true);
    await expect(connect(`ws://127.0.0.1:${running.wsPort}/elsewhere`, gwA)).rejects.toThrow();
  });

  it('carries a browser-style publish on a path of a host HTTP server to the ingest subscriber', async () => {
    const ingest = track(await connectAs(running.mqttPort, 'ingest'));
    await subscribe(ingest, telemetryTopic('site-1', 'gw-a'));
    const gw = track(await connect(`ws://127.0.0.1:${hostPort}/broker/mqtt`, gwA));
    const got = nextMessage(ingest, telemetryTopic('site-1', 'gw-a'));
    await gw.publishAsync(telemetryTopic('site-1', 'gw-a'), '{"via":"attached ws"}', { qos: 1 });
    expect((await got).payload.toString()).toBe('{"via":"attached ws"}');
  });

  it('leaves other paths of the host server to their owner', async () => {
    const before = otherUpgrades;
    await expect(connect(`ws://127.0.0.1:${hostPort}/other`, gwA)).rejects.toThrow();
    expect(otherUpgrades).toBe(before + 1);
  });

  it('checks credentials on the attached path (wrong secret: CONNACK 5)', async () => {
    expect(
      await refusalCode(`ws://127.0.0.1:${hostPort}/broker/mqtt`, { ...gwA, password: 'not-the-secret' }),
    ).toBe(5);
  });
});

describe('a WebSocket gateway credential stays inside its own topics', () => {
  it('cannot publish to another gateway’s topic: the connection is closed and nothing is delivered', async () => {
    const ingest = track(await connectAs(running.mqttPort, 'ingest'));
    await subscribe(ingest, telemetryTopic('site-1', 'gw-b'));
    const gw = track(await connect(`ws://127.0.0.1:${hostPort}/broker/mqtt`, gwA));
    const before = running.broker.metrics().rejectedPublishes.byReason.foreignTopic;
    gw.publish(telemetryTopic('site-1', 'gw-b'), '{"forged":true}', { qos: 1 });
    await closed(gw);
    expect(running.broker.metrics().rejectedPublishes.byReason.foreignTopic).toBe(before + 1);
    const b = track(await connectAs(running.mqttPort, 'gw-b'));
    await expectNothingBefore(ingest, async () => {
      await b.publishAsync(telemetryTopic('site-1', 'gw-b'), 'sentinel', { qos: 1 });
    });
  });

  it('cannot subscribe to other participants’ data (SUBACK 0x80 for each filter)', async () => {
    const gw = track(await connect(`ws://127.0.0.1:${hostPort}/broker/mqtt`, gwA));
    for (const filter of [
      telemetryTopic('site-1', 'gw-b'),
      statusTopic('site-1', 'gw-b'),
      telemetryTopic('site-1', 'gw-a'),
      'zw/v1/site-1/+/telemetry',
      'zw/v1/#',
      '#',
    ]) {
      expect(await subscribe(gw, filter), filter).toBe(0x80);
    }
    expect(gw.connected).toBe(true);
  });

  it('is cut when its credential is revoked, and refused afterwards', async () => {
    const store = await testCredentials();
    const local: Broker = (await startBroker(store, {})).broker;
    const server = createServer();
    local.attachWebSocket(server, '/mqtt');
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/mqtt`;
    try {
      const gw = await connect(url, gwA);
      const gone = closed(gw);
      await store.delete('gw-a');
      await gone;
      expect(await refusalCode(url, gwA)).toBe(5);
    } finally {
      await local.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
