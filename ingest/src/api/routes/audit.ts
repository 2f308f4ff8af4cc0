import { auditEntrySchema, auditQuerySchema, listOf } from '@zonewatch/protocol';
import { requireRole } from '../../auth/index.js';
import type { ApiContext, ZodApp } from '../context.js';
import { errorResponses } from '../schemas.js';

/** `GET /audit` (admin): who saw or changed what, newest first. */
export async function auditRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  app.get(
    '/audit',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['audit'],
        summary: 'Audit log, newest first (admin)',
        querystring: auditQuerySchema,
        response: { 200: listOf(auditEntrySchema), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      return {
        items: await ctx.registry.audit.list({
          ...(q.entity ? { entity: q.entity } : {}),
          ...(q.entityId ? { entityId: q.entityId } : {}),
          ...(q.actor ? { actor: q.actor } : {}),
          ...(q.siteId ? { siteId: q.siteId } : {}),
          ...(q.since !== undefined ? { sinceMs: q.since } : {}),
          ...(q.until !== undefined ? { untilMs: q.until } : {}),
          limit: q.limit,
        }),
      };
    },
  );
}
