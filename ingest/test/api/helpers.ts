/**
 * Test harness for the REST API: a Fastify app with authPlugin + apiRoutes over a real registry (PGlite in
 * memory or a Postgres server), an in-memory LiveControl that records calls and acknowledges through the
 * registry, a fixed clock, and a world of two sites with one user per role.
 */
import { Writable } from 'node:stream';
import type { Alert } from '@zonewatch/protocol';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type InjectOptions,
  type LightMyRequestResponse,
} from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { type ApiRoutesOptions, apiRoutes, type LiveControl } from '../../src/api/index.js';
import {
  type AuthServiceOptions,
  authPlugin,
  createAuthService,
  type LoginLimitOptions,
} from '../../src/auth/index.js';
import {
  createRegistry,
  type Db,
  isRegistryError,
  migrate,
  openPglite,
  type Registry,
  type Role,
} from '../../src/registry/index.js';
import { FAST_SCRYPT, T0 } from '../registry/fixtures.js';
import { type PgServer, startPostgres } from '../registry/pg-server.js';

export { FAST_SCRYPT, T0 };
export const PASSWORD = 'correct horse battery';

/** An in-memory LiveControl: records every call; acknowledges through the registry like the real one. */
export class FakeLive implements LiveControl {
  readonly calls: { method: string; args: unknown[] }[] = [];
  /** What `unboundDevices` answers, per site. */
  readonly seen = new Map<string, { deviceId: string; kind: string | null; lastSeenAt: number }[]>();
  /** When set, `sessionStarted` throws it (5xx tests). */
  failStart: Error | undefined;

  constructor(
    private readonly registry: () => Registry,
    private readonly clock: () => number,
  ) {}

  async sessionStarted(sessionId: string) {
    this.calls.push({ method: 'sessionStarted', args: [sessionId] });
    if (this.failStart) throw this.failStart;
  }
  async sessionEnded(sessionId: string) {
    this.calls.push({ method: 'sessionEnded', args: [sessionId] });
  }
  async rosterChanged(sessionId: string) {
    this.calls.push({ method: 'rosterChanged', args: [sessionId] });
  }
  async prescriptionChanged(participantId: string) {
    this.calls.push({ method: 'prescriptionChanged', args: [participantId] });
  }
  async participantChanged(participantId: string) {
    this.calls.push({ method: 'participantChanged', args: [participantId] });
  }
  async phaseChanged(sessionId: string) {
    this.calls.push({ method: 'phaseChanged', args: [sessionId] });
  }
  async alertSession(alertId: string) {
    const reg = this.registry();
    const a = await reg.alerts.get(alertId);
    return a ? reg.sessions.get(a.sessionId) : undefined;
  }
  async acknowledge(alertId: string, actor: { userId: string; username: string }, note?: string) {
    this.calls.push({ method: 'acknowledge', args: [alertId, actor, note] });
    const reg = this.registry();
    try {
      const { alert: a } = await reg.alerts.recordEvent({
        alertId,
        event: 'acknowledged',
        atMs: this.clock(),
        actorId: actor.userId,
        note: note ?? null,
      });
      const p = await reg.participants.get(a.participantId);
      const alert: Alert = {
        id: a.id,
        sessionId: a.sessionId,
        participantId: a.participantId,
        alias: p?.alias ?? '',
        rule: a.rule as Alert['rule'],
        severity: a.severity,
        unconfirmed: a.unconfirmed,
        state: a.state,
        conditionCleared: a.conditionCleared,
        raisedAt: a.raisedAt,
        acknowledgedAt: a.acknowledgedAt,
        // As the live service does: the protocol's acknowledgedBy is the username.
        acknowledgedBy: a.acknowledgedBy ? actor.username : null,
        closedAt: a.closedAt,
        escalationLevel: a.escalationLevel,
      };
      return { ok: true as const, alert };
    } catch (err) {
      if (isRegistryError(err, 'ZW_ERR_NOT_FOUND')) return { ok: false as const, code: 'not-found' as const };
      if (isRegistryError(err, 'ZW_ERR_INVALID_STATE')) {
        const closed = /closed/.test((err as Error).message);
        return {
          ok: false as const,
          code: closed ? ('already-closed' as const) : ('already-acknowledged' as const),
        };
      }
      throw err;
    }
  }
  /** What `recentTrace` answers, per session. */
  readonly traces = new Map<
    string,
    { participantId: string; points: { at: number; hr: number | null; spo2: number | null }[] }[]
  >();
  recentTrace(sessionId: string, withinMs: number) {
    this.calls.push({ method: 'recentTrace', args: [sessionId, withinMs] });
    return this.traces.get(sessionId) ?? [];
  }
  unboundDevices(siteId: string, withinMs: number, limit = 100) {
    this.calls.push({ method: 'unboundDevices', args: [siteId, withinMs, limit] });
    const recent = (this.seen.get(siteId) ?? [])
      .filter((d) => this.clock() - d.lastSeenAt <= withinMs)
      .sort((a, b) => b.lastSeenAt - a.lastSeenAt);
    return { devices: recent.slice(0, limit), omitted: Math.max(0, recent.length - limit) };
  }
  /** Calls of one method. */
  of(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }
}

