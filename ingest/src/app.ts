import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AuthService } from './auth/index.js';
import type { IngestConfig } from './config.js';
import { fhirFacade } from './fhir/plugin.js';
import type { LiveService } from './live/service.js';
import type { GatewayCredentialEvents } from './mqtt/gateway-credentials.js';
import frameTimer from './plugins/app/frame-timer.js';
import liveRouter from './plugins/app/live-router.js';
import liveSocket from './plugins/app/live-socket.js';
import restApi from './plugins/app/rest-api.js';
import securityHeaders from './plugins/app/security-headers.js';
import socketRevalidation from './plugins/app/socket-revalidation.js';
import redisAdapter from './plugins/external/redis-adapter.js';
import socketIo from './plugins/external/socket-io.js';
import staticConsole from './plugins/external/static-console.js';
import type { Registry } from './registry/index.js';
import type { InfluxQLTarget } from './telemetry/index.js';

export interface AppDeps {
  live: LiveService;
  registry: Registry;
  logger: Logger;
  /** Injected clock (ms since epoch). */
  clock?: () => number;
  /** Extra stats shown on /healthz (counters only, no health data). */
  stats?: () => Record<string, unknown>;
  /**
   * Logins: the REST API under /api and the live channel's socket authentication. Absent only in tests of
   * the live channel itself (no API, unauthenticated sockets).
   */
  auth?: AuthService;
  /** How often open consoles' logins are checked again (ms): a logout, a disabled account or a password change ends them. */
  socketRevalidateMs?: number;
  /** Told after a gateway's credential is revoked or rotated, so its open MQTT connections are cut. */
  gatewayCredentials?: GatewayCredentialEvents;
  /** InfluxDB, for a person's telemetry in an export or an erasure (issue 16); unset: not configured. */
  telemetry?: InfluxQLTarget;
}

const UI_DIST = fileURLToPath(new URL('../../monitor-ui/dist/', import.meta.url));

/**
 * Builds the ingest HTTP app from its plugins — infrastructure (`plugins/external`: Socket.IO, the Redis
 * adapter, the static console) and the app's own (`plugins/app`: live router, live socket, REST API, frame
 * and socket-revalidation timers). Never listens: `main.ts` (through `platform.ts`) does, so tests can build
 * it on port 0 and close it; the timers start once it listens.
 */
export async function buildApp(config: IngestConfig, deps: AppDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? Date.now;
  const { live, registry, auth } = deps;
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Only a configured proxy may name the client (login lock-out is per client address).
    trustProxy: config.TRUST_PROXY,
  });
  const ui = existsSync(UI_DIST) ? UI_DIST : undefined;

  await app.register(securityHeaders);

  await app.register(socketIo, { serveClient: ui === undefined, allowedOrigins: config.ALLOWED_ORIGINS });
  if (config.REDIS_URL) await app.register(redisAdapter, { url: config.REDIS_URL });
  await app.register(liveRouter, {
    live,
    registry,
    clustered: config.REDIS_URL !== undefined,
    logger: deps.logger,
  });
  const authenticate = auth
    ? (h: Parameters<AuthService['authenticateSocketHandshake']>[0]) => auth.authenticateSocketHandshake(h)
    : undefined;
  await app.register(liveSocket, { registry, clock, authenticate });
  if (authenticate) {
    await app.register(socketRevalidation, { authenticate, intervalMs: deps.socketRevalidateMs ?? 30_000 });
  }
  await app.register(frameTimer, { live, intervalMs: config.FRAME_INTERVAL_MS, clock });

  app.get('/healthz', async () => ({ status: 'ok', ...deps.stats?.() }));
  if (auth) {
    await app.register(restApi, {
      prefix: '/api',
      auth,
      registry,
      clock,
      secureCookies: config.SECURE_COOKIES,
      allowedOrigins: config.ALLOWED_ORIGINS,
      homeMqttUrl: config.MQTT_WS_PUBLIC_URL ?? config.MQTT_WS_PATH,
      ...(deps.gatewayCredentials ? { gatewayCredentials: deps.gatewayCredentials } : {}),
      ...(deps.telemetry ? { telemetry: deps.telemetry } : {}),
    });
  }
  // Issue 16: the hospitals' read-only FHIR R4 facade (its own bearer tokens, not staff logins).
  await app.register(fhirFacade, { prefix: '/fhir', registry, clock });
  await app.register(staticConsole, { root: ui });
  return app;
}
