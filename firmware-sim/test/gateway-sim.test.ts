/**
 * The simulated gateway service (`gateway-sim.ts`, docker compose `gateway-sim`): a firmware-sim scenario
 * played through the real gateway into a real broker (aedes on port 0), configured by the environment.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type GatewayStatus,
  parseGatewayStatus,
  parseTelemetry,
  type TelemetryBatch,
} from '@zonewatch/protocol';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulatedGateway } from '../src/gateway-sim.js';

let broker: Aedes;
let server: net.Server;
let url: string;
let sub: mqtt.MqttClient;
let dataDir: string;
const batches: TelemetryBatch[] = [];
const statuses: GatewayStatus[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'zw-gwsim-'));
  broker = await Aedes.createBroker();
  server = net.createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  sub = await mqtt.connectAsync(url, { clientId: 'gwsim-sub', reconnectPeriod: 0 });
  sub.on('message', (topic, payload) => {
    if (topic.endsWith('/status')) {
      const s = parseGatewayStatus(payload);
      if (s.ok) statuses.push(s.value);
      return;
    }
    const r = parseTelemetry(payload);
    if (r.ok) batches.push(r.value);
  });
  await sub.subscribeAsync(['zw/v1/+/+/telemetry', 'zw/v1/+/+/status'], { qos: 1 });
});

afterAll(async () => {
  await sub?.endAsync();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await new Promise<void>((resolve) => broker?.close(() => resolve()));
  await rm(dataDir, { recursive: true, force: true });
});

/** Resolves when `cond` holds; checks on every message the subscriber receives. */
function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!cond()) return;
      clearTimeout(timer);
      sub.off('message', check);
      resolve();
    };
    const timer = setTimeout(() => {
      sub.off('message', check);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    sub.on('message', check);
    check();
  });
}

describe('gateway-sim: the simulator drives a standalone gateway', () => {
  it('plays a firmware-sim scenario through the gateway to the broker', async () => {
    const env = {
      GATEWAY_ID: 'gw-a',
      SITE_ID: 'home-hw-0142',
      MQTT_URL: url,
      GATEWAY_SECRET: 's3cret',
      GATEWAY_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      SIM_SCENARIO: path.resolve(import.meta.dirname, '../scenarios/home-walk.yaml'),
      SIM_SPEEDUP: '30',
      STATUS_INTERVAL_MS: '1000',
    };
    const { gateway, shutdown } = await runSimulatedGateway(env, { handleSignals: false });
    const kinds = () => new Set(batches.flatMap((b) => b.samples.map((x) => x.kind)));
    try {
      await until(() => kinds().has('hr') && kinds().has('steps'), 30_000, 'heart-rate and step samples');
      expect(gateway.stats().decodeErrors).toEqual({});
      // The retained status is refreshed every STATUS_INTERVAL_MS, not only at connect.
      const online = () => statuses.filter((s) => s.gatewayId === 'gw-a' && s.state === 'online');
      await until(() => online().length >= 2, 30_000, 'a periodic status refresh');
      expect(online()[1]!.at! - online()[0]!.at!).toBeGreaterThanOrEqual(900);
    } finally {
      await shutdown();
    }
    // A clean stop announces offline itself, with a time.
    await until(() => statuses.at(-1)?.state === 'offline', 10_000, 'offline on stop');
    expect(statuses.at(-1)).toMatchObject({ gatewayId: 'gw-a', at: expect.any(Number) });
  });

  it('refuses to start without a scenario, naming SIM_SCENARIO', async () => {
    await expect(
      runSimulatedGateway(
        { GATEWAY_ID: 'gw-a', SITE_ID: 's', MQTT_URL: url, GATEWAY_SECRET: 'x', LOG_LEVEL: 'silent' },
        { handleSignals: false },
      ),
    ).rejects.toThrow(/SIM_SCENARIO/);
  });
});
