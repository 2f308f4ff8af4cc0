import { afterEach, describe, expect, it } from 'vitest';
import {
  codes,
  createInfluxWriter,
  loadInfluxConfig,
  type TelemetryWriter,
} from '../../src/telemetry/index.js';
import { captureLogger, type FakeReply, fakeInflux, ping1x, waitFor } from './helpers.js';

/**
 * The InfluxDB writer against a real HTTP server that plays InfluxDB: what a real server cannot be
 * made to do on demand (503 for a while, 400, another version). The real-server tests are in
 * influx.test.ts and outage.test.ts.
 */

const ctx = { site: 'north', session: 's1', participant: 'p1', gateway: 'gw1' };
const T = 1_767_225_600_000;

let server: Awaited<ReturnType<typeof fakeInflux>> | undefined;
let writer: TelemetryWriter | undefined;
afterEach(async () => {
  await writer?.close();
  await server?.close();
  writer = undefined;
  server = undefined;
});

function env(url: string, extra: Record<string, string> = {}) {
  return loadInfluxConfig({
    INFLUX_URL: url,
    INFLUX_FLUSH_INTERVAL_MS: '50',
    INFLUX_MIN_RETRY_DELAY_MS: '100',
    INFLUX_MAX_RETRY_DELAY_MS: '1600',
    INFLUX_TIMEOUT_MS: '2000',
    ...extra,
  });
}

describe('write API selection', () => {
  it('auto on a 2.x server: v2 endpoint with org, bucket, ms precision and the token', async () => {
    server = await fakeInflux((r) =>
      r.url === '/ping' ? { status: 204, headers: { 'X-Influxdb-Version': 'v2.7.10' } } : { status: 204 },
    );
    writer = createInfluxWriter(
      env(server.url, { INFLUX_TOKEN: 'tok', INFLUX_ORG: 'clinic', INFLUX_BUCKET: 'zw' }),
      {
        logger: captureLogger().logger,
      },
    );
    writer.writeSample(ctx, { kind: 'hr', device: 'd', t: T, bpm: 70 });
    await writer.flush();
    const [w] = server.writes();
    expect(w?.url).toBe('/api/v2/write?org=clinic&bucket=zw&precision=ms');
    expect(w?.headers.authorization).toBe('Token tok');
    // the hr point and, on flush, the device-health point
    expect(writer.stats()).toMatchObject({
      api: 'v2',
      serverVersion: 'v2.7.10',
      linesWritten: 2,
      bufferLines: 0,
    });
  });

  it('auto on a 1.x server: v1 /write with the database', async () => {
    server = await fakeInflux((r) => (r.url === '/ping' ? ping1x : { status: 204 }));
    writer = createInfluxWriter(env(server.url, { INFLUX_DATABASE: 'clinic' }), {
      logger: captureLogger().logger,
    });
    writer.writeSample(ctx, { kind: 'hr', device: 'd', t: T, bpm: 70 });
    await writer.flush();
    expect(server.writes()[0]?.url).toBe('/write?db=clinic&precision=ms');
    expect(writer.stats()).toMatchObject({ api: 'v1', serverVersion: '1.6.7~rc0' });
    expect(writer.stats().lastWriteLatencyMs).toBeGreaterThan(0);
  });

  it('INFLUX_API=v1 does not ping', async () => {
    server = await fakeInflux(() => ({ status: 204 }));
    writer = createInfluxWriter(env(server.url, { INFLUX_API: 'v1' }), { logger: captureLogger().logger });
    writer.writeSample(ctx, { kind: 'hr', device: 'd', t: T, bpm: 70 });
    await writer.flush();
    expect(server.requests.map((r) => r.url)).toEqual(['/write?db=zonewatch&precision=ms']);
  });

  it('auto with the server down at start-up: detection is retried with the write', async () => {
    let up = false;
    server = await fakeInflux((r) => (!up ? { status: 503 } : r.url === '/ping' ? ping1x : { status: 204 }));
    writer = createInfluxWriter(env(server.url), { logger: captureLogger().logger });
    writer.writeSample(ctx, { kind: 'hr', device: 'd', t: T, bpm: 70 });
    expect(await waitFor(() => writer?.stats().writeFailures === 1, 2000)).toBe(true);
    expect(writer.stats().api).toBeNull();
    up = true;
    expect(await waitFor(() => writer?.stats().linesWritten === 1, 3000)).toBe(true);
    expect(writer.stats().api).toBe('v1');
  });
});

