import {
  alertWithEventsSchema,
  bindDeviceBodySchema,
  bindingParamsSchema,
  createSessionBodySchema,
  idParamsSchema,
  listOf,
  nextPhase,
  phasePlanOf,
  reportCsvQuerySchema,
  rosterEntrySchema,
  rosterQuerySchema,
  sessionParticipantParamsSchema,
  sessionPhaseBodySchema,
  sessionReportResponseSchema,
  sessionSchema,
  sessionSummarySchema,
  sessionsQuerySchema,
  sessionTraceQuerySchema,
  sessionTraceResponseSchema,
  startSessionResponseSchema,
  unboundDevicesListSchema,
  unboundDevicesQuerySchema,
} from '@zonewatch/protocol';
import { authCodes, coachOnly, requireRole, requireUser } from '../../auth/index.js';
import { codes, type SessionRecord } from '../../registry/index.js';
import {
  type ApiContext,
  assertSite,
  assertStaffOfSite,
  audit,
  listScope,
  loaders,
  type ZodApp,
} from '../context.js';
import { csvLanguage } from '../csv.js';
import { bindOwnedDevices } from '../owned-devices.js';
import { assertHomeSessionsAllowed } from '../record/risk.js';
import { alertLines } from '../report-alerts.js';
import { alertsCsv, participantsCsv } from '../report-csv.js';
import { errorResponses } from '../schemas.js';
import {
  alertEventView,
  alertView,
  aliases,
  rosterViews,
  sessionSummaries,
  sessionView,
  userNames,
  usernames,
} from '../views.js';
import { assertHomeMonitoringConsent } from './consent.js';

const tags = ['sessions'];

/**
 * `/sessions/*`: class and home sessions. Instructors run them (create, start, stop, bind); clinicians read
 * them and their reports; coaches read home sessions and their reports. Starting, stopping and binding call
 * the live service after the registry change has committed.
 */
