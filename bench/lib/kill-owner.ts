/**
 * `npm run bench:chain -- --kill-owner-at S` (issue 18): two ingest nodes sharing a Postgres registry and a
 * Redis, one external broker (Mosquitto, or the standalone aedes with its sessions in Redis), the load
 * generator — and node A, which holds every site, killed with SIGKILL S seconds into the steady window.
 * Reports how long node B took to hold every site (from the kill) and the samples lost: every batch a node
 * took is appended to a file with write(2) (it outlives kill -9), so lost = published − taken, exactly,
 * and a batch taken twice is counted as a duplicate.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashSecret } from '@zonewatch/broker';
import type { Logger } from 'pino';
import { startRedis } from '../../broker/test/helpers.js';
import { startPostgres } from '../../ingest/test/registry/pg-server.js';
import { startMosquitto } from './mosquitto.js';
import { type PlanOptions, planGateways } from './plan.js';
import { type Child, freePort, spawnChild, waitForPort } from './procs.js';
import { seedRegistry } from './seed.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface KillOwnerOptions {
  broker: 'aedes' | 'mosquitto';
  participants: number;
  perGateway: number;
  gatewaysPerSite: number;
  /** Steady window (s); the owner is killed `killAtS` into it. */
  seconds: number;
  killAtS: number;
  connectRatePerSec: number;
  leaseTtlMs: number;
  logger: Logger;
  log(s: string): void;
}

export interface KillOwnerResult {
  broker: string;
  participants: number;
  gateways: number;
  sites: number;
  leaseTtlMs: number;
  killAtS: number;
  /** From the kill until node B held every site (ms). */
  takeoverMs: number | null;
  /** From the kill until node B held the first of them (ms). */
  firstSiteMs: number | null;
  sent: number;
  taken: number;
  lost: number;
  duplicateBatches: number;
  /** Batches B received more than 2 s after they were sent (the gap's backlog). */
  lateBatches: number;
  takenByA: number;
  takenByB: number;
  /** Sites node A held at the moment of the kill (every site, unless it lost some before). */
  aSitesAtKill: number | null;
  /** Node A's event-loop stalls over a second before the kill (s since it started, ms). */
  aStalls: { atS: number; ms: number }[];
  /**
   * Batches missing between two a node took, per gateway (its seqs are consecutive): the first few, with when
   * the batch before the hole was sent, in ms after the kill (negative: before it).
   */
  holes: { gatewayId: string; seqs: string; sentMsAfterKill: number }[];
  loadAvgStart: number[];
  error?: string;
}

type Stats = {
  stats: { consumer: { samples: number; late: number }; sites: number };
  proc: { stalls?: { atS: number; ms: number }[] };
};

