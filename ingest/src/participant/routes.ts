import {
  createdLinkSchema,
  createLinkBodySchema,
  idParamsSchema,
  linkParamsSchema,
  listOf,
  meSessionDetailSchema,
  meSessionParamsSchema,
  meViewSchema,
  PARTICIPANT_LINK_HEADER,
  participantLinkSchema,
  pdfQuerySchema,
} from '@zonewatch/protocol';
import type { FastifyRequest } from 'fastify';
import { type ApiContext, actorOf, audit, loaders, type ZodApp } from '../api/context.js';
import { alertLines } from '../api/report-alerts.js';
import { errorResponses } from '../api/schemas.js';
import { requireRole, requireUser } from '../auth/index.js';
import { sessionReportPdf } from '../pdf/session-report.js';
import { translator } from '../pdf/text.js';
import { codes, type Participant, type Registry } from '../registry/index.js';
import { participantHistory, readSaved, summaryOf, withAlertCounts } from './history.js';
import { linkCodes, linkState, type ParticipantLink, participantLinks } from './links.js';
import { nextReassessmentOf } from './reassessment.js';

const DAY_MS = 86_400_000;
const tags = ['participant view'];
const linkSecurity = [{ participantLink: [] }];

const linkView = (l: ParticipantLink, nowMs: number) => ({
  id: l.id,
  participantId: l.participantId,
  createdBy: l.createdBy,
  createdAt: l.createdAt,
  expiresAt: l.expiresAt,
  revokedAt: l.revokedAt,
  lastUsedAt: l.lastUsedAt,
  useCount: l.useCount,
  state: linkState(l, nowMs),
});

/** When the participant is due for re-assessment (default: their programme's, from issue 15's record). */
export type NextReassessment = (
  registry: Registry,
  participantId: string,
  nowMs: number,
) => Promise<number | null>;
/**
 * The participant's own view (issue 16). Staff (clinician, admin) issue, list and revoke access links under
 * `/participants/:id/access-links` (audited). A phone sends the link's token in the `x-zw-link` header to
 * `/me…`: it reads that one participant's figures only, never staff names or notes, and every use — and every
 * refused use of a known link — is in the audit trail as `link:{id}`.
 */
