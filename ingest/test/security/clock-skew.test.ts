import type { TelemetryBatch } from '@zonewatch/protocol';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Platform } from '../../src/platform.js';
import {
  type Console,
  connectConsole,
  connectSeededGateway,
  loginAs,
  publishBatch,
} from '../integration/stack.js';
import { type CapturedLog, captureLog } from './helpers.js';
import { type DemoPlatform, startDemoPlatform } from './web-stack.js';

const STRAP = 'AA:00:00:00:00:01'; // t-over's strap: ceiling 157, critical at ≥ 167 held 10 s
const DAY_MS = 86_400_000;

/**
 * Issue 13, hole 1: one HR sample stamped now + 30 days for a bound strap left the participant "in zone,
 * live" at that value, and 190 bpm afterwards raised nothing: the engine drops every sample older than the
 * latest one, and nothing checked the gateway's clock. Real embedded aedes + ingest (registry, live
 * service, Socket.IO console), a real MQTT gateway client with the seeded gateway's credentials, the real
 * clock (the alert needs 10 s of 190 bpm, sent as the gateway would: a batch every half second).
 */
describe('hole 1: one sample from the future stops monitoring a participant', () => {
  let stack: DemoPlatform;
  let platform: Platform;
  let log: CapturedLog;
  let wall: Console;
  let gateway: MqttClient;
  let sessionId: string;
  let seq = 0;

  beforeAll(async () => {
    log = captureLog('info');
    stack = await startDemoPlatform(
      'skew',
      { FRAME_INTERVAL_MS: '200', LOG_LEVEL: 'info' },
      { logger: log.logger },
    );
    platform = stack.platform;
    sessionId = platform.demo!.seed.sessionId;
    wall = await connectConsole(platform.url, await loginAs(platform, 'instructor'));
    expect(await wall.join(sessionId)).toEqual({ ok: true, live: true });
    gateway = await connectSeededGateway(platform, 'test-gw-1');
  }, 180_000);

  afterAll(async () => {
    gateway?.end(true);
    wall?.close();
    await stack?.close();
  });

  const publish = (samples: TelemetryBatch['samples']) =>
    publishBatch(gateway, 'test-site', 'test-gw-1', ++seq, samples);
  const hr = (t: number, bpm: number) => ({ kind: 'hr' as const, device: STRAP, t, bpm, contact: true });

  it('the over-ceiling alert still raises; the clock fault is counted, logged once and shown', {
    timeout: 60_000,
  }, async () => {
    await publish([hr(Date.now() + 30 * DAY_MS, 100)]);
    await publish([hr(Date.now() + 30 * DAY_MS + 1000, 100)]);

    // 190 bpm at the real clock until the engine raises (10 s held), as a gateway sends it.
    let raised: { alert: { severity: string } } | undefined;
    const critical = () =>
      wall.alerts.find(
        (a) =>
          a.alert.rule === 'HR_OVER_CEILING' && a.alert.participantId === 't-over' && a.event === 'raised',
      );
    const deadline = Date.now() + 30_000;
    while (!raised && Date.now() < deadline) {
      await publish([hr(Date.now(), 190)]);
      await new Promise((r) => setTimeout(r, 500));
      raised = critical();
    }
    expect(raised?.alert.severity).toBe('critical');

    // The tile shows the real value and a clock fault; the session shows the gateway's technical alarm.
    const frame = await wall.waitFor(
      () => wall.frames.findLast((f) => f.participants.find((p) => p.participantId === 't-over')?.hr === 190),
      5_000,
      'a frame with 190 bpm',
    );
    expect(frame.participants.find((p) => p.participantId === 't-over')).toMatchObject({
      hr: 190,
      zone: 'overCeiling',
      freshness: 'live',
      clockFault: true,
    });
    expect(frame.participants.find((p) => p.participantId === 't-calm')?.clockFault).toBe(false);
    expect(frame.technical).toEqual([
      expect.objectContaining({ kind: 'gateway-clock-ahead', gatewayId: 'test-gw-1', samples: 2 }),
    ]);
    expect(platform.live.stats()).toMatchObject({ futureSamples: 2, clockFaultGateways: 1 });

    // Logged once for the gateway, by ids only: no device id, value or timestamp of the payload.
    const lines = log.raw.filter((l) => l.includes('gateway clock ahead'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ siteId: 'test-site', gatewayId: 'test-gw-1' });
    expect(lines[0]).not.toContain(STRAP);
    expect(lines[0]).not.toMatch(/"bpm"|"t":/);
  });

  it('CLOCK_SKEW_MAX_MS is validated at start-up, naming the variable and the value', () => {
    expect(loadConfig({}).CLOCK_SKEW_MAX_MS).toBe(5000);
    expect(loadConfig({ CLOCK_SKEW_MAX_MS: '2000' }).CLOCK_SKEW_MAX_MS).toBe(2000);
    for (const bad of ['-1', '0', 'soon', '1e9', '2.5'])
      expect(() => loadConfig({ CLOCK_SKEW_MAX_MS: bad })).toThrow(`CLOCK_SKEW_MAX_MS="${bad}"`);
  });
});