export async function runKillOwner(o: KillOwnerOptions): Promise<KillOwnerResult> {
  const gateways = Math.max(1, Math.ceil(o.participants / o.perGateway));
  const plan: PlanOptions = {
    participants: o.participants,
    gateways,
    durationS: o.seconds + 600,
    gatewaysPerSite: o.gatewaysPerSite,
    overGatewayEvery: 5,
    overPerGateway: 2,
    overAtS: 2,
    overSpreadS: o.seconds + 30,
    seed: 1,
  };
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zw-bench-kill-'));
  const children: Child[] = [];
  const procs: ChildProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const base: KillOwnerResult = {
    broker: o.broker,
    participants: o.participants,
    gateways,
    sites: 0,
    leaseTtlMs: o.leaseTtlMs,
    killAtS: o.killAtS,
    takeoverMs: null,
    firstSiteMs: null,
    sent: 0,
    taken: 0,
    lost: 0,
    duplicateBatches: 0,
    lateBatches: 0,
    takenByA: 0,
    takenByB: 0,
    aSitesAtKill: null,
    aStalls: [],
    holes: [],
    loadAvgStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
  try {
    const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
    cleanups.push(
      () => pg.stop(),
      () => redis.stop(),
    );
    const databaseUrl = await pg.createDatabase('bench');
    o.log(`seeding Postgres: ${o.participants} participants, ${gateways} gateways`);
    const seed = await seedRegistry(planGateways(plan).gateways, { dataDir, databaseUrl, logger: o.logger });
    const sites = new Set(seed.credentials.map((c) => c.siteId)).size;
    base.sites = sites;
    const ingestPassword = randomBytes(18).toString('base64url');
    let mqttUrl: string;
    if (o.broker === 'mosquitto') {
      const m = await startMosquitto([
        { username: 'ingest', password: ingestPassword },
        ...seed.credentials.map((c) => ({ username: c.gatewayId, password: c.secret })),
      ]);
      cleanups.push(() => m.close());
      mqttUrl = m.url;
    } else {
      const file = path.join(dataDir, 'broker-credentials.json');
      writeFileSync(
        file,
        JSON.stringify({
          version: 1,
          gateways: await Promise.all(
            seed.credentials.map(async (c) => ({
              gatewayId: c.gatewayId,
              siteId: c.siteId,
              secretHash: await hashSecret(c.secret),
            })),
          ),
          services: [{ username: 'ingest', role: 'ingest', secretHash: await hashSecret(ingestPassword) }],
        }),
      );
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', 'broker/src/main.ts'], {
        cwd: ROOT,
        env: {
          ...process.env,
          MQTT_PORT: String(port),
          MQTT_HOST: '127.0.0.1',
          BROKER_CREDENTIALS_FILE: file,
          REDIS_URL: redis.url,
          BROKER_METRICS_INTERVAL_MS: '0',
          MQTT_CONN_RATE_PER_SEC: '0',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      procs.push(child);
      await waitForPort(port, 30_000);
      mqttUrl = `mqtt://127.0.0.1:${port}`;
    }

    const env: NodeJS.ProcessEnv = { ...process.env, BENCH_MAX_S: String(o.seconds + 400) };
    for (const k of Object.keys(env))
      if (k.startsWith('INFLUX_') || k === 'MQTT_URL' || k === 'DATABASE_URL') delete env[k];
    const nodeEnv = (name: string): NodeJS.ProcessEnv => ({
      ...env,
      PORT: '0',
      DATA_DIR: path.join(dataDir, `node-${name}`),
      DEMO: 'false',
      LOG_LEVEL: 'warn',
      MQTT_URL: mqttUrl,
      MQTT_USERNAME: 'ingest',
      MQTT_PASSWORD: ingestPassword,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      LEASE_TTL_MS: String(o.leaseTtlMs),
      NODE_ID: name,
      BENCH_EVAL_LOG: path.join(dataDir, `taken-${name}.log`),
    });
    const a = spawnChild(path.join(HERE, '../children/ingest.ts'), nodeEnv('a'), 'ingest-a');
    children.push(a);
    await a.next('ready', 180_000);
    const b = spawnChild(path.join(HERE, '../children/ingest.ts'), nodeEnv('b'), 'ingest-b');
    children.push(b);
    await b.next('ready', 180_000);
    const stats = async (c: Child) => {
      c.send({ type: 'stats' });
      return (await c.next<Stats>('stats', 30_000)).stats;
    };
    if ((await stats(a)).sites !== sites) throw new Error('node A does not hold every site');

    const load = spawnChild(path.join(HERE, '../children/load.ts'), env, 'load');
    children.push(load);
    await load.next('ready', 30_000);
    load.send({
      type: 'init',
      plan,
      credentials: seed.credentials,
      mqttUrl,
      connectRatePerSec: o.connectRatePerSec,
      flushIntervalMs: 250,
    });
    const started = await load.next<{ gateways: number; connected: number }>('started', 180_000);
    o.log(`${started.connected}/${started.gateways} gateways connected`);
    // Settle as the chain run does: node A less than a second of samples behind the gateways.
    const t0 = performance.now();
    let caughtUp = 0;
    while (performance.now() - t0 < 90_000 && caughtUp < 2) {
      await sleep(1000);
      load.send({ type: 'stats' });
      const ls = await load.next<{ stats: { samplesPublished: number } }>('stats', 30_000);
      const sa = await stats(a);
      caughtUp = ls.stats.samplesPublished - sa.consumer.samples < o.participants ? caughtUp + 1 : 0;
    }
    o.log(`settled; killing node A (every site's owner) in ${o.killAtS} s`);
    await sleep(o.killAtS * 1000);
    a.send({ type: 'stats' });
    const atKill = await a.next<Stats>('stats', 30_000);
    base.aSitesAtKill = atKill.stats.sites;
    base.aStalls = atKill.proc.stalls ?? [];
    if (base.aStalls.length)
      o.log(`node A's event loop stalled: ${base.aStalls.map((x) => `${x.ms} ms at ${x.atS} s`).join(', ')}`);
    if (base.aSitesAtKill < sites)
      o.log(`node A holds only ${base.aSitesAtKill} of ${sites} sites at the kill: it lost some before`);
    const killedAt = performance.now();
    const killedAtWall = Date.now();
    a.proc.kill('SIGKILL');
    for (;;) {
      const sb = await stats(b);
      if (sb.sites > 0 && base.firstSiteMs === null)
        base.firstSiteMs = Math.round(performance.now() - killedAt);
      if (sb.sites === sites) {
        base.takeoverMs = Math.round(performance.now() - killedAt);
        break;
      }
      if (performance.now() - killedAt > 60_000) break;
      await sleep(50);
    }
    o.log(`node B holds every site ${base.takeoverMs ?? '(not within 60 s)'} ms after the kill`);
    const rest = Math.max(0, o.seconds - o.killAtS) * 1000 - (performance.now() - killedAt);
    if (rest > 0) await sleep(rest);

    load.send({ type: 'stop' });
    const loadReport = await load.next<{ stats: { samplesPublished?: number } }>('report', 60_000);
    base.sent = loadReport.stats.samplesPublished ?? 0;
    // Until B has taken everything published (or stops moving for 10 s).
    let last = -1;
    let still = 0;
    for (;;) {
      const counts = takenCounts(dataDir);
      if (counts.taken >= base.sent || still >= 10) break;
      still = counts.taken === last ? still + 1 : 0;
      last = counts.taken;
      await sleep(1000);
    }
    base.lateBatches = (await stats(b)).consumer.late;
    b.send({ type: 'stop' });
    const bReport = await b
      .next<{ proc?: { stalls?: { atS: number; ms: number }[] } }>('report', 60_000)
      .catch(() => undefined);
    const bStalls = bReport?.proc?.stalls ?? [];
    if (bStalls.length)
      o.log(`node B's event loop stalled: ${bStalls.map((x) => `${x.ms} ms at ${x.atS} s`).join(', ')}`);
    const { holes, ...counts } = takenCounts(dataDir);
    Object.assign(base, counts, { lost: Math.max(0, base.sent - counts.taken) });
    base.holes = holes
      .slice(0, 20)
      .map((h) => ({ gatewayId: h.gatewayId, seqs: h.seqs, sentMsAfterKill: h.sentBefore - killedAtWall }));
    if (holes.length)
      o.log(
        `${holes.length} holes in what was taken: ${base.holes.map((h) => `${h.gatewayId} ${h.seqs} (${h.sentMsAfterKill} ms)`).join(', ')}`,
      );
    return base;
  } catch (e) {
    o.log(`run failed: ${String(e).slice(0, 4000)}`);
    return { ...base, error: String(e).split('\n')[0]?.slice(0, 500) ?? 'failed' };
  } finally {
    for (const c of children) c.kill();
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Samples taken over both nodes, each (gateway, seq) once, and how many batches were taken twice. */
function takenCounts(dir: string) {
  const seen = new Map<string, number>();
  /** Per gateway: seq → sentAt of what was taken. */
  const byGateway = new Map<string, Map<number, number>>();
  let duplicateBatches = 0;
  const per = { a: 0, b: 0 };
  for (const name of ['a', 'b'] as const) {
    const file = path.join(dir, `taken-${name}.log`);
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [gw, seq, n, sentAt] = line.split(' ');
      if (!gw || !seq || !n) continue;
      const key = `${gw} ${seq}`;
      const seqs = byGateway.get(gw) ?? new Map<number, number>();
      byGateway.set(gw, seqs);
      seqs.set(Number(seq), Number(sentAt ?? 0));
      if (seen.has(key)) {
        duplicateBatches++;
        continue;
      }
      seen.set(key, Number(n));
      per[name] += Number(n);
    }
  }
  let taken = 0;
  for (const n of seen.values()) taken += n;
  const holes: { gatewayId: string; seqs: string; sentBefore: number }[] = [];
  for (const [gatewayId, seqs] of byGateway) {
    const sorted = [...seqs.keys()].sort((x, y) => x - y);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      const next = sorted[i]!;
      if (next > prev + 1)
        holes.push({
          gatewayId,
          seqs: next === prev + 2 ? `${prev + 1}` : `${prev + 1}–${next - 1}`,
          sentBefore: seqs.get(prev)!,
        });
    }
  }
  return { taken, duplicateBatches, takenByA: per.a, takenByB: per.b, holes };
}
