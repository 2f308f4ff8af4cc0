import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InfluxServer, startInflux } from '../../ingest/test/telemetry/influx-server.js';
import { loadSetupConfig } from '../src/influx/config.js';
import { influxQL, rows } from '../src/influx/http.js';
import { backfillInflux1, setupInflux1 } from '../src/influx/v1.js';
import { DOWNSAMPLE_TASK, setupInflux2 } from '../src/influx/v2.js';
import { type FakeInflux2, startFakeInflux2 } from './fake-influx2.js';
import { REPO } from './grafana-model.js';
import { simulateClass, writePoints } from './simulated-class.js';

/**
 * Runs the set-up CLI as operators do, with only the given environment: through
 * `provisioning/influxdb/setup.sh` (`viaScript`) or `node --import tsx` as compose does.
 */
function runCli(
  env: Record<string, string>,
  args: string[] = [],
  viaScript = false,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const [cmd, argv] = viaScript
      ? ['sh', ['provisioning/influxdb/setup.sh', ...args]]
      : [process.execPath, ['--import', 'tsx', 'provisioning/src/influx-setup.ts', ...args]];
    const child = spawn(cmd, argv, {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('InfluxDB 1.x set-up against a real influxd', () => {
  let server: InfluxServer;
  const q = (s: string, db?: string) => influxQL({ url: server.url, ...(db ? { db } : {}) }, s);

  beforeAll(async () => {
    // The starter creates a database; give it another name so the set-up starts from nothing.
    server = await startInflux({ database: 'bootstrap' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates the database with a default raw policy and a long-kept policy for 1-minute means', async () => {
    const actions = await setupInflux1(loadSetupConfig({ INFLUX_URL: server.url }));
    expect(actions.map((a) => a.reason)).toEqual([
      'database missing',
      'retention policy missing',
      'continuous query missing',
      'continuous query missing',
    ]);
    expect(rows(await q('SHOW DATABASES')).map((r) => r.name)).toContain('zonewatch');
    const rps = rows(await q('SHOW RETENTION POLICIES ON "zonewatch"'));
    expect(rps.map((r) => [r.name, r.duration, r.default])).toEqual([
      ['raw', '840h0m0s', true],
      ['one_min', '17520h0m0s', false],
    ]);
  });

  it('creates continuous queries down-sampling hr (usable readings) and spo2 to 1-minute means', async () => {
    const cqs = (await q('SHOW CONTINUOUS QUERIES')).series?.find((s) => s.name === 'zonewatch');
    const byName = Object.fromEntries((cqs?.values ?? []).map((v) => [v[0], String(v[1])]));
    expect(Object.keys(byName).sort()).toEqual(['hr_1m', 'spo2_1m']);
    expect(byName.hr_1m).toContain('RESAMPLE EVERY 1m FOR 5m');
    expect(byName.hr_1m).toContain('mean(bpm) AS bpm');
    expect(byName.hr_1m).toContain('INTO zonewatch.one_min.hr FROM zonewatch.raw.hr WHERE usable = true');
    expect(byName.hr_1m).toContain('GROUP BY time(1m), *');
    expect(byName.spo2_1m).toContain(
      'mean(spo2) AS spo2, min(spo2) AS spo2_min, mean(pulse_rate) AS pulse_rate',
    );
    expect(byName.spo2_1m).toContain('INTO zonewatch.one_min.spo2 FROM zonewatch.raw.spo2');
  });

  it('changes nothing when run again', async () => {
    expect(await setupInflux1(loadSetupConfig({ INFLUX_URL: server.url }))).toEqual([]);
  });

  it('alters a changed retention in place', async () => {
    const cfg = loadSetupConfig({ INFLUX_URL: server.url, INFLUX_RAW_RETENTION: '60d' });
    const actions = await setupInflux1(cfg);
    expect(actions.map((a) => a.statement)).toEqual([
      'ALTER RETENTION POLICY "raw" ON "zonewatch" DURATION 60d DEFAULT',
    ]);
    const raw = rows(await q('SHOW RETENTION POLICIES ON "zonewatch"')).find((r) => r.name === 'raw');
    expect(raw).toMatchObject({ duration: '1440h0m0s', default: true });
    await setupInflux1(loadSetupConfig({ INFLUX_URL: server.url }));
  });

  it('backfills 1-minute means that equal the raw means of usable readings', async () => {
    const cfg = loadSetupConfig({ INFLUX_URL: server.url });
    const sim = simulateClass();
    await writePoints(server.url, 'zonewatch', sim.points);
    await backfillInflux1(cfg, sim.start, sim.end);
    const minute = Math.floor(sim.start / 60_000) * 60_000 + 5 * 60_000;
    const where = `"participant" = 'p-a03' AND time >= ${minute}ms AND time < ${minute + 60_000}ms`;
    const [down] = rows(
      await q(`SELECT "bpm", "bpm_max", "samples" FROM "one_min"."hr" WHERE ${where}`, 'zonewatch'),
    );
    const [raw] = rows(
      await q(
        `SELECT mean("bpm"), max("bpm"), count("bpm") FROM "raw"."hr" WHERE ${where} AND "usable" = true`,
        'zonewatch',
      ),
    );
    expect(down).toBeDefined();
    expect(down!.bpm).toBeCloseTo(raw!.mean as number, 9);
    expect(down!.bpm_max).toBe(raw!.max);
    expect(down!.samples).toBe(raw!.count);
    const tags = rows(await q('SHOW TAG KEYS FROM "one_min"."spo2"', 'zonewatch')).map((r) => r.tagKey);
    expect(tags.sort()).toEqual(['device_kind', 'participant', 'session', 'site']);
  });

  it('runs as a CLI: detects 1.x from /ping, sets up, and is idempotent', async () => {
    const env = { INFLUX_URL: server.url, INFLUX_DATABASE: 'zw_cli' };
    const first = await runCli(env, [], true);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^InfluxDB 1\.6\.\d/);
    expect(first.out).toContain('set-up done: 4 change(s)');
    const second = await runCli(env, ['--backfill', '1h']);
    expect(second.code).toBe(0);
    expect(second.out).toContain('(backfill)');
    expect(second.out).toContain('set-up done: 2 change(s)');
  });

  it('fails with a message naming the variable when the environment is wrong', async () => {
    const missing = await runCli({});
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('INFLUX_URL');
    const bad = await runCli({ INFLUX_URL: server.url, INFLUX_RAW_RETENTION: '35 days' });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('INFLUX_RAW_RETENTION: must be a whole number of hours, days or weeks');
  });
});

describe('InfluxDB 2.x set-up (against an in-memory fake of the v2 API)', () => {
  let fake: FakeInflux2;
  let tokenDir: string;
  const env = (extra: Record<string, string> = {}) =>
    loadSetupConfig({
      INFLUX_URL: fake.url,
      INFLUX_ORG: 'zonewatch',
      INFLUX_ADMIN_TOKEN: 'first-admin-token-0123456789',
      INFLUX_ADMIN_USER: 'admin',
      INFLUX_ADMIN_PASSWORD: 'correct horse battery',
      INFLUX_TOKEN_DIR: tokenDir,
      ...extra,
    });

  beforeAll(async () => {
    fake = await startFakeInflux2({ setUp: false });
    tokenDir = await mkdtemp(join(tmpdir(), 'zw-tokens-'));
  });
  afterAll(async () => {
    await fake?.close();
    await rm(tokenDir, { recursive: true, force: true });
  });

  it('sets up a new server: buckets with retention, DBRP mappings, the down-sampling task and scoped tokens', async () => {
    const actions = await setupInflux2(env());
    expect(actions.map((a) => a.reason)).toEqual([
      'server was not set up',
      'bucket missing',
      'InfluxQL mapping missing',
      'InfluxQL mapping missing',
      'down-sampling task missing',
      'token missing',
      'token file missing',
      'token missing',
      'token file missing',
    ]);
    const s = fake.state;
    const bucket = (name: string) => s.buckets.find((b) => b.name === name)!;
    expect(bucket('zonewatch').retentionRules).toEqual([{ type: 'expire', everySeconds: 35 * 86_400 }]);
    expect(bucket('zonewatch_1m').retentionRules).toEqual([{ type: 'expire', everySeconds: 730 * 86_400 }]);
    expect(s.dbrps.map((d) => [d.database, d.retention_policy, d.bucketID, d.default])).toEqual([
      ['zonewatch', 'raw', bucket('zonewatch').id, true],
      ['zonewatch', 'one_min', bucket('zonewatch_1m').id, false],
    ]);
    expect(s.tasks.map((t) => t.name)).toEqual([DOWNSAMPLE_TASK]);
    expect(s.tasks[0]!.flux).toContain('from(bucket: "zonewatch")');
    expect(s.tasks[0]!.flux).toContain('to(bucket: "zonewatch_1m", org: "zonewatch")');

    const auth = (d: string) => s.authorizations.find((a) => a.description === d)!;
    const actionsOf = (d: string) =>
      (auth(d).permissions as { action: string; resource: { id: string } }[]).map(
        (p) => `${p.action}:${p.resource.id}`,
      );
    expect(actionsOf('zonewatch-grafana').every((p) => p.startsWith('read:'))).toBe(true);
    expect(actionsOf('zonewatch-ingest')).toContain(`write:${bucket('zonewatch').id}`);
    expect(actionsOf('zonewatch-ingest')).not.toContain(`write:${bucket('zonewatch_1m').id}`);
    expect(await readFile(join(tokenDir, 'grafana', 'token'), 'utf8')).toBe(auth('zonewatch-grafana').token);
    expect(await readFile(join(tokenDir, 'ingest', 'token'), 'utf8')).toBe(auth('zonewatch-ingest').token);
  });

  it('changes nothing when run again (only reads)', async () => {
    fake.requests.length = 0;
    expect(await setupInflux2(env())).toEqual([]);
    expect(fake.requests.filter((r) => !r.startsWith('GET '))).toEqual([]);
  });

  it('patches a changed retention and rewrites a lost token file', async () => {
    await rm(join(tokenDir, 'ingest'), { recursive: true });
    const actions = await setupInflux2(env({ INFLUX_RAW_RETENTION: '8w' }));
    expect(actions.map((a) => a.statement)).toEqual([
      'PATCH /api/v2/buckets zonewatch (retention 8w)',
      `write ${join(tokenDir, 'ingest', 'token')}`,
    ]);
  });

  it('refuses to run without an org or an operator token', async () => {
    await expect(setupInflux2(loadSetupConfig({ INFLUX_URL: fake.url }))).rejects.toThrow(/INFLUX_ORG/);
    await expect(setupInflux2(loadSetupConfig({ INFLUX_URL: fake.url, INFLUX_ORG: 'x' }))).rejects.toThrow(
      /INFLUX_ADMIN_TOKEN/,
    );
  });

  it('runs as a CLI: detects 2.x from /ping', async () => {
    const res = await runCli({
      INFLUX_URL: fake.url,
      INFLUX_ORG: 'zonewatch',
      INFLUX_ADMIN_TOKEN: 'first-admin-token-0123456789',
      INFLUX_TOKEN_DIR: tokenDir,
      INFLUX_RAW_RETENTION: '8w',
    });
    expect(res.err).toBe('');
    expect(res.out).toContain('InfluxDB v2.7.11');
    expect(res.out).toContain('set-up done: nothing to change');
  });
});
