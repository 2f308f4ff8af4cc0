import {
  classesQuerySchema,
  classSchema,
  createClassBodySchema,
  idParamsSchema,
  listOf,
  patchClassBodySchema,
} from '@zonewatch/protocol';
import { requireRole, requireUser } from '../../auth/index.js';
import type { ClassRecord } from '../../registry/index.js';
import {
  type ApiContext,
  assertSite,
  assertStaffOfSite,
  audit,
  listScope,
  loaders,
  type ZodApp,
} from '../context.js';
import { errorResponses } from '../schemas.js';

const tags = ['classes'];

/** `/classes`: recurring supervised classes. Instructors manage them; clinicians read them. */
export async function classRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  const { registry } = ctx;
  const load = loaders(registry);
  const instructor = requireRole('instructor');

  app.get(
    '/classes',
    {
      onRequest: requireRole('instructor', 'clinician'),
      schema: {
        tags,
        summary: 'Classes of your sites, or of one site',
        querystring: classesQuerySchema,
        response: { 200: listOf(classSchema), ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const { siteId, includeArchived } = request.query;
      const scope = listScope(user, siteId);
      const opts = { includeArchived: includeArchived ?? false };
      let items: ClassRecord[];
      if (scope === undefined) items = await registry.classes.list(opts);
      else {
        items = [];
        for (const s of scope) items.push(...(await registry.classes.list({ ...opts, siteId: s })));
      }
      return { items };
    },
  );

  app.post(
    '/classes',
    {
      onRequest: instructor,
      schema: {
        tags,
        summary: 'Create a class (instructor)',
        body: createClassBodySchema,
        response: { 201: classSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const b = request.body;
      assertSite(user, b.siteId);
      if (b.instructorId) await assertStaffOfSite(registry, 'instructorId', b.instructorId, b.siteId);
      const cls = await registry.transaction(async (tx) => {
        const c = await tx.classes.create(b);
        await audit(tx, user, {
          action: 'class.create',
          entity: 'class',
          entityId: c.id,
          siteId: c.siteId,
          requestId: request.id,
        });
        return c;
      });
      return reply.code(201).send(cls);
    },
  );

  app.patch(
    '/classes/:id',
    {
      onRequest: instructor,
      schema: {
        tags,
        summary: 'Rename, reschedule, change instructor or archive (instructor)',
        params: idParamsSchema,
        body: patchClassBodySchema,
        response: { 200: classSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const c = await load.class(request, request.params.id);
      const b = request.body;
      if (b.instructorId) await assertStaffOfSite(registry, 'instructorId', b.instructorId, c.siteId);
      return registry.transaction(async (tx) => {
        const updated = await tx.classes.update(c.id, b);
        await audit(tx, user, {
          action: 'class.update',
          entity: 'class',
          entityId: c.id,
          siteId: c.siteId,
          detail: { fields: Object.keys(b) },
          requestId: request.id,
        });
        return updated;
      });
    },
  );
}
