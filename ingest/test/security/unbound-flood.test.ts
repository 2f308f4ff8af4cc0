import { type TelemetryBatch, telemetryTopic } from '@zonewatch/protocol';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNBOUND_PER_GATEWAY, UNBOUND_PER_SITE } from '../../src/live/unbound.js';
import type { Platform } from '../../src/platform.js';
import { type Console, connectConsole, connectSeededGateway, loginAs } from '../integration/stack.js';
import { type DemoPlatform, startDemoPlatform } from './web-stack.js';

const DISTINCT = 50_000;
const PER_BATCH = 1_000;

/**
 * Issue 13, hole 6: one gateway sending 600,000 distinct device ids in 3.7 s raised ingest's memory by
 * 174 MiB, `GET …/unbound-devices?withinS=600` answered 94 MB, and live frames slowed from 1.0 s to 2.5 s
 * apart. Real embedded aedes + ingest, a real MQTT gateway client with the seeded gateway's credentials
 * sending 50,000 distinct ids as fast as the broker takes them, a real console receiving frames.
 */
describe('hole 6: unbounded unbound-device list', () => {
  let stack: DemoPlatform;
  let platform: Platform;
  let gateway: MqttClient;
  let wall: Console;
  let sessionId: string;
  let token: string;

  beforeAll(async () => {
    stack = await startDemoPlatform('unbound');
    platform = stack.platform;
    sessionId = platform.demo!.seed.sessionId;
    token = await loginAs(platform, 'instructor');
    wall = await connectConsole(platform.url, token);
    expect(await wall.join(sessionId)).toEqual({ ok: true, live: true });
    gateway = await connectSeededGateway(platform, 'test-gw-1');
  }, 180_000);

  afterAll(async () => {
    gateway?.end(true);
    wall?.close();
    await stack?.close();
  });

  it(`${DISTINCT} distinct ids: the list stays under its caps, evictions are counted, the answer is bounded, frames keep coming`, {
    timeout: 120_000,
  }, async () => {
    const framesBefore = wall.frames.length;
    const topic = telemetryTopic('test-site', 'test-gw-1');
    const sends: Promise<unknown>[] = [];
    for (let b = 0; b < DISTINCT / PER_BATCH; b++) {
      const now = Date.now();
      const samples = Array.from({ length: PER_BATCH }, (_, i) => ({
        kind: 'hr' as const,
        device: `FLOOD-${b}-${i}`,
        t: now,
        bpm: 80,
      }));
      const batch: TelemetryBatch = { v: 1, gatewayId: 'test-gw-1', seq: b + 1, sentAt: now, samples };
      sends.push(gateway.publishAsync(topic, JSON.stringify(batch), { qos: 1 }));
    }
    await Promise.all(sends);
    await expect.poll(() => platform.consumer.stats().samples, { timeout: 60_000 }).toBe(DISTINCT);

    // The structure: one gateway may hold at most its cap, the site at most its own; the rest was evicted.
    const tracked = platform.live.unboundDevices('test-site', 600_000, 1_000_000).devices;
    expect(tracked.length).toBeLessThanOrEqual(Math.min(UNBOUND_PER_GATEWAY, UNBOUND_PER_SITE));
    const stats = platform.live.stats();
    expect(stats.unboundTracked).toBe(tracked.length);
    expect(stats.unboundEvicted).toBe(DISTINCT - tracked.length);
    // The newest ids are the ones kept (a strap tapped now must still be proposed).
    expect(tracked[0]?.deviceId).toMatch(/^FLOOD-49-/);

    // The answer: bounded by its limit, with the count of what was left out.
    const res = await fetch(new URL(`/api/sessions/${sessionId}/unbound-devices?withinS=600`, platform.url), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeLessThan(64 * 1024);
    const body = JSON.parse(text) as { items: unknown[]; omitted: number };
    expect(body.items.length + body.omitted).toBe(tracked.length);
    expect(body.items.length).toBeLessThanOrEqual(100);

    // Frames kept coming while the flood was handled (1 s apart; a generous bound for a shared 2-core machine).
    await wall.waitFor(() => wall.frames[framesBefore + 2], 10_000, 'frames after the flood');
    const ats = wall.frames.slice(framesBefore).map((f) => f.at);
    const gaps = ats.slice(1).map((a, i) => a - ats[i]!);
    expect(Math.max(...gaps)).toBeLessThan(5_000);
  });
});
