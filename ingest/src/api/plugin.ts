import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { SESSION_COOKIE } from '@zonewatch/protocol';
import type { FastifyPluginAsync } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { requireLogin } from '../auth/index.js';
import { fhirClientRoutes } from '../fhir/admin-routes.js';
import type { GatewayCredentialEvents } from '../mqtt/gateway-credentials.js';
import { participantViewRoutes } from '../participant/routes.js';
import { pdfRoutes } from '../pdf/routes.js';
import type { Registry } from '../registry/index.js';
import type { InfluxQLTarget } from '../telemetry/index.js';
import type { ApiContext } from './context.js';
import { apiErrorHandler } from './error-handler.js';
import type { LiveControl } from './live-control.js';
import { alertRoutes } from './routes/alerts.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { classRoutes } from './routes/classes.js';
import { consentRoutes } from './routes/consent.js';
import { deviceRoutes } from './routes/devices.js';
import { gatewayRoutes } from './routes/gateways.js';
import { pairingRoutes } from './routes/pairing.js';
import { participantRoutes } from './routes/participants.js';
import { programmeRoutes } from './routes/programmes.js';
import { recordRoutes } from './routes/record.js';
import { rightsRoutes } from './routes/rights.js';
import { sessionRoutes } from './routes/sessions.js';
import { siteRoutes } from './routes/sites.js';
import { userRoutes } from './routes/users.js';

/** Options of {@link apiRoutes}. */
export interface ApiRoutesOptions {
  registry: Registry;
  /** The live service (sessions, rosters, prescriptions, acknowledgements, pairing). */
  live: LiveControl;
  /** ms since epoch (default `Date.now`). */
  clock?: () => number;
  /** Always mark the session cookie Secure (behind a TLS-terminating proxy); else only on https requests. */
  secureCookies?: boolean;
  /** Serve `/openapi.json` and the UI at `/docs` (default true). */
  docs?: boolean;
  /** Told after a gateway's credential is revoked or rotated, so its open MQTT connections are cut. */
  gatewayCredentials?: GatewayCredentialEvents;
  /** MQTT-over-WebSocket URL or path given to paired phones (default `/mqtt`, the embedded broker's). */
  homeMqttUrl?: string;
  /** InfluxDB, for a person's telemetry in an export or an erasure (issue 16). */
  telemetry?: InfluxQLTarget;
}

/**
 * The REST API as an encapsulated Fastify plugin: zod validation and serialisation, its own error handler
 * (`{ error: 'ZW_ERR_*', message, issues? }`), OpenAPI at `/openapi.json` and its UI at `/docs` (both need a
 * login). Needs `authPlugin` registered first (at the root). Register it under `/api`:
 * ```ts
 * await app.register(apiRoutes, { prefix: '/api', registry, live });
 * ```
 * Every response says `Cache-Control: no-store` (health data must not sit in shared caches).
 */
export const apiRoutes: FastifyPluginAsync<ApiRoutesOptions> = async (fastify, opts) => {
  if (!fastify.hasDecorator('auth')) {
    throw new Error(
      'apiRoutes needs authPlugin registered first (it decorates fastify.auth and request.user)',
    );
  }
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(apiErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: 'ZW_ERR_NOT_FOUND',
      message: `Not found: no route ${request.method} ${request.url.split('?')[0]}`,
    }),
  );
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  if (opts.docs ?? true) {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'zonewatch ingest API',
          description:
            'Registry, sessions, alerts and reports. Log in with POST /auth/login (sets the httpOnly ' +
            `${SESSION_COOKIE} cookie) or send Authorization: Bearer <token> (login with returnToken). Errors ` +
            'are { error: "ZW_ERR_*", message, issues? }.',
          version: '1.0.0',
        },
        components: {
          securitySchemes: {
            cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
            bearer: { type: 'http', scheme: 'bearer' },
            // A participant's phone: the token of an access link (issue 16), for /me routes only.
            participantLink: { type: 'apiKey', in: 'header', name: 'x-zw-link' },
          },
        },
        security: [{ cookie: [] }, { bearer: [] }],
      },
      transform: jsonSchemaTransform,
    });
    // The API's map is for staff only: the document and the UI (its assets too) need a login.
    await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiHooks: { onRequest: requireLogin } });
    app.get('/openapi.json', { onRequest: requireLogin, schema: { hide: true } }, async (_request, reply) =>
      reply.header('cache-control', 'no-cache').send(app.swagger()),
    );
  }

  const ctx: ApiContext = {
    registry: opts.registry,
    live: opts.live,
    clock: opts.clock ?? Date.now,
    secureCookies: opts.secureCookies ?? false,
    ...(opts.gatewayCredentials ? { gatewayCredentials: opts.gatewayCredentials } : {}),
    homeMqttUrl: opts.homeMqttUrl ?? '/mqtt',
    ...(opts.telemetry ? { telemetry: opts.telemetry } : {}),
  };
  await authRoutes(app, ctx);
  await siteRoutes(app, ctx);
  await userRoutes(app, ctx);
  await participantRoutes(app, ctx);
  await deviceRoutes(app, ctx);
  await gatewayRoutes(app, ctx);
  await classRoutes(app, ctx);
  await sessionRoutes(app, ctx);
  await alertRoutes(app, ctx);
  await auditRoutes(app, ctx);
  await consentRoutes(app, ctx);
  await rightsRoutes(app, ctx);
  await recordRoutes(app, ctx);
  await programmeRoutes(app, ctx);
  await fhirClientRoutes(app, ctx);
  await pairingRoutes(app, ctx);
  await participantViewRoutes(app, ctx);
  await pdfRoutes(app, ctx);
};
