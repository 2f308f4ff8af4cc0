/**
 * firmware-sim command line:
 *
 *   node --import tsx firmware-sim/src/cli.ts validate scenario.yaml [more.yaml …]
 *   node --import tsx firmware-sim/src/cli.ts run scenario.yaml [--mqtt-url URL] [--secret S | --secret-file F]
 *        [--speedup N] [--seed N] [--loop] [--dry-run [--instant]] [--truth out.jsonl] [--data-dir DIR]
 *   node --import tsx firmware-sim/src/cli.ts load --gateways M --participants N --duration S [--rate-hz 1]
 *        [--credentials creds.json | --secret-pattern 'pw-{gatewayId}'] [--mqtt-url URL] [--allow-remote] [--json]
 *
 * Output for people goes to stdout; logs (pino, JSON) go to stderr.
 */
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino, { type Logger } from 'pino';
import {
  compactBoard,
  describeNotification,
  formatClock,
  ParticipantBoard,
  participantLine,
} from './display.js';
import { createSimulatedLink } from './link.js';
import { type LoadProgress, type LoadReport, loadOptionsSchema, runLoad } from './load.js';
import { loadScenario, type Scenario, ScenarioError } from './scenario.js';
import { createSimulation, type TruthRecord } from './simulation.js';

/** Where the CLI writes; injectable for tests. */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  isTty: boolean;
  env: Record<string, string | undefined>;
  /** Aborted on SIGINT/SIGTERM by the entry point. */
  signal?: AbortSignal;
}

const USAGE = `usage:
  firmware-sim validate <scenario.yaml> [...]
  firmware-sim run <scenario.yaml> [--mqtt-url mqtt://127.0.0.1:1883] [--secret S | --secret-file F]
                   [--speedup N] [--seed N] [--loop] [--dry-run [--instant]] [--truth out.jsonl]
                   [--data-dir DIR] [--status-every S] [--log-level info]
  firmware-sim load --gateways M --participants N --duration S [--rate-hz 1] [--speedup 1]
                   [--credentials creds.json | --secret-pattern 'secret-{gatewayId}']
                   [--mqtt-url mqtt://127.0.0.1:1883] [--allow-remote] [--oximeter-share 0] [--event-share 0]
                   [--connect-rate 100] [--flush-ms 250] [--outbox memory|disk] [--seed N] [--json]
`;

/** Exit codes: 0 ok, 1 failure at run time, 2 bad usage or an invalid scenario. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

class UsageError extends Error {}

function num(value: string | undefined, flag: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got "${value}"`);
  return n;
}

/** pino to stderr, so stdout stays for people (and for `--dry-run` lines). */
function makeLogger(level: string): Logger {
  return pino({ level, base: { service: 'firmware-sim' } }, pino.destination({ fd: 2, sync: false }));
}

