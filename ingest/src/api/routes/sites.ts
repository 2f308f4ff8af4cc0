import { createSiteBodySchema, listOf, siteSchema } from '@zonewatch/protocol';
import { canSeeSite, requireLogin, requireRole, requireUser } from '../../auth/index.js';
import { type ApiContext, audit, type ZodApp } from '../context.js';
import { errorResponses } from '../schemas.js';

const tags = ['sites'];

/** `/sites`: every logged-in user sees their sites; admins see and create all. */
export async function siteRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  app.get(
    '/sites',
    {
      onRequest: requireLogin,
      schema: {
        tags,
        summary: 'Sites you belong to (admins: all)',
        response: { 200: listOf(siteSchema), ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const items = (await ctx.registry.sites.list()).filter((s) => canSeeSite(user, s.id));
      return { items };
    },
  );

  app.post(
    '/sites',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags,
        summary: 'Create a site (admin)',
        body: createSiteBodySchema,
        response: { 201: siteSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const site = await ctx.registry.transaction(async (tx) => {
        const s = await tx.sites.create(request.body);
        await audit(tx, user, {
          action: 'site.create',
          entity: 'site',
          entityId: s.id,
          siteId: s.id,
          requestId: request.id,
        });
        return s;
      });
      return reply.code(201).send(site);
    },
  );
}
