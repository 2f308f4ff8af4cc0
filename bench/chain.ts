/**
 * Chain benchmark: load generator (firmware-sim gateways) → broker (embedded aedes or Mosquitto) → ingest
 * (registry, rules, Socket.IO) → socket.io-client consoles, each in its own process, at 1 Hz per participant.
 *
 *   npm run bench:chain -- --participants 2000 --seconds 40 [--gateways M] [--broker aedes|mosquitto|both]
 *                          [--ramp 1000,2500,5000] [--influx] [--name NAME]
 *   npm run bench:chain -- --kill-owner-at S [--participants N] [--seconds S2] [--broker aedes|mosquitto|both]
 *                          [--lease-ttl-ms MS]   (two ingest nodes; the owner of every site killed S s in)
 *
 * Writes bench/results/<timestamp>-<name>.json and .md and replaces bench/results/latest.md. See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startPostgres } from '../ingest/test/registry/pg-server.js';
import { startInflux } from '../ingest/test/telemetry/influx-server.js';
import { type KillOwnerResult, runKillOwner } from './lib/kill-owner.js';
import { startMosquitto } from './lib/mosquitto.js';
import { type PlanOptions, planGateways } from './lib/plan.js';
import { type Child, procStat, spawnChild } from './lib/procs.js';
import { type SeedResult, seedRegistry } from './lib/seed.js';
import type { LatencySummary, ProcReport } from './lib/stats.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(HERE, 'results');

const { values: a } = parseArgs({
  options: {
    participants: { type: 'string', default: '2000' },
    gateways: { type: 'string' },
    'per-gateway': { type: 'string', default: '40' },
    'gateways-per-site': { type: 'string', default: '10' },
    seconds: { type: 'string', default: '40' },
    broker: { type: 'string', default: 'aedes' },
    ramp: { type: 'string' },
    influx: { type: 'boolean', default: false },
    /** Registry on a real Postgres server (Debian's, started here) instead of PGlite inside ingest. */
    postgres: { type: 'boolean', default: false },
    name: { type: 'string' },
    'connect-rate': { type: 'string', default: '100' },
    'no-cache': { type: 'boolean', default: false },
    /** Issue 18: two ingest nodes, and the one holding every site killed with SIGKILL S s into the window. */
    'kill-owner-at': { type: 'string' },
    'lease-ttl-ms': { type: 'string', default: '5000' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (a.help) {
  process.stdout.write(`${readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]}*/\n`);
  process.exit(0);
}

/** Targets of issue 8 on this machine. */
const TARGETS = { ingestPeakRssMb: 1024, alertP99Ms: 500, serverP99Ms: 50, freshnessP99Ms: 1500 };
const seconds = Math.min(600, Math.max(5, Number(a.seconds)));
const brokers =
  a.broker === 'both' ? (['aedes', 'mosquitto'] as const) : ([a.broker as 'aedes' | 'mosquitto'] as const);
if (!brokers.every((b) => b === 'aedes' || b === 'mosquitto'))
  throw new Error('--broker aedes|mosquitto|both');
const steps = (a.ramp ? a.ramp.split(',') : [a.participants]).map((s) =>
  Math.min(100_000, Math.max(1, Number(s))),
);
const logger = pino({ level: 'warn' }, pino.destination(2));
const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface RunResult {
  broker: string;
  participants: number;
  gateways: number;
  sites: number;
  steadyS: number;
  /** Seconds from "all gateways connected" until ingest had caught up with the gateways (max 90). */
  settleS: number;
  settled: boolean;
  seedS: number;
  samplesPerSec: number;
  expectedPerSec: number;
  sent: number;
  receivedByIngest: number;
  evaluated: number;
  unbound: number;
  invalid: number;
  duplicates: number;
  inInflux: number | null;
  lostBeforeIngest: number;
  lossPct: number;
  consoles: Record<string, unknown>;
  freshnessMs: LatencySummary;
  alertLatencyMs: LatencySummary;
  serverLatencyMs: LatencySummary;
  alertsByRule: Record<string, number>;
  error?: string;
  procs: Record<string, ProcReport | { cpuTotalS: number; steadyCpuPct: number | null; peakRssMb: number }>;
  load: Record<string, unknown>;
  ingestStats?: unknown;
  pass: Partial<Record<string, boolean>>;
}

async function seedCached(plan: PlanOptions, dataDir: string): Promise<SeedResult> {
  const key = `p${plan.participants}-g${plan.gateways}-s${plan.gatewaysPerSite}-seed${plan.seed}-v1`;
  const cache = path.join(os.tmpdir(), 'zonewatch-bench-cache', key);
  if (a['no-cache'] || !existsSync(path.join(cache, 'seed.json'))) {
    rmSync(cache, { recursive: true, force: true });
    mkdirSync(cache, { recursive: true });
    log(
      `seeding registry: ${plan.participants} participants, ${plan.gateways} gateways (cached for next time)`,
    );
    const { gateways } = planGateways(plan);
    const seed = await seedRegistry(gateways, { dataDir: cache, logger });
    writeFileSync(path.join(cache, 'seed.json'), JSON.stringify(seed));
    log(`seeded in ${seed.seconds} s`);
  }
  cpSync(path.join(cache, 'registry'), path.join(dataDir, 'registry'), { recursive: true });
  return JSON.parse(readFileSync(path.join(cache, 'seed.json'), 'utf8')) as SeedResult;
}

const perGateway = Number(a['per-gateway']);
const gatewaysFor = (n: number) =>
  a.gateways && !a.ramp ? Number(a.gateways) : Math.max(1, Math.ceil(n / perGateway));
const maxParticipants = Math.max(...steps);

function planFor(participants: number): PlanOptions {
  return {
    participants,
    gateways: gatewaysFor(participants),
    durationS: seconds + 600,
    gatewaysPerSite: Number(a['gateways-per-site']),
    overGatewayEvery: 5,
    overPerGateway: 2,
    overAtS: 2,
    // Alerts fire ~15–25 s after the start; the steady window begins after connect + settle.
    overSpreadS: seconds + Math.ceil(gatewaysFor(participants) / Number(a['connect-rate'])) + 30,
    seed: 1,
  };
}

/**
 * One run. The registry is seeded for the largest step (so a ramp seeds once); a smaller step drives the
 * first gateways of that plan, which `buildLoadGateways` makes identical (same ids, same participants),
 * and its consoles join only the sessions of the sites it drives. Silent seeded participants still have
 * rule state in ingest, as enrolled people who have not started would.
 */
async function runOne(broker: 'aedes' | 'mosquitto', participants: number): Promise<RunResult> {
  const plan = planFor(participants);
  const gateways = plan.gateways;
  const seedPlan = planFor(maxParticipants);
  if (a.ramp && (participants % perGateway !== 0 || seedPlan.participants % perGateway !== 0))
    throw new Error(`participants must be multiples of --per-gateway ${perGateway}`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zw-bench-'));
  const children: Child[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  try {
    let databaseUrl: string | undefined;
    let fullSeed: SeedResult;
    if (a.postgres) {
      // A Postgres server has no files to copy from a cache: seed a fresh database for this run.
      const pg = await startPostgres();
      cleanups.push(() => pg.stop());
      databaseUrl = await pg.createDatabase('bench');
      log(`seeding Postgres: ${seedPlan.participants} participants, ${seedPlan.gateways} gateways`);
      fullSeed = await seedRegistry(planGateways(seedPlan).gateways, { dataDir, databaseUrl, logger });
      log(`seeded in ${fullSeed.seconds} s`);
    } else {
      fullSeed = await seedCached(seedPlan, dataDir);
    }
    const credentials = fullSeed.credentials.slice(0, gateways);
    const sites = new Set(credentials.map((c) => c.siteId));
    const seed = { ...fullSeed, credentials, sessions: fullSeed.sessions.filter((s) => sites.has(s.siteId)) };
    const ingestPassword = randomBytes(18).toString('base64url');
    const env: NodeJS.ProcessEnv = { ...process.env, BENCH_MAX_S: String(seconds + 300) };
    for (const k of Object.keys(env))
      if (k.startsWith('INFLUX_') || k === 'MQTT_URL' || k === 'DATABASE_URL') delete env[k];
    let mosquittoPid: number | undefined;
    let mqttUrl: string | undefined;
    if (broker === 'mosquitto') {
      const m = await startMosquitto([
        { username: 'ingest', password: ingestPassword },
        ...seed.credentials.map((c) => ({ username: c.gatewayId, password: c.secret })),
      ]);
      cleanups.push(() => m.close());
      mosquittoPid = m.pid;
      mqttUrl = m.url;
    }
    let influx: Awaited<ReturnType<typeof startInflux>> | undefined;
    if (a.influx) {
      influx = await startInflux();
      cleanups.push(() => influx!.close());
    }
    const ingestEnv: NodeJS.ProcessEnv = {
      ...env,
      PORT: '0',
      DATA_DIR: dataDir,
      DEMO: 'false',
      LOG_LEVEL: 'warn',
      MQTT_USERNAME: 'ingest',
      MQTT_PASSWORD: ingestPassword,
      ...(mqttUrl ? { MQTT_URL: mqttUrl } : { BENCH_EMBED_AEDES: '1' }),
      ...(influx ? { ...influx.env } : {}),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    };
    log(`${broker}: ${participants} participants on ${gateways} gateways, ${seed.sessions.length} sessions`);
    const ingest = spawnChild(path.join(HERE, 'children/ingest.ts'), ingestEnv, 'ingest');
    children.push(ingest);
    const ready = await ingest.next<{ url: string; mqttUrl: string }>('ready', 120_000);

    const consoles = spawnChild(path.join(HERE, 'children/consoles.ts'), env, 'consoles');
    children.push(consoles);
    await consoles.next('ready', 30_000);
    const { gateways: specs, over } = planGateways(plan, seed.credentials);
    consoles.send({ type: 'watch', devices: [...over].map((p) => `${p}-hr`) });
    consoles.send({
      type: 'init',
      url: ready.url,
      username: seed.username,
      password: seed.password,
      sessions: seed.sessions.map((s) => s.sessionId),
      mqttUrl: ready.mqttUrl,
      mqttUser: 'ingest',
      mqttPassword: ingestPassword,
      observe: specs
        .filter((_, i) => i % plan.overGatewayEvery === 0)
        .map((g) => ({ siteId: g.siteId, gatewayId: g.gatewayId })),
    });
    await consoles.next('started', 60_000);

    const load = spawnChild(path.join(HERE, 'children/load.ts'), env, 'load');
    children.push(load);
    await load.next('ready', 30_000);
    load.send({
      type: 'init',
      plan,
      credentials: seed.credentials,
      mqttUrl: ready.mqttUrl,
      connectRatePerSec: Number(a['connect-rate']),
      flushIntervalMs: 250,
    });
    const started = await load.next<{ gateways: number; connected: number }>('started', 180_000);
    log(`${started.connected}/${started.gateways} gateways connected`);
    // Settle: the connect storm (every gateway's secret is checked with scrypt) leaves a backlog in the
    // gateways' outboxes. Measure only once ingest has caught up with what the gateways have published
    // (less than one second of samples behind, twice in a row), at most 90 s; a run that never catches up
    // is reported as such (its steady window then shows the backlog).
    const settleT0 = performance.now();
    let caughtUp = 0;
    let behind = Number.NaN;
    while (performance.now() - settleT0 < 90_000 && caughtUp < 2) {
      await sleep(1000);
      load.send({ type: 'stats' });
      ingest.send({ type: 'stats' });
      const ls = await load.next<{ stats: { samplesPublished: number } }>('stats', 30_000);
      const is = await ingest.next<{ stats: { consumer: { samples: number } } }>('stats', 30_000);
      behind = ls.stats.samplesPublished - is.stats.consumer.samples;
      caughtUp = behind < participants ? caughtUp + 1 : 0;
    }
    const settleS = Math.round((performance.now() - settleT0) / 100) / 10;
    log(
      `settled after ${settleS} s (${caughtUp >= 2 ? 'caught up' : `still ${behind} samples behind`}); steady state for ${seconds} s`,
    );
    // Let the first frames with every participant go out before measuring.
    await sleep(2000);
    for (const c of children) c.send({ type: 'steady' });
    const mq0 = mosquittoPid ? procStat(mosquittoPid) : undefined;
    ingest.send({ type: 'stats' });
    const s0 = (await ingest.next<{ stats: { consumer: { samples: number } } }>('stats', 30_000)).stats;
    const t0 = performance.now();
    for (let i = 0; i < seconds; i++) {
      await sleep(1000);
      if (i % 10 === 9) {
        ingest.send({ type: 'stats' });
        const s = await ingest.next<{ stats: { consumer: { samples: number } }; proc: ProcReport }>(
          'stats',
          30_000,
        );
        log(
          `  t+${i + 1}s ingest ${Math.round((s.stats.consumer.samples - s0.consumer.samples) / ((performance.now() - t0) / 1000))} samples/s, cpu ${s.proc.steadyCpuPct}%, rss ${s.proc.rssMb} MB`,
        );
      }
    }
    ingest.send({ type: 'stats' });
    const s1 = await ingest.next<{ stats: { consumer: { samples: number } } }>('stats', 30_000);
    const steadyS = (performance.now() - t0) / 1000;
    const mq1 = mosquittoPid ? procStat(mosquittoPid) : undefined;
    const samplesPerSec = Math.round((s1.stats.consumer.samples - s0.consumer.samples) / steadyS);

    consoles.send({ type: 'end-window' });
    load.send({ type: 'stop' });
    const loadReport = await load.next<{ proc: ProcReport; stats: Record<string, number> }>('report', 60_000);
    await sleep(2500); // last batches through ingest and into a frame
    consoles.send({ type: 'stop' });
    const consReport = await consoles.next<{ proc: ProcReport; stats: Record<string, unknown> }>(
      'report',
      30_000,
    );
    ingest.send({ type: 'stop' });
    const ingReport = await ingest.next<{
      proc: ProcReport;
      stats: {
        consumer: { samples: number; invalid: number; duplicates: number };
        live: { samples: number; unbound: number };
      };
    }>('report', 60_000);
    let inInflux: number | null = null;
    if (influx) {
      const rows = await influx.query('SELECT count(bpm) FROM hr');
      inInflux = Number((rows[0] as Record<string, unknown> | undefined)?.count ?? 0);
    }
    const sent = loadReport.stats.samplesPublished ?? 0;
    const received = ingReport.stats.consumer.samples;
    const lost = Math.max(0, sent - received);
    const cs = consReport.stats as {
      freshnessMs: LatencySummary;
      alertLatencyMs: LatencySummary;
      serverLatencyMs: LatencySummary;
      alertsByRule: Record<string, number>;
    };
    const procs: RunResult['procs'] = {
      ingest: ingReport.proc,
      load: loadReport.proc,
      consoles: consReport.proc,
    };
    if (mq0 && mq1) {
      procs.mosquitto = {
        cpuTotalS: mq1.cpuS,
        steadyCpuPct: Math.round(((mq1.cpuS - mq0.cpuS) / steadyS) * 1000) / 10,
        peakRssMb: mq1.peakRssMb,
      };
    }
    const lossPct = sent ? Math.round((lost / sent) * 1e5) / 1e3 : 0;
    const { freshnessMs, alertLatencyMs, serverLatencyMs, alertsByRule, ...consolesRest } = cs;
    return {
      broker,
      participants,
      gateways,
      sites: seed.sessions.length,
      steadyS: Math.round(steadyS),
      settleS,
      settled: caughtUp >= 2,
      seedS: seed.seconds,
      samplesPerSec,
      expectedPerSec: participants,
      sent,
      receivedByIngest: received,
      evaluated: ingReport.stats.live.samples,
      unbound: ingReport.stats.live.unbound,
      invalid: ingReport.stats.consumer.invalid,
      duplicates: ingReport.stats.consumer.duplicates,
      inInflux,
      lostBeforeIngest: lost,
      lossPct,
      consoles: consolesRest,
      freshnessMs,
      alertLatencyMs,
      serverLatencyMs,
      alertsByRule,
      procs,
      load: loadReport.stats,
      ingestStats: ingReport.stats,
      pass: {
        zeroLoss: lost === 0 && (inInflux === null || inInflux >= received),
        throughput: samplesPerSec >= participants * 0.98 && caughtUp >= 2,
        ingestMemory: ingReport.proc.peakRssMb <= TARGETS.ingestPeakRssMb,
        // No alert in the window is "not measured", not a failure.
        ...(alertLatencyMs.count ? { alertP99: (alertLatencyMs.p99 ?? 0) <= TARGETS.alertP99Ms } : {}),
        ...(serverLatencyMs.count ? { serverP99: (serverLatencyMs.p99 ?? 0) <= TARGETS.serverP99Ms } : {}),
        freshnessP99: (freshnessMs.p99 ?? Number.POSITIVE_INFINITY) <= TARGETS.freshnessP99Ms,
      },
    };
  } finally {
    for (const c of children) c.kill();
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function failedRun(broker: string, participants: number, err: unknown): RunResult {
  log(`${broker} ${participants}: run failed: ${String(err).slice(0, 2000)}`);
  const none: LatencySummary = { count: 0, p50: null, p95: null, p99: null, max: null, mean: null };
  return {
    broker,
    participants,
    gateways: gatewaysFor(participants),
    sites: 0,
    steadyS: 0,
    settleS: 0,
    settled: false,
    seedS: 0,
    samplesPerSec: 0,
    expectedPerSec: participants,
    sent: 0,
    receivedByIngest: 0,
    evaluated: 0,
    unbound: 0,
    invalid: 0,
    duplicates: 0,
    inInflux: null,
    lostBeforeIngest: 0,
    lossPct: 0,
    consoles: {},
    freshnessMs: none,
    alertLatencyMs: none,
    serverLatencyMs: none,
    alertsByRule: {},
    error: String(err).split('\n')[0]?.slice(0, 500) ?? 'failed',
    procs: {},
    load: {},
    pass: { completed: false },
  };
}

const fmt = (s: LatencySummary) =>
  s.count ? `${s.p50} / ${s.p95} / ${s.p99} / ${s.max} (n=${s.count})` : '—';
const cpu = (p: RunResult['procs'][string] | undefined) =>
  p ? `${p.steadyCpuPct}% · ${p.peakRssMb} MB` : '—';

function markdown(runs: RunResult[], meta: Record<string, unknown>, knee: string | undefined): string {
  const lines = [
    `# Chain benchmark — ${meta.name} (${meta.startedAt})`,
    '',
    `Command: \`${meta.command}\`  `,
    `Machine: ${meta.cpus} × ${meta.cpuModel}, ${meta.memGiB} GiB, Node ${meta.node}; load average at start ${meta.loadAvgStart}` +
      ` (${meta.quiet ? 'quiet' : 'NOT quiet: other work was running, figures are pessimistic'}); registry: ${meta.registry === 'postgres' ? 'Postgres 15 server' : 'PGlite inside ingest'}; InfluxDB: ${meta.influx ? 'yes (1.6.7)' : 'no'}.`,
    '',
    'Latencies in ms as p50 / p95 / p99 / max. CPU as % of one core during the steady window, and peak RSS.',
    '',
    '| broker | participants (gateways) | samples/s | sent → ingest (lost) | influx points | frame freshness | alert latency | server latency | ingest | load gen | consoles | mosquitto |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of runs) {
    lines.push(
      `| ${r.broker} | ${r.participants} (${r.gateways})${r.settled ? '' : ' not settled'}${r.error ? ` FAILED: ${r.error.replace(/\|/g, '/')}` : ''} | ${r.samplesPerSec} | ${r.sent} → ${r.receivedByIngest} (${r.lostBeforeIngest}) | ${r.inInflux ?? '—'} | ${fmt(r.freshnessMs)} | ${fmt(r.alertLatencyMs)} | ${fmt(r.serverLatencyMs)} | ${cpu(r.procs.ingest)} | ${cpu(r.procs.load)} | ${cpu(r.procs.consoles)} | ${cpu(r.procs.mosquitto)} |`,
    );
  }
  lines.push(
    '',
    '| broker | participants | zero loss | ≥98% of 1 Hz | ingest ≤ 1 GiB | alert p99 ≤ 500 | server p99 ≤ 50 | freshness p99 ≤ 1500 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  const yn = (b: boolean | undefined) => (b === undefined ? 'n/a (none in window)' : b ? 'yes' : '**no**');
  for (const r of runs) {
    lines.push(
      `| ${r.broker} | ${r.participants} | ${yn(r.pass.zeroLoss)} | ${yn(r.pass.throughput)} | ${yn(r.pass.ingestMemory)} | ${yn(r.pass.alertP99)} | ${yn(r.pass.serverP99)} | ${yn(r.pass.freshnessP99)} |`,
    );
  }
  lines.push(
    '',
    'Frame freshness split — age of `lastSampleAt` when ingest built the frame / frame transit to the console:',
  );
  for (const r of runs) {
    const c = r.consoles as {
      ageAtFrameBuildMs?: LatencySummary;
      frameTransitMs?: LatencySummary;
      gatewayHoldMs?: LatencySummary;
    };
    if (c.ageAtFrameBuildMs && c.frameTransitMs)
      lines.push(
        `- ${r.broker} ${r.participants}: ${fmt(c.ageAtFrameBuildMs)} / ${fmt(c.frameTransitMs)}` +
          (c.gatewayHoldMs ? `; sample time → batch sentAt in the gateway: ${fmt(c.gatewayHoldMs)}` : ''),
      );
  }
  if (knee) lines.push('', `**Knee:** ${knee}`);
  lines.push(
    '',
    'Alerts counted (rule:event): ' +
      runs.map((r) => `${r.broker}/${r.participants}: ${JSON.stringify(r.alertsByRule)}`).join('; '),
    '',
  );
  return lines.join('\n');
}

if (a['kill-owner-at'] !== undefined) {
  const killAtS = Math.max(1, Number(a['kill-owner-at']));
  const results: KillOwnerResult[] = [];
  for (const b of brokers) {
    const r = await runKillOwner({
      broker: b,
      participants: steps[0]!,
      perGateway: Number(a['per-gateway']),
      gatewaysPerSite: Number(a['gateways-per-site']),
      seconds: Math.max(seconds, killAtS + 15),
      killAtS,
      connectRatePerSec: Number(a['connect-rate']),
      leaseTtlMs: Number(a['lease-ttl-ms']),
      logger,
      log,
    });
    results.push(r);
    log(
      `${b} ${r.participants}: takeover ${r.takeoverMs} ms (first site ${r.firstSiteMs} ms), sent ${r.sent}, taken ${r.taken}, lost ${r.lost}, duplicate batches ${r.duplicateBatches}${r.error ? `, FAILED: ${r.error}` : ''}`,
    );
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const name = a.name ?? `kill-owner-${brokers.join('-')}-${steps[0]}`;
  mkdirSync(RESULTS, { recursive: true });
  const lines = [
    `# Failover benchmark — ${name} (${stamp})`,
    '',
    `Command: \`npm run bench:chain -- ${process.argv.slice(2).join(' ')}\`  `,
    `Two ingest nodes (Postgres registry, Redis), node A holding every site killed with SIGKILL ${killAtS} s into the steady window; lease time ${a['lease-ttl-ms']} ms. Load average at start: ${results[0]?.loadAvgStart.join(' ')}.`,
    '',
    '| broker | participants (gateways, sites) | sites A held at the kill | takeover: first site / every site (ms) | sent → taken (lost) | duplicate batches | late batches drained by B | taken by A / B |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.broker} | ${r.participants} (${r.gateways}, ${r.sites})${r.error ? ` FAILED: ${r.error.replace(/\|/g, '/')}` : ''} | ${r.aSitesAtKill ?? '—'} | ${r.firstSiteMs ?? '—'} / ${r.takeoverMs ?? '—'} | ${r.sent} → ${r.taken} (${r.lost}) | ${r.duplicateBatches} | ${r.lateBatches} | ${r.takenByA} / ${r.takenByB} |`,
    ),
    '',
  ];
  writeFileSync(
    path.join(RESULTS, `${stamp}-${name}.json`),
    `${JSON.stringify({ killAtS, results }, null, 2)}\n`,
  );
  writeFileSync(path.join(RESULTS, `${stamp}-${name}.md`), lines.join('\n'));
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(results.every((r) => !r.error) ? 0 : 1);
}

const startedAt = new Date();
const loadAvgStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
const meta = {
  name: a.name ?? (a.ramp ? 'ramp' : `chain-${brokers.join('-')}-${steps[0]}`),
  startedAt: startedAt.toISOString(),
  command: `npm run bench:chain -- ${process.argv.slice(2).join(' ')}`.trim(),
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? '?',
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  loadAvgStart,
  quiet: (loadAvgStart[0] ?? 0) < 0.5,
  influx: a.influx,
  registry: a.postgres ? 'postgres' : 'pglite',
  seconds,
  targets: TARGETS,
};
log(`load average at start: ${loadAvgStart.join(' ')}`);
const runs: RunResult[] = [];
const knees: string[] = [];
for (const b of brokers) {
  for (const n of steps) {
    const r = await runOne(b, n).catch((err: unknown) => failedRun(b, n, err));
    runs.push(r);
    log(
      `${b} ${n}: ${r.samplesPerSec} samples/s, lost ${r.lostBeforeIngest}, freshness p99 ${r.freshnessMs.p99}, alert p99 ${r.alertLatencyMs.p99}, server p99 ${r.serverLatencyMs.p99}, ingest cpu ${r.procs.ingest?.steadyCpuPct}% rss ${r.procs.ingest?.peakRssMb} MB`,
    );
    if (!a.ramp) continue;
    const bad =
      r.error !== undefined ||
      !r.pass.zeroLoss ||
      !r.pass.throughput ||
      r.pass.alertP99 === false ||
      !r.pass.freshnessP99;
    if (bad) {
      const prev = runs.filter((x) => x.broker === b && x !== r && !x.error).at(-1);
      const top = Object.entries(r.procs).sort(
        (x, y) => (y[1].steadyCpuPct ?? 0) - (x[1].steadyCpuPct ?? 0),
      )[0];
      knees.push(
        `${b}: last good step ${prev ? prev.participants : 'none'}; ${n} failed (${
          r.error ??
          Object.entries(r.pass)
            .filter(([, v]) => !v)
            .map(([k]) => k)
            .join(', ')
        }); busiest process: ${top?.[0] ?? '?'} at ${top?.[1].steadyCpuPct ?? '?'}% of a core.`,
      );
      break;
    }
    if (n === steps.at(-1)) knees.push(`${b}: no knee up to ${n} participants`);
  }
}
const knee = knees.length ? knees.join(' ') : undefined;
mkdirSync(RESULTS, { recursive: true });
const stamp = startedAt.toISOString().replace(/[:.]/g, '-').slice(0, 19);
const base = path.join(RESULTS, `${stamp}-${meta.name}`);
const md = markdown(runs, meta, knee);
writeFileSync(`${base}.json`, `${JSON.stringify({ meta, knee, runs }, null, 2)}\n`);
writeFileSync(`${base}.md`, md);
writeFileSync(path.join(RESULTS, 'latest.md'), md);
process.stdout.write(`${md}\n`);
process.stdout.write(
  `${JSON.stringify({ bench: 'chain', file: path.relative(process.cwd(), `${base}.json`), knee, runs: runs.map((r) => ({ broker: r.broker, participants: r.participants, samplesPerSec: r.samplesPerSec, lost: r.lostBeforeIngest, freshnessP99: r.freshnessMs.p99, alertP99: r.alertLatencyMs.p99, serverP99: r.serverLatencyMs.p99 })) })}\n`,
);
process.exit(0);
