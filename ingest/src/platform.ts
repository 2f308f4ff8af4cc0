import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Broker, createBroker, generateSecret, hashSecret, type Principal } from '@zonewatch/broker';
import {
  createSimulatedLink,
  createSimulation,
  loadScenario,
  parseScenario,
  type RosterParticipant,
  type Scenario,
  scenarioRoster,
  type TruthRecord,
} from '@zonewatch/firmware-sim';
import { createGateway, gatewayConfig, NotificationDecoder } from '@zonewatch/gateway';
import { presetForCondition, SOCKET_EVENTS } from '@zonewatch/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import { generateWeeklyProposals } from './api/record/progression.js';
import { buildApp } from './app.js';
import {
  createAuthService,
  RedisSessionStore,
  RegistrySessionStore,
  type SessionStore,
} from './auth/index.js';
import { GapWatch } from './cluster/gap-watch.js';
import { SiteLeases } from './cluster/leases.js';
import { SiteOwnership } from './cluster/ownership.js';
import type { IngestConfig } from './config.js';
import { type DemoTraceSource, seedRecordDemo } from './demo-record.js';
import { LiveService } from './live/service.js';
import { toRuleSample } from './live/telemetry.js';
import { createTelemetryConsumer, type TelemetryConsumer } from './mqtt/consumer.js';
import {
  type CredentialBus,
  createGatewayCredentialEvents,
  GATEWAY_CREDENTIALS_CHANNEL,
} from './mqtt/gateway-credentials.js';
import {
  type DemoSeedResult,
  openPostgres,
  openRegistry,
  type Registry,
  type ScryptParams,
  seedDemo,
} from './registry/index.js';
import {
  createTelemetryWriter,
  type InfluxConfig,
  isInfluxEnabled,
  loadInfluxConfig,
  type TelemetryWriter,
  writerMetricFields,
} from './telemetry/index.js';

/**
 * The demo record's sessions: the simulator's notifications through the gateway's decoder, as rule
 * samples (the composition root is the one place in ingest that knows the simulator and the gateway).
 */
export const demoTraceSource: DemoTraceSource = (scenarioJson, participantId) => {
  const sim = createSimulation(parseScenario(scenarioJson, 'demo-record'));
  const decoder = new NotificationDecoder();
  const samples = [];
  for (const n of sim.step(sim.durationMs)) {
    const out = decoder.decode(n);
    if (out.kind === 'sample' && out.sample.kind !== 'battery') samples.push(toRuleSample(out.sample));
  }
  return {
    startedAt: sim.startedAt,
    durationMs: sim.durationMs,
    samples,
    exerciseEndS: sim.exerciseEndS(participantId),
  };
};

/** How often the weekly progression proposals are looked for (hourly: a new week is caught within an hour). */
const PROPOSALS_EVERY_MS = 3_600_000;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Scenarios `npm start` plays when DEMO is on and DEMO_SCENARIO is not set: a class and a home session. */
export const DEFAULT_DEMO_SCENARIOS = [
  'firmware-sim/scenarios/demo-class.yaml',
  'firmware-sim/scenarios/home-walk.yaml',
];

/** Cluster event: a node handed a site over (other nodes look for free sites at once). */
const SITE_RELEASED = 'zw:site-released';

/** Leases are renewed every fifth of their time to live. */
const renewMsOf = (ttlMs: number) => Math.max(200, Math.floor(ttlMs / 5));

/** How often ingest writes its own metrics and session completeness to InfluxDB (ms). */
export const METRICS_INTERVAL_MS = 10_000;

export interface Platform {
  /** URL of the console. */
  url: string;
  /** Port of the embedded MQTT broker, when one runs. */
  mqttPort: number | undefined;
  app: FastifyInstance;
  live: LiveService;
  registry: Registry;
  consumer: TelemetryConsumer;
  writer: TelemetryWriter;
  /** The sites this node holds through leases (issue 18), and its holder id. */
  ownership: SiteOwnership;
  /** The demo: what was seeded (logins with their one-time passwords) and the scenario of each session. */
  demo:
    | {
        seed: DemoSeedResult;
        scenarios: Map<string, Scenario>;
        /** Settles when the demo exercise-health record is seeded (issue 15; runs in the background). */
        record?: Promise<void>;
      }
    | undefined;
  close(): Promise<void>;
}

