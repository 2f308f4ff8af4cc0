/**
 * The access matrix: for every route, each role it does not grant gets 403, and staff of another site with a
 * granted role get 404 (an id of another site) or 403 (a site they name). The same table is the README's
 * route table: a test fails when they disagree.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/registry/index.js';
import { RX, useApi, type World } from './helpers.js';

interface Fixture {
  home: string;
  alert: string;
  gateway: string;
  /** Issue 15: an assessment of Ann, a centre programme of site A, an enrolment and a proposal of 小明. */
  assessment: string;
  programme: string;
  enrolment: string;
  proposal: string;
}

interface Entry {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  /** Roles granted besides admin; 'any' = every logged-in user; 'public' = no login. */
  roles: Role[] | 'any' | 'public';
  url: (w: World, f: Fixture) => string;
  body?: (w: World, f: Fixture) => object;
  /** How another site is refused: an id in the path (404), a site id in the body or query (403), or none. */
  scope: 'param' | 'body' | 'query' | 'none';
}

const p = (w: World) => `/api/participants/${w.ann}`;
const s = (f: Fixture) => `/api/sessions/${f.home}`;

const MATRIX: Entry[] = [
  { method: 'POST', path: '/auth/login', roles: 'public', url: () => '/api/auth/login', scope: 'none' },
  { method: 'POST', path: '/auth/logout', roles: 'public', url: () => '/api/auth/logout', scope: 'none' },
  { method: 'GET', path: '/auth/me', roles: 'any', url: () => '/api/auth/me', scope: 'none' },
  { method: 'GET', path: '/sites', roles: 'any', url: () => '/api/sites', scope: 'none' },
  {
    method: 'POST',
    path: '/sites',
    roles: ['admin'],
    url: () => '/api/sites',
    body: () => ({ id: 'nope', name: 'N' }),
    scope: 'none',
  },
  { method: 'GET', path: '/users', roles: ['admin'], url: () => '/api/users', scope: 'none' },
  {
    method: 'POST',
    path: '/users',
    roles: ['admin'],
    url: () => '/api/users',
    body: () => ({}),
    scope: 'none',
  },
  {
    method: 'PATCH',
    path: '/users/:id',
    roles: ['admin'],
    url: (w) => `/api/users/${w.users.ops.id}`,
    body: () => ({ disabled: true }),
    scope: 'none',
  },
  {
    method: 'GET',
    path: '/participants',
    roles: ['clinician', 'instructor'],
    url: (w) => `/api/participants?siteId=${w.siteA}`,
    scope: 'query',
  },
  {
    method: 'POST',
    path: '/participants',
    roles: ['clinician'],
    url: () => '/api/participants',
    body: (w) => ({ siteId: w.siteA, alias: 'Matrix' }),
    scope: 'body',
  },
  { method: 'GET', path: '/participants/:id', roles: ['clinician', 'instructor'], url: p, scope: 'param' },
  {
    method: 'PATCH',
    path: '/participants/:id',
    roles: ['clinician'],
    url: p,
    body: () => ({ active: true }),
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/participants/:id/clinical',
    roles: ['clinician'],
    url: (w) => `${p(w)}/clinical`,
    scope: 'param',
  },
  {
    method: 'PUT',
    path: '/participants/:id/clinical',
    roles: ['clinician'],
    url: (w) => `${p(w)}/clinical`,
    body: () => ({ notes: 'x' }),
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/participants/:id/prescriptions',
    roles: ['clinician', 'instructor'],
    url: (w) => `${p(w)}/prescriptions`,
    scope: 'param',
  },
  {
    method: 'POST',
    path: '/participants/:id/prescriptions',
    roles: ['clinician'],
    url: (w) => `${p(w)}/prescriptions`,
    body: () => ({ body: RX }),
    scope: 'param',
  },
  {
    method: 'POST',
    path: '/prescriptions/preview',
    roles: ['clinician'],
    url: () => '/api/prescriptions/preview',
    body: () => ({ prescription: RX }),
    scope: 'none',
  },
  {
    method: 'GET',
    path: '/participants/:id/adherence',
    roles: ['clinician'],
    url: (w) => `${p(w)}/adherence`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/participants/:id/reports',
    roles: ['clinician'],
    url: (w) => `${p(w)}/reports`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/devices',
    roles: ['ops', 'instructor'],
    url: (w) => `/api/devices?siteId=${w.siteA}`,
    scope: 'query',
  },
  {
    method: 'POST',
    path: '/devices',
    roles: ['ops'],
    url: () => '/api/devices',
    body: (w) => ({ id: 'MATRIX-1', siteId: w.siteA, kind: 'watch' }),
    scope: 'body',
  },
  {
    method: 'PATCH',
    path: '/devices/:id',
    roles: ['ops'],
    url: (w) => `/api/devices/${w.oxiA}`,
    body: () => ({ label: 'x' }),
    scope: 'param',
  },
  {
    method: 'PUT',
    path: '/devices/:id/owner',
    roles: ['ops', 'instructor'],
    url: (w) => `/api/devices/${w.oxiA}/owner`,
    body: (w) => ({ participantId: w.ann }),
    scope: 'param',
  },
  {
    method: 'DELETE',
    path: '/devices/:id',
    roles: ['ops'],
    url: (w) => `/api/devices/${w.oxiA}`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/gateways',
    roles: ['ops'],
    url: (w) => `/api/gateways?siteId=${w.siteA}`,
    scope: 'query',
  },
  {
    method: 'POST',
    path: '/gateways',
    roles: ['ops'],
    url: () => '/api/gateways',
    body: (w) => ({ id: 'matrix-gw', siteId: w.siteA }),
    scope: 'body',
  },
  {
    method: 'POST',
    path: '/gateways/:id/rotate-secret',
    roles: ['ops'],
    url: (_w, f) => `/api/gateways/${f.gateway}/rotate-secret`,
    scope: 'param',
  },
  {
    method: 'DELETE',
    path: '/gateways/:id',
    roles: ['ops'],
    url: (_w, f) => `/api/gateways/${f.gateway}`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/classes',
    roles: ['clinician', 'instructor'],
    url: (w) => `/api/classes?siteId=${w.siteA}`,
    scope: 'query',
  },
  {
    method: 'POST',
    path: '/classes',
    roles: ['instructor'],
    url: () => '/api/classes',
    body: (w) => ({ siteId: w.siteA, name: 'Matrix' }),
    scope: 'body',
  },
  {
    method: 'PATCH',
    path: '/classes/:id',
    roles: ['instructor'],
    url: (w) => `/api/classes/${w.classA}`,
    body: () => ({ name: 'M' }),
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/sessions',
    roles: ['clinician', 'instructor', 'coach'],
    url: (w) => `/api/sessions?siteId=${w.siteA}`,
    scope: 'query',
  },
  {
    method: 'POST',
    path: '/sessions',
    roles: ['instructor'],
    url: () => '/api/sessions',
    body: (w) => ({ siteId: w.siteA, kind: 'home' }),
    scope: 'body',
  },
  {
    method: 'GET',
    path: '/sessions/:id',
    roles: ['clinician', 'instructor', 'coach'],
    url: (_w, f) => s(f),
    scope: 'param',
  },
  {
    method: 'POST',
    path: '/sessions/:id/start',
    roles: ['instructor'],
    url: (_w, f) => `${s(f)}/start`,
    scope: 'param',
  },
  {
    method: 'POST',
    path: '/sessions/:id/stop',
    roles: ['instructor'],
    url: (_w, f) => `${s(f)}/stop`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/sessions/:id/roster',
    roles: ['clinician', 'instructor', 'coach'],
    url: (_w, f) => `${s(f)}/roster`,
    scope: 'param',
  },
  {
    method: 'POST',
    path: '/sessions/:id/bindings',
    roles: ['instructor'],
    url: (_w, f) => `${s(f)}/bindings`,
    body: (w) => ({ participantId: w.ann, deviceId: w.strapA }),
    scope: 'param',
  },
  {
    method: 'DELETE',
    path: '/sessions/:id/bindings/:deviceId',
    roles: ['instructor'],
    url: (w, f) => `${s(f)}/bindings/${w.strapA}`,
    scope: 'param',
  },
  {
    method: 'DELETE',
    path: '/sessions/:id/participants/:participantId',
    roles: ['instructor'],
    url: (w, f) => `${s(f)}/participants/${w.ann}`,
    scope: 'param',
  },
  {
    method: 'POST',
    path: '/sessions/:id/phase',
    roles: ['instructor'],
    url: (_w, f) => `${s(f)}/phase`,
    body: () => ({}),
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/sessions/:id/unbound-devices',
    roles: ['instructor'],
    url: (_w, f) => `${s(f)}/unbound-devices`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/sessions/:id/trace',
    roles: ['clinician', 'instructor', 'coach'],
    url: (_w, f) => `${s(f)}/trace`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/sessions/:id/alerts',
    roles: ['clinician', 'instructor', 'coach'],
    url: (_w, f) => `${s(f)}/alerts`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/sessions/:id/report',
    roles: ['clinician', 'instructor', 'coach'],
    url: (_w, f) => `${s(f)}/report`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/sessions/:id/report.csv',
    roles: ['clinician', 'instructor', 'coach'],
    url: (_w, f) => `${s(f)}/report.csv`,
    scope: 'param',
  },
  {
    method: 'POST',
    path: '/alerts/:id/ack',
    roles: ['instructor', 'coach'],
    url: (_w, f) => `/api/alerts/${f.alert}/ack`,
    scope: 'param',
  },
  // Issue 15: the exercise-health record (coaches also read the record of the participants they follow).
  {
    method: 'POST',
    path: '/participants/:id/assessments',
    roles: ['clinician'],
    url: (w) => `${p(w)}/assessments`,
    body: (w) => ({
      participantId: w.ann,
      date: '2025-01-02',
      kind: 'baseline',
      source: 'manual',
      restingHrBpm: 70,
    }),
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/participants/:id/assessments',
    roles: ['clinician'],
    url: (w) => `${p(w)}/assessments`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/assessments/:id',
    roles: ['clinician'],
    url: (_w, f) => `/api/assessments/${f.assessment}`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/assessments/:id/derivation',
    roles: ['clinician'],
    url: (_w, f) => `/api/assessments/${f.assessment}/derivation`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/participants/:id/risk',
    roles: ['clinician'],
    url: (w) => `${p(w)}/risk`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/risk-classes',
    roles: ['clinician', 'instructor'],
    url: (w) => `/api/risk-classes?siteId=${w.siteA}`,
    scope: 'query',
  },
  {
    method: 'POST',
    path: '/participants/:id/home-override',
    roles: ['clinician'],
    url: (w) => `${p(w)}/home-override`,
    body: () => ({ reason: 'matrix' }),
    scope: 'param',
  },
  {
    method: 'DELETE',
    path: '/participants/:id/home-override',
    roles: ['clinician'],
    url: (w) => `${p(w)}/home-override`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/participants/:id/record',
    roles: ['clinician'],
    url: (w) => `${p(w)}/record`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/programmes',
    roles: ['clinician', 'instructor'],
    url: (w) => `/api/programmes?siteId=${w.siteA}`,
    scope: 'query',
  },
  {
    method: 'POST',
    path: '/programmes',
    roles: ['clinician'],
    url: () => '/api/programmes',
    body: (w) => ({ siteId: w.siteA, definition: { name: 'Matrix', totalSessions: 10, weeks: 5 } }),
    scope: 'body',
  },
  {
    method: 'PATCH',
    path: '/programmes/:id',
    roles: ['clinician'],
    url: (_w, f) => `/api/programmes/${f.programme}`,
    body: () => ({ archived: false }),
    scope: 'param',
  },
  {
    method: 'POST',
    path: '/enrolments',
    roles: ['clinician'],
    url: () => '/api/enrolments',
    body: (w, f) => ({ participantId: w.ann, programmeId: f.programme, startDate: '2025-01-06' }),
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/participants/:id/enrolments',
    roles: ['clinician'],
    url: (w) => `${p(w)}/enrolments`,
    scope: 'param',
  },
  {
    method: 'POST',
    path: '/enrolments/:id/end',
    roles: ['clinician'],
    url: (_w, f) => `/api/enrolments/${f.enrolment}/end`,
    body: () => ({ status: 'withdrawn' }),
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/reassessments/due',
    roles: ['clinician', 'instructor'],
    url: (w) => `/api/reassessments/due?siteId=${w.siteA}`,
    scope: 'query',
  },
  {
    method: 'GET',
    path: '/participants/:id/proposals',
    roles: ['clinician'],
    url: (w) => `${p(w)}/proposals`,
    scope: 'param',
  },
  {
    method: 'POST',
    path: '/participants/:id/proposals',
    roles: ['clinician'],
    url: (w) => `${p(w)}/proposals`,
    body: () => ({}),
    scope: 'param',
  },
  {
    method: 'POST',
    path: '/proposals/:id/decision',
    roles: ['clinician'],
    url: (_w, f) => `/api/proposals/${f.proposal}/decision`,
    body: () => ({ status: 'rejected', reason: 'matrix' }),
    scope: 'param',
  },
  { method: 'GET', path: '/audit', roles: ['admin'], url: () => '/api/audit', scope: 'none' },
  // Issue 16: consent and data rights.
  {
    method: 'GET',
    path: '/participants/:id/consent',
    roles: ['clinician', 'instructor'],
    url: (w) => `${p(w)}/consent`,
    scope: 'param',
  },
  {
    method: 'POST',
    path: '/participants/:id/consent',
    roles: ['clinician'],
    url: (w) => `${p(w)}/consent`,
    body: () => ({ purpose: 'wall-name', granted: true, noticeVersion: 'v1' }),
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/participants/:id/export',
    roles: ['clinician'],
    url: (w) => `${p(w)}/export`,
    scope: 'param',
  },
  {
    method: 'POST',
    path: '/participants/:id/erase',
    roles: ['clinician'],
    url: (w) => `${p(w)}/erase`,
    body: () => ({ confirmAlias: 'not Ann' }),
    scope: 'param',
  },
  { method: 'GET', path: '/fhir-clients', roles: ['admin'], url: () => '/api/fhir-clients', scope: 'none' },
  {
    method: 'POST',
    path: '/fhir-clients',
    roles: ['admin'],
    url: () => '/api/fhir-clients',
    body: (w) => ({ name: 'Hospital', siteId: w.siteA }),
    scope: 'none',
  },
  {
    method: 'DELETE',
    path: '/fhir-clients/:id',
    roles: ['admin'],
    url: () => '/api/fhir-clients/fc-none',
    scope: 'none',
  },
  // Issue 17: staff issue a phone's pairing code; the phone's own routes take its gateway credential instead
  // of a staff login (test/integration/home-pairing.test.ts).
  {
    method: 'POST',
    path: '/participants/:id/pairing-codes',
    roles: ['clinician', 'coach'],
    url: (w) => `${p(w)}/pairing-codes`,
    scope: 'param',
  },
  { method: 'POST', path: '/home/pair', roles: 'public', url: () => '/api/home/pair', scope: 'none' },
  { method: 'GET', path: '/home/me', roles: 'public', url: () => '/api/home/me', scope: 'none' },
  {
    method: 'POST',
    path: '/home/session/start',
    roles: 'public',
    url: () => '/api/home/session/start',
    scope: 'none',
  },
  {
    method: 'POST',
    path: '/home/session/end',
    roles: 'public',
    url: () => '/api/home/session/end',
    scope: 'none',
  },
  // The participant's own view and PDFs (issue 16).
  {
    method: 'POST',
    path: '/participants/:id/access-links',
    roles: ['clinician'],
    url: (w) => `${p(w)}/access-links`,
    body: () => ({ validDays: 1 }),
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/participants/:id/access-links',
    roles: ['clinician'],
    url: (w) => `${p(w)}/access-links`,
    scope: 'param',
  },
  {
    method: 'DELETE',
    path: '/participants/:id/access-links/:linkId',
    roles: ['clinician'],
    url: (w) => `${p(w)}/access-links/pl-none`,
    scope: 'param',
  },
  { method: 'GET', path: '/me', roles: 'public', url: () => '/api/me', scope: 'none' },
  {
    method: 'GET',
    path: '/me/sessions/:sessionId',
    roles: 'public',
    url: () => '/api/me/sessions/x',
    scope: 'none',
  },
  {
    method: 'GET',
    path: '/me/sessions/:sessionId/report.pdf',
    roles: 'public',
    url: () => '/api/me/sessions/x/report.pdf',
    scope: 'none',
  },
  {
    method: 'GET',
    path: '/sessions/:id/participants/:participantId/report.pdf',
    roles: ['clinician', 'instructor', 'coach'],
    url: (w, f) => `${s(f)}/participants/${w.ming}/report.pdf`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/sessions/:id/summary.pdf',
    roles: ['clinician', 'instructor', 'coach'],
    url: (_w, f) => `${s(f)}/summary.pdf`,
    scope: 'param',
  },
  {
    method: 'GET',
    path: '/participants/:id/record.pdf',
    roles: ['clinician'],
    url: (w) => `${p(w)}/record.pdf`,
    scope: 'param',
  },
];

