import {
  createProgrammeBodySchema,
  endEnrolmentBodySchema,
  enrolmentInputSchema,
  enrolmentSchema,
  generateProposalBodySchema,
  generateProposalResponseSchema,
  idParamsSchema,
  listOf,
  PROGRAMME_PRESETS,
  patchProgrammeBodySchema,
  programmeSchema,
  programmesQuerySchema,
  progressionProposalRecordSchema,
  proposalDecisionSchema,
  reassessmentDueItemSchema,
  reassessmentsDueQuerySchema,
} from '@zonewatch/protocol';
import { canSeeSite, requireRole, requireUser } from '../../auth/index.js';
import { codes, type EnrolmentRecord, type Registry } from '../../registry/index.js';
import { type ApiContext, assertSite, audit, listScope, loaders, type ZodApp } from '../context.js';
import { recordParticipant } from '../record/access.js';
import { sessionHistory } from '../record/history.js';
import { enrolmentProgress } from '../record/progress.js';
import { generateProposal } from '../record/progression.js';
import { assertHomeSessionsAllowed } from '../record/risk.js';
import { programmeView, proposalView } from '../record/views.js';
import { errorResponses } from '../schemas.js';
import { userNames } from '../views.js';
import { resolveOrRefuse } from './participants.js';

const tags = ['record'];

/** An enrolment with its progress at `now` (session n of N, week, next re-assessment). */
async function enrolmentView(registry: Registry, e: EnrolmentRecord, now: number) {
  const p = await registry.participants.get(e.participantId);
  const tz = (p && (await registry.sites.get(p.siteId))?.timezone) ?? 'UTC';
  const programme = await registry.programmes.get(e.programmeId);
  if (!programme) throw new codes.ZW_ERR_NOT_FOUND(`programme ${e.programmeId}`);
  return enrolmentProgress(
    e,
    programme,
    await sessionHistory(registry, e.participantId),
    await registry.assessments.list(e.participantId),
    now,
    tz,
  );
}

/**
 * Programmes, enrolments, re-assessments due and weekly progression proposals (issue 15). Clinicians (and
 * admins) define programmes, enrol, generate and decide proposals; instructors read programmes and who is
 * due a re-assessment (never the values); coaches read the proposals of the participants they follow.
 */