export interface PlatformDeps {
  logger: Logger;
  clock?: () => number;
  /** InfluxDB settings; default from the environment (INFLUX_*). */
  influx?: InfluxConfig;
  /** Receives the simulator's ground truth for every demo notification (end-to-end tests). */
  onTruth?: (truth: TruthRecord) => void;
  /** How often open consoles' logins are checked again (ms, default 30 s). */
  socketRevalidateMs?: number;
  /** scrypt cost of staff passwords (default the registry's; tests that log in often pass a cheaper one). */
  passwordParams?: ScryptParams;
}

/**
 * Starts the whole platform in one process: registry (PGlite unless DATABASE_URL), an embedded broker
 * (unless MQTT_URL points to one), the ingest service with its console, and, with DEMO on, a demo site
 * seeded in the registry plus a gateway and simulated wearables per demo scenario.
 */
export async function startPlatform(config: IngestConfig, deps: PlatformDeps): Promise<Platform> {
  const { logger } = deps;
  const clock = deps.clock ?? Date.now;
  const closers: (() => Promise<void>)[] = [];
  const timers: NodeJS.Timeout[] = [];
  const close = async () => {
    for (const t of timers) clearInterval(t);
    for (const c of closers.reverse()) {
      await c().catch((e: unknown) => logger.error({ err: e }, 'error while closing'));
    }
  };
  try {
    await mkdir(config.DATA_DIR, { recursive: true });
    const { registry } = await openRegistry({
      ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
      dataDir: config.DATA_DIR,
      logger,
      ...(deps.passwordParams ? { passwordParams: deps.passwordParams } : {}),
    });
    closers.push(() => registry.db.close());

    const influxConfig = deps.influx ?? loadInfluxConfig(process.env);
    const writer = createTelemetryWriter(influxConfig, { logger });
    closers.push(() => writer.close());

    const scenarios = config.DEMO ? await loadDemoScenarios(config) : [];
    const seed = scenarios.length ? await seedDemo(registry, demoInput(scenarios)) : undefined;
    // Issue 15: the demo's exercise-health record (ten weeks of sessions through the real rules engine) is
    // seeded in the background so the start is not delayed; closing waits for it.
    let recordSeeding: Promise<void> | undefined;
    if (seed && (config.DEMO_RECORD ?? !config.DEMO_SCENARIO)) {
      const userOf = (role: string) => seed.users.find((u) => u.role === role)?.userId ?? '';
      const seeding = seedRecordDemo(registry, {
        siteId: seed.siteId,
        clinicianId: userOf('clinician'),
        coachId: userOf('coach'),
        now: clock(),
        traces: demoTraceSource,
      }).then(
        (r) => {
          if (r.seeded) logger.info({ participantId: r.participantId }, 'demo exercise-health record seeded');
        },
        (err: unknown) => logger.error({ err }, 'demo exercise-health record not seeded'),
      );
      recordSeeding = seeding;
      closers.push(() => seeding);
    }

    // The ingest service account of the embedded broker: made up at start, never stored.
    const ingestSecret = generateSecret();
    let broker: Broker | undefined;
    let mqttUrl = config.MQTT_URL;
    let mqttUser = config.MQTT_USERNAME;
    let mqttPass = config.MQTT_PASSWORD;
    if (!mqttUrl) {
      const ingest: Principal = {
        kind: 'service',
        username: 'ingest',
        role: 'ingest',
        secretHash: await hashSecret(ingestSecret),
      };
      broker = await createBroker(
        { host: config.MQTT_HOST, mqttPort: config.MQTT_PORT },
        {
          logger,
          credentials: {
            // Gateways are looked up in the registry at every connect, so a revoked one is refused at once;
            // its open connection is cut by `broker.revalidate` (gatewayCredentials below).
            async lookup(username) {
              if (username === ingest.username) return ingest;
              const c = await registry.gateways.lookupCredential(username);
              return c ? { kind: 'gateway', ...c } : undefined;
            },
          },
        },
      );
      closers.push(() => broker!.close());
      const ports = await broker.listen();
      mqttUrl = `mqtt://127.0.0.1:${ports.mqttPort}`;
      mqttUser = 'ingest';
      mqttPass = ingestSecret;
    }

    // Sites are owned through leases in the registry's database (issue 18, see ingest/README.md).
    const holder = `${config.NODE_ID ?? hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    // On Postgres the leases have connections of their own: restoring many sites at once fills the
    // registry's pool, and a renewal queued behind those queries would let this node's leases run out.
    const leaseDb = config.DATABASE_URL
      ? await openPostgres(config.DATABASE_URL, { max: 2, logger })
      : undefined;
    if (leaseDb) closers.push(() => leaseDb.close());
    const leases = new SiteLeases(leaseDb ?? registry.db);
    let consumerRef: TelemetryConsumer | undefined;
    let liveRef: LiveService | undefined;
    let gapWatchRef: GapWatch | undefined;
    let announceRelease: ((siteId: string) => void) | undefined;
    const ownership = new SiteOwnership({
      leases,
      registry,
      holder,
      logger: logger.child({ component: 'ownership', holder }),
      ttlMs: config.LEASE_TTL_MS,
      renewMs: renewMsOf(config.LEASE_TTL_MS),
      preferred: config.SITES,
      takeover: config.SITE_TAKEOVER,
      onAcquired: async (siteId, _token, gap) => {
        await liveRef!.takeSite(siteId);
        // Lost while restoring (a very slow restore): never open the site's session, it is someone else's.
        if (!ownership.owns(siteId)) return liveRef!.dropSite(siteId);
        await consumerRef!.addSite(siteId);
        if (!ownership.owns(siteId)) {
          liveRef!.dropSite(siteId);
          return consumerRef!.removeSite(siteId, false);
        }
        if (gap) {
          // Grafana: the gap as a step (interrupted from the last renewal of the old owner until now).
          writer.writeMetrics('site_gap', { site: siteId }, { interrupted: 1, gap_ms: 0 }, gap.from);
          writer.writeMetrics(
            'site_gap',
            { site: siteId },
            { interrupted: 0, gap_ms: gap.to - gap.from },
            gap.to,
          );
        }
      },
      onLost: async (siteId, _token, graceful) => {
        if (graceful) {
          // Hand-over: stop taking messages (the broker keeps the rest), finish queued writes, then drop.
          await consumerRef?.removeSite(siteId, true);
          await liveRef?.drain();
          liveRef?.dropSite(siteId);
        } else {
          liveRef?.dropSite(siteId);
          await consumerRef?.removeSite(siteId, false);
        }
      },
      onReleased: (siteId) => announceRelease?.(siteId),
    });

    const live = new LiveService({
      registry,
      writer,
      logger,
      clock,
      sites: config.SITES,
      ownership,
      maxClockSkewMs: config.CLOCK_SKEW_MAX_MS,
    });
    liveRef = live;
    await live.start();
    closers.push(() => live.drain());

    const consumer = createTelemetryConsumer({
      url: mqttUrl,
      ...(mqttUser ? { username: mqttUser } : {}),
      ...(mqttPass ? { password: mqttPass } : {}),
      sites: config.SITES,
      leased: true,
      accept: (siteId) => ownership.owns(siteId),
      logger: logger.child({ component: 'consumer' }),
      onBatch: (siteId, batch) => live.onBatch(siteId, batch),
      onStatus: (siteId, gatewayId, status) => {
        writer.writeMetrics(
          'gateway',
          { site: siteId, gateway: gatewayId },
          {
            online: status.state === 'online' ? 1 : 0,
            outbox_depth: status.outboxDepth ?? 0,
            outbox_dropped: status.outboxDropped ?? 0,
          },
        );
        if (status.state === 'online') void registry.gateways.touch(gatewayId).catch(() => undefined);
      },
      onBrokerMetrics: (m) =>
        writer.writeMetrics(
          'broker',
          { node: m.nodeId },
          {
            clients: m.connectedClients,
            messages_in: m.messagesIn,
            messages_out: m.messagesOut,
            auth_rejected: m.rejectedAuth,
            publish_rejected: m.rejectedPublishes.total,
            subscribe_rejected: m.rejectedSubscribes,
          },
          m.timestampMs,
        ),
    });

    consumerRef = consumer;

    // Logins outlive a restart: in Redis when configured (shared by every node), else in the registry.
    let store: SessionStore = new RegistrySessionStore(registry);
    let credentialBus: CredentialBus | undefined;
    if (config.REDIS_URL) {
      // Logins are shared by every node: a console's REST calls and its socket may land on different ones.
      const redis = createClient({ url: config.REDIS_URL });
      redis.on('error', (e: Error) => logger.error({ err: e.message }, 'redis error (sessions)'));
      await redis.connect();
      closers.push(() => redis.close());
      store = new RedisSessionStore(redis);
      // A gateway revoked through one node may be connected to another node's embedded broker.
      credentialBus = {
        publish: (message) => redis.publish(GATEWAY_CREDENTIALS_CHANNEL, message),
        subscribe: async (onMessage) => {
          const sub = redis.duplicate();
          sub.on('error', (e: Error) =>
            logger.error({ err: e.message }, 'redis error (gateway credentials)'),
          );
          await sub.connect();
          closers.push(() => sub.close());
          await sub.subscribe(GATEWAY_CREDENTIALS_CHANNEL, onMessage);
        },
      };
    }
    const embedded = broker;
    const gatewayCredentials = await createGatewayCredentialEvents({
      logger: logger.child({ component: 'gateway-credentials' }),
      ...(embedded ? { revalidateLocal: (ids: readonly string[]) => embedded.revalidate(ids) } : {}),
      ...(credentialBus ? { bus: credentialBus } : {}),
    });
    const auth = createAuthService({ registry, clock, store });
    const app = await buildApp(config, {
      live,
      registry,
      logger,
      clock,
      stats: () => ({
        consumer: consumer.stats(),
        live: live.stats(),
        node: holder,
        sites: ownership.sites(),
        unmonitored: gapWatchRef?.gaps() ?? [],
      }),
      auth,
      ...(deps.socketRevalidateMs ? { socketRevalidateMs: deps.socketRevalidateMs } : {}),
      gatewayCredentials,
      ...(isInfluxEnabled(influxConfig) ? { telemetry: influxConfig } : {}),
    });
    closers.push(() => app.close());
    // Phones' browser gateways (issue 17) speak MQTT over WebSocket on ingest's own origin.
    broker?.attachWebSocket(app.server, config.MQTT_WS_PATH);
    await app.listen({ port: config.PORT, host: config.HOST });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;

    await consumer.start();
    closers.push(() => consumer.stop());
    if (config.REDIS_URL) {
      // A node that hands a site over tells the others, which take it at once instead of at their next round.
      const io = app.io as unknown as {
        on(ev: string, fn: (siteId: string) => void): void;
        serverSideEmit(ev: string, siteId: string): void;
      };
      io.on(SITE_RELEASED, () => ownership.kick());
      announceRelease = (siteId) => io.serverSideEmit(SITE_RELEASED, siteId);
    }
    await ownership.start();
    // Closed first (closers run in reverse): the sites are handed over while everything else still runs.
    closers.push(() => ownership.stop());
    // A site whose owner is gone is an alarm on every console of its sessions, on every node (issue 18).
    const renewMs = renewMsOf(config.LEASE_TTL_MS);
    const gapWatch: GapWatch = new GapWatch({
      leases,
      registry,
      logger: logger.child({ component: 'gap-watch' }),
      gapAfterMs: Math.floor(renewMs * 2.5),
      intervalMs: 500,
      clock,
      emit: (notice) =>
        app.io.local
          .to(`session:${notice.sessionId}`)
          .to(`wall:${notice.sessionId}`)
          .emit(SOCKET_EVENTS.notice, notice),
    });
    gapWatch.start();
    gapWatchRef = gapWatch;
    closers.push(async () => gapWatch.stop());

    timers.push(setInterval(() => live.tick(clock()), 1000));
    // Issue 15: each enrolled participant's progression proposal for the last complete week (idempotent).
    timers.push(
      setInterval(() => {
        generateWeeklyProposals(registry, clock()).catch((err: unknown) =>
          logger.error({ err }, 'weekly progression proposals failed'),
        );
      }, PROPOSALS_EVERY_MS),
    );
    timers.push(
      setInterval(() => {
        const c = consumer.stats();
        const l = live.stats();
        writer.writeMetrics(
          'ingest',
          { node: holder },
          {
            batches: c.batches,
            samples: c.samples,
            invalid: c.invalid,
            duplicates: c.duplicates,
            unbound: l.unbound,
            future_samples: l.futureSamples,
            clock_fault_gateways: l.clockFaultGateways,
            unbound_devices: l.unboundTracked,
            unbound_evicted: l.unboundEvicted,
            alerts_open: l.alertsOpen,
            sites_held: ownership.sites().length,
            ...writerMetricFields(writer.stats()),
          },
        );
        for (const s of ownership.sites())
          writer.writeMetrics('site_lease', { site: s.siteId, node: holder }, { held: 1, token: s.token });
        for (const s of live.sessionHealth()) {
          writer.writeMetrics(
            'session',
            { site: s.siteId, session: s.sessionId },
            { participants: s.participants, completeness: s.completeness },
          );
        }
      }, METRICS_INTERVAL_MS),
    );

    const byGateway = new Map(seed?.gateways.map((g) => [g.gatewayId, g]) ?? []);
    const scenarioBySession = new Map<string, Scenario>();
    for (const scenario of config.DEMO === true ? scenarios : []) {
      const creds = byGateway.get(scenario.gateway.id);
      if (!creds) continue;
      const sessionId =
        scenario.kind === 'home'
          ? seed?.homeSessions.find((h) => h.participantId === scenario.participants[0]?.id)?.sessionId
          : seed?.sessionId;
      if (sessionId) scenarioBySession.set(sessionId, scenario);
      const link = createSimulatedLink(scenario, {
        loop: true,
        logger,
        ...(deps.onTruth ? { onTruth: deps.onTruth } : {}),
      });
      const gw = createGateway(
        gatewayConfig({
          gatewayId: scenario.gateway.id,
          siteId: scenario.site,
          mqttUrl,
          secret: creds.secret,
          dataDir: path.join(config.DATA_DIR, `gateway-${scenario.gateway.id}`),
        }),
        { link, logger },
      );
      await gw.start();
      closers.push(() => gw.stop());
    }

    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
    return {
      url: `http://${host}:${port}/`,
      mqttPort: broker ? Number(new URL(mqttUrl).port) : undefined,
      app,
      live,
      registry,
      consumer,
      writer,
      ownership,
      demo: seed
        ? { seed, scenarios: scenarioBySession, ...(recordSeeding ? { record: recordSeeding } : {}) }
        : undefined,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

async function loadDemoScenarios(config: IngestConfig): Promise<Scenario[]> {
  const files = config.DEMO_SCENARIO
    ? config.DEMO_SCENARIO.split(',').map((f) => path.resolve(f.trim()))
    : DEFAULT_DEMO_SCENARIOS.map((f) => path.join(REPO_ROOT, f));
  const loaded = await Promise.all(files.map((f) => loadScenario(f)));
  // One demo site: home sessions belong to the centre whose coaches follow them.
  const site = (loaded.find((s) => s.kind === 'class') ?? loaded[0])?.site;
  return loaded.map((s) => (site && s.site !== site ? { ...s, site, gateway: { ...s.gateway, site } } : s));
}

/**
 * A simulated participant as the demo registry holds them: alias, devices, and a prescription from the
 * population preset of their condition (the benchmark seeds its participants the same way).
 */
export function demoParticipant(p: RosterParticipant, home: boolean) {
  // β-blockers without a measured maximum: HR alerts are advisory only (CLINICAL-RULES.md section 1).
  const advisory = p.betaBlocker && p.hrMaxSource !== 'measured';
  return {
    id: p.id,
    alias: p.alias,
    age: p.age,
    sex: p.sex === 'female' || p.sex === 'male' ? p.sex : ('other' as const),
    condition: p.condition,
    betaBlocker: p.betaBlocker,
    hrRest: p.hrRest,
    hrMax: p.hrMax,
    deviceIds: p.devices.map((d) => ({ id: d.id, kind: d.kind })),
    home,
    prescription: {
      preset: presetForCondition(p.condition),
      age: p.age,
      sex: p.sex,
      hrRest: p.hrRest,
      hrMax: p.hrMaxSource === 'measured' ? { source: 'measured', bpm: p.hrMax } : { source: p.hrMaxSource },
      hrMode: advisory ? 'advisory' : 'enforce',
      betaBlocker: p.betaBlocker,
      fitt: { sessionsPerWeek: 3, minutesInZone: 20 },
    },
  };
}

function demoInput(scenarios: Scenario[]): Parameters<typeof seedDemo>[1] {
  const siteId = scenarios[0]!.site;
  const participants = scenarios.flatMap((s) =>
    scenarioRoster(s).participants.map((p) => demoParticipant(p, s.kind === 'home')),
  );
  return {
    site: { id: siteId, name: '演示社区运动健康中心' },
    participants,
    className: scenarios.find((s) => s.kind === 'class')?.name ?? 'Demo class',
    gatewayIds: scenarios.map((s) => s.gateway.id),
  };
}
