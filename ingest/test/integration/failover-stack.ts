/**
 * The multi-node set-up of issue 18 as an operator runs it, every part its own process: Postgres, Redis, one
 * broker (the standalone aedes in cluster mode, its sessions in Redis — or Mosquitto), two ingest nodes
 * (`ingest/src/main.ts`) consuming from it, and a scripted gateway publishing a class at 1 Hz with the
 * seeded credentials. Helpers to read a node's `/healthz` and to wait on it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashSecret } from '@zonewatch/broker';
import { loadScenario, scenarioRoster } from '@zonewatch/firmware-sim';
import type { TelemetryBatch } from '@zonewatch/protocol';
import { telemetryTopic } from '@zonewatch/protocol';
import type { MqttClient } from 'mqtt';
import pino from 'pino';
import { startMosquitto } from '../../../bench/lib/mosquitto.js';
import { connect, freePort, type RedisServer, startRedis } from '../../../broker/test/helpers.js';
import { demoParticipant } from '../../src/platform.js';
import { type DemoSeedResult, openRegistry, seedDemo } from '../../src/registry/index.js';
import { type PgServer, startPostgres } from '../registry/pg-server.js';
import { until } from './process.js';

export { until };

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SCENARIO = path.resolve(import.meta.dirname, '../fixtures/scenarios/critical-class.yaml');
export const SITE = 'test-site';
export const GATEWAY = 'test-gw-1';
export const DEVICES = {
  over: 'AA:00:00:00:00:01',
  calmHr: 'AA:00:00:00:00:02',
  calmSpo2: 'AA:00:00:00:00:03',
} as const;

export type BrokerKind = 'aedes' | 'mosquitto';

export interface Health {
  node: string;
  sites: { siteId: string; token: number }[];
  unmonitored: { siteId: string; since: number }[];
  live: { samples: number; fencedWrites: number; sessions: number };
  consumer: { samples: number; batches: number; duplicates: number; late: number; refused: number };
}

export interface IngestNode {
  name: string;
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stderr/stdout so far (for failure messages). */
  output(): string;
  health(): Promise<Health | undefined>;
}

export interface FailoverStack {
  broker: BrokerKind;
  seed: DemoSeedResult;
  mqttUrl: string;
  redis: RedisServer;
  /** Starts an ingest node process (`SITES`, `NODE_ID` and more in `env`). */
  startNode(name: string, env?: Record<string, string>): Promise<IngestNode>;
  close(): Promise<void>;
}