const STAFF = ['clinician', 'instructor', 'coach', 'ops'] as const;
const OTHER_SITE = {
  clinician: 'clinicianB',
  instructor: 'instructorB',
  coach: 'coachB',
  ops: 'opsB',
} as const;

describe('access matrix', () => {
  const h = useApi();
  const f = {} as Fixture;

  beforeAll(async () => {
    const home = await h.registry.sessions.create({
      siteId: h.world.siteA,
      kind: 'home',
      name: 'Matrix walk',
    });
    f.home = home.id;
    await h.registry.rosters.bind({
      sessionId: home.id,
      participantId: h.world.ming,
      deviceId: h.world.strapB,
    });
    const a = await h.registry.alerts.raise({
      sessionId: home.id,
      participantId: h.world.ming,
      rule: 'SPO2_LOW',
      severity: 'warning',
      atMs: h.clock.now,
    });
    f.alert = a.alert.id;
    const g = await h.registry.gateways.create({
      id: 'matrix-gw-a',
      siteId: h.world.siteA,
      secretHash: 'scrypt$1024$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==',
    });
    f.gateway = g.id;
    const clin = h.world.users.clinician.id;
    f.assessment = (
      await h.registry.assessments.create({
        participantId: h.world.ann,
        kind: 'baseline',
        date: '2025-01-01',
        authorId: clin,
        document: {
          participantId: h.world.ann,
          date: '2025-01-01',
          kind: 'baseline',
          source: 'manual',
          restingHrBpm: 70,
        },
      })
    ).id;
    const programme = await h.registry.programmes.create({
      siteId: h.world.siteA,
      name: 'Matrix programme',
      totalSessions: 10,
      weeks: 5,
      reassessAt: [],
    });
    f.programme = programme.id;
    f.enrolment = (
      await h.registry.programmes.enrol({
        participantId: h.world.ming,
        programmeId: programme.id,
        startDate: '2025-01-01',
        enrolledBy: clin,
      })
    ).id;
    const rx = await h.registry.prescriptions.create({
      participantId: h.world.ming,
      authorId: clin,
      body: RX,
    });
    f.proposal = (
      await h.registry.progression.create({
        participantId: h.world.ming,
        weekStart: h.clock.now - 7 * 86_400_000,
        weekEnd: h.clock.now,
        prescriptionId: rx.id,
        kind: 'hold',
        body: { kind: 'hold' },
      })
    ).id;
  });

  it('covers every route of the OpenAPI document', async () => {
    const doc = (await h.as('admin', { method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, methods]) =>
        Object.keys(methods).map(
          (m) => `${m.toUpperCase()} ${path.replace(/^\/api/, '').replace(/\{(\w+)\}/g, ':$1')}`,
        ),
      )
      .sort();
    expect(MATRIX.map((e) => `${e.method} ${e.path}`).sort()).toEqual(documented);
  });

  for (const e of MATRIX) {
    if (e.roles === 'public' || e.roles === 'any') continue;
    const granted = e.roles;
    const refused = STAFF.filter((r) => !granted.includes(r));
    it(`${e.method} ${e.path}: 403 for ${refused.join(', ') || 'nobody'}; another site's staff refused`, async () => {
      const req = (who: Parameters<typeof h.as>[0]) =>
        h.as(who, {
          method: e.method,
          url: e.url(h.world, f),
          ...(e.body ? { payload: e.body(h.world, f) } : {}),
        });
      for (const role of refused) {
        const res = await req(role);
        expect({ role, status: res.statusCode, error: res.json().error }).toEqual({
          role,
          status: 403,
          error: 'ZW_ERR_FORBIDDEN',
        });
      }
      if (e.scope === 'none') return;
      for (const role of STAFF.filter((r) => granted.includes(r))) {
        const res = await req(OTHER_SITE[role]);
        const want = e.scope === 'param' ? 404 : 403;
        expect({ role: OTHER_SITE[role], status: res.statusCode }).toEqual({
          role: OTHER_SITE[role],
          status: want,
        });
      }
    });
  }

  it('matches the route table of the API README', async () => {
    const readme = await readFile(new URL('../../src/api/README.md', import.meta.url), 'utf8');
    const rows = new Map<string, string>();
    for (const line of readme.split('\n')) {
      const m = /^\|\s*`(GET|POST|PATCH|PUT|DELETE) \/api(\S+)`\s*\|\s*([^|]+?)\s*\|/.exec(line);
      if (m) rows.set(`${m[1]} ${m[2]}`, m[3]!);
    }
    const want = (e: Entry) =>
      e.roles === 'public'
        ? 'public'
        : e.roles === 'any'
          ? 'any logged-in user'
          : e.roles.includes('admin')
            ? 'admin'
            : `${e.roles.join(', ')}, admin`;
    expect(Object.fromEntries(rows)).toEqual(
      Object.fromEntries(MATRIX.map((e) => [`${e.method} ${e.path}`, want(e)])),
    );
  });
});
