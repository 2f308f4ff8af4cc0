import { defaultRuleSettings, PrescriptionError, resolvePrescription } from '@zonewatch/clinical';
import {
  adherenceQuerySchema,
  adherenceResponseSchema,
  clinicalInputSchema,
  clinicalResponseSchema,
  createParticipantBodySchema,
  createPrescriptionBodySchema,
  idParamsSchema,
  listOf,
  participantSchema,
  participantsQuerySchema,
  patchParticipantBodySchema,
  prescriptionRecordSchema,
  previewPrescriptionBodySchema,
  resolvedPrescriptionSchema,
  sessionReportItemSchema,
} from '@zonewatch/protocol';
import { authCodes, coachOnly, hasRole, requireRole, requireUser } from '../../auth/index.js';
import type { Participant } from '../../registry/index.js';
import { type ApiContext, assertSite, audit, listScope, loaders, type ZodApp } from '../context.js';
import { validationError } from '../errors.js';
import { minutesInZone, readReportBody } from '../report-body.js';
import { errorResponses, prescriptionDocumentSchema } from '../schemas.js';
import { addWeeks, startOfWeek } from '../time.js';
import { prescriptionView, resolvedView, tryResolve, userNames } from '../views.js';

const tags = ['participants'];
const rxTags = ['prescriptions'];

const createPrescriptionBody = createPrescriptionBodySchema.extend({ body: prescriptionDocumentSchema });
const previewBody = previewPrescriptionBodySchema.extend({ prescription: prescriptionDocumentSchema });

/**
 * `/participants/*` and `/prescriptions/preview`. Aliases: clinicians and instructors. Clinical details,
 * prescription bodies, adherence and reports: clinicians (and admins), every read audited; coaches also read
 * the adherence of the participants of the home sessions they follow. Instructors see a prescription's zone
 * in bpm only.
 */