describe('retries with back-off', () => {
  it('retries a failed batch after growing delays, then writes it', async () => {
    const failures = 4;
    server = await fakeInflux((_r, n) => (n <= failures ? { status: 503 } : { status: 204 }));
    const log = captureLogger();
    writer = createInfluxWriter(env(server.url, { INFLUX_API: 'v1' }), { logger: log.logger });
    writer.writeSample(ctx, { kind: 'hr', device: 'd', t: T, bpm: 70 });
    expect(await waitFor(() => writer?.stats().linesWritten === 1, 8000)).toBe(true);
    const at = server.writes().map((r) => r.at);
    expect(at).toHaveLength(failures + 1);
    // randomised exponential back-off: the k-th retry waits at least 100·2^(k-1) ms. Only the lower bound
    // is checked (timers never fire early); a loaded machine fires them late, so an upper bound per gap
    // would measure the machine — the whole series is bounded by the wait above.
    const gaps = at.slice(1).map((t, i) => t - (at[i] ?? 0));
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(100 * 2 ** i - 15);
    });
    expect(writer.stats()).toMatchObject({
      writeFailures: failures,
      retries: failures,
      maxFailedAttempt: failures,
      droppedLines: 0,
      lastError: 'HTTP 503',
    });
    expect(log.find('InfluxDB write failed: buffering and retrying with back-off')).toHaveLength(1);
    expect(log.find('InfluxDB writes recovered')).toMatchObject([{ failedAttempts: failures }]);
  });

  it('drops a batch after INFLUX_MAX_RETRIES, counted and logged', async () => {
    server = await fakeInflux(() => ({ status: 503 }));
    const log = captureLogger();
    writer = createInfluxWriter(env(server.url, { INFLUX_API: 'v1', INFLUX_MAX_RETRIES: '1' }), {
      logger: log.logger,
    });
    writer.writeSample(ctx, { kind: 'hr', device: 'd', t: T, bpm: 70 });
    expect(await waitFor(() => writer?.stats().droppedLines === 1, 3000)).toBe(true);
    expect(writer.stats().dropped).toMatchObject({ expired: 1 });
    expect(log.find('InfluxDB lines dropped')).toMatchObject([{ dropReason: 'expired', droppedLines: 1 }]);
  });
});

describe('refused data', () => {
  it('a 400 drops the batch, counted and logged without the server message (it quotes values)', async () => {
    const reply: FakeReply = {
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: "partial write: unable to parse 'hr bpm=187': invalid" }),
    };
    server = await fakeInflux(() => reply);
    const log = captureLogger();
    writer = createInfluxWriter(env(server.url, { INFLUX_API: 'v1' }), { logger: log.logger });
    writer.writeSample(ctx, { kind: 'hr', device: 'd', t: T, bpm: 187 });
    await expect(writer.flush()).rejects.toThrow(codes.ZW_ERR_INFLUX_WRITE);
    // the hr point and the device-health point flushed with it
    expect(writer.stats().dropped.rejected).toBe(2);
    expect(log.find('InfluxDB lines dropped')).toMatchObject([
      { dropReason: 'rejected', cause: 'HTTP 400', droppedLines: 2 },
    ]);
    expect(log.text()).not.toMatch(/187|unable to parse|bpm=/);
  });
});

describe('close', () => {
  it('with the server gone: returns within the close timeout, counts and logs what is left', async () => {
    server = await fakeInflux(() => ({ status: 503 }));
    const log = captureLogger();
    writer = createInfluxWriter(env(server.url, { INFLUX_API: 'v1', INFLUX_FLUSH_INTERVAL_MS: '60000' }), {
      logger: log.logger,
      closeTimeoutMs: 500,
    });
    for (let i = 0; i < 3; i++) writer.writeSample(ctx, { kind: 'hr', device: 'd', t: T + i, bpm: 70 });
    // The server never recovers: close resolves only because it gives up after closeTimeoutMs (else the
    // test times out), dropping what is left as 'closed'.
    await writer.close();
    // 3 hr points + the device-health point written at close
    expect(writer.stats()).toMatchObject({
      linesAccepted: 4,
      linesWritten: 0,
      bufferLines: 0,
      droppedLines: 4,
    });
    expect(writer.stats().dropped.closed).toBe(4);
    expect(log.find('InfluxDB lines dropped')).toMatchObject([{ dropReason: 'closed', droppedLines: 4 }]);
    writer = undefined;
  });
});
