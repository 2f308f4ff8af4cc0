import type { Alert } from '@zonewatch/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createInfluxWriter, loadInfluxConfig, type TelemetryWriter } from '../../src/telemetry/index.js';
import { captureLogger, waitFor } from './helpers.js';
import { type InfluxServer, startInflux } from './influx-server.js';

/**
 * InfluxDB stopped for real (influxd killed with SIGKILL) while a class keeps writing, then restarted on
 * the same port and data dir. ISSUE 5 asks for a 30 s outage: that is the default here (the file takes
 * about 45 s); set ZW_TEST_INFLUX_OUTAGE_MS for a shorter or longer one.
 */
const OUTAGE_MS = Number(process.env.ZW_TEST_INFLUX_OUTAGE_MS ?? 30_000);
const TICK_MS = 250;
const T0 = Date.UTC(2026, 0, 15, 9, 0, 0, 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let influx: InfluxServer;
let writer: TelemetryWriter | undefined;

beforeAll(async () => {
  influx = await startInflux();
});
afterEach(async () => {
  await writer?.close();
  writer = undefined;
});
afterAll(async () => {
  await influx?.close();
});

/** A class of `n` participants: every tick each sends an HR sample, every 4th tick an SpO2 sample. */
function simulatedClass(w: TelemetryWriter, n: number) {
  let tick = 0;
  let hr = 0;
  let spo2 = 0;
  /** Writes that handed back something to wait for (a promise): a writer that made alerting wait. */
  let awaitable = 0;
  return {
    get tick() {
      return tick;
    },
    get hr() {
      return hr;
    },
    get spo2() {
      return spo2;
    },
    get awaitable() {
      return awaitable;
    },
    /** Writes one tick every TICK_MS of wall time for `ms`; sample times are T0 + tick·TICK_MS. */
    async runFor(ms: number) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const t = T0 + tick * TICK_MS;
        for (let i = 0; i < n; i++) {
          const ctx = { site: 'north', session: 's1', participant: `p${i}`, gateway: 'gw1' };
          const wrote: unknown = w.writeSample(
            ctx,
            { kind: 'hr', device: `strap-${i}`, t, bpm: 100 + ((tick + i) % 40) },
            { usable: true },
          );
          if (wrote !== undefined) awaitable++;
          hr++;
          if (tick % 4 === 0) {
            const wroteSpo2: unknown = w.writeSample(ctx, { kind: 'spo2', device: `ox-${i}`, t, spo2: 96 });
            if (wroteSpo2 !== undefined) awaitable++;
            spo2++;
          }
        }
        tick++;
        await sleep(TICK_MS);
      }
    },
  };
}

const alert: Alert = {
  id: 'a1',
  sessionId: 's1',
  participantId: 'p3',
  alias: 'Dee',
  rule: 'HR_OVER_CEILING',
  severity: 'critical',
  state: 'open',
  conditionCleared: false,
  raisedAt: T0 + 10_000,
  acknowledgedAt: null,
  acknowledgedBy: null,
  closedAt: null,
  escalationLevel: 0,
};

