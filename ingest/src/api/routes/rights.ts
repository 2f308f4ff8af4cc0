import { eraseBodySchema, erasureResponseSchema, idParamsSchema } from '@zonewatch/protocol';
import { z } from 'zod';
import { requireRole, requireUser } from '../../auth/index.js';
import { participantHistory } from '../../participant/history.js';
import { recordSummaryPdf } from '../../pdf/record-summary.js';
import { PDF_LANGS, translator } from '../../pdf/text.js';
import { codes } from '../../registry/index.js';
import { type ApiContext, audit, loaders, type ZodApp } from '../context.js';
import { eraseTelemetry, exportTelemetry } from '../person-telemetry.js';
import { errorResponses } from '../schemas.js';

const tags = ['data rights'];

/** The export archive's format name and version (bump the version when its shape changes). */
export const EXPORT_FORMAT = 'zonewatch.person-export' as const;
export const EXPORT_VERSION = 1 as const;

const exportSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    version: z.literal(EXPORT_VERSION),
    participantId: z.string(),
    exportedAt: z.string(),
    exportedBy: z.string(),
    registry: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
    sessions: z.array(z.record(z.string(), z.unknown())),
    audit: z.array(z.record(z.string(), z.unknown())),
    telemetry: z.object({
      status: z.enum(['included', 'not-configured']),
      /** Points per `{retention policy}.{measurement}`. */
      measurements: z.record(z.string(), z.array(z.unknown())),
    }),
    /** The record summary as PDF, zh-CN and en (base64); empty when no CJK font is installed. */
    pdfs: z.array(
      z.object({
        name: z.string(),
        lang: z.string(),
        contentType: z.literal('application/pdf'),
        base64: z.string(),
      }),
    ),
  })
  .describe(
    'Everything zonewatch holds about one person: every registry row that references them (table by table, as ' +
      'stored), the sessions they took part in, the audit entries about them, and their telemetry points',
  );

/**
 * A person's rights over their data (PIPL): a machine-readable copy of everything about them, and erasure.
 * Clinicians and admins; both audited. Erasure removes the registry rows, their InfluxDB series and their
 * device bindings; the audit log keeps an entry that it happened, under the (now meaningless) pseudonymous id.
 */