export async function participantViewRoutes(
  app: ZodApp,
  ctx: ApiContext,
  opts: { nextReassessment?: NextReassessment } = {},
): Promise<void> {
  const { registry } = ctx;
  const load = loaders(registry);
  const clinician = requireRole('clinician');
  const nextReassessment = opts.nextReassessment ?? nextReassessmentOf;

  app.post(
    '/participants/:id/access-links',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary: "Issue a link to the participant's own view (token shown once; audited)",
        params: idParamsSchema,
        body: createLinkBodySchema,
        response: { 201: createdLinkSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      const now = ctx.clock();
      const made = await registry.transaction(async (tx) => {
        const m = await participantLinks(tx).create({
          participantId: p.id,
          createdBy: actorOf(user),
          nowMs: now,
          validMs: request.body.validDays * DAY_MS,
        });
        await audit(tx, user, {
          action: 'participant-link.create',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          detail: { linkId: m.link.id, validDays: request.body.validDays },
          requestId: request.id,
        });
        return m;
      });
      return reply
        .code(201)
        .send({ link: linkView(made.link, now), token: made.token, path: `/p/#${made.token}` });
    },
  );

  app.get(
    '/participants/:id/access-links',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary: "A participant's access links, newest first (no tokens)",
        params: idParamsSchema,
        response: { 200: listOf(participantLinkSchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = await load.participant(request, request.params.id);
      const now = ctx.clock();
      return { items: (await participantLinks(registry).list(p.id)).map((l) => linkView(l, now)) };
    },
  );

  app.delete(
    '/participants/:id/access-links/:linkId',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary: 'Revoke an access link at once (audited)',
        params: linkParamsSchema,
        response: { 200: participantLinkSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      const now = ctx.clock();
      const link = await registry.transaction(async (tx) => {
        const links = participantLinks(tx);
        const l = await links.get(request.params.linkId);
        if (!l || l.participantId !== p.id)
          throw new codes.ZW_ERR_NOT_FOUND(`access link ${request.params.linkId}`);
        const revoked = await links.revoke(l.id, actorOf(user), now);
        await audit(tx, user, {
          action: 'participant-link.revoke',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          detail: { linkId: l.id },
          requestId: request.id,
        });
        return revoked!;
      });
      return linkView(link, now);
    },
  );

  /** The participant a request's link opens, after recording the use; refusals name no participant. */
  async function viaLink(
    request: FastifyRequest,
    what: string,
    detail: Record<string, unknown> = {},
  ): Promise<{ link: ParticipantLink; participant: Participant }> {
    const header = request.headers[PARTICIPANT_LINK_HEADER];
    const token = typeof header === 'string' ? header.trim() : '';
    const link = token ? await participantLinks(registry).byToken(token) : undefined;
    if (!link) throw new linkCodes.ZW_ERR_LINK_INVALID();
    const now = ctx.clock();
    const state = linkState(link, now);
    const participant = await registry.participants.get(link.participantId);
    if (!participant) throw new linkCodes.ZW_ERR_LINK_INVALID();
    await registry.transaction(async (tx) => {
      if (state === 'active') await participantLinks(tx).touch(link.id, now);
      await tx.audit.log({
        actor: `link:${link.id}`,
        action: state === 'active' ? 'participant-link.use' : 'participant-link.refused',
        entity: 'participant',
        entityId: participant.id,
        siteId: participant.siteId,
        detail: {
          linkId: link.id,
          what,
          ...detail,
          ...(state === 'active' ? {} : { state }),
          requestId: request.id,
        },
      });
    });
    if (state === 'expired') throw new linkCodes.ZW_ERR_LINK_EXPIRED();
    if (state === 'revoked') throw new linkCodes.ZW_ERR_LINK_REVOKED();
    return { link, participant };
  }

  app.get(
    '/me',
    {
      schema: {
        tags,
        summary: "The participant's own view: this week, prescription in figures, sessions, trends (link)",
        security: linkSecurity,
        response: { 200: meViewSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { link, participant } = await viaLink(request, 'view');
      const now = ctx.clock();
      const h = await participantHistory(registry, participant, now, { weeks: 12 });
      const week = h.weeks.at(-1)!;
      return {
        alias: participant.alias,
        centre: { name: h.site.name, timezone: h.site.timezone },
        generatedAt: now,
        link: { expiresAt: link.expiresAt },
        thisWeek: {
          weekStart: week.weekStart,
          minutesInZone: week.minutesInZone,
          sessions: week.sessions,
          targetMinutes: h.weeklyTargetMinutes,
          targetSessions: h.prescription?.sessionsPerWeek ?? null,
        },
        prescription: h.prescription,
        nextReassessmentAt: await nextReassessment(registry, participant.id, now),
        weeks: h.weeks,
        weeklyTargetMinutes: h.weeklyTargetMinutes,
        sessions: await withAlertCounts(registry, participant.id, h.sessions.slice(0, 10)),
      };
    },
  );

  /** The participant's report of a session they were in; 404 for any other session. */
  async function ownReport(participant: Participant, sessionId: string) {
    const report = await registry.reports.get(sessionId, participant.id);
    const session = report ? await registry.sessions.get(sessionId) : undefined;
    if (!report || !session) throw new codes.ZW_ERR_NOT_FOUND(`session ${sessionId}`);
    return { report, session };
  }

  app.get(
    '/me/sessions/:sessionId',
    {
      schema: {
        tags,
        summary: "One of the participant's sessions: figures, heart-rate trace, alerts (link)",
        security: linkSecurity,
        params: meSessionParamsSchema,
        response: { 200: meSessionDetailSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { sessionId } = request.params;
      const { participant } = await viaLink(request, 'session', { sessionId });
      const { report, session } = await ownReport(participant, sessionId);
      const site = await registry.sites.get(participant.siteId);
      const r = readSaved(report.body);
      const alerts = (await alertLines(registry, session)).filter((a) => a.participantId === participant.id);
      return {
        alias: participant.alias,
        centre: { name: site?.name ?? participant.siteId, timezone: site?.timezone ?? 'UTC' },
        session: { ...summaryOf(session, report.body), alertCount: alerts.length },
        zone: r.zone,
        trace: r.trace.map((p) => ({ tS: p.tS, hr: p.hr })),
        secondsBelow: r.secondsBelow,
        secondsAbove: r.secondsAbove,
        alerts: alerts.map((a) => ({ rule: a.rule, severity: a.severity, raisedAt: a.raisedAt })),
      };
    },
  );

  app.get(
    '/me/sessions/:sessionId/report.pdf',
    {
      schema: {
        tags,
        summary: "The participant's own copy of a session report as PDF (no staff names or notes; link)",
        security: linkSecurity,
        params: meSessionParamsSchema,
        querystring: pdfQuerySchema,
      },
    },
    async (request, reply) => {
      const { sessionId } = request.params;
      const { participant } = await viaLink(request, 'session-pdf', { sessionId });
      const { report, session } = await ownReport(participant, sessionId);
      const site = await registry.sites.get(participant.siteId);
      const alerts = (await alertLines(registry, session)).filter((a) => a.participantId === participant.id);
      const lang = request.query.lang;
      const pdf = await sessionReportPdf(
        {
          lang,
          centreName: site?.name ?? participant.siteId,
          timezone: site?.timezone ?? 'UTC',
          generatedAt: ctx.clock(),
          title: translator(lang)('doc.sessionReport'),
        },
        { session, alias: participant.alias, body: report.body, alerts, audience: 'participant' },
      );
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="session-${session.id}.pdf"`)
        .send(pdf);
    },
  );
}
