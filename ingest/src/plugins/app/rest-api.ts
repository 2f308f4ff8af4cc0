import type { FastifyPluginAsync } from 'fastify';
import { apiRoutes } from '../../api/index.js';
import { type AuthService, authPlugin } from '../../auth/index.js';
import type { GatewayCredentialEvents } from '../../mqtt/gateway-credentials.js';
import type { Registry } from '../../registry/index.js';
import type { InfluxQLTarget } from '../../telemetry/index.js';

export interface RestApiOptions {
  auth: AuthService;
  registry: Registry;
  /** ms since epoch. */
  clock: () => number;
  /** Always mark the session cookie Secure (config SECURE_COOKIES). */
  secureCookies: boolean;
  /** Told after a gateway's credential is revoked or rotated, so its open MQTT connections are cut. */
  gatewayCredentials?: GatewayCredentialEvents;
  /** Origins besides the API's own allowed to send state-changing requests (config ALLOWED_ORIGINS). */
  allowedOrigins?: readonly string[];
  /** MQTT-over-WebSocket URL or path given to paired phones (issue 17). */
  homeMqttUrl?: string;
  /** InfluxDB, for a person's telemetry in an export or an erasure (issue 16). */
  telemetry?: InfluxQLTarget;
}

/**
 * The REST API (register it under `/api`): authentication, then the routes, which reach the live service
 * through `app.liveControl` (decorated by the live-router plugin).
 */
const restApi: FastifyPluginAsync<RestApiOptions> = async (app, opts) => {
  await app.register(authPlugin, { auth: opts.auth, allowedOrigins: opts.allowedOrigins ?? [] });
  await app.register(apiRoutes, {
    registry: opts.registry,
    live: app.liveControl,
    clock: opts.clock,
    secureCookies: opts.secureCookies,
    ...(opts.homeMqttUrl ? { homeMqttUrl: opts.homeMqttUrl } : {}),
    ...(opts.gatewayCredentials ? { gatewayCredentials: opts.gatewayCredentials } : {}),
    ...(opts.telemetry ? { telemetry: opts.telemetry } : {}),
  });
};

export default restApi;
