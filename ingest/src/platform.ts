import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Broker,
  createBroker,
  generateSecret,
  hashSecret,
  InMemoryCredentialStore,
  type Principal,
} from '@zonewatch/broker';
import {
  createSimulatedLink,
  loadScenario,
  type Scenario,
  scenarioRoster,
  type TruthRecord,
} from '@zonewatch/firmware-sim';
import { createGateway, type Gateway, gatewayConfig } from '@zonewatch/gateway';
import type { SessionInfo } from '@zonewatch/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { IngestConfig } from './config.js';
import { LiveHub, type RosterEntry } from './live/hub.js';
import { createTelemetryConsumer, type TelemetryConsumer } from './mqtt/consumer.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Scenarios `npm start` plays when DEMO is on and DEMO_SCENARIO is not set: a class and a home session. */
export const DEFAULT_DEMO_SCENARIOS = [
  'firmware-sim/scenarios/demo-class.yaml',
  'firmware-sim/scenarios/home-walk.yaml',
];

export interface Platform {
  /** URL of the console. */
  url: string;
  /** Port of the embedded MQTT broker, when one runs. */
  mqttPort: number | undefined;
  app: FastifyInstance;
  hub: LiveHub;
  consumer: TelemetryConsumer;
  /** Scenarios of the demo sessions, by session id. */
  demo: Map<string, Scenario>;
  close(): Promise<void>;
}

export interface PlatformDeps {
  logger: Logger;
  clock?: () => number;
  /** Receives the simulator's ground truth for every demo notification (end-to-end tests). */
  onTruth?: (truth: TruthRecord) => void;
}

/**
 * Starts the whole platform in one process: an embedded broker (unless MQTT_URL points to one), the ingest
 * service with its console, and, with DEMO on, a gateway and simulated wearables per demo scenario.
 */
export async function startPlatform(config: IngestConfig, deps: PlatformDeps): Promise<Platform> {
  const { logger } = deps;
  const clock = deps.clock ?? Date.now;
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) {
      await c().catch((e: unknown) => logger.error({ err: e }, 'error while closing'));
    }
  };
  try {
    await mkdir(config.DATA_DIR, { recursive: true });
    const hub = new LiveHub();
    const demo = new Map<string, Scenario>();
    const scenarios = config.DEMO
      ? await Promise.all(
          (config.DEMO_SCENARIO ? [config.DEMO_SCENARIO] : DEFAULT_DEMO_SCENARIOS).map((p) =>
            loadScenario(path.isAbsolute(p) || config.DEMO_SCENARIO ? p : path.join(REPO_ROOT, p)),
          ),
        )
      : [];

    // Credentials are made up at start: the embedded platform has no secret to keep in the repo.
    const ingestSecret = generateSecret();
    const gatewaySecrets = new Map(scenarios.map((s) => [s.gateway.id, generateSecret()]));
    let broker: Broker | undefined;
    let mqttUrl = config.MQTT_URL;
    let mqttUser = config.MQTT_USERNAME;
    let mqttPass = config.MQTT_PASSWORD;
    if (!mqttUrl) {
      const principals: Principal[] = [
        { kind: 'service', username: 'ingest', role: 'ingest', secretHash: await hashSecret(ingestSecret) },
      ];
      for (const s of scenarios) {
        const secret = gatewaySecrets.get(s.gateway.id)!;
        principals.push({
          kind: 'gateway',
          username: s.gateway.id,
          gatewayId: s.gateway.id,
          siteId: s.site,
          secretHash: await hashSecret(secret),
        });
      }
      broker = await createBroker(
        { host: config.MQTT_HOST, mqttPort: config.MQTT_PORT },
        { logger, credentials: new InMemoryCredentialStore(principals) },
      );
      closers.push(() => broker!.close());
      const ports = await broker.listen();
      mqttUrl = `mqtt://127.0.0.1:${ports.mqttPort}`;
      mqttUser = 'ingest';
      mqttPass = ingestSecret;
    }

    const consumer = createTelemetryConsumer({
      url: mqttUrl,
      ...(mqttUser ? { username: mqttUser } : {}),
      ...(mqttPass ? { password: mqttPass } : {}),
      sites: config.SITES,
      logger: logger.child({ component: 'consumer' }),
      onBatch: (siteId, batch) => {
        const r = hub.ingestBatch(siteId, batch);
        if (r.unbound > 0)
          logger.debug({ siteId, gatewayId: batch.gatewayId, unbound: r.unbound }, 'unbound samples');
      },
    });

    const app = await buildApp(config, { hub, logger, clock, stats: () => ({ consumer: consumer.stats() }) });
    closers.push(() => app.close());
    await app.listen({ port: config.PORT, host: config.HOST });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;

    await consumer.start();
    closers.push(() => consumer.stop());

    const gateways: Gateway[] = [];
    for (const scenario of scenarios) {
      const sessionId = `demo-${scenario.gateway.id}`;
      hub.openSession(demoSessionInfo(sessionId, scenario, clock()), demoRoster(scenario));
      demo.set(sessionId, scenario);
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
          secret: gatewaySecrets.get(scenario.gateway.id)!,
          dataDir: path.join(config.DATA_DIR, `gateway-${scenario.gateway.id}`),
        }),
        { link, logger },
      );
      await gw.start();
      gateways.push(gw);
      closers.push(() => gw.stop());
    }

    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
    return {
      url: `http://${host}:${port}/`,
      mqttPort: broker ? Number(new URL(mqttUrl).port) : undefined,
      app,
      hub,
      consumer,
      demo,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

function demoSessionInfo(id: string, scenario: Scenario, now: number): SessionInfo {
  return {
    id,
    siteId: scenario.site,
    name: scenario.name ?? id,
    kind: scenario.kind,
    status: 'active',
    startedAt: now,
    endedAt: null,
  };
}

function demoRoster(scenario: Scenario): RosterEntry[] {
  return scenarioRoster(scenario).participants.map((p) => {
    // Moderate intensity, 40–59 %HRR, until prescriptions come from the registry.
    const low = Math.round(p.hrRest + 0.4 * (p.hrMax - p.hrRest));
    const high = Math.round(p.hrRest + 0.59 * (p.hrMax - p.hrRest));
    return {
      participantId: p.id,
      alias: p.alias,
      deviceIds: p.devices.map((d) => d.id),
      zone: {
        zoneLowBpm: low,
        zoneHighBpm: high,
        ceilingBpm: Math.min(high + 15, Math.floor(0.95 * p.hrMax)),
        hrMode: 'enforce',
      },
    };
  });
}
