import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DeviceLink, PRESET_NAMES } from '@zonewatch/protocol';
import type { Logger } from 'pino';
import { z } from 'zod';
import { createSimulatedLink, type SimulatedLink } from './link.js';
import { createPrng } from './prng.js';
import { type Scenario, type ScenarioInput, scenarioSchema } from './scenario.js';

/**
 * Load mode: many gateways, each an MQTT client with its own credentials, each playing a synthetic class.
 * Bounded in count and in time, and it stops by itself. The model is the same as in scenarios; at the
 * default 1 Hz strap-only set-up it costs a few microseconds per participant-second, far below what the
 * gateways and the broker spend, so no separate model is needed.
 */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Hard limits so a typo cannot start an unbounded run. */
export const LOAD_LIMITS = {
  gateways: 10_000,
  participants: 100_000,
  durationS: 24 * 3600,
  rateHz: 10,
} as const;

/** Options of a load run; see the CLI's `load` command for their flags. */
export const loadOptionsSchema = z
  .object({
    /** Number of simulated gateways (MQTT clients). */
    gateways: z.number().int().min(1).max(LOAD_LIMITS.gateways),
    /** Participants in total, spread evenly over the gateways (at least one per gateway). */
    participants: z.number().int().min(1).max(LOAD_LIMITS.participants),
    /** Length of the run (scenario seconds). */
    durationS: z.number().gt(0).max(LOAD_LIMITS.durationS),
    /** Notifications per second per device. */
    rateHz: z.number().gt(0).max(LOAD_LIMITS.rateHz).default(1),
    /** Simulated seconds per wall second (1 = real time). */
    speedup: z.number().gt(0).max(1000).default(1),
    /** Broker URL; only loopback hosts unless `allowRemote`. */
    mqttUrl: z.string().default('mqtt://127.0.0.1:1883'),
    allowRemote: z.boolean().default(false),
    /** Gateway credentials; when given, gateway and site ids come from here (the first `gateways` entries). */
    credentials: z
      .array(z.object({ gatewayId: z.string(), siteId: z.string(), secret: z.string().min(1) }).loose())
      .optional(),
    /** Secret for generated gateways; `{gatewayId}` and `{siteId}` are replaced. */
    secretPattern: z.string().min(1).optional(),
    /** Prefix of generated gateway and site ids. */
    idPrefix: z
      .string()
      .regex(/^[a-z0-9-]{1,32}$/)
      .default('load'),
    /** Generated gateways per site. */
    gatewaysPerSite: z.number().int().min(1).max(10_000).default(10),
    /** Share of participants that also wear an oximeter (0–1). */
    oximeterShare: z.number().min(0).max(1).default(0),
    /** Share of participants given one scheduled incident (drift, over-exertion, contact loss, dropout). */
    eventShare: z.number().min(0).max(1).default(0),
    seed: z.number().int().default(1),
    /** Gateways started per second (the broker may rate-limit connections). */
    connectRatePerSec: z.number().gt(0).max(10_000).default(100),
    /** The gateways' flush interval (ms). */
    flushIntervalMs: z.number().int().min(10).max(60_000).default(250),
    /** `memory` (default, nothing on disk) or `disk` outboxes under a temporary directory. */
    outbox: z.enum(['memory', 'disk']).default('memory'),
    /** Wall ms between simulator wake-ups per gateway. */
    tickMs: z.number().int().min(5).max(5_000).default(100),
  })
  .superRefine((o, ctx) => {
    if (o.participants < o.gateways) {
      ctx.addIssue({
        code: 'custom',
        path: ['participants'],
        message: 'must be at least the number of gateways',
      });
    }
    if (!o.credentials && !o.secretPattern) {
      ctx.addIssue({
        code: 'custom',
        path: ['credentials'],
        message: 'give a credentials file or a secret pattern',
      });
    }
    if (o.credentials && o.credentials.length < o.gateways) {
      ctx.addIssue({
        code: 'custom',
        path: ['credentials'],
        message: `has ${o.credentials.length} gateway(s), ${o.gateways} needed`,
      });
    }
    if (!URL.canParse(o.mqttUrl)) {
      ctx.addIssue({ code: 'custom', path: ['mqttUrl'], message: 'is not a URL' });
    } else if (!o.allowRemote && !isLoopback(o.mqttUrl)) {
      ctx.addIssue({
        code: 'custom',
        path: ['mqttUrl'],
        message: 'load mode only connects to 127.0.0.1/localhost unless --allow-remote is given',
      });
    }
  });

