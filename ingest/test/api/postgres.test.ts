/**
 * The same API on a real Debian Postgres server (started by the test): login and cookie flow, a CRUD round
 * trip, prescriptions with a refused body, clinical audit and a gateway secret — one SQL path for both engines.
 */
import { verifySecret } from '@zonewatch/broker';
import { describe, expect, it } from 'vitest';
import { errorOf, PASSWORD, RX, T0, useApi } from './helpers.js';

describe('API on a Postgres server', () => {
  const h = useApi({ engine: 'postgres' });

  it('runs on Postgres', async () => {
    const [row] = await h.db.query<{ v: string }>('SELECT version() AS v');
    expect(row?.v).toMatch(/^PostgreSQL \d+/);
    expect(h.server?.version).toBeGreaterThanOrEqual(13);
  });

  it('logs in with a cookie, serves me, logs out', async () => {
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: h.world.users.clinician.username.toUpperCase(), password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.find((c) => c.name === 'zw_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const me = await h.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      cookies: { zw_session: cookie!.value },
    });
    expect(me.json().user.id).toBe(h.world.users.clinician.id);
    await h.app.inject({ method: 'POST', url: '/api/auth/logout', cookies: { zw_session: cookie!.value } });
    const gone = await h.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      cookies: { zw_session: cookie!.value },
    });
    expect(gone.statusCode).toBe(401);
  });

  it('creates, reads, renames a participant and audits clinical reads', async () => {
    const created = await h.as('clinician', {
      method: 'POST',
      url: '/api/participants',
      payload: { siteId: h.world.siteA, alias: '张伟', clinical: { dateOfBirth: '1957-11-30', sex: 'male' } },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect((await h.as('instructor', { method: 'GET', url: `/api/participants/${id}` })).json().alias).toBe(
      '张伟',
    );
    const renamed = await h.as('clinician', {
      method: 'PATCH',
      url: `/api/participants/${id}`,
      payload: { alias: '张先生' },
    });
    expect(renamed.json().alias).toBe('张先生');
    const clinical = await h.as('clinician', { method: 'GET', url: `/api/participants/${id}/clinical` });
    // Postgres runs in Asia/Shanghai here: the date must not shift.
    expect(clinical.json().clinical).toMatchObject({ dateOfBirth: '1957-11-30', sex: 'male' });
    const audit = await h.registry.audit.list({ entity: 'participant', entityId: id });
    expect(audit.map((a) => a.action)).toEqual([
      'participant.view-clinical',
      'participant.update',
      'participant.create',
    ]);
    expect((await h.as('clinicianB', { method: 'GET', url: `/api/participants/${id}` })).statusCode).toBe(
      404,
    );
  });

  it('writes prescription versions and refuses nonsense naming the field', async () => {
    const v1 = await h.as('clinician', {
      method: 'POST',
      url: `/api/participants/${h.world.ann}/prescriptions`,
      payload: { body: RX, effectiveFrom: T0 - 1000 },
    });
    expect(v1.statusCode).toBe(201);
    const v2 = await h.as('clinician', {
      method: 'POST',
      url: `/api/participants/${h.world.ann}/prescriptions`,
      payload: { body: { ...RX, hrMode: 'advisory' }, note: 'β-blocker started' },
    });
    expect(v2.json()).toMatchObject({
      version: 2,
      note: 'β-blocker started',
      summary: { hrMode: 'advisory' },
    });
    const history = await h.as('instructor', {
      method: 'GET',
      url: `/api/participants/${h.world.ann}/prescriptions`,
    });
    expect(
      history
        .json()
        .items.map((i: { version: number; effectiveTo: number | null }) => [i.version, i.effectiveTo]),
    ).toEqual([
      [1, T0],
      [2, null],
    ]);
    const bad = await h.as('clinician', {
      method: 'POST',
      url: `/api/participants/${h.world.ann}/prescriptions`,
      payload: { body: { ...RX, zone: { method: 'hrr', low: 0.6, high: 0.6 } } },
    });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).issues?.map((i) => i.path)).toEqual(['body.body.zone.low']);
  });

  it('issues a gateway secret once and stores its hash', async () => {
    const res = await h.as('ops', {
      method: 'POST',
      url: '/api/gateways',
      payload: { id: 'pg-gw-1', siteId: h.world.siteA },
    });
    expect(res.statusCode).toBe(201);
    const cred = await h.registry.gateways.lookupCredential('pg-gw-1');
    expect(await verifySecret(res.json().secret, cred!.secretHash)).toBe(true);
  });
});
