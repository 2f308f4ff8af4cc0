import {
  createFhirClientBodySchema,
  createFhirClientResponseSchema,
  fhirClientSchema,
  idParamsSchema,
  listOf,
  queryBoolSchema,
  siteIdSchema,
} from '@zonewatch/protocol';
import { z } from 'zod';
import { type ApiContext, audit, type ZodApp } from '../api/context.js';
import { errorResponses } from '../api/schemas.js';
import { requireRole, requireUser } from '../auth/index.js';
import { codes } from '../registry/index.js';

const tags = ['fhir'];

/**
 * `/fhir-clients` (admin): the hospital systems that may read the FHIR facade under `/fhir`. A client reads
 * one site, pseudonymous unless `allowIdentity`; its bearer token is shown once at creation. Audited.
 */
export async function fhirClientRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  const { registry } = ctx;
  const admin = requireRole('admin');

  app.get(
    '/fhir-clients',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Hospital systems allowed to read the FHIR facade (admin)',
        querystring: z.object({
          siteId: siteIdSchema.optional(),
          includeRevoked: queryBoolSchema.optional(),
        }),
        response: { 200: listOf(fhirClientSchema), ...errorResponses },
      },
    },
    async (request) => ({
      items: await registry.fhirClients.list({
        ...(request.query.siteId ? { siteId: request.query.siteId } : {}),
        includeRevoked: request.query.includeRevoked ?? false,
      }),
    }),
  );

  app.post(
    '/fhir-clients',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Create a FHIR client for a hospital: its bearer token is shown this once (admin; audited)',
        body: createFhirClientBodySchema,
        response: { 201: createFhirClientResponseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const b = request.body;
      if (!(await registry.sites.get(b.siteId))) {
        throw new codes.ZW_ERR_INVALID_REFERENCE(`siteId: unknown site ${b.siteId}`);
      }
      const created = await registry.transaction(async (tx) => {
        const c = await tx.fhirClients.create({ ...b, createdBy: user.id });
        await audit(tx, user, {
          action: 'fhir-client.create',
          entity: 'fhir-client',
          entityId: c.client.id,
          siteId: b.siteId,
          detail: { allowIdentity: b.allowIdentity },
          requestId: request.id,
        });
        return c;
      });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/fhir-clients/:id',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Revoke a FHIR client: its token stops working at once (admin; audited)',
        params: idParamsSchema,
        response: { 200: fhirClientSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      return registry.transaction(async (tx) => {
        const c = await tx.fhirClients.revoke(request.params.id);
        await audit(tx, user, {
          action: 'fhir-client.revoke',
          entity: 'fhir-client',
          entityId: c.id,
          siteId: c.siteId,
          requestId: request.id,
        });
        return c;
      });
    },
  );
}