export type LoadOptions = z.infer<typeof loadOptionsSchema>;
export type LoadOptionsInput = z.input<typeof loadOptionsSchema>;

/** True for `127.0.0.0/8`, `localhost` and `::1` broker URLs. */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** One simulated gateway of a load run. */
export interface LoadGateway {
  gatewayId: string;
  siteId: string;
  secret: string;
  scenario: Scenario;
}

/** Every condition with a preset of its own (the synthetic load has no `healthy` participants). */
const CONDITIONS = PRESET_NAMES;
const FITNESS = ['low', 'average', 'average', 'high'] as const;

/** Builds the synthetic gateways and their classes. Pure: the same options give the same scenarios. */
export function buildLoadGateways(opts: LoadOptions): LoadGateway[] {
  const rng = createPrng(opts.seed, 'load');
  const out: LoadGateway[] = [];
  const base = Math.floor(opts.participants / opts.gateways);
  const extra = opts.participants % opts.gateways;
  const warmupS = Math.min(180, opts.durationS / 5);
  for (let g = 0; g < opts.gateways; g++) {
    const cred = opts.credentials?.[g];
    const gatewayId = cred?.gatewayId ?? `${opts.idPrefix}-gw-${g + 1}`;
    const siteId = cred?.siteId ?? `${opts.idPrefix}-site-${Math.floor(g / opts.gatewaysPerSite) + 1}`;
    const secret =
      cred?.secret ??
      (opts.secretPattern as string).replaceAll('{gatewayId}', gatewayId).replaceAll('{siteId}', siteId);
    const count = base + (g < extra ? 1 : 0);
    const participants: ScenarioInput['participants'] = [];
    for (let i = 0; i < count; i++) {
      const id = `${gatewayId}-p${i + 1}`;
      const devices: ScenarioInput['participants'][number]['devices'] = [
        { id: `${id}-hr`, kind: 'hr-strap', rateHz: opts.rateHz },
      ];
      const condition = CONDITIONS[rng.int(0, CONDITIONS.length - 1)] as (typeof CONDITIONS)[number];
      const oximeter = rng.next() < opts.oximeterShare || (condition === 'copd' && opts.oximeterShare > 0);
      if (oximeter) devices.push({ id: `${id}-ox`, kind: 'oximeter', rateHz: opts.rateHz });
      const events: NonNullable<ScenarioInput['participants'][number]['events']> = [];
      if (rng.next() < opts.eventShare) {
        const at = Math.floor(rng.uniform(opts.durationS * 0.3, opts.durationS * 0.8));
        const durationS = Math.max(1, Math.min(120, Math.floor(opts.durationS - at - 1)));
        const pick = rng.int(0, 3);
        if (pick === 0) events.push({ kind: 'drift', at, deltaBpm: 20, durationS });
        else if (pick === 1) events.push({ kind: 'overexert', at, toBpm: 160, durationS });
        else if (pick === 2) events.push({ kind: 'contactLoss', at, durationS: Math.min(durationS, 30) });
        else events.push({ kind: 'dropout', at, durationS: Math.min(durationS, 40) });
      }
      const age = rng.int(45, 80);
      participants.push({
        id,
        alias: `P${g + 1}.${i + 1}`,
        age,
        sex: rng.next() < 0.5 ? 'female' : 'male',
        condition,
        fitness: FITNESS[rng.int(0, FITNESS.length - 1)] as (typeof FITNESS)[number],
        betaBlocker: (condition === 'cardiac-rehab' || condition === 'heart-failure') && rng.next() < 0.7,
        hrRest: rng.int(58, 84),
        effort: Math.round(rng.uniform(0.8, 1.2) * 100) / 100,
        devices,
        events,
      });
    }
    const scenario = scenarioSchema.parse({
      name: `load ${gatewayId}`,
      site: siteId,
      gateway: { id: gatewayId },
      durationS: opts.durationS,
      speedup: opts.speedup,
      seed: opts.seed + g,
      plan: [
        { kind: 'warmup', durationS: warmupS, workload: 0.4 },
        {
          kind: 'intervals',
          durationS: Math.max(1, opts.durationS - warmupS),
          high: 0.65,
          low: 0.45,
          onS: 120,
          offS: 60,
        },
      ],
      participants,
    });
    out.push({ gatewayId, siteId, secret, scenario });
  }
  return out;
}

