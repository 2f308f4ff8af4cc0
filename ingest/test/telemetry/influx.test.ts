import { InfluxDB } from '@influxdata/influxdb-client';
import type { Alert, ZoneState } from '@zonewatch/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codes,
  createInfluxWriter,
  loadInfluxConfig,
  type MeasurementSchema,
  queryInfluxQL,
  queryInfluxQLSeries,
  TELEMETRY_SCHEMA,
  type TelemetryWriter,
  V1WriteTransport,
  writerMetricFields,
} from '../../src/telemetry/index.js';
import { captureLogger } from './helpers.js';
import { type InfluxServer, startInflux } from './influx-server.js';

/**
 * Against Debian's real influxd (1.6.7): a simulated class written through the writer is queryable
 * with InfluxQL, with the tags, fields, types and ms timestamps SCHEMA.md documents.
 */

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0, 123); // a ms part that would be lost at s precision
const SECONDS = 120;
const PARTICIPANTS = ['p1', 'p2', 'p3', 'p4', 'p5'];
const site = 'north';
const session = 's1';
const END = T0 + SECONDS * 1000;

const bpmOf = (i: number, k: number) => 90 + 10 * i + (k % 7);
const zoneOf = (bpm: number): ZoneState =>
  bpm < 100 ? 'below' : bpm < 120 ? 'in' : bpm < 130 ? 'above' : 'overCeiling';

let influx: InfluxServer;
let writer: TelemetryWriter;
const log = captureLogger();

const alert: Alert = {
  id: 'a1',
  sessionId: session,
  participantId: 'p5',
  alias: 'Eve',
  rule: 'HR_OVER_CEILING',
  severity: 'critical',
  state: 'open',
  conditionCleared: false,
  raisedAt: T0 + 30_000,
  acknowledgedAt: null,
  acknowledgedBy: null,
  closedAt: null,
  escalationLevel: 0,
};

beforeAll(async () => {
  influx = await startInflux();
  writer = createInfluxWriter(loadInfluxConfig({ ...influx.env, INFLUX_FLUSH_INTERVAL_MS: '100' }), {
    logger: log.logger,
    clock: { now: () => END },
  });
  PARTICIPANTS.forEach((participant, i) => {
    const ctx = { site, session, participant, gateway: 'gw1' };
    for (let k = 0; k < SECONDS; k++) {
      const t = T0 + k * 1000;
      const bpm = bpmOf(i, k);
      writer.writeSample(
        ctx,
        { kind: 'hr', device: `strap-${i}`, t, bpm, contact: k % 17 !== 5 },
        { usable: k % 13 !== 0, zone: zoneOf(bpm) },
      );
      if (k % 2 === 0) {
        writer.writeSample(ctx, {
          kind: 'spo2',
          device: `ox-${i}`,
          t,
          spo2: 95 + (k % 4),
          pulseRate: bpm /* k even: 95 or 97 */,
        });
      }
      if (k % 5 === 0) {
        writer.writeSample(ctx, { kind: 'steps', device: `ped-${i}`, t, steps: k * 2, cadence: 120 });
      }
      if (k % 30 === 0)
        writer.writeSample(ctx, { kind: 'battery', device: `strap-${i}`, t, percent: 90 - k / 30 });
    }
  });
  writer.writeAlertEvent({ site, sessionId: session, at: T0 + 30_000, event: 'raised', alert });
  writer.writeAlertEvent({
    site,
    sessionId: session,
    at: T0 + 45_250,
    event: 'acknowledged',
    alert: { ...alert, state: 'acknowledged', acknowledgedAt: T0 + 45_250, acknowledgedBy: 'coach' },
  });
  writer.writeAlertEvent({
    site,
    sessionId: session,
    at: T0 + 50_000,
    event: 'escalated',
    alert: { ...alert, rule: 'SPO2_LOW', severity: 'warning', unconfirmed: true },
  });
  writer.writeMetrics('session', { site, session }, { participants: 5, completeness: 80 });
  writer.writeMetrics(
    'broker',
    { node: 'b1' },
    {
      clients: 3,
      messages_in: 400,
      messages_out: 380,
      auth_rejected: 1,
      publish_rejected: 2,
      subscribe_rejected: 0,
    },
  );
  writer.writeMetrics('gateway', { site, gateway: 'gw1' }, { online: 1, outbox_depth: 0, outbox_dropped: 0 });
  writer.writeMetrics('site_lease', { site, node: 'n1' }, { held: 1, token: 2 });
  writer.writeMetrics('site_gap', { site }, { interrupted: 0, gap_ms: 5400 });
  await writer.flush();
  writer.writeMetrics(
    'ingest',
    { node: 'n1' },
    {
      batches: 120,
      samples: 1000,
      invalid: 0,
      duplicates: 2,
      unbound: 1,
      future_samples: 0,
      clock_fault_gateways: 0,
      unbound_devices: 1,
      unbound_evicted: 0,
      alerts_open: 1,
      sites_held: 1,
      ...writerMetricFields(writer.stats()),
    },
  );
  await writer.flush();
});

