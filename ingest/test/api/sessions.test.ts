import { beforeAll, describe, expect, it } from 'vitest';
import { errorOf, useApi } from './helpers.js';

const MIN = 60_000;

describe('classes, sessions, rosters, alerts and reports', () => {
  const h = useApi();
  const s = { classSession: '', homeSession: '', quoted: '', formula: '' };

  beforeAll(async () => {
    // Aliases that need CSV care: a quote and a comma, and one a spreadsheet would run as a formula.
    s.quoted = (await h.registry.participants.create({ siteId: h.world.siteA, alias: 'O"Neil, Pat' })).id;
    s.formula = (
      await h.registry.participants.create({ siteId: h.world.siteA, alias: '=HYPERLINK("x")' })
    ).id;
  });

  describe('classes', () => {
    it('lists, creates and archives classes (instructor); clinicians read them', async () => {
      const list = await h.as('clinician', { method: 'GET', url: '/api/classes' });
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((c: { id: string }) => c.id)).toEqual([h.world.classA]);
      const created = await h.as('instructor', {
        method: 'POST',
        url: '/api/classes',
        payload: {
          siteId: h.world.siteA,
          name: 'COPD group',
          instructorId: h.world.users.instructor.id,
          schedule: 'Tue 10:00',
        },
      });
      expect(created.statusCode).toBe(201);
      const id = created.json().id as string;
      const archived = await h.as('instructor', {
        method: 'PATCH',
        url: `/api/classes/${id}`,
        payload: { archived: true },
      });
      expect(archived.json()).toMatchObject({ archived: true, schedule: 'Tue 10:00' });
      const after = await h.as('instructor', { method: 'GET', url: '/api/classes' });
      expect(after.json().items.map((c: { id: string }) => c.id)).not.toContain(id);
      const all = await h.as('instructor', { method: 'GET', url: '/api/classes?includeArchived=true' });
      expect(all.json().items.map((c: { id: string }) => c.id)).toContain(id);
    });

    it('refuses coaches, ops, other sites and an instructor from another site (422 naming the field)', async () => {
      for (const who of ['coach', 'ops'] as const) {
        expect((await h.as(who, { method: 'GET', url: '/api/classes' })).statusCode).toBe(403);
      }
      expect(
        (
          await h.as('clinician', {
            method: 'POST',
            url: '/api/classes',
            payload: { siteId: h.world.siteA, name: 'X' },
          })
        ).statusCode,
      ).toBe(403);
      const other = await h.as('instructor', {
        method: 'POST',
        url: '/api/classes',
        payload: { siteId: h.world.siteB, name: 'X' },
      });
      expect(other.statusCode).toBe(403);
      const foreign = await h.as('instructor', {
        method: 'POST',
        url: '/api/classes',
        payload: { siteId: h.world.siteA, name: 'X', instructorId: h.world.users.instructorB.id },
      });
      expect(foreign.statusCode).toBe(422);
      expect(errorOf(foreign).message).toContain('instructorId: user');
      expect(
        (
          await h.as('instructor', {
            method: 'PATCH',
            url: `/api/classes/${h.world.classB}`,
            payload: { name: 'Y' },
          })
        ).statusCode,
      ).toBe(404);
      const bad = await h.as('instructor', {
        method: 'PATCH',
        url: `/api/classes/${h.world.classA}`,
        payload: { name: '' },
      });
      expect(errorOf(bad).issues?.[0]?.path).toBe('body.name');
    });
  });

  describe('sessions', () => {
    it('schedules class and home sessions (instructor)', async () => {
      const cls = await h.as('instructor', {
        method: 'POST',
        url: '/api/sessions',
        payload: {
          siteId: h.world.siteA,
          kind: 'class',
          classId: h.world.classA,
          scheduledAt: h.clock.now + 10 * MIN,
        },
      });
      expect(cls.statusCode).toBe(201);
      expect(cls.json()).toMatchObject({
        kind: 'class',
        name: 'Cardiac rehab',
        status: 'scheduled',
        classId: h.world.classA,
      });
      s.classSession = cls.json().id;
      const home = await h.as('instructor', {
        method: 'POST',
        url: '/api/sessions',
        payload: {
          siteId: h.world.siteA,
          kind: 'home',
          name: 'Home walk — 小明',
          coachId: h.world.users.coach.id,
        },
      });
      expect(home.statusCode).toBe(201);
      s.homeSession = home.json().id;
    });

    it('refuses bad session bodies naming the field, other sites, foreign classes and non-instructors', async () => {
      const noClass = await h.as('instructor', {
        method: 'POST',
        url: '/api/sessions',
        payload: { siteId: h.world.siteA, kind: 'class' },
      });
      expect(noClass.statusCode).toBe(400);
      expect(errorOf(noClass).message).toBe('body.classId: is required for a class session');
      // The console words the reason from its code (protocol's field check), not from the message.
      expect(errorOf(noClass).issues).toEqual([
        expect.objectContaining({ path: 'body.classId', code: 'CLASS_REQUIRED' }),
      ]);
      const home = await h.as('instructor', {
        method: 'POST',
        url: '/api/sessions',
        payload: { siteId: h.world.siteA, kind: 'home', classId: h.world.classA, name: 'x'.repeat(201) },
      });
      expect(errorOf(home).issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: 'body.classId', code: 'CLASS_NOT_FOR_HOME' }),
          expect.objectContaining({
            path: 'body.name',
            code: 'too_big',
            params: { max: 200, origin: 'string' },
          }),
        ]),
      );
      const noSite = await h.as('instructor', {
        method: 'POST',
        url: '/api/sessions',
        payload: { kind: 'home' },
      });
      expect(errorOf(noSite).issues).toEqual([
        expect.objectContaining({ path: 'body.siteId', code: 'required' }),
      ]);
      const badKind = await h.as('instructor', {
        method: 'POST',
        url: '/api/sessions',
        payload: { siteId: h.world.siteA, kind: 'gym' },
      });
      expect(errorOf(badKind).issues?.[0]?.path).toBe('body.kind');
      const foreignClass = await h.as('instructor', {
        method: 'POST',
        url: '/api/sessions',
        payload: { siteId: h.world.siteA, kind: 'class', classId: h.world.classB },
      });
      expect(foreignClass.statusCode).toBe(422);
      const otherSite = await h.as('instructor', {
        method: 'POST',
        url: '/api/sessions',
        payload: { siteId: h.world.siteB, kind: 'home' },
      });
      expect(otherSite.statusCode).toBe(403);
      for (const who of ['clinician', 'coach', 'ops'] as const) {
        const res = await h.as(who, {
          method: 'POST',
          url: '/api/sessions',
          payload: { siteId: h.world.siteA, kind: 'home' },
        });
        expect(res.statusCode).toBe(403);
      }
    });

    it('binds devices, refusing conflicts and other sites; the live service hears of it', async () => {
      const bind = (
        participantId: string,
        deviceId: string,
        who: 'instructor' | 'instructorB' | 'clinician' = 'instructor',
      ) =>
        h.as(who, {
          method: 'POST',
          url: `/api/sessions/${s.classSession}/bindings`,
          payload: { participantId, deviceId },
        });
      const first = await bind(h.world.ann, h.world.strapA);
      expect(first.statusCode).toBe(201);
      expect(first.json()).toMatchObject({
        sessionId: s.classSession,
        participantId: h.world.ann,
        alias: 'Ann',
        deviceId: h.world.strapA,
        deviceKind: 'hr-strap',
        unboundAt: null,
        boundBy: h.world.users.instructor.id,
      });
      expect((await bind(h.world.ann, h.world.oxiA)).statusCode).toBe(201);
      expect((await bind(s.quoted, h.world.strapB)).statusCode).toBe(201);
      expect(h.live.of('rosterChanged')).toContainEqual([s.classSession]);
      const taken = await bind(h.world.ming, h.world.strapA);
      expect(taken.statusCode).toBe(409);
      expect(errorOf(taken).message).toBe('Conflict: device is already bound to a participant');
      const foreignP = await bind(h.world.bea, h.world.strapA);
      expect(foreignP.statusCode).toBe(422);
      const foreignD = await bind(h.world.ming, h.world.strapSiteB);
      expect(foreignD.statusCode).toBe(422);
      expect((await bind(h.world.ming, h.world.strapA, 'clinician')).statusCode).toBe(403);
      expect((await bind(h.world.ming, h.world.strapA, 'instructorB')).statusCode).toBe(404);
      const badBody = await h.as('instructor', {
        method: 'POST',
        url: `/api/sessions/${s.classSession}/bindings`,
        payload: { participantId: h.world.ming },
      });
      expect(errorOf(badBody).message).toBe('body.deviceId: is required');
      // Issue 16: 小明 consented to home monitoring (consent.test.ts covers the refusal without it).
      await h.registry.consent.record({
        participantId: h.world.ming,
        purpose: 'home-monitoring',
        granted: true,
        noticeVersion: 'v1',
      });
      const home = await h.as('instructor', {
        method: 'POST',
        url: `/api/sessions/${s.homeSession}/bindings`,
        payload: { participantId: h.world.ming, deviceId: h.world.strapSiteB.replace(/.*/, h.world.oxiA) },
      });
      expect(home.statusCode).toBe(409); // the oximeter is worn by Ann in the class
    });

    it('shows the roster and unbinds', async () => {
      const roster = await h.as('clinician', {
        method: 'GET',
        url: `/api/sessions/${s.classSession}/roster`,
      });
      expect(roster.statusCode).toBe(200);
      expect(
        roster
          .json()
          .items.map((r: { alias: string }) => r.alias)
          .sort(),
      ).toEqual(['Ann', 'Ann', 'O"Neil, Pat']);
      const un = await h.as('instructor', {
        method: 'DELETE',
        url: `/api/sessions/${s.classSession}/bindings/${h.world.oxiA}`,
      });
      expect(un.statusCode).toBe(200);
      expect(un.json().unboundAt).toBe(h.clock.now);
      const again = await h.as('instructor', {
        method: 'DELETE',
        url: `/api/sessions/${s.classSession}/bindings/${h.world.oxiA}`,
      });
      expect(again.statusCode).toBe(404);
      const history = await h.as('instructor', {
        method: 'GET',
        url: `/api/sessions/${s.classSession}/roster?includeUnbound=true`,
      });
      expect(history.json().items).toHaveLength(3);
      const now = await h.as('instructor', { method: 'GET', url: `/api/sessions/${s.classSession}/roster` });
      expect(now.json().items).toHaveLength(2);
      const home = await h.as('instructor', {
        method: 'POST',
        url: `/api/sessions/${s.homeSession}/bindings`,
        payload: { participantId: h.world.ming, deviceId: h.world.oxiA },
      });
      expect(home.statusCode).toBe(201);
    });

    it('starts sessions (instructor), refusing a second start; the live room opens', async () => {
      const start = await h.as('instructor', {
        method: 'POST',
        url: `/api/sessions/${s.classSession}/start`,
      });
      expect(start.statusCode).toBe(200);
      expect(start.json()).toMatchObject({ status: 'active', startedAt: h.clock.now });
      expect(h.live.of('sessionStarted')).toContainEqual([s.classSession]);
      const twice = await h.as('instructor', {
        method: 'POST',
        url: `/api/sessions/${s.classSession}/start`,
      });
      expect(twice.statusCode).toBe(409);
      expect(errorOf(twice).error).toBe('ZW_ERR_INVALID_STATE');
      expect(
        (await h.as('instructor', { method: 'POST', url: `/api/sessions/${s.homeSession}/start` }))
          .statusCode,
      ).toBe(200);
      for (const who of ['clinician', 'coach', 'ops'] as const) {
        expect(
          (await h.as(who, { method: 'POST', url: `/api/sessions/${s.classSession}/stop` })).statusCode,
        ).toBe(403);
      }
      expect(
        (await h.as('instructorB', { method: 'POST', url: `/api/sessions/${s.classSession}/stop` }))
          .statusCode,
      ).toBe(404);
      const audit = await h.registry.audit.list({ entity: 'session', entityId: s.classSession });
      expect(audit.map((a) => a.action)).toContain('session.start');
    });

    it('offers devices seen on the wire but unbound, marking which are registered here', async () => {
      h.live.seen.set(h.world.siteA, [
        {
          deviceId: h.world.oxiA.replace(/.*/, 'C8:4F:NEW'),
          kind: 'hr-strap',
          lastSeenAt: h.clock.now - 5000,
        },
        { deviceId: h.world.strapSiteB, kind: null, lastSeenAt: h.clock.now - 1000 },
        { deviceId: 'OLD-ONE', kind: null, lastSeenAt: h.clock.now - 10 * MIN },
      ]);
      const res = await h.as('instructor', {
        method: 'GET',
        url: `/api/sessions/${s.classSession}/unbound-devices?withinS=120`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().items).toEqual([
        {
          deviceId: h.world.strapSiteB,
          kind: null,
          lastSeenAt: h.clock.now - 1000,
          registered: false,
          label: null,
          recentlyWornBy: null,
        },
        {
          deviceId: 'C8:4F:NEW',
          kind: 'hr-strap',
          lastSeenAt: h.clock.now - 5000,
          registered: false,
          label: null,
          recentlyWornBy: null,
        },
      ]);
      expect(res.json().omitted).toBe(0);
      expect(h.live.of('unboundDevices').at(-1)).toEqual([h.world.siteA, 120_000, 100]);
      // A bounded answer names how many it left out (issue 13, hole 6).
      const one = await h.as('instructor', {
        method: 'GET',
        url: `/api/sessions/${s.classSession}/unbound-devices?withinS=120&limit=1`,
      });
      expect(one.json()).toMatchObject({ items: [{ deviceId: h.world.strapSiteB }], omitted: 1 });
      const tooMany = await h.as('instructor', {
        method: 'GET',
        url: `/api/sessions/${s.classSession}/unbound-devices?limit=501`,
      });
      expect(tooMany.statusCode).toBe(400);
      expect(
        (await h.as('clinician', { method: 'GET', url: `/api/sessions/${s.classSession}/unbound-devices` }))
          .statusCode,
      ).toBe(403);
    });

    it('lists sessions with participant and open-alert counts; coaches see home sessions only', async () => {
      const at = h.clock.now;
      await h.registry.alerts.raise({
        sessionId: s.classSession,
        participantId: h.world.ann,
        rule: 'HR_ABOVE_ZONE',
        severity: 'advisory',
        atMs: at,
      });
      await h.registry.alerts.raise({
        sessionId: s.classSession,
        participantId: s.quoted,
        rule: 'HR_OVER_CEILING',
        severity: 'critical',
        atMs: at + 1000,
      });
      await h.registry.alerts.raise({
        sessionId: s.homeSession,
        participantId: h.world.ming,
        rule: 'SPO2_LOW',
        severity: 'warning',
        atMs: at + 2000,
      });
      const res = await h.as('instructor', { method: 'GET', url: '/api/sessions?status=active' });
      expect(res.statusCode).toBe(200);
      const byId = new Map(res.json().items.map((x: { id: string }) => [x.id, x]));
      expect(byId.get(s.classSession)).toMatchObject({
        participantCount: 2,
        openAlerts: { advisory: 1, warning: 0, critical: 1 },
      });
      expect(byId.get(s.homeSession)).toMatchObject({
        participantCount: 1,
        openAlerts: { advisory: 0, warning: 1, critical: 0 },
      });
      const classes = await h.as('clinician', { method: 'GET', url: '/api/sessions?kind=class' });
      expect(classes.json().items.map((x: { id: string }) => x.id)).toEqual([s.classSession]);

      const coach = await h.as('coach', { method: 'GET', url: '/api/sessions' });
      expect(coach.json().items.map((x: { id: string }) => x.id)).toEqual([s.homeSession]);
      expect((await h.as('coach', { method: 'GET', url: '/api/sessions?kind=class' })).statusCode).toBe(403);
      const cls = await h.as('coach', { method: 'GET', url: `/api/sessions/${s.classSession}` });
      expect(cls.statusCode).toBe(403);
      expect(errorOf(cls).message).toBe('Forbidden: coaches see home sessions only; this is a class session');
      expect((await h.as('coach', { method: 'GET', url: `/api/sessions/${s.homeSession}` })).statusCode).toBe(
        200,
      );
      expect((await h.as('ops', { method: 'GET', url: '/api/sessions' })).statusCode).toBe(403);
      expect((await h.as('instructorB', { method: 'GET', url: '/api/sessions' })).json().items).toEqual([]);
      expect(
        (await h.as('instructorB', { method: 'GET', url: `/api/sessions/${s.classSession}` })).statusCode,
      ).toBe(404);
      const bad = await h.as('instructor', { method: 'GET', url: '/api/sessions?status=running' });
      expect(errorOf(bad).issues?.[0]?.path).toBe('querystring.status');
    });
  });

  describe('alerts', () => {
    it('lists alerts with their events and acknowledges them (instructor), once', async () => {
      const list = await h.as('instructor', { method: 'GET', url: `/api/sessions/${s.classSession}/alerts` });
      expect(list.statusCode).toBe(200);
      const [adv, crit] = list.json().items;
      expect(crit).toMatchObject({
        rule: 'HR_OVER_CEILING',
        severity: 'critical',
        state: 'open',
        alias: 'O"Neil, Pat',
      });
      expect(crit.events).toEqual([
        {
          seq: 1,
          event: 'raised',
          severity: 'critical',
          at: h.clock.now + 1000,
          actorId: null,
          actorName: null,
          note: null,
        },
      ]);
      h.clock.now += 20_000;
      const ack = await h.as('instructor', {
        method: 'POST',
        url: `/api/alerts/${crit.id}/ack`,
        payload: { note: 'sat down, rests' },
      });
      expect(ack.statusCode).toBe(200);
      expect(ack.json()).toMatchObject({
        id: crit.id,
        state: 'acknowledged',
        acknowledgedBy: h.world.users.instructor.username,
      });
      expect(h.live.of('acknowledge').at(-1)).toEqual([
        crit.id,
        { userId: h.world.users.instructor.id, username: h.world.users.instructor.username },
        'sat down, rests',
      ]);
      const twice = await h.as('instructor', { method: 'POST', url: `/api/alerts/${crit.id}/ack` });
      expect(twice.statusCode).toBe(409);
      expect(errorOf(twice).message).toBe(`Invalid state: alert ${crit.id} is already acknowledged`);
      const after = await h.as('instructor', {
        method: 'GET',
        url: `/api/sessions/${s.classSession}/alerts`,
      });
      expect(after.json().items[1].acknowledgedBy).toBe(h.world.users.instructor.username);
      const events = after.json().items[1].events;
      expect(events.at(-1)).toMatchObject({
        event: 'acknowledged',
        actorName: 'inst user',
        note: 'sat down, rests',
      });
      expect((await h.registry.audit.list({ entity: 'alert', entityId: crit.id }))[0]?.action).toBe(
        'alert.acknowledge',
      );

      // Without a body at all, and with an empty note.
      expect(
        (await h.as('instructor', { method: 'POST', url: `/api/alerts/${adv.id}/ack`, payload: {} }))
          .statusCode,
      ).toBe(200);
    });

    it('lets coaches acknowledge home-session alerts only; refuses others and other sites', async () => {
      const home = (
        await h.as('coach', { method: 'GET', url: `/api/sessions/${s.homeSession}/alerts` })
      ).json().items[0];
      expect(
        (await h.as('clinician', { method: 'POST', url: `/api/alerts/${home.id}/ack` })).statusCode,
      ).toBe(403);
      expect((await h.as('ops', { method: 'POST', url: `/api/alerts/${home.id}/ack` })).statusCode).toBe(403);
      expect(
        (await h.as('instructorB', { method: 'POST', url: `/api/alerts/${home.id}/ack` })).statusCode,
      ).toBe(404);
      expect(
        (await h.as('instructor', { method: 'POST', url: '/api/alerts/al-unknown/ack' })).statusCode,
      ).toBe(404);
      const long = await h.as('coach', {
        method: 'POST',
        url: `/api/alerts/${home.id}/ack`,
        payload: { note: 'x'.repeat(501) },
      });
      expect(errorOf(long).issues?.[0]?.path).toBe('body.note');
      const ok = await h.as('coach', { method: 'POST', url: `/api/alerts/${home.id}/ack` });
      expect(ok.statusCode).toBe(200);
      const classAlert = (
        await h.as('instructor', { method: 'GET', url: `/api/sessions/${s.classSession}/alerts` })
      ).json().items[0];
      expect(
        (await h.as('coach', { method: 'POST', url: `/api/alerts/${classAlert.id}/ack` })).statusCode,
      ).toBe(403);
      expect(
        (await h.as('coach', { method: 'GET', url: `/api/sessions/${s.classSession}/alerts` })).statusCode,
      ).toBe(403);
    });

    it('refuses acknowledging a closed alert', async () => {
      const a = await h.registry.alerts.raise({
        sessionId: s.classSession,
        participantId: h.world.ann,
        rule: 'NO_CONTACT',
        severity: 'advisory',
        atMs: h.clock.now,
      });
      await h.registry.alerts.recordEvent({
        alertId: a.alert.id,
        event: 'cleared',
        atMs: h.clock.now + 1000,
      });
      const res = await h.as('instructor', { method: 'POST', url: `/api/alerts/${a.alert.id}/ack` });
      expect(res.statusCode).toBe(409);
      expect(errorOf(res).message).toBe(`Invalid state: alert ${a.alert.id} is closed`);
    });
  });

  describe('reports', () => {
    it('stops the session (reports written by the live service) and serves every report (audited)', async () => {
      h.clock.now += 45 * MIN;
      const stop = await h.as('instructor', { method: 'POST', url: `/api/sessions/${s.classSession}/stop` });
      expect(stop.statusCode).toBe(200);
      expect(stop.json()).toMatchObject({ status: 'ended', endedAt: h.clock.now });
      expect(h.live.of('sessionEnded')).toContainEqual([s.classSession]);
      // What the live service writes when a session ends (CLINICAL-RULES.md section 6).
      await h.registry.reports.save({
        sessionId: s.classSession,
        participantId: h.world.ann,
        body: {
          durationS: 2700,
          secondsBelow: 300,
          secondsIn: 1800,
          secondsAbove: 500.5,
          secondsOverCeiling: 0,
          hrMean: 118.4,
          hrPeak: 139,
          spo2Mean: null,
          spo2Min: null,
          completeness: 97.3,
          steps: 2100,
          cadence: 80,
          hrRecovery: {
            exerciseEndMs: 0,
            hrAtEndBpm: 130,
            hrAfterBpm: 120,
            dropBpm: 10,
            flaggedForReview: true,
          },
          trace: [],
          alerts: [],
          adherence: { minutesInZone: 30, targetMinutesInZone: null, met: null },
        },
      });
      await h.registry.reports.save({
        sessionId: s.classSession,
        participantId: s.quoted,
        body: {
          durationS: 2700,
          secondsIn: 600,
          hrMean: 131,
          hrPeak: 162,
          spo2Mean: 95.5,
          spo2Min: 91,
          completeness: 88,
          steps: null,
        },
      });
      const res = await h.as('clinician', { method: 'GET', url: `/api/sessions/${s.classSession}/report` });
      expect(res.statusCode).toBe(200);
      expect(res.json().session).toMatchObject({ id: s.classSession, status: 'ended' });
      expect(
        res
          .json()
          .items.map((i: { alias: string }) => i.alias)
          .sort(),
      ).toEqual(['Ann', 'O"Neil, Pat']);
      expect((await h.registry.audit.list({ entity: 'session', entityId: s.classSession }))[0]?.action).toBe(
        'session.view-report',
      );
      expect(
        (await h.as('ops', { method: 'GET', url: `/api/sessions/${s.classSession}/report` })).statusCode,
      ).toBe(403);
      expect(
        (await h.as('coach', { method: 'GET', url: `/api/sessions/${s.classSession}/report` })).statusCode,
      ).toBe(403);
      expect(
        (await h.as('coach', { method: 'GET', url: `/api/sessions/${s.homeSession}/report` })).statusCode,
      ).toBe(200);
      expect(
        (await h.as('clinicianB', { method: 'GET', url: `/api/sessions/${s.classSession}/report.csv` }))
          .statusCode,
      ).toBe(404);
    });

    it('exports one CSV row per participant: BOM, CRLF, RFC 4180 quoting, formula cells neutralised', async () => {
      // Bound before the session ended but without a saved report: a row with empty metrics.
      const res = await h.as('instructor', {
        method: 'GET',
        url: `/api/sessions/${s.classSession}/report.csv?header=machine`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="session-${s.classSession}-participants.csv"`,
      );
      const raw = res.rawPayload.toString('utf8');
      expect(raw.charCodeAt(0)).toBe(0xfeff);
      expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const lines = raw.slice(1).split('\r\n');
      expect(lines.at(-1)).toBe('');
      expect(lines[0]).toBe(
        'alias,participant_id,duration_s,seconds_below,seconds_in,seconds_above,seconds_over_ceiling,hr_mean_bpm,hr_peak_bpm,spo2_mean_pct,spo2_min_pct,steps,cadence_spm,completeness_pct,alerts,hr_recovery_drop_bpm,hr_recovery_flagged,report_saved',
      );
      expect(lines.slice(1, -1)).toEqual([
        `Ann,${h.world.ann},2700,300,1800,500.5,0,118.4,139,,,2100,80,97.3,2,10,true,true`,
        `"O""Neil, Pat",${s.quoted},2700,,600,,,131,162,95.5,91,,,88,1,,,true`,
      ]);
    });

    it('exports every alert with acknowledgement and times in the site time zone', async () => {
      const res = await h.as('clinician', {
        method: 'GET',
        url: `/api/sessions/${s.classSession}/report.csv?kind=alerts&header=machine`,
      });
      expect(res.statusCode).toBe(200);
      const lines = res.body.replace(/^\uFEFF/, '').split('\r\n');
      expect(lines[0]).toBe(
        'alert_id,alias,participant_id,rule,severity,unconfirmed,state,raised_at,acknowledged_by,acknowledged_at,time_to_ack_s,ack_note,cleared_at,closed_at,escalation_level',
      );
      const crit = lines.find((l) => l.includes('HR_OVER_CEILING'));
      // Raised 2025-01-06 09:00:01 UTC = 17:00:01 in Shanghai (+08:00); acknowledged 19 s later.
      expect(crit).toMatch(
        /^al-[a-z0-9]+,"O""Neil, Pat",p-[a-z0-9]+,HR_OVER_CEILING,critical,false,acknowledged,2025-01-06 17:00:01\+08:00,inst user,2025-01-06 17:00:20\+08:00,19,"sat down, rests",,,0$/,
      );
      expect(lines.filter((l) => l.includes('NO_CONTACT'))[0]).toContain(',closed,');
    });

    it("speaks the user's language: zh-CN headers, rules and states, BOM, site times with offset, the report's figures", async () => {
      const get = (url: string, headers: Record<string, string> = {}) =>
        h.as('clinician', { method: 'GET', url, headers });
      const report = (await get(`/api/sessions/${s.classSession}/report`)).json().items as {
        participantId: string;
        body: Record<string, unknown> & { alerts: Record<string, unknown>[] };
      }[];
      // By Accept-Language (zh first), and by the lang parameter whatever the browser says.
      for (const [url, headers] of [
        [`/api/sessions/${s.classSession}/report.csv`, { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' }],
        [`/api/sessions/${s.classSession}/report.csv?lang=zh-CN`, { 'accept-language': 'en-GB' }],
      ] as const) {
        const res = await get(url, headers);
        expect(res.statusCode).toBe(200);
        expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
        const [head, ...rows] = parseCsv(res.rawPayload.toString('utf8').slice(1));
        expect(head?.slice(0, 4)).toEqual(['代号', '参与者编号', '时长（秒）', '低于区间（秒）']);
        expect(head?.join('')).not.toMatch(/[A-Za-z]{2,}/);
        const col = (name: string) => head!.indexOf(name);
        // Every figure is the report's.
        for (const r of report) {
          const row = rows.find((x) => x[col('参与者编号')] === r.participantId)!;
          for (const [name, field] of [
            ['时长（秒）', 'durationS'],
            ['区间内（秒）', 'secondsIn'],
            ['平均心率（次/分）', 'hrMean'],
            ['最高心率（次/分）', 'hrPeak'],
            ['数据完整度（%）', 'completeness'],
          ] as const)
            expect(row[col(name)], `${r.participantId} ${name}`).toBe(
              r.body[field] === null || r.body[field] === undefined ? '' : String(r.body[field]),
            );
          expect(row[col('警报数')]).toBe(String(r.body.alerts.length));
          expect(row[col('报告已保存')]).toBe('是');
        }
      }
      const alerts = await get(`/api/sessions/${s.classSession}/report.csv?kind=alerts&lang=zh-CN`);
      const [head, ...rows] = parseCsv(alerts.rawPayload.toString('utf8').slice(1));
      expect(head).toEqual([
        '警报编号',
        '代号',
        '参与者编号',
        '警报',
        '优先级',
        '数据存疑',
        '状态',
        '触发时间',
        '确认人',
        '确认时间',
        '确认用时（秒）',
        '确认备注',
        '条件解除时间',
        '关闭时间',
        '升级级别',
      ]);
      const crit = rows.find((r) => r[3] === '心率超过安全上限');
      // Raised 2025-01-06 09:00:01 UTC: 17:00:01 in the site's zone (Asia/Shanghai, +08:00).
      expect(crit?.slice(3, 12)).toEqual([
        '心率超过安全上限',
        '危急',
        '否',
        '已确认',
        '2025-01-06 17:00:01+08:00',
        'inst user',
        '2025-01-06 17:00:20+08:00',
        '19',
        'sat down, rests',
      ]);
      // No rule id, priority or state code is left in the human form.
      for (const r of rows) expect(r.slice(3, 7).join(' ')).not.toMatch(/[A-Za-z]{2,}/);
      // The same alerts as the report JSON, with the same figures.
      const lines = report.flatMap((r) => r.body.alerts);
      for (const a of lines) {
        const row = rows.find((r) => r[0] === a['alertId'])!;
        expect(row[10]).toBe(a['timeToAcknowledgeS'] === null ? '' : String(a['timeToAcknowledgeS']));
        expect(row[8]).toBe(a['acknowledgedBy'] ?? '');
      }
      // English headers for an English browser; machine headers on request.
      const en = await get(`/api/sessions/${s.classSession}/report.csv?kind=alerts`, {
        'accept-language': 'en-US',
      });
      expect(parseCsv(en.body.slice(1))[0]?.slice(0, 4)).toEqual([
        'Alert ID',
        'Alias',
        'Participant ID',
        'Alert',
      ]);
      expect(parseCsv(en.body.slice(1)).find((r) => r[3] === 'Heart rate over ceiling')?.[4]).toBe(
        'Critical',
      );
      const bad = await get(`/api/sessions/${s.classSession}/report.csv?lang=fr`);
      expect(bad.statusCode).toBe(400);
    });

    it("the report page's alert lines are the CSV's (registry): state, closing, display name and note", async () => {
      const res = await h.as('clinician', { method: 'GET', url: `/api/sessions/${s.classSession}/report` });
      expect(res.statusCode).toBe(200);
      const csv = await h.as('clinician', {
        method: 'GET',
        url: `/api/sessions/${s.classSession}/report.csv?kind=alerts&header=machine`,
      });
      const csvRows = csv.body
        .replace(/^\uFEFF/, '')
        .split('\r\n')
        .slice(1, -1);
      const items = res.json().items as {
        participantId: string;
        body: { alerts: Record<string, unknown>[] };
      }[];
      const lines = items.flatMap((i) => i.body.alerts);
      // Every alert of a participant with a report, whatever the saved snapshot held (Ann's said none).
      expect(lines.map((a) => a['alertId']).sort()).toEqual(
        csvRows
          .map((r) => r.split(',')[0])
          .filter((id) => lines.some((a) => a['alertId'] === id))
          .sort(),
      );
      expect(lines.length).toBeGreaterThan(1);
      const crit = lines.find((a) => a['rule'] === 'HR_OVER_CEILING');
      expect(crit).toMatchObject({
        state: 'acknowledged',
        acknowledgedBy: 'inst user',
        ackNote: 'sat down, rests',
        timeToAcknowledgeS: 19,
      });
      const closed = lines.find((a) => a['rule'] === 'NO_CONTACT');
      expect(closed?.['state']).toBe('closed');
      expect(closed?.['closedAt']).toEqual(expect.any(Number));
    });

    it("serves a live session's recent trace from the live service (backfill), nothing once it has ended", async () => {
      const home = await h.registry.sessions.create({ siteId: h.world.siteA, kind: 'home', name: 'Trace' });
      await h.registry.sessions.start(home.id, h.clock.now);
      const points = [{ at: h.clock.now, hr: 101.5, spo2: null }];
      h.live.traces.set(home.id, [{ participantId: h.world.ann, points }]);
      const res = await h.as('coach', { method: 'GET', url: `/api/sessions/${home.id}/trace?withinS=300` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ items: [{ participantId: h.world.ann, points }] });
      expect(h.live.of('recentTrace').at(-1)).toEqual([home.id, 300_000]);
      const bad = await h.as('coach', { method: 'GET', url: `/api/sessions/${home.id}/trace?withinS=0` });
      expect(bad.statusCode).toBe(400);
      await h.registry.sessions.end(home.id, h.clock.now);
      const ended = await h.as('coach', { method: 'GET', url: `/api/sessions/${home.id}/trace` });
      expect(ended.json()).toEqual({ items: [] });
    });

    it('neutralises a formula alias and keeps Chinese aliases intact', async () => {
      const home = await h.registry.sessions.create({
        siteId: h.world.siteA,
        kind: 'home',
        name: 'Evening walk',
      });
      const li = await h.registry.participants.create({ siteId: h.world.siteA, alias: '李华' });
      await h.registry.rosters.bind({
        sessionId: home.id,
        participantId: s.formula,
        deviceId: h.world.strapA,
      });
      await h.registry.rosters.bind({ sessionId: home.id, participantId: li.id, deviceId: h.world.strapB });
      const res = await h.as('coach', {
        method: 'GET',
        url: `/api/sessions/${home.id}/report.csv?header=machine`,
      });
      expect(res.statusCode).toBe(200);
      const rows = res.body.replace(/^\uFEFF/, '').split('\r\n');
      expect(rows).toContain(`"'=HYPERLINK(""x"")",${s.formula},,,,,,,,,,,,,0,,,false`);
      expect(rows).toContain(`李华,${li.id},,,,,,,,,,,,,0,,,false`);
      expect((await h.registry.audit.list({ entity: 'session', entityId: home.id }))[0]).toMatchObject({
        action: 'session.export-report',
        detail: { kind: 'participants' },
      });
    });
  });
});

/** RFC 4180 rows (quoted fields with doubled quotes, CRLF line ends), as a spreadsheet reads them. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}