export async function sessionRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  const { registry, live } = ctx;
  const load = loaders(registry);
  const viewers = requireRole('instructor', 'clinician', 'coach');
  const runner = requireRole('instructor');

  app.get(
    '/sessions',
    {
      onRequest: viewers,
      schema: {
        tags,
        summary: 'Sessions of your sites with participant and open-alert counts (coaches: home sessions)',
        querystring: sessionsQuerySchema,
        response: { 200: listOf(sessionSummarySchema), ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const { siteId, status, kind } = request.query;
      const scope = listScope(user, siteId);
      if (kind === 'class' && coachOnly(user)) {
        throw new authCodes.ZW_ERR_FORBIDDEN('coaches see home sessions only');
      }
      const filter = status ? { status } : {};
      let sessions: SessionRecord[] = [];
      if (scope === undefined) sessions = await registry.sessions.list(filter);
      else for (const s of scope) sessions.push(...(await registry.sessions.list({ ...filter, siteId: s })));
      const wantKind = coachOnly(user) ? 'home' : kind;
      if (wantKind) sessions = sessions.filter((s) => s.kind === wantKind);
      const key = (s: SessionRecord) => s.startedAt ?? s.scheduledAt ?? s.createdAt;
      sessions.sort((a, b) => key(b) - key(a) || a.id.localeCompare(b.id));
      return { items: await sessionSummaries(registry, sessions) };
    },
  );

  app.post(
    '/sessions',
    {
      onRequest: runner,
      schema: {
        tags,
        summary: 'Schedule a class or home session (instructor)',
        body: createSessionBodySchema,
        response: { 201: sessionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const b = request.body;
      assertSite(user, b.siteId);
      if (b.classId) {
        const c = await registry.classes.get(b.classId);
        if (!c || c.siteId !== b.siteId) {
          throw new codes.ZW_ERR_INVALID_REFERENCE(
            `classId: class ${b.classId} is not a class of site ${b.siteId}`,
          );
        }
      }
      if (b.coachId) await assertStaffOfSite(registry, 'coachId', b.coachId, b.siteId);
      const session = await registry.transaction(async (tx) => {
        const s = await tx.sessions.create(b);
        await audit(tx, user, {
          action: 'session.create',
          entity: 'session',
          entityId: s.id,
          siteId: s.siteId,
          requestId: request.id,
        });
        return s;
      });
      return reply.code(201).send(sessionView(session));
    },
  );

  app.get(
    '/sessions/:id',
    {
      onRequest: viewers,
      schema: {
        tags,
        summary: 'One session with counts',
        params: idParamsSchema,
        response: { 200: sessionSummarySchema, ...errorResponses },
      },
    },
    async (request) => {
      const s = await load.session(request, request.params.id);
      return (await sessionSummaries(registry, [s]))[0]!;
    },
  );

  for (const [verb, action] of [
    ['start', 'session.start'],
    ['stop', 'session.stop'],
  ] as const) {
    app.post(
      `/sessions/:id/${verb}`,
      {
        onRequest: runner,
        schema: {
          tags,
          summary:
            verb === 'start'
              ? 'Start a scheduled session: opens the live room (instructor)'
              : 'End a session: final reports, alerts closed, roster unbound (instructor)',
          params: idParamsSchema,
          response: { 200: startSessionResponseSchema, ...errorResponses },
        },
      },
      async (request) => {
        const user = requireUser(request);
        const s = await load.session(request, request.params.id);
        if (verb === 'start') {
          // Issue 16: no home session starts without the home-monitoring consent of whoever is bound to it.
          const bound = (await registry.rosters.list(s.id)).map((b) => b.participantId);
          await assertHomeMonitoringConsent(registry, s, bound);
          // Issue 15: nor with a high-risk participant bound and no clinician's override in force.
          if (s.kind === 'home')
            for (const id of new Set(bound)) await assertHomeSessionsAllowed(registry, id);
        }
        const updated = await registry.transaction(async (tx) => {
          const u =
            verb === 'start'
              ? await tx.sessions.start(s.id, ctx.clock())
              : await tx.sessions.end(s.id, ctx.clock());
          await audit(tx, user, {
            action,
            entity: 'session',
            entityId: s.id,
            siteId: s.siteId,
            requestId: request.id,
          });
          return u;
        });
        if (verb === 'stop') {
          await live.sessionEnded(s.id);
          return sessionView(updated);
        }
        await live.sessionStarted(s.id);
        // Devices assigned ahead of time that are on the wire are bound at once; the rest are listed.
        const ownedDevices = await bindOwnedDevices(ctx, user, updated, request.id);
        return { ...sessionView(updated), ownedDevices };
      },
    );
  }

  app.post(
    '/sessions/:id/phase',
    {
      onRequest: runner,
      schema: {
        tags,
        summary:
          'Move a running class to the next phase, or to the one named (instructor): warm-up, conditioning, cool-down, recovery; recovery marks the end of exercise for HR recovery',
        params: idParamsSchema,
        body: sessionPhaseBodySchema,
        response: { 200: sessionSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const s = await load.session(request, request.params.id);
      if (s.status !== 'active')
        throw new codes.ZW_ERR_INVALID_STATE(
          `session ${s.id} is ${s.status}; phases move only while it is active`,
        );
      const phase = request.body.phase ?? nextPhase(s.phase);
      if (phase === null)
        throw new codes.ZW_ERR_INVALID_STATE(`session ${s.id} is already in recovery, its last phase`);
      const now = ctx.clock();
      // The plan is fixed at the first move, from the prescriptions in force of everyone on the roster.
      const members = [
        ...new Set((await registry.rosters.list(s.id, { includeUnbound: true })).map((b) => b.participantId)),
      ];
      const rxs = members.length ? await registry.prescriptions.currentMany(members, now) : [];
      const plan = phasePlanOf(
        rxs.map((r) => (r.body as { fitt?: Parameters<typeof phasePlanOf>[0][number] }).fitt),
      );
      const updated = await registry.transaction(async (tx) => {
        const u = await tx.sessions.setPhase(s.id, phase, now, plan);
        await audit(tx, user, {
          action: 'session.phase',
          entity: 'session',
          entityId: s.id,
          siteId: s.siteId,
          detail: { from: s.phase, to: phase },
          requestId: request.id,
        });
        return u;
      });
      await live.phaseChanged(s.id);
      return sessionView(updated);
    },
  );

  app.get(
    '/sessions/:id/roster',
    {
      onRequest: viewers,
      schema: {
        tags,
        summary: 'Who wears which device in this session (live bindings; all with includeUnbound)',
        params: idParamsSchema,
        querystring: rosterQuerySchema,
        response: { 200: listOf(rosterEntrySchema), ...errorResponses },
      },
    },
    async (request) => {
      const s = await load.session(request, request.params.id);
      const bindings = await registry.rosters.list(s.id, {
        includeUnbound: request.query.includeUnbound ?? false,
      });
      return { items: await rosterViews(ctx.registry, bindings) };
    },
  );

  app.post(
    '/sessions/:id/bindings',
    {
      onRequest: runner,
      schema: {
        tags,
        summary: 'Bind a device to a participant for this session (instructor)',
        params: idParamsSchema,
        body: bindDeviceBodySchema,
        response: { 201: rosterEntrySchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const s = await load.session(request, request.params.id);
      const b = request.body;
      await assertHomeMonitoringConsent(registry, s, [b.participantId]);
      // Issue 15: a high-risk participant joins a home session only with a clinician's override in force.
      if (s.kind === 'home') await assertHomeSessionsAllowed(registry, b.participantId);
      const binding = await registry.transaction(async (tx) => {
        const r = await tx.rosters.bind({
          sessionId: s.id,
          participantId: b.participantId,
          deviceId: b.deviceId,
          atMs: ctx.clock(),
          actorId: user.id,
        });
        await audit(tx, user, {
          action: 'session.bind',
          entity: 'session',
          entityId: s.id,
          siteId: s.siteId,
          detail: { participantId: b.participantId, deviceId: b.deviceId },
          requestId: request.id,
        });
        return r;
      });
      await live.rosterChanged(s.id);
      return reply.code(201).send((await rosterViews(ctx.registry, [binding]))[0]!);
    },
  );

  app.delete(
    '/sessions/:id/bindings/:deviceId',
    {
      onRequest: runner,
      schema: {
        tags,
        summary: 'Unbind a device from this session (instructor)',
        params: bindingParamsSchema,
        response: { 200: rosterEntrySchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const s = await load.session(request, request.params.id);
      const { deviceId } = request.params;
      const binding = await registry.transaction(async (tx) => {
        const r = await tx.rosters.unbind({ sessionId: s.id, deviceId, atMs: ctx.clock() });
        await audit(tx, user, {
          action: 'session.unbind',
          entity: 'session',
          entityId: s.id,
          siteId: s.siteId,
          detail: { participantId: r.participantId, deviceId },
          requestId: request.id,
        });
        return r;
      });
      await live.rosterChanged(s.id);
      return (await rosterViews(ctx.registry, [binding]))[0]!;
    },
  );

  app.delete(
    '/sessions/:id/participants/:participantId',
    {
      onRequest: runner,
      schema: {
        tags,
        summary:
          'Take a participant out of this session: unbinds their devices and ends their "not monitored" alert (instructor)',
        params: sessionParticipantParamsSchema,
        response: { 200: listOf(rosterEntrySchema), ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const s = await load.session(request, request.params.id);
      if (s.status === 'ended') throw new codes.ZW_ERR_INVALID_STATE(`session ${s.id} has ended`);
      const { participantId } = request.params;
      const ended = await registry.transaction(async (tx) => {
        const r = await tx.rosters.removeParticipant({
          sessionId: s.id,
          participantId,
          atMs: ctx.clock(),
          actorId: user.id,
        });
        await audit(tx, user, {
          action: 'session.remove-participant',
          entity: 'session',
          entityId: s.id,
          siteId: s.siteId,
          detail: { participantId, deviceIds: r.map((b) => b.deviceId) },
          requestId: request.id,
        });
        return r;
      });
      await live.rosterChanged(s.id);
      return { items: await rosterViews(ctx.registry, ended) };
    },
  );

  app.get(
    '/sessions/:id/unbound-devices',
    {
      onRequest: runner,
      schema: {
        tags,
        summary:
          'Devices of this site seen on the wire lately that no active session binds ("tap the strap")',
        params: idParamsSchema,
        querystring: unboundDevicesQuerySchema,
        response: { 200: unboundDevicesListSchema, ...errorResponses },
      },
    },
    async (request) => {
      const s = await load.session(request, request.params.id);
      const { withinS, limit } = request.query;
      const seen = live.unboundDevices(s.siteId, withinS * 1000, limit);
      const registered = new Map((await registry.devices.list({ siteId: s.siteId })).map((d) => [d.id, d]));
      return {
        omitted: seen.omitted,
        items: seen.devices
          .map((d) => {
            const reg = registered.get(d.deviceId);
            return {
              deviceId: d.deviceId,
              kind: reg?.kind ?? d.kind,
              lastSeenAt: d.lastSeenAt,
              registered: reg !== undefined,
              label: reg?.label ?? null,
              recentlyWornBy: d.recentlyWornBy ?? null,
            };
          })
          .sort((a, b) => b.lastSeenAt - a.lastSeenAt),
      };
    },
  );

  app.get(
    '/sessions/:id/trace',
    {
      onRequest: viewers,
      schema: {
        tags,
        summary:
          "Each participant's down-sampled trace of the last minutes of a live session (backfills a live chart)",
        params: idParamsSchema,
        querystring: sessionTraceQuerySchema,
        response: { 200: sessionTraceResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const s = await load.session(request, request.params.id);
      if (s.status !== 'active') return { items: [] };
      return { items: live.recentTrace(s.id, request.query.withinS * 1000) };
    },
  );

  app.get(
    '/sessions/:id/alerts',
    {
      onRequest: viewers,
      schema: {
        tags,
        summary: 'Every alert of the session with its lifecycle events, oldest first',
        params: idParamsSchema,
        response: { 200: listOf(alertWithEventsSchema), ...errorResponses },
      },
    },
    async (request) => {
      const s = await load.session(request, request.params.id);
      const alerts = await registry.alerts.listBySession(s.id);
      const events = await registry.alerts.eventsBySession(s.id);
      const names = await userNames(
        registry,
        events.map((e) => e.actorId),
      );
      const alias = await aliases(
        registry,
        alerts.map((a) => a.participantId),
      );
      const ackers = await usernames(
        registry,
        alerts.map((a) => a.acknowledgedBy),
      );
      return {
        items: alerts.map((a) => ({
          ...alertView(a, alias.get(a.participantId) ?? '', ackers),
          events: events
            .filter((e) => e.alertId === a.id)
            .sort((x, y) => x.seq - y.seq)
            .map((e) => alertEventView(e, names)),
        })),
      };
    },
  );

  app.get(
    '/sessions/:id/report',
    {
      onRequest: viewers,
      schema: {
        tags,
        summary: "Every participant's saved report of this session (audited)",
        params: idParamsSchema,
        response: { 200: sessionReportResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const s = await load.session(request, request.params.id);
      const reports = await registry.transaction(async (tx) => {
        const r = await tx.reports.listBySession(s.id);
        await audit(tx, user, {
          action: 'session.view-report',
          entity: 'session',
          entityId: s.id,
          siteId: s.siteId,
          requestId: request.id,
        });
        return r;
      });
      const alias = await aliases(
        registry,
        reports.map((r) => r.participantId),
      );
      // The alert lines come from the registry, as in the CSV export: one source of truth for their state,
      // who acknowledged (display name) and the notes, whatever the saved snapshot says.
      const lines = await alertLines(registry, s);
      return {
        session: sessionView(s),
        items: reports.map((r) => ({
          sessionId: s.id,
          sessionName: s.name,
          sessionStartedAt: s.startedAt,
          participantId: r.participantId,
          alias: alias.get(r.participantId) ?? '',
          body: {
            ...(r.body as Record<string, unknown>),
            alerts: lines
              .filter((a) => a.participantId === r.participantId)
              .map(({ participantId: _p, escalationLevel: _e, ...line }) => line),
          },
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
        })),
      };
    },
  );

  app.get(
    '/sessions/:id/report.csv',
    {
      onRequest: viewers,
      schema: {
        tags,
        summary:
          'The session report as CSV (UTF-8 with BOM): one row per participant, or with kind=alerts one row per alert (audited). Headers, rules, priorities and states in the language of `lang` (else Accept-Language, else en), or with header=machine stable snake_case headers and codes; times in the site time zone with its offset',
        params: idParamsSchema,
        querystring: reportCsvQuerySchema,
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const s = await load.session(request, request.params.id);
      const tz = (await registry.sites.get(s.siteId))?.timezone ?? 'UTC';
      const { kind, header } = request.query;
      const lang = csvLanguage(request.query.lang, request.headers['accept-language']);
      const opts = { lang, header, tz };
      const csv =
        kind === 'alerts' ? await alertsCsv(registry, s, opts) : await participantsCsv(registry, s, opts);
      await registry.transaction((tx) =>
        audit(tx, user, {
          action: 'session.export-report',
          entity: 'session',
          entityId: s.id,
          siteId: s.siteId,
          detail: { kind },
          requestId: request.id,
        }),
      );
      const file = `session-${s.id}-${kind}.csv`;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('vary', 'Accept-Language')
        .header('content-disposition', `attachment; filename="${file}"`)
        .header('cache-control', 'no-store')
        .send(csv);
    },
  );
}
