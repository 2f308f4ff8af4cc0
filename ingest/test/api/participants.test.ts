import { describe, expect, it } from 'vitest';
import { errorOf, RX, T0, useApi } from './helpers.js';

const DAY = 86_400_000;

describe('participants, clinical details, prescriptions, adherence and reports', () => {
  const h = useApi();
  const url = (id: string, rest = '') => `/api/participants/${id}${rest}`;

  describe('participants', () => {
    it('lists aliases of your sites for clinicians and instructors; one site on request', async () => {
      const res = await h.as('instructor', { method: 'GET', url: '/api/participants' });
      expect(res.statusCode).toBe(200);
      const aliases = res.json().items.map((p: { alias: string }) => p.alias);
      expect(aliases).toEqual(expect.arrayContaining(['Ann', '小明']));
      expect(aliases).not.toContain('Bea');
      expect(Object.keys(res.json().items[0]).sort()).toEqual(
        ['active', 'alias', 'createdAt', 'id', 'siteId', 'updatedAt'].sort(),
      );
      const one = await h.as('clinician', {
        method: 'GET',
        url: `/api/participants?siteId=${h.world.siteA}`,
      });
      expect(one.json().items).toHaveLength(aliases.length);
      const all = await h.as('admin', { method: 'GET', url: '/api/participants' });
      expect(all.json().items.map((p: { alias: string }) => p.alias)).toContain('Bea');
    });

    it('refuses roles without participant access and sites you do not belong to', async () => {
      for (const who of ['ops', 'coach'] as const) {
        const res = await h.as(who, { method: 'GET', url: '/api/participants' });
        expect(res.statusCode).toBe(403);
        expect(errorOf(res).message).toBe(
          `Forbidden: this needs the role clinician or instructor (or admin); you have ${who}`,
        );
        expect((await h.as(who, { method: 'GET', url: url(h.world.ann) })).statusCode).toBe(403);
      }
      const other = await h.as('clinician', {
        method: 'GET',
        url: `/api/participants?siteId=${h.world.siteB}`,
      });
      expect(other.statusCode).toBe(403);
      expect(errorOf(other).message).toBe(`Forbidden: you are not a member of site ${h.world.siteB}`);
      // Another site's participant is "not found", exactly like an id that does not exist.
      const hidden = await h.as('clinicianB', { method: 'GET', url: url(h.world.ann) });
      const unknown = await h.as('clinicianB', { method: 'GET', url: url('p-doesnotexist') });
      expect(hidden.statusCode).toBe(404);
      expect(unknown.statusCode).toBe(404);
      expect(errorOf(hidden).error).toBe(errorOf(unknown).error);
    });

    it('creates with clinical details (audited without values), gets, renames; refuses a used alias', async () => {
      const res = await h.as('clinician', {
        method: 'POST',
        url: '/api/participants',
        payload: {
          siteId: h.world.siteA,
          alias: '  Carl ',
          clinical: {
            fullName: 'Carl Secretname',
            ageYears: 71,
            conditions: ['heart failure'],
            betaBlocker: true,
          },
        },
      });
      expect(res.statusCode).toBe(201);
      const p = res.json();
      expect(p).toMatchObject({ siteId: h.world.siteA, alias: 'Carl', active: true });
      expect(res.body).not.toContain('Secretname');
      const got = await h.as('instructor', { method: 'GET', url: url(p.id) });
      expect(got.json()).toEqual(p);
      const renamed = await h.as('clinician', { method: 'PATCH', url: url(p.id), payload: { alias: 'C.' } });
      expect(renamed.statusCode).toBe(200);
      expect(renamed.json().alias).toBe('C.');
      const clash = await h.as('clinician', { method: 'PATCH', url: url(p.id), payload: { alias: 'ann' } });
      expect(clash.statusCode).toBe(409);
      expect(errorOf(clash).message).toBe(
        'Conflict: alias is already used by an active participant of this site',
      );
      const audit = await h.registry.audit.list({ entity: 'participant', entityId: p.id });
      expect(audit.map((a) => a.action).sort()).toEqual(['participant.create', 'participant.update']);
      expect(JSON.stringify(audit)).not.toContain('Secretname');
      expect(audit.find((a) => a.action === 'participant.create')?.detail).toMatchObject({
        clinicalFields: ['fullName', 'ageYears', 'conditions', 'betaBlocker'],
      });
    });

    it('refuses bad bodies naming the field, other sites (403) and instructors writing (403)', async () => {
      const bad = await h.as('clinician', {
        method: 'POST',
        url: '/api/participants',
        payload: {
          siteId: h.world.siteA,
          alias: '',
          clinical: { ageYears: 400, sex: 'x', dateOfBirth: '1950-13-40' },
        },
      });
      expect(bad.statusCode).toBe(400);
      expect(errorOf(bad).issues?.map((i) => i.path)).toEqual([
        'body.alias',
        'body.clinical.dateOfBirth',
        'body.clinical.ageYears',
        'body.clinical.sex',
      ]);
      const other = await h.as('clinician', {
        method: 'POST',
        url: '/api/participants',
        payload: { siteId: h.world.siteB, alias: 'Sneaky' },
      });
      expect(other.statusCode).toBe(403);
      const inst = await h.as('instructor', {
        method: 'POST',
        url: '/api/participants',
        payload: { siteId: h.world.siteA, alias: 'Walk-in' },
      });
      expect(inst.statusCode).toBe(403);
      expect(
        (await h.as('instructor', { method: 'PATCH', url: url(h.world.ann), payload: { active: false } }))
          .statusCode,
      ).toBe(403);
      expect(
        (await h.as('clinicianB', { method: 'PATCH', url: url(h.world.ann), payload: { active: false } }))
          .statusCode,
      ).toBe(404);
    });
  });

  describe('clinical details', () => {
    it('are read and written by clinicians only, and every read and change is audited', async () => {
      const put = await h.as('clinician', {
        method: 'PUT',
        url: url(h.world.ming, '/clinical'),
        payload: {
          fullName: '王小明',
          dateOfBirth: '1958-03-02',
          sex: 'male',
          medications: ['bisoprolol'],
          betaBlocker: true,
        },
      });
      expect(put.statusCode).toBe(200);
      expect(put.json().clinical).toMatchObject({
        fullName: '王小明',
        dateOfBirth: '1958-03-02',
        betaBlocker: true,
      });
      const partial = await h.as('clinician', {
        method: 'PUT',
        url: url(h.world.ming, '/clinical'),
        payload: { notes: 'knee' },
      });
      expect(partial.json().clinical).toMatchObject({ fullName: '王小明', notes: 'knee' });

      const before = (await h.registry.audit.list({ entityId: h.world.ming, entity: 'participant' })).length;
      const get = await h.as('clinician', { method: 'GET', url: url(h.world.ming, '/clinical') });
      expect(get.statusCode).toBe(200);
      expect(get.json().clinical.medications).toEqual(['bisoprolol']);
      const audit = await h.registry.audit.list({ entityId: h.world.ming, entity: 'participant' });
      expect(audit).toHaveLength(before + 1);
      expect(audit[0]).toMatchObject({
        action: 'participant.view-clinical',
        actor: `user:${h.world.users.clinician.id}`,
        siteId: h.world.siteA,
      });
      expect(
        audit.filter((a) => a.action === 'participant.update-clinical').map((a) => a.detail.fields),
      ).toEqual([['notes'], ['fullName', 'dateOfBirth', 'sex', 'medications', 'betaBlocker']]);
      expect(JSON.stringify(audit)).not.toContain('王小明');

      const none = await h.as('clinician', { method: 'GET', url: url(h.world.ann, '/clinical') });
      expect(none.json()).toEqual({ clinical: null });
    });

    it('refuses ops, instructors and coaches (403) and other sites (404), without audit entries', async () => {
      const before = (await h.registry.audit.list({ entityId: h.world.ming })).length;
      for (const who of ['ops', 'instructor', 'coach'] as const) {
        const res = await h.as(who, { method: 'GET', url: url(h.world.ming, '/clinical') });
        expect(res.statusCode).toBe(403);
        expect(errorOf(res).error).toBe('ZW_ERR_FORBIDDEN');
        const put = await h.as(who, {
          method: 'PUT',
          url: url(h.world.ming, '/clinical'),
          payload: { notes: 'x' },
        });
        expect(put.statusCode).toBe(403);
      }
      expect(
        (await h.as('clinicianB', { method: 'GET', url: url(h.world.ming, '/clinical') })).statusCode,
      ).toBe(404);
      expect((await h.registry.audit.list({ entityId: h.world.ming })).length).toBe(before);
      const bad = await h.as('clinician', {
        method: 'PUT',
        url: url(h.world.ming, '/clinical'),
        payload: { ageYears: -1 },
      });
      expect(bad.statusCode).toBe(400);
      expect(errorOf(bad).issues?.[0]?.path).toBe('body.ageYears');
    });
  });

  describe('prescriptions', () => {
    it('writes versions (clinician), tells the live service, and audits', async () => {
      const first = await h.as('clinician', {
        method: 'POST',
        url: url(h.world.ann, '/prescriptions'),
        payload: { body: RX, note: 'initial after stress test', effectiveFrom: T0 - 30 * DAY },
      });
      expect(first.statusCode).toBe(201);
      expect(first.json()).toMatchObject({
        version: 1,
        effectiveFrom: T0 - 30 * DAY,
        effectiveTo: null,
        authorId: h.world.users.clinician.id,
        authorName: 'clin user',
        note: 'initial after stress test',
        summary: { zoneLowBpm: 107, zoneHighBpm: 126, ceilingBpm: 141, hrMode: 'enforce', spo2Floor: 88 },
        body: RX,
      });
      expect(h.live.of('prescriptionChanged')).toContainEqual([h.world.ann]);
      const second = await h.as('clinician', {
        method: 'POST',
        url: url(h.world.ann, '/prescriptions'),
        payload: { body: { ...RX, zone: { method: 'hrr', low: 0.45, high: 0.65 }, unknownKey: 1 } },
      });
      expect(second.statusCode).toBe(201);
      expect(second.json().version).toBe(2);
      expect(second.json().body).not.toHaveProperty('unknownKey');
      const audit = await h.registry.audit.list({ entityId: h.world.ann, entity: 'participant' });
      expect(audit.filter((a) => a.action === 'prescription.create').map((a) => a.detail.version)).toEqual([
        2, 1,
      ]);
    });

    it('shows clinicians the full history (audited) and instructors the zone only', async () => {
      const full = await h.as('clinician', { method: 'GET', url: url(h.world.ann, '/prescriptions') });
      expect(full.statusCode).toBe(200);
      const items = full.json().items;
      expect(items.map((i: { version: number }) => i.version)).toEqual([1, 2]);
      expect(items[0].effectiveTo).toBe(T0);
      expect(items[0].body).toEqual(RX);
      const audit = await h.registry.audit.list({ entityId: h.world.ann, entity: 'participant' });
      expect(audit[0]?.action).toBe('participant.view-prescriptions');

      const zone = await h.as('instructor', { method: 'GET', url: url(h.world.ann, '/prescriptions') });
      expect(zone.statusCode).toBe(200);
      for (const item of zone.json().items) {
        expect(item).not.toHaveProperty('body');
        expect(item).not.toHaveProperty('note');
        expect(item.summary).toMatchObject({ hrMode: 'enforce', spo2Floor: 88 });
      }
      expect(zone.body).not.toContain('stress test');
      expect((await h.as('ops', { method: 'GET', url: url(h.world.ann, '/prescriptions') })).statusCode).toBe(
        403,
      );
      expect(
        (await h.as('clinicianB', { method: 'GET', url: url(h.world.ann, '/prescriptions') })).statusCode,
      ).toBe(404);
    });

    it('refuses an instructor, ops or coach writing one (403)', async () => {
      for (const who of ['instructor', 'ops', 'coach'] as const) {
        const res = await h.as(who, {
          method: 'POST',
          url: url(h.world.ann, '/prescriptions'),
          payload: { body: RX },
        });
        expect(res.statusCode).toBe(403);
      }
      expect(
        (
          await h.as('clinicianB', {
            method: 'POST',
            url: url(h.world.ann, '/prescriptions'),
            payload: { body: RX },
          })
        ).statusCode,
      ).toBe(404);
    });

    it.each([
      [
        'zone low above high',
        { zone: { method: 'hrr', low: 0.7, high: 0.5 } },
        'body.body.zone.low',
        'must be below zone.high',
      ],
      [
        'zone rounding to zero width',
        {
          hrRest: 70,
          hrMax: { source: 'measured', bpm: 170 },
          zone: { method: 'hrr', low: 0.5, high: 0.504 },
        },
        'body.body.zone',
        'both round to 120 bpm: the zone has no width',
      ],
      [
        'zone fraction above 1',
        { zone: { method: 'hrr', low: 0.4, high: 1.4 } },
        'body.body.zone.high',
        'must be a fraction in (0, 1]',
      ],
      ['ceiling below zone high', { ceilingBpm: 110 }, 'body.body.ceilingBpm', 'below zone high'],
      ['SpO2 floor out of range', { spo2Floor: 60 }, 'body.body.spo2Floor', 'must be 70–100 %'],
      [
        'resting HR above max',
        { hrRest: 140, hrMax: { source: 'measured', bpm: 130 } },
        'body.body.hrRest',
        'must be below hrMax',
      ],
      ['unknown hrMax source', { hrMax: { source: 'guess' } }, 'body.body.hrMax.source', 'must be one of'],
      [
        'floor below 85 without a second clinician',
        { spo2Floor: 84 },
        'body.body.spo2Floor',
        'needs a second clinician',
      ],
    ])('refuses a nonsensical prescription (%s) naming the field', async (_name, change, path, reason) => {
      const res = await h.as('clinician', {
        method: 'POST',
        url: url(h.world.ming, '/prescriptions'),
        payload: { body: { ...RX, ...change } },
      });
      expect(res.statusCode).toBe(400);
      const body = errorOf(res);
      expect(body.error).toBe('ZW_ERR_VALIDATION');
      expect(body.issues?.map((i) => i.path)).toEqual([path]);
      expect(body.message).toContain(`${path}: `);
      expect(body.message).toContain(reason);
    });

    it('accepts a floor below 85 with a second clinician; refuses an effectiveFrom before the latest version', async () => {
      const ok = await h.as('clinician', {
        method: 'POST',
        url: url(h.world.ming, '/prescriptions'),
        payload: { body: { ...RX, spo2Floor: 84, spo2FloorSecondClinician: 'Dr Second' } },
      });
      expect(ok.statusCode).toBe(201);
      const old = await h.as('clinician', {
        method: 'POST',
        url: url(h.world.ming, '/prescriptions'),
        payload: { body: RX, effectiveFrom: T0 - DAY },
      });
      expect(old.statusCode).toBe(400);
      expect(errorOf(old).message).toContain('effectiveFrom must be after the effectiveFrom of version 1');
    });

    it('keeps clinical values out of the log when refusing', async () => {
      await h.as('clinician', {
        method: 'POST',
        url: url(h.world.ming, '/prescriptions'),
        payload: { body: { ...RX, hrRest: 141.5, hrMax: { source: 'measured', bpm: 133.25 } } },
      });
      // A response time of 141.53 ms once matched '141.5': search what the app logged, not pino's timings.
      expect(h.log.loggedContent).not.toContain('141.5');
      expect(h.log.loggedContent).not.toContain('133.25');
      expect(h.log.text).toContain('ZW_ERR_VALIDATION');
    });

    it('previews the resolved zone in bpm for a prescription being edited', async () => {
      const res = await h.as('clinician', {
        method: 'POST',
        url: '/api/prescriptions/preview',
        payload: { prescription: RX },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        hrMax: 163.2,
        hrMaxSource: 'tanaka',
        hrRest: 70,
        zoneLowBpm: 107,
        zoneHighBpm: 126,
        ceilingBpm: 141,
        ceilingSource: 'default',
        hrMode: 'enforce',
        spo2Floor: 88,
        fitt: { sessionsPerWeek: 2, minutesInZone: 20 },
        warnings: [],
        warningCodes: [],
      });
      const fox = await h.as('clinician', {
        method: 'POST',
        url: '/api/prescriptions/preview',
        payload: { prescription: { ...RX, hrMax: { source: 'fox' } } },
      });
      expect(fox.json().warnings[0]).toContain('Fox');
      // The console words warnings from their codes (issue 14: zh-CN showed the English text).
      expect(fox.json().warningCodes).toEqual([{ code: 'HRMAX_FOX', params: {} }]);
      const bad = await h.as('clinician', {
        method: 'POST',
        url: '/api/prescriptions/preview',
        payload: { prescription: { zone: { method: 'hrr', low: 0.4, high: 0.6 } } },
      });
      expect(bad.statusCode).toBe(400);
      expect(errorOf(bad).issues?.map((i) => i.path)).toEqual([
        'body.prescription.age',
        'body.prescription.hrRest',
      ]);
      // Each refusal carries its code and the parameters the console's wording needs.
      expect(errorOf(bad).issues?.map((i) => [i.code, i.params])).toEqual([
        ['AGE_REQUIRED', { formula: 'tanaka' }],
        ['HRREST_REQUIRED', {}],
      ]);
      expect(
        (
          await h.as('instructor', {
            method: 'POST',
            url: '/api/prescriptions/preview',
            payload: { prescription: RX },
          })
        ).statusCode,
      ).toBe(403);
    });
  });

  describe('prescription sanity (issue 14)', () => {
    const tooHigh = { ...RX, age: 63, hrMax: { source: 'brawner' }, ceilingBpm: 150 };

    it('refuses a ceiling above hrMax on preview and save, naming ceilingBpm with a code', async () => {
      for (const [url, payload] of [
        ['/api/prescriptions/preview', { prescription: tooHigh }],
        [`/api/participants/${h.world.ann}/prescriptions`, { body: tooHigh }],
      ] as const) {
        const res = await h.as('clinician', { method: 'POST', url, payload });
        expect(res.statusCode, url).toBe(400);
        const issue = errorOf(res).issues?.[0];
        expect(issue?.path).toMatch(/^body\.(prescription|body)\.ceilingBpm$/);
        expect(issue).toMatchObject({ code: 'CEILING_ABOVE_HRMAX' });
      }
      const ok = await h.as('clinician', {
        method: 'POST',
        url: '/api/prescriptions/preview',
        payload: { prescription: { ...tooHigh, ceilingBpm: 119 } },
      });
      expect(ok.statusCode).toBe(200);
    });

    it('refuses a zone top above the ceiling with its code', async () => {
      const res = await h.as('clinician', {
        method: 'POST',
        url: '/api/prescriptions/preview',
        payload: { prescription: { ...RX, ceilingBpm: 100 } },
      });
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).issues).toEqual([
        expect.objectContaining({ path: 'body.prescription.ceilingBpm', code: 'ZONE_ABOVE_CEILING' }),
      ]);
    });
  });

  describe('adherence and reports', () => {
    it('counts sessions and minutes in zone per calendar week of the site against FITT (audited)', async () => {
      // T0 is Monday 2025-01-06 17:00 in Shanghai (site A): this week began 2025-01-06 00:00 +08:00.
      const weekStart = Date.UTC(2025, 0, 5, 16);
      const report = async (startMs: number, minutes: number) => {
        const s = await h.registry.sessions.create({ siteId: h.world.siteA, kind: 'home', name: 'Walk' });
        await h.registry.sessions.start(s.id, startMs);
        await h.registry.sessions.end(s.id, startMs + 40 * 60_000);
        await h.registry.reports.save({
          sessionId: s.id,
          participantId: h.world.ann,
          body: { secondsIn: minutes * 60, adherence: { minutesInZone: minutes } },
        });
      };
      await report(weekStart + 3600_000, 25); // this week, meets the 20 min target
      await report(weekStart - 2 * DAY, 25); // last week
      await report(weekStart - 3 * DAY, 10); // last week, short
      await report(weekStart - 60_000, 30); // Sunday 23:59 local: still last week
      const res = await h.as('clinician', { method: 'GET', url: url(h.world.ann, '/adherence?weeks=2') });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        participantId: h.world.ann,
        fitt: { sessionsPerWeek: 2, minutesInZone: 20 },
        weeks: [
          {
            weekStart: weekStart - 7 * DAY,
            weekEnd: weekStart,
            sessions: 3,
            minutesInZone: 65,
            sessionsMeetingTarget: 2,
            targetSessions: 2,
            met: true,
          },
          {
            weekStart,
            weekEnd: weekStart + 7 * DAY,
            sessions: 1,
            minutesInZone: 25,
            sessionsMeetingTarget: 1,
            targetSessions: 2,
            met: false,
          },
        ],
      });
      const audit = await h.registry.audit.list({ entityId: h.world.ann, entity: 'participant' });
      expect(audit[0]?.action).toBe('participant.view-adherence');
      const bad = await h.as('clinician', { method: 'GET', url: url(h.world.ann, '/adherence?weeks=99') });
      expect(bad.statusCode).toBe(400);
      expect(errorOf(bad).message).toBe('querystring.weeks: must be 1-52');
      expect(
        (await h.as('instructor', { method: 'GET', url: url(h.world.ann, '/adherence') })).statusCode,
      ).toBe(403);
    });

    it('coaches read the adherence of the participants of the home sessions they follow, no one else (audited)', async () => {
      const walker = await h.registry.participants.create({ siteId: h.world.siteA, alias: 'Walker' });
      const other = await h.registry.participants.create({ siteId: h.world.siteA, alias: 'Someone' });
      const strap = async (n: number) =>
        (
          await h.registry.devices.create({
            id: `C8:4F:C0:00:00:0${n}`,
            siteId: h.world.siteA,
            kind: 'hr-strap',
          })
        ).id;
      const dev = await strap(1);
      const coachId = h.world.users.coach.id;
      const home = await h.registry.sessions.create({
        siteId: h.world.siteA,
        kind: 'home',
        name: 'Walk',
        coachId,
      });
      await h.registry.rosters.bind({ sessionId: home.id, participantId: walker.id, deviceId: dev });
      const mine = await h.as('coach', { method: 'GET', url: url(walker.id, '/adherence?weeks=2') });
      expect(mine.statusCode).toBe(200);
      expect(mine.json()).toMatchObject({ participantId: walker.id, weeks: expect.any(Array) });
      const audit = await h.registry.audit.list({ entityId: walker.id, entity: 'participant' });
      expect(audit[0]).toMatchObject({ action: 'participant.view-adherence', actor: `user:${coachId}` });
      // Not a participant of a home session they follow: refused, and the reason says so.
      const notMine = await h.as('coach', { method: 'GET', url: url(other.id, '/adherence') });
      expect(notMine.statusCode).toBe(403);
      expect(errorOf(notMine).message).toBe(
        'Forbidden: coaches see the adherence of the participants of the home sessions they follow only',
      );
      // Another site's coach, and the roles that never see adherence.
      expect((await h.as('coachB', { method: 'GET', url: url(walker.id, '/adherence') })).statusCode).toBe(
        404,
      );
      for (const who of ['instructor', 'ops'] as const)
        expect((await h.as(who, { method: 'GET', url: url(walker.id, '/adherence') })).statusCode).toBe(403);
      // The same participant in a class session only (no home session followed): refused.
      const classOnly = await h.registry.participants.create({ siteId: h.world.siteA, alias: 'Class only' });
      const cls = await h.registry.sessions.create({
        siteId: h.world.siteA,
        kind: 'class',
        classId: h.world.classA,
        name: 'Class',
      });
      await h.registry.rosters.bind({
        sessionId: cls.id,
        participantId: classOnly.id,
        deviceId: await strap(2),
      });
      expect((await h.as('coach', { method: 'GET', url: url(classOnly.id, '/adherence') })).statusCode).toBe(
        403,
      );
      // A home session assigned to another coach is not followed by this one.
      const otherCoach = await h.registry.sessions.create({
        siteId: h.world.siteA,
        kind: 'home',
        name: 'Walk B',
        coachId: h.world.users.instructor.id,
      });
      await h.registry.rosters.bind({
        sessionId: otherCoach.id,
        participantId: other.id,
        deviceId: await strap(3),
      });
      expect((await h.as('coach', { method: 'GET', url: url(other.id, '/adherence') })).statusCode).toBe(403);
    });

    it("lists a participant's reports newest first for clinicians (audited)", async () => {
      const res = await h.as('clinician', { method: 'GET', url: url(h.world.ann, '/reports') });
      expect(res.statusCode).toBe(200);
      const items = res.json().items;
      expect(items).toHaveLength(4);
      expect(items[0]).toMatchObject({ participantId: h.world.ann, alias: 'Ann', sessionName: 'Walk' });
      const audit = await h.registry.audit.list({ entityId: h.world.ann, entity: 'participant' });
      expect(audit[0]?.action).toBe('participant.view-reports');
      for (const who of ['instructor', 'coach', 'ops'] as const) {
        expect((await h.as(who, { method: 'GET', url: url(h.world.ann, '/reports') })).statusCode).toBe(403);
      }
      expect(
        (await h.as('clinicianB', { method: 'GET', url: url(h.world.ann, '/reports') })).statusCode,
      ).toBe(404);
    });
  });
});
