import { ackAlertBodySchema, alertSchema, idParamsSchema } from '@zonewatch/protocol';
import { ACK_ROLES, requireRole, requireUser } from '../../auth/index.js';
import { acknowledgeAs } from '../acknowledge.js';
import type { ApiContext, ZodApp } from '../context.js';
import { errorResponses } from '../schemas.js';

const tags = ['alerts'];

/**
 * `POST /alerts/:id/ack`: instructors (their sites' sessions) and coaches (home sessions); the Socket.IO
 * `alert:ack` event takes the same path ({@link acknowledgeAs}).
 */
export async function alertRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  app.post(
    '/alerts/:id/ack',
    {
      // The role rule again, so a refusal comes before body validation (acknowledgeAs checks it too).
      onRequest: requireRole(...ACK_ROLES),
      schema: {
        tags,
        summary: 'Acknowledge an alert (silences it; a critical one closes once its condition has cleared)',
        params: idParamsSchema,
        body: ackAlertBodySchema.nullish(),
        response: { 200: alertSchema, ...errorResponses },
      },
    },
    async (request) => {
      const r = await acknowledgeAs(ctx, requireUser(request), {
        alertId: request.params.id,
        note: request.body?.note,
        requestId: request.id,
      });
      if (!r.ok) throw r.error;
      return r.alert;
    },
  );
}
