import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { FhirClient, Participant, Registry } from '../registry/index.js';
import { type Dated, loadCarePlans, loadObservations, loadPatient } from './load.js';
import {
  capabilityStatement,
  type FhirContext,
  operationOutcome,
  type Resource,
  searchsetBundle,
} from './resources.js';
import { type DateFilter, matchesDate, parseDateParam, SearchError } from './search.js';

/** Options of {@link fhirFacade}. */
export interface FhirFacadeOptions {
  registry: Registry;
  /** ms since epoch (default `Date.now`). */
  clock?: () => number;
  /** Software version in the CapabilityStatement. */
  version?: string;
}

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** A refusal answered as an OperationOutcome. */
class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly code: Parameters<typeof operationOutcome>[0],
    message: string,
    readonly expression?: string,
  ) {
    super(message);
  }
}

const send = (reply: FastifyReply, status: number, resource: Resource) =>
  reply.code(status).header('content-type', FHIR_JSON).send(JSON.stringify(resource));

/**
 * The read-only FHIR R4 facade (register under `/fhir`): `GET /metadata` (public), `GET /Patient/{id}`,
 * `GET /Patient/{id}/$everything`, `GET /Observation?patient=&date=`. Every other request needs
 * `Authorization: Bearer <token>` of a FHIR client (`registry.fhirClients`), which reads one site's
 * participants, and only those whose `hospital-sharing` consent is in force: for anyone else a read is 404
 * and a search or `$everything` an empty Bundle. A participant of another site is 403. Every read of a
 * person is audited as `fhir-client:{id}`. Answers are `application/fhir+json`; refusals OperationOutcomes.
 */
