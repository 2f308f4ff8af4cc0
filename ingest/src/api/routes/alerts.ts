import { ackAlertBodySchema, alertSchema, idParamsSchema } from '@zonewatch/protocol';
import { requireRole, requireUser } from '../../auth/index.js';
import { codes } from '../../registry/index.js';
import { type ApiContext, audit, loaders, type ZodApp } from '../context.js';
import { errorResponses } from '../schemas.js';

const tags = ['alerts'];

/** `POST /alerts/:id/ack`: instructors (their sites' sessions) and coaches (home sessions). */
export async function alertRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  const { registry, live } = ctx;
  const load = loaders(registry);

  app.post(
    '/alerts/:id/ack',
    {
      onRequest: requireRole('instructor', 'coach'),
      schema: {
        tags,
        summary: 'Acknowledge an alert (silences it; a critical one closes once its condition has cleared)',
        params: idParamsSchema,
        body: ackAlertBodySchema.nullish(),
        response: { 200: alertSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const { id } = request.params;
      const alert = await registry.alerts.get(id);
      if (!alert) throw new codes.ZW_ERR_NOT_FOUND(`alert ${id}`);
      // Site scope and the coach's home-only rule come from the alert's session (404 for another site).
      const session = await load.session(request, alert.sessionId).catch((err: unknown) => {
        throw (err as { statusCode?: number }).statusCode === 404
          ? new codes.ZW_ERR_NOT_FOUND(`alert ${id}`)
          : err;
      });
      const note = request.body?.note || undefined;
      const r = await live.acknowledge(id, { userId: user.id, username: user.username }, note);
      if (!r.ok) {
        if (r.code === 'not-found') throw new codes.ZW_ERR_NOT_FOUND(`alert ${id}`);
        throw new codes.ZW_ERR_INVALID_STATE(
          r.code === 'already-closed' ? `alert ${id} is closed` : `alert ${id} is already acknowledged`,
        );
      }
      await registry.transaction((tx) =>
        audit(tx, user, {
          action: 'alert.acknowledge',
          entity: 'alert',
          entityId: id,
          siteId: session.siteId,
          detail: { sessionId: session.id, withNote: note !== undefined },
          requestId: request.id,
        }),
      );
      return r.alert;
    },
  );
}