/** Totals of a load run. */
export interface LoadReport {
  gateways: number;
  participants: number;
  devices: number;
  durationS: number;
  /** Wall seconds from the first gateway start to the last gateway stop. */
  wallS: number;
  /** Notifications the simulator handed to gateways. */
  notifications: number;
  samplesAccepted: number;
  samplesPublished: number;
  batchesPublished: number;
  connectionFailures: number;
  decodeErrors: number;
  outboxDropped: number;
  /** Gateways that were connected at the end. */
  connectedAtEnd: number;
  /** Largest PUBLISH→PUBACK time seen at the end of the run, over gateways (ms). */
  maxLastPublishLatencyMs: number | null;
  cpuUserS: number;
  cpuSystemS: number;
  maxRssMb: number;
}

/** The part of `@zonewatch/gateway` load mode uses (injected so tests and the CLI share one path). */
export interface GatewayModule {
  gatewayConfig(input: {
    gatewayId: string;
    siteId: string;
    mqttUrl: string;
    secret: string;
    dataDir?: string;
    flushIntervalMs?: number;
    logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  }): unknown;
  createGateway(
    config: never,
    deps: { link: DeviceLink; logger: Logger; outbox?: never },
  ): {
    start(): Promise<void>;
    stop(): Promise<void>;
    stats(): {
      connected: boolean;
      samplesAccepted: number;
      samplesPublished: number;
      batchesPublished: number;
      connectionFailures: number;
      decodeErrors: Partial<Record<string, number>>;
      outboxDropped: number;
      lastPublishLatencyMs: number | undefined;
    };
  };
  MemoryOutbox: new (maxBytes: number) => unknown;
}

/** Progress of a running load test, reported every few seconds. */
export interface LoadProgress {
  elapsedS: number;
  started: number;
  connected: number;
  notifications: number;
  samplesPublished: number;
}

/**
 * Runs a load test: starts the gateways at `connectRatePerSec`, lets every synthetic class play for
 * `durationS`, stops each gateway (flush, offline status) and returns the totals. A hard deadline of
 * duration + ramp-up + 60 s stops everything even if a gateway hangs.
 */