afterAll(async () => {
  await writer?.close();
  await influx?.close();
});

describe('a simulated class written to InfluxDB 1.6.7', () => {
  it('detected the 1.x server and wrote every line', () => {
    expect(writer.stats()).toMatchObject({
      backend: 'influx',
      enabled: true,
      api: 'v1',
      serverVersion: '1.6.7~rc0',
      bufferLines: 0,
      droppedLines: 0,
      writeFailures: 0,
    });
    expect(writer.stats().linesWritten).toBe(writer.stats().linesAccepted);
  });

  it('SELECT mean(bpm) FROM hr WHERE participant=… gives each participant’s exact count and mean', async () => {
    for (const [i, p] of PARTICIPANTS.entries()) {
      const [row] = await influx.query(
        `SELECT count("bpm"), mean("bpm") FROM "hr" WHERE "participant" = '${p}'`,
      );
      const values = Array.from({ length: SECONDS }, (_, k) => bpmOf(i, k));
      expect(row?.count).toBe(SECONDS);
      expect(row?.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / SECONDS, 9);
    }
    const byParticipant = await influx.query(`SELECT count("bpm") FROM "hr" GROUP BY "participant"`);
    expect(byParticipant.map((r) => [r.participant, r.count])).toEqual(PARTICIPANTS.map((p) => [p, SECONDS]));
  });

  it('hr points carry the documented tags, typed fields and ms timestamps', async () => {
    const rows = await influx.query(`SELECT * FROM "hr" WHERE "participant" = 'p2' ORDER BY time LIMIT 14`);
    expect(rows[0]).toEqual({
      time: T0,
      site,
      session,
      participant: 'p2',
      device_kind: 'hr-strap',
      bpm: bpmOf(1, 0),
      usable: false,
      zone: 1,
      contact: true,
    });
    expect(rows.map((r) => r.time)).toEqual(Array.from({ length: 14 }, (_, k) => T0 + k * 1000));
    expect(rows[5]).toMatchObject({ contact: false, usable: true });
    const inZone = await influx.query(`SELECT count("bpm") FROM "hr" WHERE "zone" = 3`);
    const expected = PARTICIPANTS.flatMap((_, i) =>
      Array.from({ length: SECONDS }, (_, k) => bpmOf(i, k)),
    ).filter((b) => b >= 130).length;
    expect(inZone[0]?.count).toBe(expected);
  });

  it('every measurement has exactly the tag keys and field types of TELEMETRY_SCHEMA', async () => {
    for (const [m, s] of Object.entries(TELEMETRY_SCHEMA) as Array<[string, MeasurementSchema]>) {
      const tagKeys = (await influx.query(`SHOW TAG KEYS FROM "${m}"`)).map((r) => r.tagKey);
      expect(tagKeys, m).toEqual([...s.tags].sort());
      const fields = await influx.query(`SHOW FIELD KEYS FROM "${m}"`);
      expect(Object.fromEntries(fields.map((r) => [r.fieldKey, r.fieldType])), m).toEqual({ ...s.fields });
    }
  });

  it('spo2, steps and device health', async () => {
    const [spo2] = await influx.query(`SELECT count("spo2"), max("spo2"), min("pulse_rate") FROM "spo2"`);
    expect(spo2).toMatchObject({ count: (PARTICIPANTS.length * SECONDS) / 2, max: 97, min: 90 });
    const [steps] = await influx.query(`SELECT last("steps") FROM "steps" WHERE "participant" = 'p1'`);
    expect(steps).toMatchObject({ last: (SECONDS - 5) * 2, time: T0 + (SECONDS - 5) * 1000 });
    const devices = await influx.query(`SELECT * FROM "device" WHERE "device" = 'strap-0'`);
    expect(devices).toEqual([
      {
        time: END,
        site,
        gateway: 'gw1',
        device: 'strap-0',
        device_kind: 'hr-strap',
        battery: 87,
        contact_lost: 1,
        samples: SECONDS + 4,
      },
    ]);
  });

  it('alert events: counts by event, time to acknowledge, unconfirmed, never the alias', async () => {
    const byEvent = await influx.query(`SELECT sum("count") FROM "alert" GROUP BY "event"`);
    expect(Object.fromEntries(byEvent.map((r) => [r.event, r.sum]))).toEqual({
      raised: 1,
      acknowledged: 1,
      escalated: 1,
    });
    const [ack] = await influx.query(
      `SELECT "time_to_ack_s", "participant", "rule" FROM "alert" WHERE "event" = 'acknowledged'`,
    );
    expect(ack).toEqual({
      time: T0 + 45_250,
      time_to_ack_s: 15.25,
      participant: 'p5',
      rule: 'HR_OVER_CEILING',
    });
    const [esc] = await influx.query(
      `SELECT "unconfirmed", "severity" FROM "alert" WHERE "event" = 'escalated'`,
    );
    expect(esc).toMatchObject({ unconfirmed: true, severity: 'warning' });
    const tagValues = await influx.query(`SHOW TAG VALUES FROM "alert" WITH KEY = "participant"`);
    expect(tagValues.map((r) => r.value)).toEqual(['p5']);
  });

  it('service metrics: session, broker, gateway and ingest (with the writer’s own stats)', async () => {
    expect(await influx.query(`SELECT "participants", "completeness" FROM "session"`)).toEqual([
      { time: END, participants: 5, completeness: 80 },
    ]);
    const [ing] = await influx.query(`SELECT * FROM "ingest"`);
    expect(ing).toMatchObject({
      node: 'n1',
      batches: 120,
      dropped_lines: 0,
      write_failures: 0,
      buffer_lines: 0,
    });
    expect(ing?.write_latency_ms).toBeGreaterThan(0);
    const [gw] = await influx.query(`SELECT "online" FROM "gateway" WHERE "gateway" = 'gw1'`);
    expect(gw?.online).toBe(1);
  });

  it('queryInfluxQLSeries keeps series structure; a bad query is a typed error', async () => {
    const series = await queryInfluxQLSeries(
      { url: influx.url, database: 'zonewatch' },
      `SELECT count("bpm") FROM "hr" GROUP BY "participant" LIMIT 1`,
    );
    expect(series[0]).toMatchObject({ name: 'hr', tags: { participant: 'p1' }, columns: ['time', 'count'] });
    await expect(queryInfluxQL({ url: influx.url, database: 'zonewatch' }, 'SELECT FROM')).rejects.toThrow(
      codes.ZW_ERR_INFLUX_QUERY,
    );
  });

  it('logs carry no sample values', () => {
    expect(log.text()).not.toMatch(/bpm=|"bpm"|spo2=|pulse_rate/);
  });
});

