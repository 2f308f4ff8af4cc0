import {
  createDeviceBodySchema,
  deviceOwnerBodySchema,
  deviceSchema,
  devicesQuerySchema,
  listOf,
  patchDeviceBodySchema,
} from '@zonewatch/protocol';
import { z } from 'zod';
import { requireRole, requireUser } from '../../auth/index.js';
import { codes, type Device } from '../../registry/index.js';
import { type ApiContext, assertSite, audit, listScope, loaders, type ZodApp } from '../context.js';
import { errorResponses } from '../schemas.js';

const tags = ['devices'];
const deviceParams = z.object({ id: z.string().min(1).max(64) });

/** `/devices`: wearables. Ops and admins manage them; instructors read them to pair. */
export async function deviceRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  const { registry } = ctx;
  const load = loaders(registry);
  const ops = requireRole('ops');

  app.get(
    '/devices',
    {
      onRequest: requireRole('ops', 'instructor'),
      schema: {
        tags,
        summary: 'Devices of your sites, or of one site',
        querystring: devicesQuerySchema,
        response: { 200: listOf(deviceSchema), ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const { siteId, includeRetired } = request.query;
      const scope = listScope(user, siteId);
      const opts = { includeRetired: includeRetired ?? false };
      let items: Device[];
      if (scope === undefined) items = await registry.devices.list(opts);
      else {
        items = [];
        for (const s of scope) items.push(...(await registry.devices.list({ ...opts, siteId: s })));
      }
      return { items };
    },
  );

  app.post(
    '/devices',
    {
      onRequest: ops,
      schema: {
        tags,
        summary: 'Register a device (ops)',
        body: createDeviceBodySchema,
        response: { 201: deviceSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const b = request.body;
      assertSite(user, b.siteId);
      const device = await registry.transaction(async (tx) => {
        const d = await tx.devices.create({
          id: b.id,
          siteId: b.siteId,
          kind: b.kind,
          ...(b.model ? { model: b.model } : {}),
          ...(b.label ? { label: b.label } : {}),
        });
        await audit(tx, user, {
          action: 'device.create',
          entity: 'device',
          entityId: d.id,
          siteId: d.siteId,
          requestId: request.id,
        });
        return d;
      });
      return reply.code(201).send(device);
    },
  );

  app.patch(
    '/devices/:id',
    {
      onRequest: ops,
      schema: {
        tags,
        summary: 'Change model, label or site (ops; a move needs both sites)',
        params: deviceParams,
        body: patchDeviceBodySchema,
        response: { 200: deviceSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const d = await load.device(request, request.params.id);
      const b = request.body;
      if (b.siteId && b.siteId !== d.siteId) {
        assertSite(user, b.siteId);
        await refuseIfBound(ctx, d);
      }
      return registry.transaction(async (tx) => {
        const updated = await tx.devices.update(d.id, b);
        await audit(tx, user, {
          action: 'device.update',
          entity: 'device',
          entityId: d.id,
          siteId: d.siteId,
          detail: { fields: Object.keys(b), ...(b.siteId ? { toSiteId: b.siteId } : {}) },
          requestId: request.id,
        });
        return updated;
      });
    },
  );

  app.put(
    '/devices/:id/owner',
    {
      onRequest: requireRole('ops', 'instructor'),
      schema: {
        tags,
        summary:
          'Assign a device to a participant ahead of class, or free it (null): it is bound automatically when a class session starts and the device is seen (ops, instructor)',
        params: deviceParams,
        body: deviceOwnerBodySchema,
        response: { 200: deviceSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const d = await load.device(request, request.params.id);
      const { participantId } = request.body;
      return registry.transaction(async (tx) => {
        const updated = await tx.devices.setOwner(d.id, participantId);
        await audit(tx, user, {
          action: 'device.owner',
          entity: 'device',
          entityId: d.id,
          siteId: d.siteId,
          detail: { from: d.ownerParticipantId, to: participantId },
          requestId: request.id,
        });
        return updated;
      });
    },
  );

  app.delete(
    '/devices/:id',
    {
      onRequest: ops,
      schema: {
        tags,
        summary: 'Retire a device (ops); refused while an active or scheduled session binds it',
        params: deviceParams,
        response: { 200: deviceSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const d = await load.device(request, request.params.id);
      await refuseIfBound(ctx, d);
      return registry.transaction(async (tx) => {
        const retired = await tx.devices.retire(d.id, ctx.clock());
        await audit(tx, user, {
          action: 'device.retire',
          entity: 'device',
          entityId: d.id,
          siteId: d.siteId,
          requestId: request.id,
        });
        return retired;
      });
    },
  );
}

/** A device worn in a session that has not ended cannot be retired or moved (its samples would go astray). */
async function refuseIfBound(ctx: ApiContext, d: Device): Promise<void> {
  for (const status of ['active', 'scheduled'] as const) {
    for (const s of await ctx.registry.sessions.list({ siteId: d.siteId, status })) {
      if ((await ctx.registry.rosters.list(s.id)).some((b) => b.deviceId === d.id)) {
        throw new codes.ZW_ERR_INVALID_STATE(`device ${d.id} is bound in session ${s.id}; unbind it first`);
      }
    }
  }
}
