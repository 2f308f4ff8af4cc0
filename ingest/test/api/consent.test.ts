/**
 * Consent per purpose (issue 16): recorded by clinicians with the notice version, audited, its history kept;
 * no home session starts, and nobody is bound into one, without home-monitoring consent in force.
 */
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/registry/index.js';
import { errorOf, useApi } from './helpers.js';

describe('consent', () => {
  const h = useApi();
  const url = (id: string) => `/api/participants/${id}/consent`;

  it('records grants and withdrawals per purpose with the notice version; the newest is in force; audited', async () => {
    const none = await h.as('clinician', { method: 'GET', url: url(h.world.ann) });
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({
      participantId: h.world.ann,
      current: { 'wall-name': null, 'home-monitoring': null, 'hospital-sharing': null },
      history: [],
    });
    const grant = await h.as('clinician', {
      method: 'POST',
      url: url(h.world.ann),
      payload: { purpose: 'hospital-sharing', granted: true, noticeVersion: '2026-12', note: 'signed form' },
    });
    expect(grant.statusCode).toBe(201);
    expect(grant.json()).toMatchObject({
      purpose: 'hospital-sharing',
      granted: true,
      noticeVersion: '2026-12',
      recordedAt: h.clock.now,
      recordedBy: h.world.users.clinician.id,
      recordedByName: 'clin user',
      note: 'signed form',
    });
    // Withdrawn in the same millisecond: the later decision is the one in force.
    const withdraw = await h.as('admin', {
      method: 'POST',
      url: url(h.world.ann),
      payload: { purpose: 'hospital-sharing', granted: false, noticeVersion: '2026-12' },
    });
    expect(withdraw.statusCode).toBe(201);
    const after = (await h.as('instructor', { method: 'GET', url: url(h.world.ann) })).json();
    expect(after.current['hospital-sharing']).toMatchObject({ granted: false, recordedByName: 'admin user' });
    expect(after.current['wall-name']).toBeNull();
    expect(after.history.map((r: { granted: boolean }) => r.granted)).toEqual([true, false]);
    expect(await h.registry.consent.has(h.world.ann, 'hospital-sharing')).toBe(false);
    const trail = await h.registry.audit.list({ entity: 'participant', entityId: h.world.ann });
    expect(trail.map((e) => e.action).slice(0, 2)).toEqual([
      'participant.consent-withdraw',
      'participant.consent-grant',
    ]);
    expect(trail[1]?.detail).toMatchObject({ purpose: 'hospital-sharing', noticeVersion: '2026-12' });
  });

  it('refuses a bad purpose, a missing notice version and unknown fields naming the field', async () => {
    const bad = await h.as('clinician', {
      method: 'POST',
      url: url(h.world.ann),
      payload: { purpose: 'marketing', granted: true, noticeVersion: 'v1', extra: 1 },
    });
    expect(bad.statusCode).toBe(400);
    const paths = errorOf(bad).issues?.map((i) => i.path) ?? [];
    expect(paths).toContain('body.purpose');
    expect(errorOf(bad).message).toContain('must be one of wall-name, home-monitoring, hospital-sharing');
    const noNotice = await h.as('clinician', {
      method: 'POST',
      url: url(h.world.ann),
      payload: { purpose: 'wall-name', granted: true },
    });
    expect(errorOf(noNotice).message).toBe('body.noticeVersion: is required');
    expect((await h.registry.consent.current(h.world.ann))['wall-name']).toBeUndefined();
  });

  it('lets only clinicians (and admins) record consent; other sites see nothing', async () => {
    for (const who of ['instructor', 'coach', 'ops'] as const) {
      const res = await h.as(who, {
        method: 'POST',
        url: url(h.world.ann),
        payload: { purpose: 'wall-name', granted: true, noticeVersion: 'v1' },
      });
      expect(res.statusCode).toBe(403);
    }
    expect((await h.as('clinicianB', { method: 'GET', url: url(h.world.ann) })).statusCode).toBe(404);
  });

  it('starts no home session and binds nobody into one without home-monitoring consent', async () => {
    const walker = await h.registry.participants.create({ siteId: h.world.siteA, alias: 'Walker' });
    const strap = await h.registry.devices.create({
      id: 'C8:4F:C0:16:00:01',
      siteId: h.world.siteA,
      kind: 'hr-strap',
    });
    const home = await h.registry.sessions.create({ siteId: h.world.siteA, kind: 'home', name: 'Walk' });
    const bind = () =>
      h.as('instructor', {
        method: 'POST',
        url: `/api/sessions/${home.id}/bindings`,
        payload: { participantId: walker.id, deviceId: strap.id },
      });
    const refused = await bind();
    expect(refused.statusCode).toBe(409);
    expect(errorOf(refused)).toMatchObject({
      error: 'ZW_ERR_CONSENT_REQUIRED',
      message: expect.stringContaining(`Walker (${walker.id})`),
    });
    expect(await h.registry.rosters.list(home.id)).toEqual([]);
    // Bound some other way (an older binding): the start is refused all the same, and nothing starts.
    await h.registry.rosters.bind({ sessionId: home.id, participantId: walker.id, deviceId: strap.id });
    const start = () => h.as('instructor', { method: 'POST', url: `/api/sessions/${home.id}/start` });
    const noStart = await start();
    expect(noStart.statusCode).toBe(409);
    expect(errorOf(noStart).error).toBe('ZW_ERR_CONSENT_REQUIRED');
    expect((await h.registry.sessions.get(home.id))?.status).toBe('scheduled');
    expect(h.live.of('sessionStarted')).not.toContainEqual([home.id]);
    // A withdrawn consent is no consent.
    await h.registry.consent.record({
      participantId: walker.id,
      purpose: 'home-monitoring',
      granted: true,
      noticeVersion: 'v1',
    });
    h.clock.now += 1000;
    await h.registry.consent.record({
      participantId: walker.id,
      purpose: 'home-monitoring',
      granted: false,
      noticeVersion: 'v1',
    });
    expect((await start()).statusCode).toBe(409);
    h.clock.now += 1000;
    const granted = await h.as('clinician', {
      method: 'POST',
      url: url(walker.id),
      payload: { purpose: 'home-monitoring', granted: true, noticeVersion: 'v2' },
    });
    expect(granted.statusCode).toBe(201);
    const ok = await start();
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'active' });
    // Class sessions need no home-monitoring consent.
    const cls = await h.registry.sessions.create({
      siteId: h.world.siteA,
      kind: 'class',
      classId: h.world.classA,
    });
    expect(
      (await h.as('instructor', { method: 'POST', url: `/api/sessions/${cls.id}/start` })).statusCode,
    ).toBe(200);
  });

  it('seeds the demo participants with every consent, so the demo home sessions run', async () => {
    const seeded = await seedDemo(h.registry, {
      site: { id: 'consent-demo', name: 'Demo' },
      usernamePrefix: 'consent-demo',
      participants: [
        {
          id: 'consent-demo-p1',
          alias: 'Home Hu',
          age: 60,
          sex: 'female',
          condition: 'copd',
          betaBlocker: false,
          hrRest: 70,
          deviceIds: ['C8:4F:C0:16:00:99'],
          prescription: {
            age: 60,
            sex: 'female',
            hrRest: 70,
            hrMax: { source: 'tanaka' },
            zone: { method: 'hrr', low: 0.4, high: 0.6 },
            spo2Floor: 88,
          },
          home: true,
        },
      ],
    });
    expect(seeded.homeSessions).toHaveLength(1);
    const state = await h.registry.consent.current('consent-demo-p1');
    expect(Object.values(state).map((r) => r?.granted)).toEqual([true, true, true]);
    // A second seeding records nothing new.
    await seedDemo(h.registry, {
      site: { id: 'consent-demo', name: 'Demo' },
      usernamePrefix: 'consent-demo',
      participants: [],
    });
    expect(await h.registry.consent.history('consent-demo-p1')).toHaveLength(3);
  });
});