export async function participantRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  const { registry } = ctx;
  const load = loaders(registry);
  const clinician = requireRole('clinician');
  const aliasReaders = requireRole('clinician', 'instructor');
  const adherenceReaders = requireRole('clinician', 'coach');
  /** A coach follows the participants of the home sessions assigned to them (or to no coach) at their sites. */
  const followsAtHome = async (coachId: string, participantId: string) =>
    (await registry.sessions.list({ participantId, limit: 1000 })).some(
      (s) => s.kind === 'home' && (s.coachId === coachId || s.coachId === null),
    );

  app.get(
    '/participants',
    {
      onRequest: aliasReaders,
      schema: {
        tags,
        summary: 'Participants (aliases) of your sites, or of one site',
        querystring: participantsQuerySchema,
        response: { 200: listOf(participantSchema), ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const { siteId, includeInactive } = request.query;
      const scope = listScope(user, siteId);
      const opts = { includeInactive: includeInactive ?? false };
      let items: Participant[];
      if (scope === undefined) items = await registry.participants.list(opts);
      else {
        items = [];
        for (const s of scope) items.push(...(await registry.participants.list({ ...opts, siteId: s })));
      }
      return { items };
    },
  );

  app.post(
    '/participants',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary: 'Register a participant (alias, optional clinical details; audited)',
        body: createParticipantBodySchema,
        response: { 201: participantSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const b = request.body;
      assertSite(user, b.siteId);
      const p = await registry.transaction(async (tx) => {
        const created = await tx.participants.create({
          siteId: b.siteId,
          alias: b.alias,
          ...(b.clinical ? { clinical: b.clinical } : {}),
        });
        await audit(tx, user, {
          action: 'participant.create',
          entity: 'participant',
          entityId: created.id,
          siteId: created.siteId,
          detail: { clinicalFields: Object.keys(b.clinical ?? {}) },
          requestId: request.id,
        });
        return created;
      });
      return reply.code(201).send(p);
    },
  );

  app.get(
    '/participants/:id',
    {
      onRequest: aliasReaders,
      schema: {
        tags,
        summary: 'One participant (alias)',
        params: idParamsSchema,
        response: { 200: participantSchema, ...errorResponses },
      },
    },
    async (request) => load.participant(request, request.params.id),
  );

  app.patch(
    '/participants/:id',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary: 'Rename the alias or (de)activate (audited)',
        params: idParamsSchema,
        body: patchParticipantBodySchema,
        response: { 200: participantSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      const b = request.body;
      const updated = await registry.transaction(async (tx) => {
        const updated = await tx.participants.update(p.id, {
          ...(b.alias !== undefined ? { alias: b.alias } : {}),
          ...(b.active !== undefined ? { active: b.active } : {}),
        });
        await audit(tx, user, {
          action: 'participant.update',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          detail: { fields: Object.keys(b) },
          requestId: request.id,
        });
        return updated;
      });
      if (b.alias !== undefined) await ctx.live.participantChanged(p.id);
      return updated;
    },
  );

  app.get(
    '/participants/:id/clinical',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary: 'Clinical details (clinician; every read audited)',
        params: idParamsSchema,
        response: { 200: clinicalResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      const clinical = await registry.transaction(async (tx) => {
        const c = await tx.participants.getClinical(p.id);
        await audit(tx, user, {
          action: 'participant.view-clinical',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          requestId: request.id,
        });
        return c;
      });
      return { clinical: clinical ?? null };
    },
  );

  app.put(
    '/participants/:id/clinical',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary: 'Record clinical details (omitted fields keep their value, null clears; audited)',
        params: idParamsSchema,
        body: clinicalInputSchema,
        response: { 200: clinicalResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      const clinical = await registry.transaction(async (tx) => {
        const c = await tx.participants.setClinical(p.id, request.body);
        await audit(tx, user, {
          action: 'participant.update-clinical',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          detail: { fields: Object.keys(request.body) },
          requestId: request.id,
        });
        return c;
      });
      return { clinical };
    },
  );

  app.get(
    '/participants/:id/prescriptions',
    {
      onRequest: aliasReaders,
      schema: {
        tags: rxTags,
        summary:
          'Prescription history, oldest first. Clinicians: full body (audited); instructors: zone summary only',
        params: idParamsSchema,
        response: { 200: listOf(prescriptionRecordSchema), ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      const clinical = hasRole(user, 'clinician');
      const history = await registry.transaction(async (tx) => {
        const h = await tx.prescriptions.history(p.id);
        if (clinical) {
          await audit(tx, user, {
            action: 'participant.view-prescriptions',
            entity: 'participant',
            entityId: p.id,
            siteId: p.siteId,
            requestId: request.id,
          });
        }
        return h;
      });
      const names = await userNames(
        registry,
        history.map((h) => h.authorId),
      );
      return { items: history.map((h) => prescriptionView(h, clinical, names.get(h.authorId) ?? null)) };
    },
  );

  app.post(
    '/participants/:id/prescriptions',
    {
      onRequest: clinician,
      schema: {
        tags: rxTags,
        summary: 'Write a new prescription version (clinician; audited; live sessions pick it up)',
        params: idParamsSchema,
        body: createPrescriptionBody,
        response: { 201: prescriptionRecordSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      const b = request.body;
      const resolved = resolveOrRefuse(b.body, 'body.body');
      const s = defaultRuleSettings.prescription;
      if (resolved.spo2Floor < s.spo2FloorSecondClinicianBelowPct && !b.body.spo2FloorSecondClinician) {
        throw validationError([
          {
            path: 'body.body.spo2Floor',
            message: `below ${s.spo2FloorSecondClinicianBelowPct} % needs a second clinician (spo2FloorSecondClinician)`,
          },
        ]);
      }
      const record = await registry.transaction(async (tx) => {
        const r = await tx.prescriptions.create({
          participantId: p.id,
          authorId: user.id,
          body: b.body,
          effectiveFrom: b.effectiveFrom ?? ctx.clock(),
          ...(b.note ? { note: b.note } : {}),
        });
        await audit(tx, user, {
          action: 'prescription.create',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          detail: { prescriptionId: r.id, version: r.version },
          requestId: request.id,
        });
        return r;
      });
      await ctx.live.prescriptionChanged(p.id);
      return reply.code(201).send(prescriptionView(record, true, user.displayName));
    },
  );

  app.post(
    '/prescriptions/preview',
    {
      onRequest: clinician,
      schema: {
        tags: rxTags,
        summary: 'Resolve a prescription being edited: zone and ceiling in bpm, hrMax, warnings',
        body: previewBody,
        response: { 200: resolvedPrescriptionSchema, ...errorResponses },
      },
    },
    async (request) => resolvedView(resolveOrRefuse(request.body.prescription, 'body.prescription')),
  );

  app.get(
    '/participants/:id/adherence',
    {
      onRequest: adherenceReaders,
      schema: {
        tags,
        summary: 'Sessions and minutes in zone per calendar week against the FITT targets (audited)',
        params: idParamsSchema,
        querystring: adherenceQuerySchema,
        response: { 200: adherenceResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      if (coachOnly(user) && !(await followsAtHome(user.id, p.id)))
        throw new authCodes.ZW_ERR_FORBIDDEN(
          'coaches see the adherence of the participants of the home sessions they follow only',
        );
      const now = ctx.clock();
      const tz = (await registry.sites.get(p.siteId))?.timezone ?? 'UTC';
      const current = await registry.prescriptions.current(p.id, now);
      const fitt = current ? (tryResolve(current.body)?.fitt ?? null) : null;
      const reports = await registry.reports.listByParticipant(p.id, { limit: 1000 });
      const sessions: { startMs: number; minutesInZone: number }[] = [];
      for (const r of reports) {
        const s = await registry.sessions.get(r.sessionId);
        if (!s) continue;
        sessions.push({
          startMs: s.startedAt ?? s.scheduledAt ?? s.createdAt,
          minutesInZone: minutesInZone(readReportBody(r.body)),
        });
      }
      const thisWeek = startOfWeek(now, tz);
      const weeks = [];
      for (let i = request.query.weeks - 1; i >= 0; i--) {
        const weekStart = addWeeks(thisWeek, -i, tz);
        const weekEnd = addWeeks(weekStart, 1, tz);
        const inWeek = sessions.filter((x) => x.startMs >= weekStart && x.startMs < weekEnd);
        const meeting = fitt ? inWeek.filter((x) => x.minutesInZone >= fitt.minutesInZone).length : null;
        weeks.push({
          weekStart,
          weekEnd,
          sessions: inWeek.length,
          minutesInZone: Math.round(inWeek.reduce((a, x) => a + x.minutesInZone, 0) * 10) / 10,
          sessionsMeetingTarget: meeting,
          targetSessions: fitt?.sessionsPerWeek ?? null,
          met: fitt && meeting !== null ? meeting >= fitt.sessionsPerWeek : null,
        });
      }
      await registry.transaction((tx) =>
        audit(tx, user, {
          action: 'participant.view-adherence',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          requestId: request.id,
        }),
      );
      return { participantId: p.id, fitt, weeks };
    },
  );

  app.get(
    '/participants/:id/reports',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary: "A participant's session reports, newest first (audited)",
        params: idParamsSchema,
        response: { 200: listOf(sessionReportItemSchema), ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      const reports = await registry.transaction(async (tx) => {
        const r = await tx.reports.listByParticipant(p.id);
        await audit(tx, user, {
          action: 'participant.view-reports',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          requestId: request.id,
        });
        return r;
      });
      const items = [];
      for (const r of reports) {
        const s = await registry.sessions.get(r.sessionId);
        items.push({
          sessionId: r.sessionId,
          sessionName: s?.name ?? '',
          sessionStartedAt: s?.startedAt ?? null,
          participantId: p.id,
          alias: p.alias,
          body: r.body as Record<string, unknown>,
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
        });
      }
      return { items };
    },
  );
}

/** Resolves a prescription; a refusal becomes a 400 naming each field under `prefix`. */
/**
 * What a clinician saves and previews is judged strictly (a ceiling above hrMax is refused, not warned
 * about); refusals a console words itself carry their code.
 */
export function resolveOrRefuse(body: unknown, prefix: string) {
  try {
    return resolvePrescription(body, defaultRuleSettings, { strict: true });
  } catch (err) {
    if (err instanceof PrescriptionError) {
      throw validationError(
        err.issues.map((i) => ({
          path: i.field ? `${prefix}.${i.field}` : prefix,
          message: i.message,
          ...(i.code ? { code: i.code, params: { ...i.params } } : {}),
        })),
      );
    }
    throw err;
  }
}