/** Captured log lines (JSON strings) of the app's pino logger. */
export class LogSink extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
    this.lines.push(chunk.toString());
    cb();
  }
  get text(): string {
    return this.lines.join('');
  }
  /**
   * The log without the numbers pino and Fastify measure themselves (time, responseTime): what is left can
   * only hold what the app chose to log, so a search for a clinical value cannot hit a timing by chance.
   */
  get loggedContent(): string {
    return this.lines
      .map((l) =>
        JSON.stringify(JSON.parse(l, (k, v) => (k === 'time' || k === 'responseTime' ? undefined : v))),
      )
      .join('\n');
  }
}

/** One user per role at site A, plus staff of site B and a multi-site admin. */
export interface World {
  siteA: string;
  siteB: string;
  users: Record<
    'admin' | 'clinician' | 'instructor' | 'coach' | 'ops' | 'clinicianB' | 'instructorB' | 'coachB' | 'opsB',
    { id: string; username: string }
  >;
  /** Participants of site A (Ann, 小明) and B (Bea). */
  ann: string;
  ming: string;
  bea: string;
  /** Devices of site A. */
  strapA: string;
  strapB: string;
  oxiA: string;
  /** A device of site B. */
  strapSiteB: string;
  classA: string;
  classB: string;
}

let counter = 0;
/** A short unique suffix for this file's ids. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** Valid prescription in the portable form (CLINICAL-RULES.md section 7). */
export const RX = {
  age: 64,
  sex: 'male',
  hrRest: 70,
  hrMax: { source: 'tanaka' },
  zone: { method: 'hrr', low: 0.4, high: 0.6 },
  spo2Floor: 88,
  fitt: { sessionsPerWeek: 2, minutesInZone: 20 },
} as const;

/** Creates two sites with staff, participants, devices and classes. */
export async function makeWorld(reg: Registry): Promise<World> {
  const siteA = uid('site-a');
  const siteB = uid('site-b');
  await reg.sites.create({ id: siteA, name: 'Heart clinic', timezone: 'Asia/Shanghai' });
  await reg.sites.create({ id: siteB, name: 'Lung clinic', timezone: 'Europe/Berlin' });
  const mk = async (name: string, roles: Role[], siteIds: string[]) => {
    const username = uid(name);
    const u = await reg.users.create({
      username,
      displayName: `${name} user`,
      password: PASSWORD,
      roles,
      siteIds,
    });
    return { id: u.id, username };
  };
  const users = {
    admin: await mk('admin', ['admin'], []),
    clinician: await mk('clin', ['clinician'], [siteA]),
    instructor: await mk('inst', ['instructor'], [siteA]),
    coach: await mk('coach', ['coach'], [siteA]),
    ops: await mk('ops', ['ops'], [siteA]),
    clinicianB: await mk('clinb', ['clinician'], [siteB]),
    instructorB: await mk('instb', ['instructor'], [siteB]),
    coachB: await mk('coachb', ['coach'], [siteB]),
    opsB: await mk('opsb', ['ops'], [siteB]),
  };
  const ann = (await reg.participants.create({ siteId: siteA, alias: 'Ann' })).id;
  const ming = (await reg.participants.create({ siteId: siteA, alias: '小明' })).id;
  const bea = (await reg.participants.create({ siteId: siteB, alias: 'Bea' })).id;
  const strapA = (await reg.devices.create({ id: uid('C8:4F:A1'), siteId: siteA, kind: 'hr-strap' })).id;
  const strapB = (await reg.devices.create({ id: uid('C8:4F:A2'), siteId: siteA, kind: 'hr-strap' })).id;
  const oxiA = (await reg.devices.create({ id: uid('OX-A'), siteId: siteA, kind: 'oximeter' })).id;
  const strapSiteB = (await reg.devices.create({ id: uid('C8:4F:B1'), siteId: siteB, kind: 'hr-strap' })).id;
  const classA = (
    await reg.classes.create({ siteId: siteA, name: 'Cardiac rehab', instructorId: users.instructor.id })
  ).id;
  const classB = (await reg.classes.create({ siteId: siteB, name: 'Pulmonary rehab' })).id;
  return { siteA, siteB, users, ann, ming, bea, strapA, strapB, oxiA, strapSiteB, classA, classB };
}