export async function programmeRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  const { registry } = ctx;
  const load = loaders(registry);
  const clinician = requireRole('clinician');
  const staff = requireRole('clinician', 'instructor');
  let presetsSynced = false;
  /** The shipped presets are written from protocol's PROGRAMME_PRESETS the first time they are needed. */
  const syncPresets = async () => {
    if (presetsSynced) return;
    await registry.programmes.syncPresets(PROGRAMME_PRESETS);
    presetsSynced = true;
  };

  app.get(
    '/programmes',
    {
      onRequest: staff,
      schema: {
        tags,
        summary: 'The shipped presets and the programmes of your sites (or of one site)',
        querystring: programmesQuerySchema,
        response: { 200: listOf(programmeSchema), ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const { siteId, includeArchived } = request.query;
      const scope = listScope(user, siteId);
      await syncPresets();
      const list = await registry.programmes.list({
        ...(scope ? { siteIds: scope } : {}),
        includeArchived: includeArchived ?? false,
      });
      return { items: list.map(programmeView) };
    },
  );

  app.post(
    '/programmes',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary: "Define a centre's programme: sessions, weeks, re-assessment points (audited)",
        body: createProgrammeBodySchema,
        response: { 201: programmeSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const { siteId, definition } = request.body;
      assertSite(user, siteId);
      const created = await registry.transaction(async (tx) => {
        const p = await tx.programmes.create({ ...definition, siteId, createdBy: user.id });
        await audit(tx, user, {
          action: 'programme.create',
          entity: 'programme',
          entityId: p.id,
          siteId,
          requestId: request.id,
        });
        return p;
      });
      return reply.code(201).send(programmeView(created));
    },
  );

  app.patch(
    '/programmes/:id',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary: "Change or archive a centre's programme (presets are fixed; enrolments keep their points)",
        params: idParamsSchema,
        body: patchProgrammeBodySchema,
        response: { 200: programmeSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const existing = await registry.programmes.get(request.params.id);
      if (!existing || (existing.siteId !== null && !canSeeSite(user, existing.siteId)))
        throw new codes.ZW_ERR_NOT_FOUND(`programme ${request.params.id}`);
      const { definition, archived } = request.body;
      const updated = await registry.transaction(async (tx) => {
        const p = await tx.programmes.update(existing.id, {
          ...(definition ?? {}),
          ...(archived !== undefined ? { archived } : {}),
        });
        await audit(tx, user, {
          action: 'programme.update',
          entity: 'programme',
          entityId: p.id,
          siteId: p.siteId,
          detail: { fields: Object.keys(request.body) },
          requestId: request.id,
        });
        return p;
      });
      return programmeView(updated);
    },
  );

  app.post(
    '/enrolments',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary:
          'Enrol a participant in a programme; home sessions for a high-risk participant need highRiskOverride (its reason; audited) else 409 ZW_ERR_HOME_SESSIONS_HIGH_RISK',
        body: enrolmentInputSchema,
        response: { 201: enrolmentSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const b = request.body;
      const p = await load.participant(request, b.participantId);
      await syncPresets();
      const programme = await registry.programmes.get(b.programmeId);
      if (!programme || (programme.siteId !== null && programme.siteId !== p.siteId) || programme.archived)
        throw new codes.ZW_ERR_INVALID_REFERENCE(
          `programmeId: ${b.programmeId} is not a programme of the participant's site`,
        );
      if (b.homeSessions) await assertHomeSessionsAllowed(registry, p.id, b.highRiskOverride ?? null);
      const enrolment = await registry.transaction(async (tx) => {
        const e = await tx.programmes.enrol({
          participantId: p.id,
          programmeId: programme.id,
          startDate: b.startDate,
          homeSessions: b.homeSessions,
          enrolledBy: user.id,
        });
        await audit(tx, user, {
          action: 'enrolment.create',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          detail: { enrolmentId: e.id, programmeId: programme.id, homeSessions: e.homeSessions },
          requestId: request.id,
        });
        if (b.highRiskOverride && !(await tx.assessments.homeOverride(p.id))) {
          const o = await tx.assessments.grantHomeOverride({
            participantId: p.id,
            enrolmentId: e.id,
            authorId: user.id,
            reason: b.highRiskOverride.reason,
            atMs: ctx.clock(),
          });
          await audit(tx, user, {
            action: 'participant.home-override',
            entity: 'participant',
            entityId: p.id,
            siteId: p.siteId,
            detail: { overrideId: o.id, enrolmentId: e.id },
            requestId: request.id,
          });
        }
        return e;
      });
      return reply.code(201).send(await enrolmentView(registry, enrolment, ctx.clock()));
    },
  );

  app.get(
    '/participants/:id/enrolments',
    {
      onRequest: requireRole('clinician', 'coach'),
      schema: {
        tags,
        summary: "A participant's enrolments, oldest first, with session n of N and the next re-assessment",
        params: idParamsSchema,
        response: { 200: listOf(enrolmentSchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = await recordParticipant(registry, request, request.params.id);
      const now = ctx.clock();
      const items = [];
      for (const e of await registry.programmes.enrolments(p.id))
        items.push(await enrolmentView(registry, e, now));
      return { items };
    },
  );

  app.post(
    '/enrolments/:id/end',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary: 'Complete or withdraw an active enrolment (audited)',
        params: idParamsSchema,
        body: endEnrolmentBodySchema,
        response: { 200: enrolmentSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const e = await registry.programmes.getEnrolment(request.params.id);
      if (!e) throw new codes.ZW_ERR_NOT_FOUND(`enrolment ${request.params.id}`);
      const p = await load.participant(request, e.participantId).catch(() => {
        throw new codes.ZW_ERR_NOT_FOUND(`enrolment ${request.params.id}`);
      });
      const ended = await registry.transaction(async (tx) => {
        const x = await tx.programmes.endEnrolment(e.id, request.body.status, ctx.clock());
        await audit(tx, user, {
          action: 'enrolment.end',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          detail: { enrolmentId: e.id, status: x.status },
          requestId: request.id,
        });
        return x;
      });
      return enrolmentView(registry, ended, ctx.clock());
    },
  );

  app.get(
    '/reassessments/due',
    {
      onRequest: staff,
      schema: {
        tags,
        summary:
          "Participants due a re-assessment now (or overdue), for the clinician's list and the instructor's roster notice: who and when, never values",
        querystring: reassessmentsDueQuerySchema,
        response: { 200: listOf(reassessmentDueItemSchema), ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const { siteId } = request.query;
      const scope = listScope(user, siteId);
      const now = ctx.clock();
      const items = [];
      for (const e of await registry.programmes.activeEnrolments(scope ? { siteIds: scope } : {})) {
        const v = await enrolmentView(registry, e, now);
        if (!v.nextReassessment?.due) continue;
        const p = await registry.participants.get(e.participantId);
        if (!p?.active) continue;
        items.push({
          participantId: p.id,
          alias: p.alias,
          siteId: p.siteId,
          enrolmentId: e.id,
          programmeName: v.programme.name,
          preset: v.programme.preset,
          next: v.nextReassessment,
        });
      }
      items.sort((a, b) => a.next.dueDate.localeCompare(b.next.dueDate) || a.alias.localeCompare(b.alias));
      return { items };
    },
  );

  app.get(
    '/participants/:id/proposals',
    {
      onRequest: requireRole('clinician', 'coach'),
      schema: {
        tags,
        summary:
          "A participant's weekly progression proposals with their decisions, newest week first (audited)",
        params: idParamsSchema,
        response: { 200: listOf(progressionProposalRecordSchema), ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const p = await recordParticipant(registry, request, request.params.id);
      const list = await registry.progression.list(p.id);
      await registry.transaction((tx) =>
        audit(tx, user, {
          action: 'participant.view-proposals',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          requestId: request.id,
        }),
      );
      const names = await userNames(
        registry,
        list.flatMap((x) => (x.decidedBy ? [x.decidedBy] : [])),
      );
      return { items: list.map((x) => proposalView(x, names)) };
    },
  );

  app.post(
    '/participants/:id/proposals',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary:
          'Judge a week now (default: the last complete calendar week) and write its progression proposal; idempotent per week',
        params: idParamsSchema,
        body: generateProposalBodySchema,
        response: { 200: generateProposalResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = await load.participant(request, request.params.id);
      const r = await generateProposal(registry, p.id, ctx.clock(), request.body.weekStart);
      return { proposal: r.proposal ? proposalView(r.proposal, new Map()) : null, skipped: r.skipped };
    },
  );

  app.post(
    '/proposals/:id/decision',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary:
          'Accept a proposal (its prescription becomes a new version; live sessions pick it up) or reject it with a reason, which is kept (audited)',
        params: idParamsSchema,
        body: proposalDecisionSchema,
        response: { 200: progressionProposalRecordSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const x = await registry.progression.get(request.params.id);
      if (!x) throw new codes.ZW_ERR_NOT_FOUND(`proposal ${request.params.id}`);
      const p = await load.participant(request, x.participantId).catch(() => {
        throw new codes.ZW_ERR_NOT_FOUND(`proposal ${request.params.id}`);
      });
      const d = request.body;
      const now = ctx.clock();
      let decided: Awaited<ReturnType<Registry['progression']['get']>>;
      if (d.status === 'accepted') {
        const proposed = (x.body as { proposed?: unknown }).proposed;
        resolveOrRefuse(proposed, 'proposal.proposed');
        const current = await registry.prescriptions.current(p.id, now);
        if (current?.id !== x.prescriptionId)
          throw new codes.ZW_ERR_INVALID_STATE(
            `proposal ${x.id} starts from a prescription version that is no longer in force; generate a new one`,
          );
        decided = await registry.transaction(async (tx) => {
          const rx = await tx.prescriptions.create({
            participantId: p.id,
            authorId: user.id,
            body: proposed as object,
            effectiveFrom: now,
            note: `progression proposal accepted (${x.kind})`,
          });
          const a = await tx.progression.accept(x.id, { by: user.id, prescriptionId: rx.id, atMs: now });
          await audit(tx, user, {
            action: 'proposal.accept',
            entity: 'participant',
            entityId: p.id,
            siteId: p.siteId,
            detail: { proposalId: x.id, prescriptionId: rx.id, version: rx.version },
            requestId: request.id,
          });
          return a;
        });
        await ctx.live.prescriptionChanged(p.id);
      } else {
        decided = await registry.transaction(async (tx) => {
          const r = await tx.progression.reject(x.id, { by: user.id, reason: d.reason, atMs: now });
          await audit(tx, user, {
            action: 'proposal.reject',
            entity: 'participant',
            entityId: p.id,
            siteId: p.siteId,
            detail: { proposalId: x.id },
            requestId: request.id,
          });
          return r;
        });
      }
      return proposalView(decided!, new Map([[user.id, user.displayName]]));
    },
  );
}
