// Running a class (issue 14) over REST on the real app and registry: phases (role-checked, validated,
// audited, planned from the prescriptions' FITT), and taking a participant out of a session.
import { beforeAll, describe, expect, it } from 'vitest';
import { errorOf, RX, useApi } from './helpers.js';

describe('class phases and the roster (issue 14)', () => {
  const h = useApi();
  let session = '';

  beforeAll(async () => {
    await h.registry.prescriptions.create({
      participantId: h.world.ann,
      authorId: h.world.users.clinician.id,
      body: { ...RX, fitt: { sessionsPerWeek: 2, minutesInZone: 20, warmUpMinutes: 8 } },
      effectiveFrom: h.clock.now - 1000,
    });
    const s = await h.registry.sessions.create({
      siteId: h.world.siteA,
      kind: 'class',
      classId: h.world.classA,
    });
    session = s.id;
    await h.registry.rosters.bind({
      sessionId: session,
      participantId: h.world.ann,
      deviceId: h.world.strapA,
    });
    await h.registry.rosters.bind({
      sessionId: session,
      participantId: h.world.ming,
      deviceId: h.world.strapB,
    });
  });

  it('refuses to move phases before the session is active, and refuses an unknown phase naming the field', async () => {
    const early = await h.as('instructor', {
      method: 'POST',
      url: `/api/sessions/${session}/phase`,
      payload: {},
    });
    expect(early.statusCode).toBe(409);
    expect(errorOf(early).error).toBe('ZW_ERR_INVALID_STATE');
    await h.registry.sessions.start(session, h.clock.now);
    const bad = await h.as('instructor', {
      method: 'POST',
      url: `/api/sessions/${session}/phase`,
      payload: { phase: 'stretching' },
    });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).message).toContain('body.phase');
    for (const who of ['clinician', 'coach', 'ops'] as const) {
      const r = await h.as(who, { method: 'POST', url: `/api/sessions/${session}/phase`, payload: {} });
      expect(r.statusCode, who).toBe(403);
    }
  });

  it('moves warm-up → conditioning → cool-down → recovery one step at a time, with the plan from FITT, audited', async () => {
    const seen: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      h.clock.now += 60_000;
      const r = await h.as('instructor', {
        method: 'POST',
        url: `/api/sessions/${session}/phase`,
        payload: {},
      });
      expect(r.statusCode).toBe(200);
      const body = r.json();
      seen.push(body.phase);
      expect(body.phaseStartedAt).toBe(h.clock.now);
      // Warm-up 8 min (Ann's FITT), conditioning 20 (minutes in zone), defaults for the rest.
      expect(body.phases.map((p: { plannedS: number }) => p.plannedS)).toEqual([480, 1200, 600, 120]);
    }
    expect(seen).toEqual(['warm-up', 'conditioning', 'cool-down', 'recovery']);
    const past = await h.as('instructor', {
      method: 'POST',
      url: `/api/sessions/${session}/phase`,
      payload: {},
    });
    expect(past.statusCode).toBe(409);
    const audit = await h.registry.audit.list({ entity: 'session', entityId: session });
    expect(audit.filter((a) => a.action === 'session.phase').map((a) => a.detail)).toHaveLength(4);
    expect(h.live.calls.filter((c) => c.method === 'phaseChanged')).toHaveLength(4);
    const one = await h.as('clinician', { method: 'GET', url: `/api/sessions/${session}` });
    expect(one.json()).toMatchObject({ phase: 'recovery' });
  });

  it('takes a participant out of the session (instructor): their bindings end, audited; unknown ones are 404', async () => {
    const r = await h.as('instructor', {
      method: 'DELETE',
      url: `/api/sessions/${session}/participants/${h.world.ming}`,
    });
    expect(r.statusCode).toBe(200);
    expect(
      r.json().items.map((b: { deviceId: string; unboundAt: number }) => [b.deviceId, b.unboundAt]),
    ).toEqual([[h.world.strapB, h.clock.now]]);
    expect(await h.registry.rosters.removed(session)).toEqual([h.world.ming]);
    expect(h.live.calls.at(-1)).toEqual({ method: 'rosterChanged', args: [session] });
    const never = await h.as('instructor', {
      method: 'DELETE',
      url: `/api/sessions/${session}/participants/${h.world.bea}`,
    });
    expect(never.statusCode).toBe(404);
    expect(
      (await h.as('coach', { method: 'DELETE', url: `/api/sessions/${session}/participants/${h.world.ann}` }))
        .statusCode,
    ).toBe(403);
    // Binding again brings them back.
    await h.registry.rosters.bind({
      sessionId: session,
      participantId: h.world.ming,
      deviceId: h.world.strapB,
    });
    expect(await h.registry.rosters.removed(session)).toEqual([]);
  });
});

describe('owned devices (issue 14): assigned ahead of time, bound at class start when seen', () => {
  const h = useApi();

  it('assigns a device to a participant (ops, instructor; audited), refuses one of another site naming the field', async () => {
    const r = await h.as('instructor', {
      method: 'PUT',
      url: `/api/devices/${h.world.strapA}/owner`,
      payload: { participantId: h.world.ann },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id: h.world.strapA, ownerParticipantId: h.world.ann });
    const other = await h.as('ops', {
      method: 'PUT',
      url: `/api/devices/${h.world.strapB}/owner`,
      payload: { participantId: h.world.bea },
    });
    expect(other.statusCode).toBe(422);
    expect(errorOf(other).message).toContain('participantId');
    const bad = await h.as('ops', {
      method: 'PUT',
      url: `/api/devices/${h.world.strapB}/owner`,
      payload: {},
    });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).message).toContain('body.participantId');
    expect(
      (
        await h.as('clinician', {
          method: 'PUT',
          url: `/api/devices/${h.world.strapB}/owner`,
          payload: { participantId: null },
        })
      ).statusCode,
    ).toBe(403);
    const audit = await h.registry.audit.list({ entity: 'device', entityId: h.world.strapA });
    expect(audit.map((a) => a.action)).toContain('device.owner');
  });

  it('at class start the assigned devices that are seen are bound to their owners; the rest are listed', async () => {
    await h.as('instructor', {
      method: 'PUT',
      url: `/api/devices/${h.world.oxiA}/owner`,
      payload: { participantId: h.world.ming },
    });
    h.live.seen.set(h.world.siteA, [
      { deviceId: h.world.strapA, kind: 'hr-strap', lastSeenAt: h.clock.now - 2000 },
    ]);
    const s = await h.registry.sessions.create({
      siteId: h.world.siteA,
      kind: 'class',
      classId: h.world.classA,
    });
    const r = await h.as('instructor', { method: 'POST', url: `/api/sessions/${s.id}/start` });
    expect(r.statusCode).toBe(200);
    expect(r.json().ownedDevices).toEqual([
      { deviceId: h.world.strapA, participantId: h.world.ann, alias: 'Ann', outcome: 'bound' },
      { deviceId: h.world.oxiA, participantId: h.world.ming, alias: '小明', outcome: 'not-seen' },
    ]);
    const roster = await h.registry.rosters.list(s.id);
    expect(roster.map((b) => [b.participantId, b.deviceId])).toEqual([[h.world.ann, h.world.strapA]]);
    expect(h.live.calls.filter((c) => c.method === 'rosterChanged').at(-1)?.args).toEqual([s.id]);
  });
});