export async function runLoad(
  input: LoadOptionsInput,
  deps: {
    gateway: GatewayModule;
    logger: Logger;
    onProgress?: (p: LoadProgress) => void;
    progressEveryMs?: number;
    /** Aborting stops the run early (gateways are still stopped cleanly and the report returned). */
    signal?: AbortSignal;
  },
): Promise<LoadReport> {
  const opts = loadOptionsSchema.parse(input);
  const log = deps.logger.child({ component: 'load' });
  const specs = buildLoadGateways(opts);
  const dataRoot = opts.outbox === 'disk' ? await mkdtemp(join(tmpdir(), 'zonewatch-load-')) : undefined;
  const gwLogger = deps.logger.child({ component: 'load-gateway' });
  type Running = { link: SimulatedLink; gateway: ReturnType<GatewayModule['createGateway']> };
  const running: Running[] = [];
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let maxRss = process.memoryUsage().rss;
  const progress = (): LoadProgress => ({
    elapsedS: (performance.now() - started) / 1000,
    started: running.length,
    connected: running.filter((r) => r.gateway.stats().connected).length,
    notifications: running.reduce((s, r) => s + r.link.delivered, 0),
    samplesPublished: running.reduce((s, r) => s + r.gateway.stats().samplesPublished, 0),
  });
  const timer = setInterval(() => {
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
    deps.onProgress?.(progress());
  }, deps.progressEveryMs ?? 5_000);
  const rampS = opts.gateways / opts.connectRatePerSec;
  const deadlineMs = (opts.durationS / opts.speedup + rampS) * 1000 + 60_000;
  let stopRequested = false;
  const deadline = setTimeout(() => {
    log.warn('load run passed its deadline; stopping');
    stopRequested = true;
  }, deadlineMs);
  log.info(
    {
      gateways: opts.gateways,
      participants: opts.participants,
      durationS: opts.durationS,
      mqttUrl: opts.mqttUrl,
    },
    'load run starting',
  );
  try {
    const gapMs = 1000 / opts.connectRatePerSec;
    for (const spec of specs) {
      if (stopRequested || deps.signal?.aborted) break;
      const config = deps.gateway.gatewayConfig({
        gatewayId: spec.gatewayId,
        siteId: spec.siteId,
        mqttUrl: opts.mqttUrl,
        secret: spec.secret,
        flushIntervalMs: opts.flushIntervalMs,
        ...(dataRoot ? { dataDir: join(dataRoot, spec.gatewayId) } : {}),
      });
      const link = createSimulatedLink(spec.scenario, { tickMs: opts.tickMs });
      const gateway = deps.gateway.createGateway(config as never, {
        link,
        logger: gwLogger,
        ...(dataRoot ? {} : { outbox: new deps.gateway.MemoryOutbox(8 * 1024 * 1024) as never }),
      });
      await gateway.start();
      running.push({ link, gateway });
      await sleep(gapMs);
    }
    let allFinished = false;
    void Promise.all(running.map((r) => r.link.finished)).then(() => {
      allFinished = true;
    });
    while (!allFinished && !stopRequested && !deps.signal?.aborted) await sleep(250);
  } finally {
    clearInterval(timer);
    clearTimeout(deadline);
  }
  const connectedAtEnd = running.filter((r) => r.gateway.stats().connected).length;
  await Promise.all(
    running.map((r) => r.gateway.stop().catch((err: unknown) => log.error({ err }, 'gateway stop failed'))),
  );
  const wallS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
  if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
  const stats = running.map((r) => r.gateway.stats());
  const latencies = stats.map((s) => s.lastPublishLatencyMs).filter((x): x is number => x !== undefined);
  const report: LoadReport = {
    gateways: running.length,
    participants: specs.slice(0, running.length).reduce((s, g) => s + g.scenario.participants.length, 0),
    devices: specs
      .slice(0, running.length)
      .reduce((s, g) => s + g.scenario.participants.reduce((n, p) => n + p.devices.length, 0), 0),
    durationS: opts.durationS,
    wallS: Math.round(wallS * 10) / 10,
    notifications: running.reduce((s, r) => s + r.link.delivered, 0),
    samplesAccepted: stats.reduce((s, x) => s + x.samplesAccepted, 0),
    samplesPublished: stats.reduce((s, x) => s + x.samplesPublished, 0),
    batchesPublished: stats.reduce((s, x) => s + x.batchesPublished, 0),
    connectionFailures: stats.reduce((s, x) => s + x.connectionFailures, 0),
    decodeErrors: stats.reduce(
      (s, x) =>
        s +
        Object.values(x.decodeErrors as Record<string, number | undefined>).reduce<number>(
          (a, b) => a + (b ?? 0),
          0,
        ),
      0,
    ),
    outboxDropped: stats.reduce((s, x) => s + x.outboxDropped, 0),
    connectedAtEnd,
    maxLastPublishLatencyMs: latencies.length ? Math.max(...latencies) : null,
    cpuUserS: Math.round(cpu.user / 1e4) / 100,
    cpuSystemS: Math.round(cpu.system / 1e4) / 100,
    maxRssMb: Math.round(maxRss / 1024 / 1024),
  };
  log.info(report, 'load run finished');
  return report;
}