export const fhirFacade: FastifyPluginAsync<FhirFacadeOptions> = async (app, opts) => {
  const { registry } = opts;
  const clock = opts.clock ?? Date.now;
  const started = new Date(clock()).toISOString();

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof FhirError) {
      request.log.info({ code: err.code, statusCode: err.status }, 'fhir request refused');
      if (err.status === 401) reply.header('www-authenticate', 'Bearer realm="zonewatch-fhir"');
      return send(reply, err.status, operationOutcome(err.code, err.message, err.expression));
    }
    const e = err as { statusCode?: unknown; message?: string };
    const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
    if (status >= 400 && status < 500)
      return send(reply, status, operationOutcome('invalid', e.message ?? 'bad request'));
    request.log.error({ err }, 'fhir request failed');
    return send(reply, 500, operationOutcome('exception', 'internal error'));
  });
  app.setNotFoundHandler((request, reply) =>
    send(
      reply,
      404,
      operationOutcome('not-supported', `no FHIR interaction ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  const baseOf = (request: FastifyRequest): FhirContext => ({
    base: `${request.protocol}://${request.host}${app.prefix}`,
  });

  async function client(request: FastifyRequest): Promise<FhirClient> {
    const m = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const c = m ? await registry.fhirClients.authenticate(m[1]!) : undefined;
    if (!c) throw new FhirError(401, 'login', 'a valid bearer token of a FHIR client is required');
    return c;
  }

  function onlyParams(
    request: FastifyRequest,
    allowed: readonly string[],
  ): Record<string, string | string[]> {
    const q = request.query as Record<string, string | string[]>;
    for (const key of Object.keys(q)) {
      if (!allowed.includes(key) && key !== '_format') {
        throw new FhirError(400, 'not-supported', `search parameter "${key}" is not supported here`, key);
      }
    }
    const format = q._format;
    if (
      format !== undefined &&
      !['json', 'application/json', 'application/fhir+json'].includes(String(format))
    ) {
      throw new FhirError(
        400,
        'not-supported',
        `_format "${String(format)}" is not supported (json only)`,
        '_format',
      );
    }
    return q;
  }

  /** The participant a client asks for: 404 unknown, 403 another site, `shared` false without consent. */
  async function subject(
    c: FhirClient,
    id: string,
  ): Promise<{ p: Participant | undefined; shared: boolean }> {
    if (!ID.test(id)) throw new FhirError(400, 'invalid', `"${id}" is not a FHIR id`, 'id');
    const p = await registry.participants.get(id);
    if (!p) return { p: undefined, shared: false };
    if (p.siteId !== c.siteId) {
      throw new FhirError(403, 'forbidden', `this client reads site ${c.siteId} only`);
    }
    return { p, shared: await registry.consent.has(p.id, 'hospital-sharing') };
  }

  const auditRead = (c: FhirClient, p: Participant, request: FastifyRequest, what: string, count: number) =>
    registry.audit.log({
      actor: `fhir-client:${c.id}`,
      action: 'fhir.read',
      entity: 'participant',
      entityId: p.id,
      siteId: p.siteId,
      detail: { interaction: what, resources: count, identity: c.allowIdentity, requestId: request.id },
      atMs: clock(),
    });

  const siteTz = async (siteId: string) => (await registry.sites.get(siteId))?.timezone ?? 'UTC';
  const selfUrl = (ctx: FhirContext, request: FastifyRequest) =>
    `${ctx.base}${request.url.slice(app.prefix.length)}`;

  app.get('/metadata', async (request, reply) =>
    send(
      reply,
      200,
      capabilityStatement(baseOf(request), { version: opts.version ?? '0.1.0', date: started }),
    ),
  );

  app.get<{ Params: { id: string } }>('/Patient/:id', async (request, reply) => {
    const c = await client(request);
    onlyParams(request, []);
    const { p, shared } = await subject(c, request.params.id);
    if (!p || !shared) throw new FhirError(404, 'not-found', `Patient/${request.params.id} is not known`);
    const patient = await loadPatient(registry, p, c.allowIdentity);
    await auditRead(c, p, request, 'read Patient', 1);
    return send(reply, 200, patient);
  });

  app.get<{ Params: { id: string } }>('/Patient/:id/$everything', async (request, reply) => {
    const c = await client(request);
    onlyParams(request, []);
    const ctx = baseOf(request);
    const { p, shared } = await subject(c, request.params.id);
    if (!p) throw new FhirError(404, 'not-found', `Patient/${request.params.id} is not known`);
    const resources: Resource[] = [];
    if (shared) {
      resources.push(await loadPatient(registry, p, c.allowIdentity));
      for (const d of await loadCarePlans(registry, p)) resources.push(d.resource);
      for (const d of await loadObservations(ctx, registry, p, await siteTz(p.siteId)))
        resources.push(d.resource);
      await auditRead(c, p, request, 'Patient/$everything', resources.length);
    }
    return send(reply, 200, searchsetBundle(ctx, selfUrl(ctx, request), resources));
  });

  app.get('/Observation', async (request, reply) => {
    const c = await client(request);
    const q = onlyParams(request, ['patient', 'subject', 'date']);
    const ctx = baseOf(request);
    const refs = [q.patient, q.subject].flat().filter((v): v is string => typeof v === 'string');
    if (refs.length !== 1) {
      throw new FhirError(
        400,
        'invalid',
        'exactly one patient (or subject) parameter is required',
        'patient',
      );
    }
    const id = refs[0]!.replace(/^Patient\//, '');
    const { p, shared } = await subject(c, id);
    const tz = p ? await siteTz(p.siteId) : 'UTC';
    let filters: DateFilter[];
    try {
      filters = [q.date ?? []].flat().map((v) => parseDateParam(String(v), tz));
    } catch (err) {
      if (err instanceof SearchError) throw new FhirError(400, 'invalid', err.message, err.expression);
      throw err;
    }
    let found: Dated[] = [];
    if (p && shared) {
      found = (await loadObservations(ctx, registry, p, tz)).filter((d) =>
        filters.every((f) => matchesDate(d.effective, f)),
      );
      await auditRead(c, p, request, 'search Observation', found.length);
    }
    return send(
      reply,
      200,
      searchsetBundle(
        ctx,
        selfUrl(ctx, request),
        found.map((d) => d.resource),
      ),
    );
  });
};
