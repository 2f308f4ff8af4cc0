import { deriveFromAssessment } from '@zonewatch/clinical';
import {
  type Assessment,
  assessmentDerivationSchema,
  assessmentInputSchema,
  assessmentIssues,
  assessmentRecordSchema,
  assessmentSchemaAt,
  homeOverrideBodySchema,
  idParamsSchema,
  listOf,
  type Prescription,
  prescriptionBaseSchema,
  recordResponseSchema,
  riskClassesQuerySchema,
  riskClassItemSchema,
  riskViewSchema,
} from '@zonewatch/protocol';
import { z } from 'zod';
import { requireRole, requireUser } from '../../auth/index.js';
import { codes, type Participant } from '../../registry/index.js';
import { type ApiContext, audit, listScope, loaders, type ZodApp } from '../context.js';
import { validationError } from '../errors.js';
import { recordParticipant } from '../record/access.js';
import { buildRecord } from '../record/build.js';
import { riskOf } from '../record/risk.js';
import { assessmentView } from '../record/views.js';
import { errorResponses } from '../schemas.js';
import { tzOffsetMs } from '../time.js';
import { userNames } from '../views.js';

const tags = ['record'];

const derivationResponseSchema = assessmentDerivationSchema.extend({
  /** The prescription version it starts from (null: a first prescription). */
  basedOnPrescriptionId: z.string().nullable(),
  /** Why `proposed` cannot be saved as it is (path and message); empty when it can. */
  issues: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })),
});

/**
 * The exercise-health record (issue 15): assessments (by hand or from a measuring device), the risk class
 * and the home-session override, the derivation of a prescription from an assessment, and
 * `GET /participants/:id/record`. Clinicians (and admins) read and write; coaches read the record and
 * assessments of the participants they follow; every read of clinical data is audited.
 */
