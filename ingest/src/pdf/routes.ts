import { idParamsSchema, pdfQuerySchema, sessionParticipantParamsSchema } from '@zonewatch/protocol';
import type { FastifyReply } from 'fastify';
import { type ApiContext, audit, loaders, type ZodApp } from '../api/context.js';
import { alertLines } from '../api/report-alerts.js';
import { aliases } from '../api/views.js';
import { requireRole, requireUser } from '../auth/index.js';
import { participantHistory, withAlertCounts } from '../participant/history.js';
import { nextReassessmentOf } from '../participant/reassessment.js';
import type { NextReassessment } from '../participant/routes.js';
import { codes, type Site } from '../registry/index.js';
import { classSummaryPdf } from './class-summary.js';
import type { PdfMeta } from './doc.js';
import { recordSummaryPdf } from './record-summary.js';
import { sessionReportPdf } from './session-report.js';
import { type PdfKey, type PdfLang, translator } from './text.js';

const tags = ['pdf'];

function send(reply: FastifyReply, pdf: Buffer, file: string) {
  return reply
    .type('application/pdf')
    .header('content-disposition', `attachment; filename="${file}"`)
    .header('cache-control', 'no-store')
    .send(pdf);
}

/**
 * PDFs for the hospital and the file (issue 16), zh-CN (default) or en by `?lang=`: a participant's session
 * report, the class summary (every participant, minutes in zone, peak HR, alerts and their handling) and the
 * participant's record summary. The same roles and site scope as the JSON they are made from; every export is
 * audited.
 */
export async function pdfRoutes(
  app: ZodApp,
  ctx: ApiContext,
  opts: { nextReassessment?: NextReassessment } = {},
): Promise<void> {
  const { registry } = ctx;
  const load = loaders(registry);
  const sessionViewers = requireRole('clinician', 'instructor', 'coach');
  const clinician = requireRole('clinician');

  const meta = async (siteId: string, lang: PdfLang, title: PdfKey): Promise<PdfMeta> => {
    const site: Site | undefined = await registry.sites.get(siteId);
    return {
      lang,
      centreName: site?.name ?? siteId,
      timezone: site?.timezone ?? 'UTC',
      generatedAt: ctx.clock(),
      title: translator(lang)(title),
    };
  };

  app.get(
    '/sessions/:id/participants/:participantId/report.pdf',
    {
      onRequest: sessionViewers,
      schema: {
        tags,
        summary: "One participant's session report as PDF (application/pdf; ?lang=zh-CN|en; audited)",
        params: sessionParticipantParamsSchema,
        querystring: pdfQuerySchema,
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const s = await load.session(request, request.params.id);
      const { participantId } = request.params;
      const report = await registry.reports.get(s.id, participantId);
      if (!report)
        throw new codes.ZW_ERR_NOT_FOUND(`report of participant ${participantId} in session ${s.id}`);
      const alias = (await aliases(registry, [participantId])).get(participantId) ?? participantId;
      const alerts = (await alertLines(registry, s)).filter((a) => a.participantId === participantId);
      const pdf = await sessionReportPdf(await meta(s.siteId, request.query.lang, 'doc.sessionReport'), {
        session: s,
        alias,
        body: report.body,
        alerts,
        audience: 'staff',
      });
      await registry.transaction((tx) =>
        audit(tx, user, {
          action: 'session.export-report-pdf',
          entity: 'participant',
          entityId: participantId,
          siteId: s.siteId,
          detail: { sessionId: s.id, lang: request.query.lang },
          requestId: request.id,
        }),
      );
      return send(reply, pdf, `session-${s.id}-${participantId}.pdf`);
    },
  );

  app.get(
    '/sessions/:id/summary.pdf',
    {
      onRequest: sessionViewers,
      schema: {
        tags,
        summary:
          'The class summary as PDF: every participant, minutes in zone, peak HR, alerts and their handling (audited)',
        params: idParamsSchema,
        querystring: pdfQuerySchema,
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const s = await load.session(request, request.params.id);
      const reports = await registry.reports.listBySession(s.id);
      const names = await aliases(
        registry,
        reports.map((r) => r.participantId),
      );
      const pdf = await classSummaryPdf(await meta(s.siteId, request.query.lang, 'doc.classSummary'), {
        session: s,
        rows: reports.map((r) => ({
          participantId: r.participantId,
          alias: names.get(r.participantId) ?? r.participantId,
          body: r.body,
        })),
        alerts: await alertLines(registry, s),
      });
      await registry.transaction((tx) =>
        audit(tx, user, {
          action: 'session.export-summary-pdf',
          entity: 'session',
          entityId: s.id,
          siteId: s.siteId,
          detail: { lang: request.query.lang, participantIds: reports.map((r) => r.participantId) },
          requestId: request.id,
        }),
      );
      return send(reply, pdf, `class-summary-${s.id}.pdf`);
    },
  );

  app.get(
    '/participants/:id/record.pdf',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary:
          "The participant's record summary as PDF: prescription, weekly minutes in zone, HR recovery, sessions (audited)",
        params: idParamsSchema,
        querystring: pdfQuerySchema,
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      const now = ctx.clock();
      const all = await participantHistory(registry, p, now, { weeks: 12 });
      // The table lists the newest 40 sessions: their alert counts are the registry's.
      const counted = await withAlertCounts(registry, p.id, all.sessions.slice(0, 40));
      const h = { ...all, sessions: [...counted, ...all.sessions.slice(40)] };
      const next = await (opts.nextReassessment ?? nextReassessmentOf)(registry, p.id, now);
      const pdf = await recordSummaryPdf(await meta(p.siteId, request.query.lang, 'doc.recordSummary'), h, {
        nextReassessmentAt: next,
      });
      await registry.transaction((tx) =>
        audit(tx, user, {
          action: 'participant.export-record-pdf',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          detail: { lang: request.query.lang },
          requestId: request.id,
        }),
      );
      return send(reply, pdf, `record-${p.id}.pdf`);
    },
  );
}