describe('v1 transport precision on the real server', () => {
  const db = 'precision';
  const at = (q: string) => influx.query(q, db).then((rows) => rows.map((r) => [r.case, r.time]));

  beforeAll(async () => {
    await influx.query(`CREATE DATABASE "${db}"`);
  });

  it.each([
    ['ms', String(T0)],
    ['s', String(Math.floor(T0 / 1000))],
    ['us', `${T0}000`],
    ['ns', `${T0}000000`],
  ] as const)('a point written at %s precision lands at the right time', async (precision, stamp) => {
    const inner = new InfluxDB({ url: influx.url }).transport;
    const transport = new V1WriteTransport(inner, { database: db });
    const api = new InfluxDB({ url: influx.url, transport }).getWriteApi('', db, precision, {
      flushInterval: 0,
    });
    api.writeRecord(`precision_check,case=${precision} v=1 ${stamp}`);
    await api.close();
    const expected = precision === 's' ? Math.floor(T0 / 1000) * 1000 : T0;
    expect(await at(`SELECT v, "case" FROM precision_check WHERE "case" = '${precision}'`)).toEqual([
      [precision, expected],
    ]);
  });

  it('regression: 1.6.7 accepts precision=us with 204 and reads the stamp as ns — hence us → u', async () => {
    const res = await fetch(`${influx.url}/write?db=${db}&precision=us`, {
      method: 'POST',
      body: `precision_check,case=raw-us v=1 ${T0}000`,
    });
    expect(res.status).toBe(204);
    const [[, time] = []] = await at(`SELECT v, "case" FROM precision_check WHERE "case" = 'raw-us'`);
    expect(time).toBe(Math.floor(T0 / 1000)); // µs read as ns: 1000 × too early
  });
});