export async function startFailoverStack(broker: BrokerKind, leaseTtlMs = 4000): Promise<FailoverStack> {
  const cleanups: (() => Promise<void>)[] = [];
  const children: ChildProcess[] = [];
  const close = async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const [pg, redis]: [PgServer, RedisServer] = await Promise.all([startPostgres(), startRedis()]);
    cleanups.push(
      () => pg.stop(),
      () => redis.stop(),
    );
    const databaseUrl = await pg.createDatabase('failover');
    const dir = await mkdtemp(path.join(tmpdir(), 'zw-failover-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));

    // The registry as an operator seeds it: the demo site, its class (active, devices bound) and logins.
    const scenario = await loadScenario(SCENARIO);
    const { registry } = await openRegistry({
      databaseUrl,
      dataDir: dir,
      logger: pino({ level: 'silent' }),
    });
    const seed = await seedDemo(registry, {
      site: { id: SITE, name: 'Failover test site' },
      participants: scenarioRoster(scenario).participants.map((p) => demoParticipant(p, false)),
      className: scenario.name,
      gatewayIds: [GATEWAY],
    });
    await registry.db.close();

    const ingestSecret = 'secret-of-the-ingest-service-failover';
    const gw = seed.gateways[0]!;
    let mqttUrl: string;
    if (broker === 'mosquitto') {
      const m = await startMosquitto([
        { username: 'ingest', password: ingestSecret },
        { username: gw.gatewayId, password: gw.secret },
      ]);
      cleanups.push(() => m.close());
      mqttUrl = m.url;
    } else {
      const credentials = path.join(dir, 'broker-credentials.json');
      await writeFile(
        credentials,
        JSON.stringify({
          version: 1,
          gateways: [{ gatewayId: gw.gatewayId, siteId: SITE, secretHash: await hashSecret(gw.secret) }],
          services: [{ username: 'ingest', role: 'ingest', secretHash: await hashSecret(ingestSecret) }],
        }),
      );
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', 'broker/src/main.ts'], {
        cwd: ROOT,
        env: {
          ...process.env,
          MQTT_PORT: String(port),
          MQTT_HOST: '127.0.0.1',
          BROKER_CREDENTIALS_FILE: credentials,
          REDIS_URL: redis.url,
          BROKER_METRICS_INTERVAL_MS: '0',
          MQTT_CONN_RATE_PER_SEC: '0',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      mqttUrl = `mqtt://127.0.0.1:${port}`;
      await until('the aedes broker to listen', async () => {
        const c = await connect(mqttUrl, {
          username: 'ingest',
          password: ingestSecret,
          clientId: 'ingest_probe',
        })
          .then((x) => x)
          .catch(() => undefined);
        if (!c) return undefined;
        await c.endAsync();
        return true;
      });
    }

    const startNode = async (name: string, env: Record<string, string> = {}): Promise<IngestNode> => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'ingest/src/main.ts'], {
        cwd: ROOT,
        env: {
          ...process.env,
          PORT: '0',
          DATA_DIR: path.join(dir, `node-${name}`),
          DEMO: 'false',
          DATABASE_URL: databaseUrl,
          REDIS_URL: redis.url,
          MQTT_URL: mqttUrl,
          MQTT_USERNAME: 'ingest',
          MQTT_PASSWORD: ingestSecret,
          LEASE_TTL_MS: String(leaseTtlMs),
          NODE_ID: name,
          LOG_LEVEL: process.env.FAILOVER_LOG_LEVEL ?? 'warn',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.stderr!.on('data', (d: Buffer) => {
        out += d.toString();
      });
      const url = await until(
        `ingest node ${name} to start`,
        () => {
          if (child.exitCode !== null) throw new Error(`node ${name} exited ${child.exitCode}:\n${out}`);
          return /zonewatch console: (\S+)/.exec(out)?.[1];
        },
        Number(process.env.FAILOVER_START_MS ?? 180_000),
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n${out.slice(-3000)}`);
      });
      return {
        name,
        child,
        url,
        output: () => out,
        health: () =>
          fetch(new URL('/healthz', url))
            .then((r) => r.json() as Promise<Health>)
            .catch(() => undefined),
      };
    };
    return { broker, seed, mqttUrl, redis, startNode, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The sample kinds a class gateway sends each second: HR of both participants, SpO2 of one. */
export interface ClassGateway {
  /** Samples the broker acknowledged so far (PUBACK). */
  published(): number;
  /** HR each participant is driven to from now on. */
  set(hr: { over?: number; calm?: number }): void;
  /** Stops publishing after the batch in flight; resolves once it was acknowledged. */
  pause(): Promise<void>;
  resume(): void;
  close(): Promise<void>;
}

/**
 * A gateway playing the class at 1 Hz: one QoS 1 batch a second with a sample of each device, its
 * seq growing. Connects with the seeded credentials (a persistent session, so a broker hiccup loses nothing).
 */
export async function startClassGateway(stack: FailoverStack): Promise<ClassGateway> {
  const gw = stack.seed.gateways[0]!;
  const client: MqttClient = await connect(stack.mqttUrl, {
    username: gw.gatewayId,
    password: gw.secret,
    clientId: gw.gatewayId,
  });
  const hr = { over: 110, calm: 100 };
  let seq = 0;
  let published = 0;
  let paused = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (paused) return;
    const t = Date.now();
    const samples: TelemetryBatch['samples'] = [
      { kind: 'hr', device: DEVICES.over, t, bpm: hr.over, contact: true },
      { kind: 'hr', device: DEVICES.calmHr, t, bpm: hr.calm, contact: true },
      { kind: 'spo2', device: DEVICES.calmSpo2, t, spo2: 97 },
    ];
    const batch: TelemetryBatch = { v: 1, gatewayId: gw.gatewayId, seq: ++seq, sentAt: t, samples };
    inFlight = client
      .publishAsync(telemetryTopic(SITE, gw.gatewayId), JSON.stringify(batch), { qos: 1 })
      .then(() => {
        published += samples.length;
      });
  };
  const timer = setInterval(tick, 1000);
  tick();
  return {
    published: () => published,
    set(next) {
      Object.assign(hr, next);
    },
    async pause() {
      paused = true;
      await inFlight;
    },
    resume() {
      paused = false;
    },
    async close() {
      clearInterval(timer);
      await inFlight.catch(() => undefined);
      await client.endAsync();
    },
  };
}

/** SIGKILLs (or sends `signal` to) a node and resolves once it is gone (for SIGKILL) or signalled. */
export function signal(node: IngestNode, sig: NodeJS.Signals): Promise<void> {
  if (sig !== 'SIGKILL' && sig !== 'SIGTERM') {
    node.child.kill(sig);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    if (node.child.exitCode !== null || node.child.signalCode !== null) return resolve();
    node.child.once('exit', () => resolve());
    node.child.kill(sig);
  });
}

/** A probe for {@link until}: true once `node` holds the test site. */
export const holds = (node: IngestNode) => async () =>
  (await node.health())?.sites.some((s) => s.siteId === SITE) ? true : undefined;

/**
 * The stack with node A owning the test site (`SITES` prefers it, and it holds the lease) and node B, a
 * standby that prefers another site: the start of every failover scenario.
 */
export async function startOwnerAndStandby(
  broker: BrokerKind,
  leaseTtlMs: number,
): Promise<{ stack: FailoverStack; a: IngestNode; b: IngestNode }> {
  const stack = await startFailoverStack(broker, leaseTtlMs);
  try {
    const a = await stack.startNode('a', { SITES: SITE });
    await until('node A to hold the site', holds(a));
    const b = await stack.startNode('b', { SITES: 'elsewhere' });
    return { stack, a, b };
  } catch (e) {
    await stack.close();
    throw e;
  }
}
