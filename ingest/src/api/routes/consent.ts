import {
  consentRecordSchema,
  consentResponseSchema,
  idParamsSchema,
  recordConsentBodySchema,
} from '@zonewatch/protocol';
import type { z } from 'zod';
import { requireRole, requireUser } from '../../auth/index.js';
import type { ConsentRecord, Registry, SessionRecord } from '../../registry/index.js';
import { type ApiContext, audit, loaders, type ZodApp } from '../context.js';
import { apiCodes } from '../errors.js';
import { errorResponses } from '../schemas.js';
import { userNames } from '../views.js';

const tags = ['consent'];

async function views(registry: Registry, records: ConsentRecord[]) {
  const names = await userNames(
    registry,
    records.map((r) => r.recordedBy),
  );
  return records.map(
    (r): z.infer<typeof consentRecordSchema> => ({
      ...r,
      recordedByName: r.recordedBy ? (names.get(r.recordedBy) ?? null) : null,
    }),
  );
}

/**
 * Refuses (409 `ZW_ERR_CONSENT_REQUIRED`, naming who) a home session for participants without home-monitoring
 * consent in force: at the start of a home session (everyone bound) and when someone is bound into one.
 */
export async function assertHomeMonitoringConsent(
  registry: Registry,
  session: Pick<SessionRecord, 'id' | 'kind'>,
  participantIds: readonly string[],
): Promise<void> {
  if (session.kind !== 'home' || participantIds.length === 0) return;
  const missing = await registry.consent.missing([...new Set(participantIds)], 'home-monitoring');
  if (missing.length === 0) return;
  const who: string[] = [];
  for (const id of missing) who.push(`${(await registry.participants.get(id))?.alias ?? id} (${id})`);
  throw new apiCodes.ZW_ERR_CONSENT_REQUIRED(
    `home monitoring needs the participant's consent, not recorded for ${who.join(', ')}; record it on the participant's consent page first`,
  );
}

/**
 * `/participants/:id/consent`: the consent decisions of a participant per purpose (wall name, home
 * monitoring, sharing with a hospital). Clinicians and admins record grants and withdrawals (audited, with
 * the notice version); instructors read them too (they run the wall and home sessions).
 */
export async function consentRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  const { registry } = ctx;
  const load = loaders(registry);

  app.get(
    '/participants/:id/consent',
    {
      onRequest: requireRole('clinician', 'instructor'),
      schema: {
        tags,
        summary: 'Consent in force per purpose, and every decision recorded (oldest first)',
        params: idParamsSchema,
        response: { 200: consentResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = await load.participant(request, request.params.id);
      const history = await views(registry, await registry.consent.history(p.id));
      const current = await registry.consent.current(p.id);
      const pick = (r: ConsentRecord | undefined) =>
        r ? (history.find((h) => h.id === r.id) ?? null) : null;
      return {
        participantId: p.id,
        current: {
          'wall-name': pick(current['wall-name']),
          'home-monitoring': pick(current['home-monitoring']),
          'hospital-sharing': pick(current['hospital-sharing']),
        },
        history,
      };
    },
  );

  app.post(
    '/participants/:id/consent',
    {
      onRequest: requireRole('clinician'),
      schema: {
        tags,
        summary:
          'Record a consent grant or withdrawal for one purpose, with the notice version (clinician; audited)',
        params: idParamsSchema,
        body: recordConsentBodySchema,
        response: { 201: consentRecordSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      const b = request.body;
      const record = await registry.transaction(async (tx) => {
        const r = await tx.consent.record({
          participantId: p.id,
          purpose: b.purpose,
          granted: b.granted,
          noticeVersion: b.noticeVersion,
          recordedBy: user.id,
          note: b.note ?? null,
          atMs: ctx.clock(),
        });
        await audit(tx, user, {
          action: b.granted ? 'participant.consent-grant' : 'participant.consent-withdraw',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          detail: { purpose: b.purpose, noticeVersion: r.noticeVersion, consentId: r.id },
          requestId: request.id,
        });
        return r;
      });
      // Running walls show or hide the alias from their next frame on (issue 16), as after a rename.
      if (b.purpose === 'wall-name') await ctx.live.participantChanged(p.id);
      return reply.code(201).send((await views(registry, [record]))[0]!);
    },
  );
}