/** Runs the CLI with `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'validate':
        return await cmdValidate(rest, io);
      case 'run':
        return await cmdRun(rest, io);
      case 'load':
        return await cmdLoad(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof ScenarioError) {
      io.err(`${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`firmware-sim: ${(e as Error).message}\n${USAGE}`);
      return EXIT.usage;
    }
    const err = e as { code?: string; message?: string };
    io.err(`firmware-sim: ${err.code ? `${err.code}: ` : ''}${err.message ?? String(e)}\n`);
    return EXIT.failed;
  }
}

async function cmdValidate(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length === 0) throw new UsageError('validate needs at least one scenario file');
  let bad = 0;
  for (const file of positionals) {
    try {
      const s = await loadScenario(file);
      const devices = s.participants.reduce((n, p) => n + p.devices.length, 0);
      const events = s.participants.reduce((n, p) => n + p.events.length, 0);
      io.out(
        `ok  ${file}: ${s.name ?? '(unnamed)'} — ${s.kind} at ${s.site}/${s.gateway.id}, ` +
          `${s.participants.length} participant(s), ${devices} device(s), ${events} event(s), ` +
          `${formatClock(s.durationS)} at ×${s.speedup}\n`,
      );
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      bad++;
      io.err(`${e.message}\n`);
    }
  }
  return bad === 0 ? EXIT.ok : EXIT.usage;
}

async function cmdRun(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'mqtt-url': { type: 'string' },
      secret: { type: 'string' },
      'secret-file': { type: 'string' },
      speedup: { type: 'string' },
      seed: { type: 'string' },
      loop: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      instant: { type: 'boolean', default: false },
      truth: { type: 'string' },
      'data-dir': { type: 'string' },
      'status-every': { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('run needs exactly one scenario file');
  const scenario = await loadScenario(positionals[0] as string);
  const speedup = num(values.speedup, '--speedup') ?? scenario.speedup;
  if (!(speedup > 0)) throw new UsageError('--speedup must be > 0');
  const seed = num(values.seed, '--seed');
  const logLevel = values['log-level'] ?? (io.isTty && !values['dry-run'] ? 'warn' : 'info');
  const logger = makeLogger(logLevel);
  const board = new ParticipantBoard(scenario);
  const truthOut: WriteStream | undefined = values.truth ? createWriteStream(values.truth) : undefined;
  const onTruth = (t: TruthRecord): void => {
    board.update(t);
    truthOut?.write(`${JSON.stringify(t)}\n`);
  };
  const aliasOf = new Map<string, string>();
  for (const p of scenario.participants) for (const d of p.devices) aliasOf.set(d.id, p.alias);
  try {
    if (values['dry-run'])
      return await dryRun(scenario, { speedup, seed, loop: values.loop, instant: values.instant });
    return await liveRun(scenario, values, { speedup, seed, logger, board, onTruth, io });
  } finally {
    if (truthOut) await new Promise<void>((resolve) => truthOut.end(resolve));
    logger.flush();
  }

  async function dryRun(
    s: Scenario,
    o: { speedup: number; seed: number | undefined; loop: boolean; instant: boolean },
  ): Promise<number> {
    if (o.instant) {
      const sim = createSimulation(s, { ...(o.seed !== undefined ? { seed: o.seed } : {}), onTruth });
      for (const n of sim.step(Number.POSITIVE_INFINITY)) {
        io.out(`${describeNotification(n, sim.startedAt, aliasOf.get(n.deviceId))}\n`);
      }
      return EXIT.ok;
    }
    const link = createSimulatedLink(s, {
      speedup: o.speedup,
      loop: o.loop,
      logger,
      onTruth,
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
    });
    await link.start((n) => {
      io.out(
        `${describeNotification(n, link.simulation?.startedAt ?? n.receivedAt, aliasOf.get(n.deviceId))}\n`,
      );
    });
    io.signal?.addEventListener('abort', () => void link.stop(), { once: true });
    await link.finished;
    return EXIT.ok;
  }
}

async function liveRun(
  scenario: Scenario,
  values: Record<string, string | boolean | undefined>,
  ctx: {
    speedup: number;
    seed: number | undefined;
    logger: Logger;
    board: ParticipantBoard;
    onTruth: (t: TruthRecord) => void;
    io: CliIo;
  },
): Promise<number> {
  const { io, logger, board } = ctx;
  const mqttUrl = (values['mqtt-url'] as string | undefined) ?? io.env['MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';
  const secret = readSecret(values, io.env);
  const statusEveryS = num(
    values['status-every'] as string | undefined,
    '--status-every',
    io.isTty ? 1 : 5,
  ) as number;
  // Imported here only, so the library and its tests do not need the gateway.
  const { createGateway, gatewayConfig } = await import('@zonewatch/gateway');
  const config = gatewayConfig({
    gatewayId: scenario.gateway.id,
    siteId: scenario.gateway.site ?? scenario.site,
    mqttUrl,
    secret,
    ...(values['data-dir'] ? { dataDir: values['data-dir'] as string } : {}),
  });
  const link = createSimulatedLink(scenario, {
    speedup: ctx.speedup,
    loop: values.loop === true,
    logger: logger.child({ component: 'firmware-sim' }),
    onTruth: ctx.onTruth,
    ...(ctx.seed !== undefined ? { seed: ctx.seed } : {}),
  });
  const gateway = createGateway(config, { link, logger });
  await gateway.start();
  const totalMs = scenario.durationS * 1000;
  let drawn = 0;
  const render = (final = false): void => {
    const sim = link.simulation;
    const elapsedMs = Math.min(totalMs, sim?.elapsedMs ?? 0);
    const st = gateway.stats();
    const head =
      `${formatClock(elapsedMs / 1000)} / ${formatClock(scenario.durationS)}  ×${ctx.speedup}  ` +
      `notifications ${link.delivered}  samples ${st.samplesPublished}/${st.samplesAccepted} published  ` +
      `batches ${st.batchesPublished}  outbox ${st.outboxDepth}  broker ${st.connected ? 'connected' : 'DISCONNECTED'}`;
    if (io.isTty) {
      const lines = [
        `${scenario.name ?? scenario.gateway.id} — ${scenario.site}/${scenario.gateway.id}`,
        head,
      ];
      const views = [...board.views.values()];
      for (const v of views.slice(0, 24)) lines.push(participantLine(v, elapsedMs));
      if (views.length > 24) lines.push(`  … ${views.length - 24} more`);
      const clear = drawn > 0 ? `\x1b[${drawn}A\x1b[0J` : '';
      io.out(`${clear}${lines.join('\n')}\n`);
      drawn = lines.length;
    } else {
      io.out(`[${final ? 'done' : 'run'}] ${head} | ${compactBoard(board, elapsedMs)}\n`);
    }
  };
  const timer = setInterval(render, statusEveryS * 1000);
  const stop = (): void => void link.stop();
  io.signal?.addEventListener('abort', stop, { once: true });
  try {
    await link.finished;
  } finally {
    clearInterval(timer);
    io.signal?.removeEventListener('abort', stop);
    await gateway.stop();
  }
  render(true);
  const st = gateway.stats();
  const lost = st.samplesAccepted - st.samplesPublished;
  io.out(
    `finished: ${link.delivered} notifications, ${st.samplesPublished} samples in ${st.batchesPublished} batches` +
      `${lost > 0 ? `; ${lost} sample(s) left in the outbox for the next start` : ''}\n`,
  );
  return EXIT.ok;
}

function readSecret(values: Record<string, string | boolean | undefined>, env: CliIo['env']): string {
  const file = values['secret-file'] as string | undefined;
  if (file !== undefined) {
    if (values.secret !== undefined) throw new UsageError('give --secret or --secret-file, not both');
    const s = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    if (!s) throw new UsageError(`--secret-file ${file} is empty`);
    return s;
  }
  const s = (values.secret as string | undefined) ?? env['GATEWAY_SECRET'];
  if (!s)
    throw new UsageError(
      'run needs the gateway secret: --secret, --secret-file or GATEWAY_SECRET (or use --dry-run)',
    );
  return s;
}

async function cmdLoad(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    allowPositionals: false,
    options: {
      gateways: { type: 'string' },
      participants: { type: 'string' },
      duration: { type: 'string' },
      'rate-hz': { type: 'string' },
      speedup: { type: 'string' },
      'mqtt-url': { type: 'string' },
      'allow-remote': { type: 'boolean', default: false },
      credentials: { type: 'string' },
      'secret-pattern': { type: 'string' },
      'id-prefix': { type: 'string' },
      'oximeter-share': { type: 'string' },
      'event-share': { type: 'string' },
      'connect-rate': { type: 'string' },
      'flush-ms': { type: 'string' },
      outbox: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      'log-level': { type: 'string' },
    },
  });
  for (const required of ['gateways', 'participants', 'duration'] as const) {
    if (values[required] === undefined) throw new UsageError(`load needs --${required}`);
  }
  const credentials = values.credentials ? readCredentials(values.credentials) : undefined;
  const input = {
    gateways: num(values.gateways, '--gateways') as number,
    participants: num(values.participants, '--participants') as number,
    durationS: num(values.duration, '--duration') as number,
    rateHz: num(values['rate-hz'], '--rate-hz'),
    speedup: num(values.speedup, '--speedup'),
    mqttUrl: values['mqtt-url'] ?? io.env['MQTT_URL'],
    allowRemote: values['allow-remote'],
    credentials,
    secretPattern: values['secret-pattern'] ?? io.env['LOAD_SECRET_PATTERN'],
    idPrefix: values['id-prefix'],
    oximeterShare: num(values['oximeter-share'], '--oximeter-share'),
    eventShare: num(values['event-share'], '--event-share'),
    connectRatePerSec: num(values['connect-rate'], '--connect-rate'),
    flushIntervalMs: num(values['flush-ms'], '--flush-ms'),
    outbox: values.outbox as 'memory' | 'disk' | undefined,
    seed: num(values.seed, '--seed'),
  };
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const parsed = loadOptionsSchema.safeParse(defined);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new UsageError(`load: ${i ? `${i.path.join('.') || 'options'} ${i.message}` : 'invalid options'}`);
  }
  const logger = makeLogger(values['log-level'] ?? 'warn');
  const gateway = await import('@zonewatch/gateway');
  const report: LoadReport = await runLoad(parsed.data, {
    gateway,
    logger,
    ...(io.signal ? { signal: io.signal } : {}),
    onProgress: (p: LoadProgress) => {
      if (!values.json) {
        io.out(
          `[load] ${formatClock(p.elapsedS)} gateways ${p.connected}/${p.started} connected  ` +
            `notifications ${p.notifications}  samples published ${p.samplesPublished}\n`,
        );
      }
    },
  });
  logger.flush();
  if (values.json) io.out(`${JSON.stringify(report)}\n`);
  else {
    io.out(
      `load finished in ${report.wallS} s: ${report.gateways} gateways, ${report.participants} participants, ` +
        `${report.notifications} notifications, ${report.samplesPublished}/${report.samplesAccepted} samples published ` +
        `in ${report.batchesPublished} batches, ${report.connectionFailures} connection failure(s), ` +
        `${report.outboxDropped} dropped; CPU ${report.cpuUserS + report.cpuSystemS} s, max RSS ${report.maxRssMb} MB\n`,
    );
  }
  return report.samplesAccepted === report.samplesPublished ? EXIT.ok : EXIT.failed;
}

/** Reads `[{gatewayId, siteId, secret}]` or `{ gateways: [...] }` (extra fields, e.g. secretHash, ignored). */
function readCredentials(file: string): { gatewayId: string; siteId: string; secret: string }[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--credentials ${file}: ${(e as Error).message}`);
  }
  const list = Array.isArray(json) ? json : (json as { gateways?: unknown }).gateways;
  if (!Array.isArray(list))
    throw new UsageError(`--credentials ${file}: expected an array or { "gateways": [...] }`);
  return list.map((g, i) => {
    const { gatewayId, siteId, secret } = (g ?? {}) as Record<string, unknown>;
    if (typeof gatewayId !== 'string' || typeof siteId !== 'string' || typeof secret !== 'string') {
      throw new UsageError(
        `--credentials ${file}: gateways[${i}] needs gatewayId, siteId and secret strings`,
      );
    }
    return { gatewayId, siteId, secret };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const controller = new AbortController();
  let signals = 0;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      signals++;
      if (signals > 1) process.exit(130);
      controller.abort();
    });
  }
  main(process.argv.slice(2), {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    isTty: process.stdout.isTTY === true,
    env: process.env,
    signal: controller.signal,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`firmware-sim: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
