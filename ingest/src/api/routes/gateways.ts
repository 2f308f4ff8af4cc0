import {
  createGatewayBodySchema,
  gatewaySchema,
  gatewaySecretResponseSchema,
  idParamsSchema,
  listOf,
  siteQuerySchema,
} from '@zonewatch/protocol';
import { requireRole, requireUser } from '../../auth/index.js';
import { codes, type Gateway, generatePassword, hashPassword, SECRET_PARAMS } from '../../registry/index.js';
import { type ApiContext, assertSite, audit, listScope, loaders, type ZodApp } from '../context.js';
import { errorResponses } from '../schemas.js';

const tags = ['gateways'];

/**
 * `/gateways` (ops, admin): each gateway's MQTT secret is generated here, returned once, and stored only as
 * its scrypt hash (`@zonewatch/protocol/secrets`, the codec the broker verifies with).
 */
export async function gatewayRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  const { registry } = ctx;
  const load = loaders(registry);
  const ops = requireRole('ops');

  app.get(
    '/gateways',
    {
      onRequest: ops,
      schema: {
        tags,
        summary: 'Gateways of your sites, or of one site (ops)',
        querystring: siteQuerySchema,
        response: { 200: listOf(gatewaySchema), ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const { siteId } = request.query;
      const scope = listScope(user, siteId);
      let items: Gateway[];
      if (scope === undefined) items = await registry.gateways.list();
      else {
        items = [];
        for (const s of scope) items.push(...(await registry.gateways.list({ siteId: s })));
      }
      return { items };
    },
  );

  app.post(
    '/gateways',
    {
      onRequest: ops,
      schema: {
        tags,
        summary: 'Register a gateway; the response carries its MQTT secret, shown this once (ops)',
        body: createGatewayBodySchema,
        response: { 201: gatewaySecretResponseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const b = request.body;
      assertSite(user, b.siteId);
      const secret = generatePassword(32);
      const secretHash = await hashPassword(secret, SECRET_PARAMS);
      const gateway = await registry.transaction(async (tx) => {
        const g = await tx.gateways.create({
          id: b.id,
          siteId: b.siteId,
          secretHash,
          ...(b.name ? { name: b.name } : {}),
        });
        await audit(tx, user, {
          action: 'gateway.create',
          entity: 'gateway',
          entityId: g.id,
          siteId: g.siteId,
          requestId: request.id,
        });
        return g;
      });
      return reply.code(201).send({ gateway, mqttUsername: gateway.id, secret });
    },
  );

  app.post(
    '/gateways/:id/rotate-secret',
    {
      onRequest: ops,
      schema: {
        tags,
        summary: 'Issue a new MQTT secret (shown this once); the old one stops working (ops)',
        params: idParamsSchema,
        response: { 200: gatewaySecretResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const g = await load.gateway(request, request.params.id);
      if (g.revokedAt !== null) throw new codes.ZW_ERR_INVALID_STATE(`gateway ${g.id} is revoked`);
      const secret = generatePassword(32);
      const secretHash = await hashPassword(secret, SECRET_PARAMS);
      await registry.transaction(async (tx) => {
        await tx.gateways.rotateSecret(g.id, secretHash);
        await audit(tx, user, {
          action: 'gateway.rotate-secret',
          entity: 'gateway',
          entityId: g.id,
          siteId: g.siteId,
          requestId: request.id,
        });
      });
      // The old secret stops working on the open connection too (issue 13, hole 4).
      await ctx.gatewayCredentials?.changed(g.id);
      return { gateway: g, mqttUsername: g.id, secret };
    },
  );

  app.delete(
    '/gateways/:id',
    {
      onRequest: ops,
      schema: {
        tags,
        summary: 'Revoke a gateway’s credential (ops)',
        params: idParamsSchema,
        response: { 200: gatewaySchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const g = await load.gateway(request, request.params.id);
      const revoked = await registry.transaction(async (tx) => {
        const r = await tx.gateways.revoke(g.id, ctx.clock());
        await audit(tx, user, {
          action: 'gateway.revoke',
          entity: 'gateway',
          entityId: g.id,
          siteId: g.siteId,
          requestId: request.id,
        });
        return r;
      });
      // Its open MQTT connection is cut too, not only new ones refused (issue 13, hole 4).
      await ctx.gatewayCredentials?.changed(g.id);
      return revoked;
    },
  );
}