export async function rightsRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  const { registry } = ctx;
  const load = loaders(registry);
  const clinician = requireRole('clinician');

  app.get(
    '/participants/:id/export',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary: 'Everything about one person as one JSON archive (clinician; audited)',
        params: idParamsSchema,
        response: { 200: exportSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      const rows = await registry.personData.collect(p.id);
      const sessionIds = new Set<string>();
      for (const table of ['session_roster', 'session_reports', 'alerts', 'session_removals']) {
        for (const r of rows.tables[table] ?? []) sessionIds.add(String(r.session_id));
      }
      const sessions = [];
      for (const id of [...sessionIds].sort()) {
        const s = await registry.sessions.get(id);
        if (s) sessions.push({ ...s });
      }
      const trail = await registry.audit.list({ entity: 'participant', entityId: p.id, limit: 100_000 });
      const telemetry = ctx.telemetry
        ? { status: 'included' as const, measurements: await exportTelemetry(ctx.telemetry, p.id) }
        : { status: 'not-configured' as const, measurements: {} };
      const pdfs = [];
      const site = await registry.sites.get(p.siteId);
      try {
        const history = await participantHistory(registry, p, ctx.clock(), { weeks: 52, sessions: 10_000 });
        for (const lang of PDF_LANGS) {
          const meta = {
            lang,
            centreName: site?.name ?? p.siteId,
            timezone: site?.timezone ?? 'UTC',
            generatedAt: ctx.clock(),
            title: translator(lang)('doc.recordSummary'),
          };
          const pdf = await recordSummaryPdf(meta, history);
          pdfs.push({
            name: `record-${p.id}.${lang}.pdf`,
            lang,
            contentType: 'application/pdf' as const,
            base64: pdf.toString('base64'),
          });
        }
      } catch (err) {
        // The PDFs are a reader's copy of what the JSON holds; without a font the archive is still complete.
        request.log.warn({ err }, 'export: record PDFs not made');
        pdfs.length = 0;
      }
      await registry.transaction((tx) =>
        audit(tx, user, {
          action: 'participant.export',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          detail: { tables: Object.keys(rows.tables), telemetry: telemetry.status, pdfs: pdfs.length },
          requestId: request.id,
        }),
      );
      reply.header('content-disposition', `attachment; filename="zonewatch-${p.id}.json"`);
      return {
        format: EXPORT_FORMAT,
        version: EXPORT_VERSION,
        participantId: p.id,
        exportedAt: new Date(ctx.clock()).toISOString(),
        exportedBy: user.id,
        registry: JSON.parse(JSON.stringify(rows.tables)) as Record<string, Record<string, unknown>[]>,
        sessions: JSON.parse(JSON.stringify(sessions)) as Record<string, unknown>[],
        audit: trail.map((e) => ({ ...e })),
        telemetry,
        pdfs,
      };
    },
  );

  app.post(
    '/participants/:id/erase',
    {
      onRequest: clinician,
      schema: {
        tags,
        summary:
          'Erase a person: registry rows, telemetry series, device bindings; the audit log keeps that it happened (clinician; type the alias to confirm)',
        params: idParamsSchema,
        body: eraseBodySchema,
        response: { 200: erasureResponseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const p = await load.participant(request, request.params.id);
      if (request.body.confirmAlias.trim() !== p.alias) {
        throw new codes.ZW_ERR_INVALID_INPUT(
          "confirmAlias: type the participant's alias exactly to confirm erasure",
        );
      }
      const live = (await registry.rosters.activeBindings({ siteIds: [p.siteId] })).filter(
        (b) => b.participantId === p.id,
      );
      if (live.length > 0) {
        throw new codes.ZW_ERR_INVALID_STATE(
          `participant ${p.id} wears a device in a running session; take them out of it first`,
        );
      }
      // Telemetry first: if InfluxDB cannot be reached nothing is erased and the request can be repeated.
      const ownSessions = await ownHomeSessions(ctx, p.id);
      let telemetry: 'dropped' | 'skipped' = 'skipped';
      if (ctx.telemetry) {
        try {
          await eraseTelemetry(ctx.telemetry, p.id, ownSessions);
          telemetry = 'dropped';
        } catch (err) {
          request.log.error({ err }, 'erasure: telemetry not erased');
          // A 503 with its own code (the API's 5xx otherwise say only "internal error"): the client may retry.
          return reply.code(503).send({
            error: 'ZW_ERR_ERASURE_INCOMPLETE',
            message: 'the telemetry store could not be reached; nothing was erased, try again',
          });
        }
      }
      const erasedAt = ctx.clock();
      const result = await registry.transaction(async (tx) => {
        const r = await tx.personData.erase(p.id);
        await audit(tx, user, {
          action: 'participant.erase',
          entity: 'participant',
          entityId: p.id,
          siteId: p.siteId,
          detail: { rows: r.rows, sessions: r.sessionIds.length, telemetry },
          requestId: request.id,
        });
        return r;
      });
      for (const g of result.gatewayIds) await ctx.gatewayCredentials?.changed(g);
      if (ctx.telemetry && result.sessionIds.some((s) => !ownSessions.includes(s))) {
        await eraseTelemetry(ctx.telemetry, p.id, result.sessionIds);
      }
      return {
        participantId: p.id,
        erasedAt,
        registryRows: result.rows,
        sessionIds: result.sessionIds,
        telemetry,
      };
    },
  );
}

/** Home sessions in which only this person took part (erased with them), as the registry will find them. */
async function ownHomeSessions(ctx: ApiContext, participantId: string): Promise<string[]> {
  const mine = await ctx.registry.sessions.list({ participantId, limit: 100_000 });
  const out: string[] = [];
  for (const s of mine.filter((x) => x.kind === 'home')) {
    const roster = await ctx.registry.rosters.list(s.id, { includeUnbound: true });
    if (roster.every((b) => b.participantId === participantId)) out.push(s.id);
  }
  return out;
}
