import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGateway } from '../src/main.js';
import { aedesBroker, secretFor, type TestBroker } from './helpers/brokers.js';
import { cleanupDirs, Subscriber, tempDir, waitFor } from './helpers/harness.js';

describe('main: the simulator drives a standalone gateway', () => {
  let broker: TestBroker;
  let sub: Subscriber;

  beforeAll(async () => {
    broker = await aedesBroker();
    sub = new Subscriber(broker);
    await sub.connect();
  });

  afterAll(async () => {
    await sub?.close();
    await broker?.dispose();
    cleanupDirs();
  });

  it('plays a firmware-sim scenario through the gateway to the broker', async () => {
    const env = {
      GATEWAY_ID: 'gw-a',
      SITE_ID: 'home-hw-0142',
      MQTT_URL: broker.url,
      GATEWAY_SECRET: secretFor('gw-a'),
      GATEWAY_DATA_DIR: tempDir(),
      LOG_LEVEL: 'silent',
      SIM_SCENARIO: path.resolve(import.meta.dirname, '../../firmware-sim/scenarios/home-walk.yaml'),
      SIM_SPEEDUP: '30',
      STATUS_INTERVAL_MS: '1000',
    };
    const { gateway, shutdown } = await runGateway(env, undefined, { handleSignals: false });
    try {
      await waitFor(
        () => new Set(sub.unique('gw-a').flatMap((b) => b.samples.map((x) => x.kind))).size >= 2,
        10_000,
        'heart-rate and step samples',
      );
      const kinds = new Set(sub.unique('gw-a').flatMap((b) => b.samples.map((x) => x.kind)));
      expect(kinds.has('hr')).toBe(true);
      expect(kinds.has('steps')).toBe(true);
      expect(gateway.stats().decodeErrors).toEqual({});
      // The retained status is refreshed every STATUS_INTERVAL_MS, not only at connect.
      const online = () =>
        sub.statuses.filter((x) => x.status.gatewayId === 'gw-a' && x.status.state === 'online');
      await waitFor(() => online().length >= 2, 5000, 'a periodic status refresh');
      expect(online()[1]!.status.at! - online()[0]!.status.at!).toBeGreaterThanOrEqual(900);
    } finally {
      await shutdown();
    }
  });

  it('refuses to start without a scenario, naming SIM_SCENARIO', async () => {
    await expect(
      runGateway(
        { GATEWAY_ID: 'gw-a', SITE_ID: 's', MQTT_URL: broker.url, GATEWAY_SECRET: 'x', LOG_LEVEL: 'silent' },
        undefined,
        { handleSignals: false },
      ),
    ).rejects.toThrow(/SIM_SCENARIO/);
  });
});