export async function recordRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  const { registry } = ctx;
  const load = loaders(registry);
  const clinician = requireRole('clinician');
  const readers = requireRole('clinician', 'coach');
  const auditRead = (request: Parameters<typeof requireUser>[0], p: Participant, action: string) =>
    registry.transaction((tx) =>
      audit(tx, requireUser(request), {
        action,
        entity: 'participant',
        entityId: p.id,
        siteId: p.siteId,
        requestId: request.id,
      }),
    );

  app.post(
    '/participants/:id/assessments',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary:
          'Record an assessment (by hand, or `source: device` from a measuring device); every value range-checked naming the field; no date in the future (audited)',
        params: idParamsSchema,
        body: assessmentInputSchema,
        response: { 201: assessmentRecordSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      const b = request.body;
      if (b.participantId !== p.id)
        throw validationError([
          { path: 'body.participantId', message: `must be ${p.id}, the participant of the path` },
        ]);
      const now = ctx.clock();
      const tz = (await registry.sites.get(p.siteId))?.timezone ?? 'UTC';
      const checked = assessmentSchemaAt(now, Math.round(tzOffsetMs(now, tz) / 60_000)).safeParse(b);
      if (!checked.success)
        throw validationError(
          assessmentIssues(checked.error).map((i) => ({ path: `body.${i.field}`, message: i.message })),
        );
      const doc = checked.data;
      const created = await registry.transaction(async (tx) => {
        const a = await tx.assessments.create({
          participantId: p.id,
          kind: doc.kind,
          date: doc.date,
          source: doc.source,
          device: doc.device ?? null,
          authorId: user.id,
          document: doc,
        });
        await audit(tx, user, {
          action: 'assessment.create',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          detail: { assessmentId: a.id, kind: a.kind, source: a.source, fields: Object.keys(doc) },
          requestId: request.id,
        });
        return a;
      });
      return reply.code(201).send(assessmentView(created, user.displayName));
    },
  );

  app.get(
    '/participants/:id/assessments',
    {
      onRequest: readers,
      schema: {
        tags,
        summary:
          "A participant's assessments, oldest first (clinicians; coaches for their own participants; audited)",
        params: idParamsSchema,
        response: { 200: listOf(assessmentRecordSchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = await recordParticipant(registry, request, request.params.id);
      const list = await registry.assessments.list(p.id);
      await auditRead(request, p, 'participant.view-assessments');
      const names = await userNames(
        registry,
        list.map((a) => a.authorId),
      );
      return { items: list.map((a) => assessmentView(a, names.get(a.authorId) ?? null)) };
    },
  );

  /** The assessment of `id` when its participant's record is readable (404 otherwise, as for an unknown id). */
  const loadAssessment = async (request: Parameters<typeof requireUser>[0], id: string) => {
    const a = await registry.assessments.get(id);
    if (!a) throw new codes.ZW_ERR_NOT_FOUND(`assessment ${id}`);
    const p = await recordParticipant(registry, request, a.participantId).catch(
      (err: { statusCode?: number }) => {
        throw err.statusCode === 404 ? new codes.ZW_ERR_NOT_FOUND(`assessment ${id}`) : err;
      },
    );
    return { a, p };
  };

  app.get(
    '/assessments/:id',
    {
      onRequest: readers,
      schema: {
        tags,
        summary: 'One assessment (clinicians; coaches for their own participants; audited)',
        params: idParamsSchema,
        response: { 200: assessmentRecordSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { a, p } = await loadAssessment(request, request.params.id);
      await auditRead(request, p, 'participant.view-assessments');
      const names = await userNames(registry, [a.authorId]);
      return assessmentView(a, names.get(a.authorId) ?? null);
    },
  );

  app.get(
    '/assessments/:id/derivation',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary:
          'The prescription this assessment proposes from the one in force (measured peak HR → hrMax, ischaemic threshold → ceiling, 6-minute walk → home walking pace), with its derivation; nothing is saved',
        params: idParamsSchema,
        response: { 200: derivationResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { a, p } = await loadAssessment(request, request.params.id);
      const current = await registry.prescriptions.current(p.id, ctx.clock());
      const parsed = current ? prescriptionBaseSchema.safeParse(current.body) : undefined;
      const result = deriveFromAssessment(
        a.document as Assessment,
        parsed?.success ? (parsed.data as Prescription) : null,
      );
      await auditRead(request, p, 'participant.view-assessments');
      return {
        proposed: result.proposed,
        changes: result.changes,
        derivation: result.derivation,
        basedOnPrescriptionId: current?.id ?? null,
        issues: result.issues.map((i) => ({
          path: i.field ? `proposed.${i.field}` : 'proposed',
          message: i.message,
          ...(i.code ? { code: i.code } : {}),
        })),
      };
    },
  );

  app.get(
    '/participants/:id/risk',
    {
      onRequest: readers,
      schema: {
        tags,
        summary:
          'Exercise risk: AACVPR class with the criteria that decided it (cardiac), else the ACSM screening; the home-session override in force (audited)',
        params: idParamsSchema,
        response: { 200: riskViewSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = await recordParticipant(registry, request, request.params.id);
      const risk = await riskOf(registry, p.id);
      await auditRead(request, p, 'participant.view-risk');
      return risk;
    },
  );

  app.get(
    '/risk-classes',
    {
      onRequest: requireRole('clinician', 'instructor'),
      schema: {
        tags,
        summary:
          "Each active participant's risk class (low / moderate / high, null when not stratified) for an icon on staff screens: no criteria, no values",
        querystring: riskClassesQuerySchema,
        response: { 200: listOf(riskClassItemSchema), ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const { siteId } = request.query;
      const scope = listScope(user, siteId);
      const participants = scope
        ? (await Promise.all(scope.map((s) => registry.participants.list({ siteId: s })))).flat()
        : await registry.participants.list();
      const items = [];
      for (const p of participants) {
        const risk = await riskOf(registry, p.id);
        items.push({
          participantId: p.id,
          riskClass: risk.riskClass,
          homeOverride: risk.homeOverride !== null,
        });
      }
      return { items };
    },
  );

  app.post(
    '/participants/:id/home-override',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary:
          "Let a high-risk participant exercise in home sessions: a clinician's explicit decision with its reason (audited)",
        params: idParamsSchema,
        body: homeOverrideBodySchema,
        response: { 201: riskViewSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      await registry.transaction(async (tx) => {
        const o = await tx.assessments.grantHomeOverride({
          participantId: p.id,
          authorId: user.id,
          reason: request.body.reason,
          atMs: ctx.clock(),
        });
        await audit(tx, user, {
          action: 'participant.home-override',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          detail: { overrideId: o.id },
          requestId: request.id,
        });
      });
      return reply.code(201).send(await riskOf(registry, p.id));
    },
  );

  app.delete(
    '/participants/:id/home-override',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary: 'Revoke the home-session override in force (audited); the row is kept',
        params: idParamsSchema,
        response: { 200: riskViewSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      await registry.transaction(async (tx) => {
        const o = await tx.assessments.revokeHomeOverride({
          participantId: p.id,
          by: user.id,
          atMs: ctx.clock(),
        });
        await audit(tx, user, {
          action: 'participant.home-override-revoke',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          detail: { overrideId: o.id },
          requestId: request.id,
        });
      });
      return riskOf(registry, p.id);
    },
  );

  app.get(
    '/participants/:id/record',
    {
      onRequest: readers,
      schema: {
        tags,
        summary:
          'The exercise-health record: timeline, session n of N, weeks, adherence against FITT, re-assessment due, trends, baseline vs latest, proposals (clinicians; coaches for their own participants; audited)',
        params: idParamsSchema,
        response: { 200: recordResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = await recordParticipant(registry, request, request.params.id);
      const record = await buildRecord(registry, p, ctx.clock());
      await auditRead(request, p, 'participant.view-record');
      return record;
    },
  );
}
