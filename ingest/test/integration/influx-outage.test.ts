import type { TruthRecord } from '@zonewatch/firmware-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/platform.js';
import { loadInfluxConfig } from '../../src/telemetry/index.js';
import { type DemoPlatform, startDemoPlatform } from '../security/web-stack.js';
import { type InfluxServer, startInflux } from '../telemetry/influx-server.js';
import { type Console, connectConsole, loginAs } from './stack.js';

/** How long InfluxDB is down (the issue asks for 30 s; ZW_TEST_INFLUX_OUTAGE_MS shortens it locally). */
const OUTAGE_MS = Number(process.env['ZW_TEST_INFLUX_OUTAGE_MS'] ?? 30_000);

/**
 * ARCHITECTURE.md, failure behaviour: "InfluxDB down: ingest keeps alerting; writes retry with back-off in a
 * bounded buffer". A real influxd is killed for 30 s while a class runs into a critical alert.
 */
describe('InfluxDB down for 30 s during a class', () => {
  let influx: InfluxServer;
  let stack: DemoPlatform;
  let platform: Platform;
  let c: Console;
  const truth: TruthRecord[] = [];

  beforeAll(async () => {
    influx = await startInflux();
    stack = await startDemoPlatform(
      'influx-outage',
      { DEMO: undefined },
      {
        influx: loadInfluxConfig({
          ...influx.env,
          INFLUX_API: 'v1',
          INFLUX_FLUSH_INTERVAL_MS: '250',
          INFLUX_MIN_RETRY_DELAY_MS: '200',
          INFLUX_MAX_RETRY_DELAY_MS: '2000',
        }),
        onTruth: (t) => truth.push(t),
      },
    );
    platform = stack.platform;
    c = await connectConsole(platform.url, await loginAs(platform, 'instructor'));
    expect(await c.join(platform.demo!.seed.sessionId)).toMatchObject({ ok: true });
  }, 120_000);

  afterAll(async () => {
    c?.close();
    await stack?.close();
    await influx?.close();
  });

  it('misses no alert, and every point written during the outage is stored once it returns', {
    timeout: 180_000,
  }, async () => {
    await c.waitFor(
      () => c.frames.find((f) => f.participants.some((p) => p.hr !== null)),
      20_000,
      'first values',
    );
    const downAt = Date.now();
    await influx.stop();
    const critical = await c.waitFor(
      () =>
        c.alerts.find(
          (a) => a.alert.severity === 'critical' && (a.event === 'raised' || a.event === 'upgraded'),
        ),
      60_000,
      'the critical alert while InfluxDB is down',
    );
    expect(critical.at).toBeGreaterThan(downAt);
    const remaining = OUTAGE_MS - (Date.now() - downAt);
    if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
    const upAt = Date.now();
    expect(platform.writer.stats().writeFailures + platform.writer.stats().retries).toBeGreaterThan(0);
    const acceptedWhileDown = platform.writer.stats().linesAccepted;
    await influx.restart();
    // Wait until every line accepted during the outage is written, then compare measured with stored.
    await c.waitFor(
      () => (platform.writer.stats().linesWritten >= acceptedWhileDown ? true : undefined),
      60_000,
      'the lines buffered during the outage to be written',
    );
    await platform.writer.flush();
    const strap = 'AA:00:00:00:00:01';
    const measured = truth.filter(
      (t) =>
        t.deviceId === strap &&
        t.reading.characteristic === '0x2A37' &&
        t.receivedAt >= downAt &&
        t.receivedAt < upAt,
    ).length;
    expect(measured).toBeGreaterThan(OUTAGE_MS / 1000 / 2);
    // A sample measured just before the outage ended may still be in flight (gateway batching) when the
    // buffered lines are written: wait until InfluxDB holds as many as were measured, then compare.
    const stored = async () =>
      (
        await influx.query(
          `SELECT count(bpm) FROM hr WHERE participant = 't-over' AND time >= ${downAt}ms AND time < ${upAt}ms`,
        )
      )[0]?.['count'];
    for (const deadline = Date.now() + 60_000; (await stored()) !== measured && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await stored()).toBe(measured);
    const alerts = await influx.query(
      `SELECT count("count") FROM alert WHERE participant = 't-over' AND severity = 'critical' AND time >= ${downAt}ms`,
    );
    expect(Number(alerts[0]?.['count'] ?? 0)).toBeGreaterThan(0);
    expect(platform.writer.stats().droppedLines).toBe(0);
  });
});
