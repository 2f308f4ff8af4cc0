import type { DeviceLink, DeviceNotification } from '@zonewatch/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  buildLoadGateways,
  type GatewayModule,
  isLoopback,
  loadOptionsSchema,
  runLoad,
} from '../src/load.js';

const base = { gateways: 4, participants: 10, durationS: 60, secretPattern: 'pw-{gatewayId}@{siteId}' };

/** A stand-in gateway that counts what its link delivers, so load tests need no broker. */
function countingGateways() {
  const received: DeviceNotification[] = [];
  const configs: unknown[] = [];
  const mod: GatewayModule = {
    gatewayConfig: (input) => {
      configs.push(input);
      return input;
    },
    createGateway: (_config, deps: { link: DeviceLink }) => {
      let n = 0;
      let running = false;
      return {
        async start() {
          running = true;
          await deps.link.start((x) => {
            n++;
            received.push(x);
          });
        },
        async stop() {
          running = false;
          await deps.link.stop();
        },
        stats: () => ({
          connected: running,
          samplesAccepted: n,
          samplesPublished: n,
          batchesPublished: Math.ceil(n / 10),
          connectionFailures: 0,
          decodeErrors: {},
          outboxDropped: 0,
          lastPublishLatencyMs: 1,
        }),
      };
    },
    MemoryOutbox: class {
      constructor(readonly maxBytes: number) {}
    },
  };
  return { mod, received, configs };
}

describe('load mode', () => {
  it('only connects to loopback brokers unless allowed', () => {
    expect(isLoopback('mqtt://127.0.0.1:1883')).toBe(true);
    expect(isLoopback('mqtt://localhost:1883')).toBe(true);
    expect(isLoopback('ws://[::1]:8883')).toBe(true);
    expect(isLoopback('mqtt://10.1.2.3:1883')).toBe(false);
    expect(isLoopback('mqtt://127.0.0.1.example.com')).toBe(false);
    const remote = loadOptionsSchema.safeParse({ ...base, mqttUrl: 'mqtt://broker.example.com' });
    expect(remote.success).toBe(false);
    expect(remote.error?.issues[0]?.message).toMatch(/--allow-remote/);
    expect(
      loadOptionsSchema.safeParse({ ...base, mqttUrl: 'mqtt://broker.example.com', allowRemote: true })
        .success,
    ).toBe(true);
  });

  it('is bounded and needs credentials', () => {
    expect(loadOptionsSchema.safeParse({ ...base, gateways: 10_001 }).success).toBe(false);
    expect(loadOptionsSchema.safeParse({ ...base, participants: 100_001 }).success).toBe(false);
    expect(loadOptionsSchema.safeParse({ ...base, durationS: 90_000 }).success).toBe(false);
    expect(loadOptionsSchema.safeParse({ ...base, participants: 3 }).success).toBe(false);
    const { secretPattern: _s, ...noSecret } = base;
    expect(loadOptionsSchema.safeParse(noSecret).success).toBe(false);
    expect(
      loadOptionsSchema.safeParse({
        ...noSecret,
        credentials: [{ gatewayId: 'a', siteId: 's', secret: 'x' }],
      }).success,
    ).toBe(false);
  });

  it('builds valid, deterministic synthetic classes spread over the gateways', () => {
    const opts = loadOptionsSchema.parse({ ...base, oximeterShare: 0.5, eventShare: 1 });
    const gws = buildLoadGateways(opts);
    expect(gws.map((g) => g.scenario.participants.length)).toEqual([3, 3, 2, 2]);
    expect(gws[0]).toMatchObject({
      gatewayId: 'load-gw-1',
      siteId: 'load-site-1',
      secret: 'pw-load-gw-1@load-site-1',
    });
    const devices = gws.flatMap((g) => g.scenario.participants.flatMap((p) => p.devices.map((d) => d.id)));
    expect(new Set(devices).size).toBe(devices.length);
    expect(gws.flatMap((g) => g.scenario.participants).every((p) => p.events.length === 1)).toBe(true);
    expect(buildLoadGateways(opts)).toEqual(gws);
    const withCreds = buildLoadGateways(
      loadOptionsSchema.parse({
        ...base,
        gateways: 2,
        credentials: [
          { gatewayId: 'gw-a', siteId: 'site-a', secret: 'sa', secretHash: 'ignored' },
          { gatewayId: 'gw-b', siteId: 'site-b', secret: 'sb' },
        ],
      }),
    );
    expect(withCreds.map((g) => [g.gatewayId, g.siteId, g.secret, g.scenario.site])).toEqual([
      ['gw-a', 'site-a', 'sa', 'site-a'],
      ['gw-b', 'site-b', 'sb', 'site-b'],
    ]);
  });

  it('runs every gateway for the duration and stops by itself', async () => {
    const { mod, received, configs } = countingGateways();
    const progress: number[] = [];
    const report = await runLoad(
      { ...base, durationS: 20, speedup: 40, tickMs: 20, connectRatePerSec: 1000 },
      {
        gateway: mod,
        logger: pino({ level: 'silent' }),
        onProgress: (p) => progress.push(p.notifications),
        progressEveryMs: 100,
      },
    );
    expect(configs).toHaveLength(4);
    expect(report.gateways).toBe(4);
    expect(report.participants).toBe(10);
    // 10 straps at 1 Hz for 20 s, plus a battery level per device and minute.
    const hr = received.filter((n) => n.characteristic === '0x2A37').length;
    expect(hr).toBeGreaterThanOrEqual(10 * 19);
    expect(hr).toBeLessThanOrEqual(10 * 20);
    expect(report.notifications).toBe(received.length);
    expect(report.samplesPublished).toBe(received.length);
    // "By itself": its fallback deadline (duration + ramp-up + 60 s) lies beyond the test's timeout.
    expect(progress.length).toBeGreaterThan(0);
  });

  it('stops early when aborted', async () => {
    const { mod } = countingGateways();
    const ac = new AbortController();
    // Abort once every gateway has started and the classes are playing.
    const report = await runLoad(
      { ...base, durationS: 600, connectRatePerSec: 1000 },
      {
        gateway: mod,
        logger: pino({ level: 'silent' }),
        signal: ac.signal,
        onProgress: (p) => {
          if (p.started === 4 && p.notifications > 0) ac.abort();
        },
        progressEveryMs: 20,
      },
    );
    expect(report.gateways).toBe(4);
    // Stopped early: far less than the 600 s class was played (10 straps at 1 Hz would be 6,000 readings).
    expect(report.notifications).toBeGreaterThan(0);
    expect(report.notifications).toBeLessThan(10 * 60);
  });
});
