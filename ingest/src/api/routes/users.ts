import {
  createUserBodySchema,
  idParamsSchema,
  listOf,
  patchUserBodySchema,
  queryBoolSchema,
  roleSchema,
  siteIdSchema,
  userSchema,
} from '@zonewatch/protocol';
import { z } from 'zod';
import { requireRole, requireUser } from '../../auth/index.js';
import { codes } from '../../registry/index.js';
import { type ApiContext, audit, type ZodApp } from '../context.js';
import { errorResponses } from '../schemas.js';

const tags = ['users'];
const usersQuery = z.object({
  siteId: siteIdSchema.optional(),
  role: roleSchema.optional(),
  includeDisabled: queryBoolSchema.optional(),
});

/** `/users`: staff accounts (admin only). Responses never carry a password hash. */
export async function userRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  const admin = requireRole('admin');

  app.get(
    '/users',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Staff accounts (admin)',
        querystring: usersQuery,
        response: { 200: listOf(userSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { siteId, role, includeDisabled } = request.query;
      return {
        items: await ctx.registry.users.list({
          ...(siteId ? { siteId } : {}),
          ...(role ? { role } : {}),
          includeDisabled: includeDisabled ?? false,
        }),
      };
    },
  );

  app.post(
    '/users',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Create a staff account (admin)',
        body: createUserBodySchema,
        response: { 201: userSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const b = request.body;
      const user = await ctx.registry.transaction(async (tx) => {
        const u = await tx.users.create(b);
        await audit(tx, actor, {
          action: 'user.create',
          entity: 'user',
          entityId: u.id,
          detail: { roles: u.roles, siteIds: u.siteIds },
          requestId: request.id,
        });
        return u;
      });
      return reply.code(201).send(user);
    },
  );

  app.patch(
    '/users/:id',
    {
      onRequest: admin,
      schema: {
        tags,
        summary:
          'Change roles, sites, display name, disabled flag or password (admin); ends the user’s sessions on password change or disabling',
        params: idParamsSchema,
        body: patchUserBodySchema,
        response: { 200: userSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { id } = request.params;
      const b = request.body;
      if (id === actor.id && (b.disabled === true || (b.roles && !b.roles.includes('admin')))) {
        throw new codes.ZW_ERR_INVALID_STATE('you cannot disable yourself or remove your own admin role');
      }
      const user = await ctx.registry.transaction(async (tx) => {
        const before = await tx.users.get(id);
        if (!before) throw new codes.ZW_ERR_NOT_FOUND(`user ${id}`);
        if (b.displayName !== undefined || b.roles !== undefined || b.disabled !== undefined) {
          await tx.users.update(id, {
            ...(b.displayName !== undefined ? { displayName: b.displayName } : {}),
            ...(b.roles !== undefined ? { roles: b.roles } : {}),
            ...(b.disabled !== undefined ? { disabled: b.disabled } : {}),
          });
        }
        if (b.siteIds !== undefined) {
          const want = new Set(b.siteIds);
          for (const s of before.siteIds) if (!want.has(s)) await tx.users.removeSite(id, s);
          for (const s of want) if (!before.siteIds.includes(s)) await tx.users.addSite(id, s);
        }
        if (b.password !== undefined) await tx.users.setPassword(id, b.password);
        await audit(tx, actor, {
          action: 'user.update',
          entity: 'user',
          entityId: id,
          // Field names only: never the password.
          detail: { fields: Object.keys(b).filter((k) => b[k as keyof typeof b] !== undefined) },
          requestId: request.id,
        });
        return (await tx.users.get(id))!;
      });
      if (b.password !== undefined || b.disabled === true) await app.auth.revokeUser(id);
      return user;
    },
  );
}