describe('InfluxDB outage', () => {
  it(
    `keeps every point written during a ${OUTAGE_MS / 1000} s outage and writes it once the server is back`,
    async () => {
      const log = captureLogger('debug');
      writer = createInfluxWriter(
        loadInfluxConfig({
          ...influx.env,
          INFLUX_FLUSH_INTERVAL_MS: '250',
          INFLUX_MIN_RETRY_DELAY_MS: '250',
          INFLUX_MAX_RETRY_DELAY_MS: '2000',
          INFLUX_TIMEOUT_MS: '2000',
        }),
        { logger: log.logger },
      );
      const cls = simulatedClass(writer, 8);

      await cls.runFor(2000);
      await influx.stop({ signal: 'SIGKILL' });
      const outage = { fromTick: cls.tick, hr: cls.hr, spo2: cls.spo2 };
      // An alert raised and acknowledged while InfluxDB is down is stored like any point.
      writer.writeAlertEvent({ site: 'north', sessionId: 's1', at: T0 + 10_000, event: 'raised', alert });
      await cls.runFor(OUTAGE_MS / 2);
      writer.writeAlertEvent({
        site: 'north',
        sessionId: 's1',
        at: T0 + 20_000,
        event: 'acknowledged',
        alert: { ...alert, state: 'acknowledged', acknowledgedAt: T0 + 20_000 },
      });
      await cls.runFor(OUTAGE_MS / 2);
      const during = writer.stats();
      expect(during.writeFailures).toBeGreaterThan(0);
      expect(during.bufferLines).toBeGreaterThan(0);
      expect(during.linesWritten).toBeLessThan(during.linesAccepted);

      await influx.restart();
      const outageHr = cls.hr - outage.hr;
      const outageSpo2 = cls.spo2 - outage.spo2;
      const outageEndTick = cls.tick;
      await cls.runFor(2000);

      expect(await waitFor(() => writer?.stats().bufferLines === 0, 20_000)).toBe(true);
      const s = writer.stats();
      expect(s).toMatchObject({ droppedLines: 0, bufferLines: 0 });
      expect(s.linesWritten).toBe(s.linesAccepted);
      // back-off: failed batches were put back and retried, the same batch several times
      expect(s.retries).toBeGreaterThan(0);
      expect(s.maxFailedAttempt).toBeGreaterThanOrEqual(3);
      // Writes never make the caller wait (alerting goes on): each returns at once, with nothing to await,
      // and was accepted into the buffer while the server was down.
      expect(cls.awaitable).toBe(0);

      const window = `time >= ${T0 + outage.fromTick * TICK_MS}ms AND time < ${T0 + outageEndTick * TICK_MS}ms`;
      const [hrOut] = await influx.query(`SELECT count("bpm") FROM "hr" WHERE ${window}`);
      const [spo2Out] = await influx.query(`SELECT count("spo2") FROM "spo2" WHERE ${window}`);
      expect(hrOut?.count).toBe(outageHr);
      expect(spo2Out?.count).toBe(outageSpo2);
      const [hrAll] = await influx.query(`SELECT count("bpm") FROM "hr"`);
      expect(hrAll?.count).toBe(cls.hr);
      const alerts = await influx.query(`SELECT "count", "time_to_ack_s", "event" FROM "alert"`);
      expect(alerts.map((r) => [r.event, r.time_to_ack_s])).toEqual([
        ['raised', null],
        ['acknowledged', 10],
      ]);

      expect(log.find('InfluxDB write failed: buffering and retrying with back-off')).toHaveLength(1);
      expect(log.find('InfluxDB writes recovered')).toHaveLength(1);
      expect(log.find('InfluxDB lines dropped')).toHaveLength(0);
      expect(log.text()).not.toMatch(/bpm=|"bpm"|spo2=/);
    },
    OUTAGE_MS + 60_000,
  );

  it('with a tiny buffer, overflow is counted and logged, the oldest lines go first, the rest is stored', async () => {
    const db = 'overflow';
    await influx.query(`CREATE DATABASE "${db}"`);
    const log = captureLogger('info');
    writer = createInfluxWriter(
      loadInfluxConfig({
        ...influx.env,
        INFLUX_DATABASE: db,
        INFLUX_MAX_BUFFER_LINES: '40',
        INFLUX_BATCH_SIZE: '10',
        INFLUX_FLUSH_INTERVAL_MS: '100',
        INFLUX_MIN_RETRY_DELAY_MS: '100',
        INFLUX_MAX_RETRY_DELAY_MS: '400',
        INFLUX_DEVICE_INTERVAL_MS: '3600000',
      }),
      { logger: log.logger },
    );
    // Detect the API while the server is up; then take it down.
    writer.writeMetrics('ingest', { node: 'n1' }, { samples: 0 }, T0 - 1000);
    expect(await waitFor(() => writer?.stats().linesWritten === 1, 5000)).toBe(true);
    await influx.stop({ signal: 'SIGKILL' });

    const total = 200;
    for (let i = 0; i < total; i++) {
      writer.writeSample(
        { site: 'north', session: 's2', participant: 'p1', gateway: 'gw1' },
        { kind: 'hr', device: 'strap', t: T0 + i * 1000, bpm: 100 },
      );
      if (i % 10 === 9) await sleep(100);
    }
    expect(await waitFor(() => (writer?.stats().dropped.overflow ?? 0) > 0, 5000)).toBe(true);

    await influx.restart();
    expect(await waitFor(() => writer?.stats().bufferLines === 0, 15_000)).toBe(true);
    const s = writer.stats();
    const [stored] = await influx.query(`SELECT count("bpm") FROM "hr"`, db);
    const storedCount = Number(stored?.count ?? 0);
    // Every line is accounted for: stored, or dropped and counted.
    expect(s.linesAccepted).toBe(total + 1);
    expect(storedCount + s.droppedLines).toBe(total);
    expect(s.dropped.overflow).toBe(s.droppedLines);
    expect(storedCount).toBeGreaterThan(0);
    // The oldest lines were dropped first; the newest survived.
    const [first] = await influx.query(`SELECT first("bpm") FROM "hr"`, db);
    const [last] = await influx.query(`SELECT last("bpm") FROM "hr"`, db);
    expect(Number(first?.time)).toBeGreaterThan(T0);
    expect(last?.time).toBe(T0 + (total - 1) * 1000);
    // …and never silently: each overflow is an error log line with the count.
    const overflowLogs = log.find('InfluxDB retry buffer full: oldest lines dropped');
    expect(overflowLogs.length).toBeGreaterThan(0);
    expect(overflowLogs.every((r) => r.level === 50 && r.maxBufferLines === 40)).toBe(true);
    expect(overflowLogs.reduce((n, r) => n + Number(r.droppedLines), 0)).toBe(s.dropped.overflow);
    expect(overflowLogs.at(-1)?.overflowTotal).toBe(s.dropped.overflow);
  });
});
