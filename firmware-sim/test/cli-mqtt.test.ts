/**
 * Integration: the CLI drives the real gateway (`@zonewatch/gateway`) into a real MQTT broker (aedes on
 * port 0), and what a subscriber receives is exactly what the simulator says it produced.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTelemetry, type Sample, type TelemetryBatch } from '@zonewatch/protocol';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, main } from '../src/cli.js';
import type { TruthRecord } from '../src/index.js';

let broker: Aedes;
let server: net.Server;
let url: string;
let sub: mqtt.MqttClient;
const batches: TelemetryBatch[] = [];

beforeAll(async () => {
  broker = await Aedes.createBroker();
  server = net.createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  sub = await mqtt.connectAsync(url, { clientId: 'test-sub', reconnectPeriod: 0 });
  await sub.subscribeAsync('zw/v1/+/+/telemetry', { qos: 1 });
  sub.on('message', (_topic, payload) => {
    const r = parseTelemetry(payload);
    if (!r.ok) throw new Error(r.reason);
    batches.push(r.value);
  });
});

afterAll(async () => {
  await sub?.endAsync();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await new Promise<void>((resolve) => broker?.close(() => resolve()));
});

function io(): CliIo & { stdout: string; stderr: string } {
  const o = {
    stdout: '',
    stderr: '',
    isTty: false,
    env: {},
    out: (s: string) => {
      o.stdout += s;
    },
    err: (s: string) => {
      o.stderr += s;
    },
  };
  return o;
}

/** Waits until `cond` holds, checking on every message the subscriber receives. */
function arrived(cond: () => boolean, what: string, timeoutMs = 90_000): Promise<void> {
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

/** What the gateway should make of one truth record (null: no sample, e.g. an oximeter sending NaN). */
function expected(t: TruthRecord): string | null {
  const r = t.reading;
  const head = `${t.deviceId}@${t.receivedAt}`;
  switch (r.characteristic) {
    case '0x2A37':
      return `${head} hr ${r.value.bpm} contact=${r.value.sensorContact === 'detected'} rr=${r.value.rrIntervals?.length ?? 0}`;
    case '0x2A5F':
      return r.value.spo2 === null ? null : `${head} spo2 ${r.value.spo2}`;
    case 'zw-steps':
      return `${head} steps ${r.value.steps}`;
    case '0x2A19':
      return `${head} battery ${r.value}`;
    default:
      return `${head} ${r.characteristic}`;
  }
}

function received(s: Sample): string {
  const head = `${s.device}@${s.t}`;
  switch (s.kind) {
    case 'hr':
      return `${head} hr ${s.bpm} contact=${s.contact} rr=${s.rrMs?.length ?? 0}`;
    case 'spo2':
      return `${head} spo2 ${s.spo2}`;
    case 'steps':
      return `${head} steps ${s.steps}`;
    case 'battery':
      return `${head} battery ${s.percent}`;
  }
}

describe('firmware-sim run → gateway → MQTT', () => {
  it('delivers exactly what the simulator produced, in seq order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fwsim-mqtt-'));
    const file = join(dir, 'short.yaml');
    await writeFile(
      file,
      `site: it-site
gateway: { id: it-gw }
durationS: 40
speedup: 40
seed: 5
plan: [{ kind: exercise, durationS: 40, workload: 0.5 }]
participants:
  - id: it-p1
    alias: One
    age: 60
    sex: female
    condition: copd
    hrRest: 70
    devices:
      - { id: 'AA:00:00:00:00:01', kind: hr-strap }
      - { id: 'AA:00:00:00:00:02', kind: oximeter }
    events:
      - { at: 10, kind: contactLoss, durationS: 5 }
      - { at: 20, kind: contactLoss, durationS: 5, oximeterValue: held }
      - { at: 25, kind: artefacts, count: 3, overS: 10 }
  - id: it-p2
    alias: Two
    age: 70
    sex: male
    condition: older-adults
    hrRest: 66
    devices:
      - { id: 'AA:00:00:00:00:03', kind: hr-strap }
      - { id: 'AA:00:00:00:00:04', kind: pedometer }
    events:
      - { at: 5, kind: dropout, durationS: 10 }
`,
    );
    const truthFile = join(dir, 'truth.jsonl');
    const c = io();
    const code = await main(
      [
        'run',
        file,
        '--mqtt-url',
        url,
        '--secret',
        'any',
        '--data-dir',
        join(dir, 'gw'),
        '--truth',
        truthFile,
        '--log-level',
        'silent',
      ],
      c,
    );
    expect(c.stderr).toBe('');
    expect(code).toBe(0);
    expect(c.stdout).toMatch(/finished: \d+ notifications/);
    const truth = (await readFile(truthFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TruthRecord);
    const wanted = truth.filter((t) => expected(t) !== null).length;
    const count = () =>
      batches.filter((b) => b.gatewayId === 'it-gw').reduce((n, b) => n + b.samples.length, 0);
    await arrived(() => count() >= wanted, `${wanted} samples at the subscriber`);
    const mine = batches.filter((b) => b.gatewayId === 'it-gw');
    const seqs = mine.map((b) => b.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const got = mine.flatMap((b) => b.samples.map(received)).sort();
    const want = truth
      .map(expected)
      .filter((x): x is string => x !== null)
      .sort();
    expect(got.length).toBeGreaterThan(100);
    expect(got).toEqual(want);
    // The held oximeter value arrives flagged as off the finger.
    const offFinger = mine.flatMap((b) => b.samples).filter((s) => s.kind === 'spo2' && s.contact === false);
    expect(offFinger.length).toBeGreaterThanOrEqual(4);
  });

  it('load mode publishes every sample through real gateways and stops by itself', async () => {
    const before = batches.length;
    const c = io();
    const code = await main(
      [
        'load',
        '--gateways',
        '3',
        '--participants',
        '9',
        '--duration',
        '20',
        '--speedup',
        '20',
        '--mqtt-url',
        url,
        '--secret-pattern',
        'pw-{gatewayId}',
        '--id-prefix',
        'it-load',
        '--json',
        '--log-level',
        'silent',
      ],
      c,
    );
    expect(c.stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(c.stdout.trim().split('\n').at(-1) as string);
    expect(report).toMatchObject({ gateways: 3, participants: 9, connectionFailures: 0, outboxDropped: 0 });
    expect(report.samplesPublished).toBe(report.samplesAccepted);
    expect(report.samplesPublished).toBeGreaterThanOrEqual(9 * 19);
    const mineNow = () => batches.slice(before).filter((b) => b.gatewayId.startsWith('it-load-gw-'));
    await arrived(
      () => mineNow().reduce((n, b) => n + b.samples.length, 0) >= report.samplesPublished,
      'every published sample at the subscriber',
    );
    const mine = mineNow();
    expect(new Set(mine.map((b) => b.gatewayId)).size).toBe(3);
    expect(mine.reduce((n, b) => n + b.samples.length, 0)).toBe(report.samplesPublished);
  });
});