/** The per-file test context: registry, app, live fake, clock, log. */
export interface ApiHarness {
  db: Db;
  registry: Registry;
  app: FastifyInstance;
  live: FakeLive;
  log: LogSink;
  clock: { now: number };
  world: World;
  server?: PgServer;
  /** Logs in and returns the bearer token. */
  login(username: string, password?: string): Promise<string>;
  /** Token of a world user (cached per file). */
  token(who: keyof World['users']): Promise<string>;
  /** `app.inject` with a bearer token of a world user (or none). */
  as(who: keyof World['users'] | null, opts: InjectOptions): Promise<LightMyRequestResponse>;
}

/** Options of {@link useApi}. */
export interface UseApiOptions {
  engine?: 'pglite' | 'postgres';
  loginLimits?: LoginLimitOptions;
  auth?: Partial<Omit<AuthServiceOptions, 'registry'>>;
  api?: Partial<Omit<ApiRoutesOptions, 'registry' | 'live'>>;
}

/** Builds the app for one test file (one database per file) and closes everything afterwards. */
export function useApi(options: UseApiOptions = {}): ApiHarness {
  const h = { clock: { now: T0 } } as ApiHarness;
  const tokens = new Map<string, string>();
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    let db: Db;
    if (options.engine === 'postgres') {
      const server = await startPostgres();
      try {
        const { openPostgres } = await import('../../src/registry/index.js');
        db = await openPostgres(await server.createDatabase('api_test'));
      } catch (err) {
        await server.stop();
        throw err;
      }
      h.server = server;
      stop = async () => {
        await db.close();
        await server.stop();
      };
    } else {
      db = await openPglite('memory');
      stop = () => db.close();
    }
    await migrate(db);
    h.db = db;
    const clock = () => h.clock.now;
    h.registry = createRegistry(db, { clock, passwordParams: FAST_SCRYPT });
    h.live = new FakeLive(() => h.registry, clock);
    h.log = new LogSink();
    const app = Fastify({ loggerInstance: pino({ level: 'info' }, h.log) as FastifyBaseLogger });
    const auth = createAuthService({
      registry: h.registry,
      clock,
      ...(options.loginLimits ? { loginLimits: options.loginLimits } : {}),
      ...options.auth,
    });
    await app.register(authPlugin, { auth });
    await app.register(apiRoutes, {
      prefix: '/api',
      registry: h.registry,
      live: h.live,
      clock,
      ...options.api,
    });
    await app.ready();
    h.app = app;
    h.world = await makeWorld(h.registry);
  });

  afterAll(async () => {
    await h.app?.close();
    await stop?.();
  });

  h.login = async (username, password = PASSWORD) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password, returnToken: true },
    });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    return res.json<{ token: string }>().token;
  };
  h.token = async (who) => {
    let t = tokens.get(who);
    if (!t) {
      t = await h.login(h.world.users[who].username);
      tokens.set(who, t);
    }
    return t;
  };
  h.as = async (who, opts) => {
    const headers = { ...(opts.headers ?? {}) } as Record<string, string>;
    if (who) headers.authorization = `Bearer ${await h.token(who)}`;
    return h.app.inject({ ...opts, headers });
  };
  return h;
}

/** The `error` and `message` of an error response. */
export function errorOf(res: LightMyRequestResponse): {
  error: string;
  message: string;
  issues?: { path: string; code?: string; params?: Record<string, string | number> }[];
} {
  return res.json();
}
