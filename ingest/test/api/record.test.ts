/**
 * The exercise-health record over REST (issue 15): assessments (and refusals that store nothing), risk and
 * the home-session override, programmes and enrolments, re-assessments due, weekly progression proposals
 * accepted into a new prescription version, and the record page's data — with each role allowed or refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateWeeklyProposals } from '../../src/api/record/progression.js';
import { errorOf, RX, useApi } from './helpers.js';

const DAY = 86_400_000;
// T0 is Monday 2025-01-06 17:00 in Shanghai (site A): last week began 2024-12-30 00:00 +08:00.
const LAST_WEEK = Date.UTC(2024, 11, 29, 16);

const BASELINE = {
  date: '2024-11-25',
  kind: 'baseline',
  source: 'manual',
  anthropometrics: { heightCm: 175, weightKg: 80 },
  restingHrBpm: 72,
  restingBp: { systolicMmHg: 142, diastolicMmHg: 86 },
  sixMinuteWalk: { distanceM: 400, hrBeforeBpm: 72, hrAfterBpm: 118, borgDyspnoea: 3 },
  exerciseTest: {
    peakHrBpm: 140,
    peakMets: 8,
    stopReason: 'volitional-fatigue',
    ischaemicThresholdBpm: 125,
    symptomsInRecovery: false,
    stDepressionMm: 0,
    complexVentricularDysrhythmia: false,
    abnormalHaemodynamics: false,
  },
} as const;

describe('exercise-health record API', () => {
  const h = useApi();
  const url = (id: string, rest = '') => `/api/participants/${id}${rest}`;
  const post = (who: Parameters<typeof h.as>[0], u: string, payload: object) =>
    h.as(who, { method: 'POST', url: u, payload });

  beforeAll(async () => {
    await h.registry.participants.setClinical(h.world.ann, { conditions: ['cardiac-rehab'], ageYears: 64 });
  });

  describe('assessments', () => {
    it('records a baseline with a 6-minute walk and a symptom-limited test (audited), lists it with BMI', async () => {
      const res = await post('clinician', url(h.world.ann, '/assessments'), {
        participantId: h.world.ann,
        ...BASELINE,
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ kind: 'baseline', date: '2024-11-25', bmi: 26.1, source: 'manual' });
      const list = await h.as('clinician', { method: 'GET', url: url(h.world.ann, '/assessments') });
      expect(list.json().items).toHaveLength(1);
      expect(list.json().items[0].document.sixMinuteWalk.distanceM).toBe(400);
      const audit = await h.registry.audit.list({ entity: 'participant', entityId: h.world.ann });
      expect(audit.map((a) => a.action)).toEqual(
        expect.arrayContaining(['assessment.create', 'participant.view-assessments']),
      );
      // A measuring device sends values over the same API.
      const device = await post('clinician', url(h.world.ann, '/assessments'), {
        participantId: h.world.ann,
        date: '2025-01-03',
        kind: 'reassessment',
        source: 'device',
        device: 'Omron HBP-1320 #42',
        restingBp: { systolicMmHg: 128, diastolicMmHg: 80 },
        sixMinuteWalk: { distanceM: 445 },
        anthropometrics: { weightKg: 78 },
      });
      expect(device.statusCode).toBe(201);
      expect(device.json()).toMatchObject({ source: 'device', device: 'Omron HBP-1320 #42' });
    });

    it('refuses systolic 400, a walk of −5 m, an unknown field and a future date naming the field; stores nothing', async () => {
      const ok = { participantId: h.world.bea, date: '2025-01-02', kind: 'baseline', source: 'manual' };
      const bob = (await h.registry.participants.create({ siteId: h.world.siteA, alias: 'Bob' })).id;
      const base = { ...ok, participantId: bob };
      expect(
        (await post('clinician', url(bob, '/assessments'), { ...base, restingHrBpm: 70 })).statusCode,
      ).toBe(201);
      const auditBefore = (await h.registry.audit.list({ entity: 'participant', entityId: bob })).length;
      const cases: [object, string][] = [
        [{ ...base, restingBp: { systolicMmHg: 400, diastolicMmHg: 80 } }, 'body.restingBp.systolicMmHg'],
        [{ ...base, sixMinuteWalk: { distanceM: -5 } }, 'body.sixMinuteWalk.distanceM'],
        [{ ...base, restingHrBpm: 70, pulseOx: 97 }, 'body'],
        [{ ...base, date: '2025-01-08', restingHrBpm: 70 }, 'body.date'],
      ];
      for (const [payload, path] of cases) {
        const res = await post('clinician', url(bob, '/assessments'), payload);
        expect(res.statusCode).toBe(400);
        const err = errorOf(res);
        expect(err.error).toBe('ZW_ERR_VALIDATION');
        expect(err.issues?.map((i) => i.path)).toContain(path);
        if (path === 'body') expect(err.message).toMatch(/pulseOx/);
      }
      expect(await h.registry.assessments.list(bob)).toHaveLength(1);
      expect(await h.registry.audit.list({ entity: 'participant', entityId: bob })).toHaveLength(auditBefore);
      // The path and the document must name the same participant.
      const other = await post('clinician', url(bob, '/assessments'), {
        ...ok,
        participantId: h.world.ann,
        restingHrBpm: 70,
      });
      expect(other.statusCode).toBe(400);
      expect(errorOf(other).issues?.[0]?.path).toBe('body.participantId');
    });

    it('derives a prescription from the assessment without saving it', async () => {
      await h.registry.prescriptions.create({
        participantId: h.world.ann,
        authorId: h.world.users.clinician.id,
        body: RX,
        effectiveFrom: h.clock.now - 60 * DAY,
      });
      const baseline = (await h.registry.assessments.list(h.world.ann))[0]!;
      const res = await h.as('clinician', {
        method: 'GET',
        url: `/api/assessments/${baseline.id}/derivation`,
      });
      expect(res.statusCode).toBe(200);
      const d = res.json();
      expect(d.proposed.hrMax).toMatchObject({ source: 'measured', bpm: 140 });
      expect(d.proposed.ceilingBpm).toBe(115);
      expect(d.derivation.map((s: { code: string }) => s.code)).toEqual(
        expect.arrayContaining(['hrMax.measured', 'ceiling.ischaemicThreshold', 'walkingPace.sixMinuteWalk']),
      );
      expect(await h.registry.prescriptions.history(h.world.ann)).toHaveLength(1);
    });
  });

  describe('risk and home sessions', () => {
    it('keeps a high-risk participant out of home sessions until a clinician overrides (audited)', async () => {
      const hal = (
        await h.registry.participants.create({
          siteId: h.world.siteA,
          alias: 'Hal',
          clinical: { conditions: ['cardiac-rehab'] },
        })
      ).id;
      const a = await post('clinician', url(hal, '/assessments'), {
        participantId: hal,
        date: '2025-01-02',
        kind: 'baseline',
        source: 'manual',
        exerciseTest: { peakHrBpm: 120, peakMets: 5, stopReason: 'angina', symptomOnsetMets: 4 },
      });
      expect(a.statusCode).toBe(201);
      const risk = await h.as('clinician', { method: 'GET', url: url(hal, '/risk') });
      expect(risk.json()).toMatchObject({ riskClass: 'high', homeOverride: null });
      expect(risk.json().result.decidedBy).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ criterion: 'symptoms-below-5-mets', riskClass: 'high' }),
        ]),
      );

      await h.registry.consent.record({
        participantId: hal,
        purpose: 'home-monitoring',
        granted: true,
        noticeVersion: 'v1',
      });
      const classes = await h.as('instructor', {
        method: 'GET',
        url: `/api/risk-classes?siteId=${h.world.siteA}`,
      });
      expect(classes.json().items).toContainEqual({
        participantId: hal,
        riskClass: 'high',
        homeOverride: false,
      });
      expect(classes.body).not.toMatch(/symptoms|criterion|Mets/);
      const home = await post('instructor', '/api/sessions', { siteId: h.world.siteA, kind: 'home' });
      const bind = () =>
        post('instructor', `/api/sessions/${home.json().id}/bindings`, {
          participantId: hal,
          deviceId: h.world.oxiA,
        });
      const refused = await bind();
      expect(refused.statusCode).toBe(409);
      expect(errorOf(refused).error).toBe('ZW_ERR_HOME_SESSIONS_HIGH_RISK');
      expect(await h.registry.rosters.list(home.json().id)).toEqual([]);

      const enrol = {
        participantId: hal,
        programmeId: 'preset-cardiac-rehab',
        startDate: '2025-01-06',
        homeSessions: true,
      };
      const noOverride = await post('clinician', '/api/enrolments', enrol);
      expect(errorOf(noOverride).error).toBe('ZW_ERR_HOME_SESSIONS_HIGH_RISK');
      expect(await h.registry.programmes.enrolments(hal)).toEqual([]);
      const withOverride = await post('clinician', '/api/enrolments', {
        ...enrol,
        highRiskOverride: { reason: 'stable 6 months; telemonitored; spouse CPR-trained' },
      });
      expect(withOverride.statusCode).toBe(201);
      expect(withOverride.json()).toMatchObject({ homeSessions: true, programme: { totalSessions: 36 } });
      const audit = await h.registry.audit.list({ entity: 'participant', entityId: hal });
      expect(audit.map((x) => x.action)).toEqual(
        expect.arrayContaining(['enrolment.create', 'participant.home-override']),
      );
      expect((await bind()).statusCode).toBe(201);
      // Revoked: starting the session is refused, and so is the next binding.
      expect(
        (await h.as('clinician', { method: 'DELETE', url: url(hal, '/home-override') })).json().homeOverride,
      ).toBeNull();
      const start = await h.as('instructor', {
        method: 'POST',
        url: `/api/sessions/${home.json().id}/start`,
      });
      expect(errorOf(start).error).toBe('ZW_ERR_HOME_SESSIONS_HIGH_RISK');
      expect((await h.registry.sessions.get(home.json().id))?.status).toBe('scheduled');
      await h.as('instructor', {
        method: 'DELETE',
        url: `/api/sessions/${home.json().id}/bindings/${h.world.oxiA}`,
      });
      expect((await bind()).statusCode).toBe(409);
    });
  });

  describe('programme, proposals and the record', () => {
    const report = async (participantId: string, startMs: number, minutes: number, coachId?: string) => {
      const s = await h.registry.sessions.create({
        siteId: h.world.siteA,
        kind: 'home',
        name: 'Walk',
        ...(coachId ? { coachId } : {}),
      });
      await h.registry.sessions.start(s.id, startMs);
      // The coach follows the participants of the home sessions assigned to them (roster).
      if (coachId)
        await h.registry.rosters.bind({ sessionId: s.id, participantId, deviceId: h.world.strapA });
      await h.registry.sessions.end(s.id, startMs + 40 * 60_000);
      await h.registry.reports.save({
        sessionId: s.id,
        participantId,
        body: {
          durationS: 2400,
          secondsIn: minutes * 60,
          secondsOverCeiling: 0,
          completeness: 96,
          spo2Min: 95,
          hrMean: 112,
          hrRecovery: {
            exerciseEndMs: startMs + 35 * 60_000,
            hrAtEndBpm: 120,
            hrAfterBpm: 98,
            dropBpm: 22,
            flaggedForReview: false,
          },
          trace: [
            { tS: 0, hr: 90, spo2: 97 },
            { tS: 600, hr: 110, spo2: 96 },
            { tS: 1200, hr: 114, spo2: 96 },
          ],
          alerts: [],
          adherence: { minutesInZone: minutes, targetMinutesInZone: 20, met: minutes >= 20 },
          zone: { lowBpm: 100, highBpm: 120, ceilingBpm: 130, hrMode: 'enforce' },
        },
      });
      return s.id;
    };

    it('enrols, counts session n of N, proposes a progression and accepts it as a new version', async () => {
      const programmes = await h.as('instructor', {
        method: 'GET',
        url: `/api/programmes?siteId=${h.world.siteA}`,
      });
      expect(programmes.json().items.map((p: { preset: string | null }) => p.preset)).toEqual(
        expect.arrayContaining(['cardiac-rehab', 'pulmonary-rehab']),
      );
      const e = await post('clinician', '/api/enrolments', {
        participantId: h.world.ann,
        programmeId: 'preset-cardiac-rehab',
        startDate: '2024-11-25',
      });
      expect(e.statusCode).toBe(201);
      const again = await post('clinician', '/api/enrolments', {
        participantId: h.world.ann,
        programmeId: 'preset-pulmonary-rehab',
        startDate: '2024-12-01',
      });
      expect(again.statusCode).toBe(409);
      const s1 = await report(h.world.ann, LAST_WEEK + DAY + 3600_000, 25, h.world.users.coach.id);
      const s2 = await report(h.world.ann, LAST_WEEK + 3 * DAY + 3600_000, 24);

      const gen = await post('clinician', url(h.world.ann, '/proposals'), {});
      expect(gen.statusCode).toBe(200);
      const proposal = gen.json().proposal;
      expect(proposal).toMatchObject({ kind: 'progress', status: 'proposed', weekStart: LAST_WEEK });
      expect(proposal.proposal.evidence.sessionIds.sort()).toEqual([s1, s2].sort());
      // Idempotent per week.
      expect((await post('clinician', url(h.world.ann, '/proposals'), {})).json().proposal.id).toBe(
        proposal.id,
      );

      const record = await h.as('clinician', { method: 'GET', url: url(h.world.ann, '/record') });
      expect(record.statusCode).toBe(200);
      const r = record.json();
      expect(r.enrolment).toMatchObject({
        sessionsDone: 2,
        week: 7,
        programme: { totalSessions: 36, weeks: 12 },
      });
      expect(r.enrolment.nextReassessment).toMatchObject({ point: { atSession: 36 }, due: false });
      expect(r.fitt).toEqual({ sessionsPerWeek: 2, minutesInZone: 20 });
      expect(r.adherence).toMatchObject({ sessionsDone: 2, sessionsPlanned: 14, sessionsMeetingTarget: 2 });
      expect(r.trends.sessions).toEqual([
        expect.objectContaining({ sessionId: s1, minutesInZone: 25, meanHrInZone: 112, hrRecovery60: 22 }),
        expect.objectContaining({ sessionId: s2, minutesInZone: 24 }),
      ]);
      expect(r.trends.weeks.at(-2)).toMatchObject({
        weekStart: LAST_WEEK,
        sessions: 2,
        minutesInZone: 49,
        targetMinutes: 40,
      });
      expect(r.trends.assessments.map((a: { sixMinuteWalkM: number }) => a.sixMinuteWalkM)).toEqual([
        400, 445,
      ]);
      const walk = r.comparison.rows.find(
        (x: { measure: string }) => x.measure === 'sixMinuteWalk.distanceM',
      );
      expect(walk).toMatchObject({
        baseline: 400,
        latest: 445,
        change: 45,
        meaningful: true,
        direction: 'improved',
      });
      expect(new Set(r.timeline.map((t: { type: string }) => t.type))).toEqual(
        new Set(['assessment', 'prescription', 'enrolment', 'session', 'proposal']),
      );
      expect(r.proposals[0]).toMatchObject({ id: proposal.id, status: 'proposed' });

      const accepted = await post('clinician', `/api/proposals/${proposal.id}/decision`, {
        status: 'accepted',
      });
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json()).toMatchObject({ status: 'accepted', decidedByName: 'clin user' });
      const history = await h.registry.prescriptions.history(h.world.ann);
      expect(history).toHaveLength(2);
      expect(history[1]!.id).toBe(accepted.json().resultPrescriptionId);
      expect(history[1]!.body).toEqual(proposal.proposal.proposed);
      expect(h.live.of('prescriptionChanged')).toContainEqual([h.world.ann]);
      const twice = await post('clinician', `/api/proposals/${proposal.id}/decision`, {
        status: 'rejected',
        reason: 'x',
      });
      expect(twice.statusCode).toBe(409);
    });

    it('keeps a rejection with its reason', async () => {
      await h.registry.prescriptions.create({
        participantId: h.world.ming,
        authorId: h.world.users.clinician.id,
        body: RX,
        effectiveFrom: h.clock.now - 30 * DAY,
      });
      await report(h.world.ming, LAST_WEEK + DAY, 5);
      const gen = await post('clinician', url(h.world.ming, '/proposals'), {});
      expect(gen.json().proposal.kind).toBe('hold');
      const res = await post('clinician', `/api/proposals/${gen.json().proposal.id}/decision`, {
        status: 'rejected',
        reason: 'holiday week; repeat',
      });
      expect(res.json()).toMatchObject({ status: 'rejected', reason: 'holiday week; repeat' });
      const missing = await post('clinician', `/api/proposals/${gen.json().proposal.id}/decision`, {
        status: 'rejected',
      });
      expect(missing.statusCode).toBe(400);
      expect(await h.registry.prescriptions.history(h.world.ming)).toHaveLength(1);
    });

    it('shows a due re-assessment to instructors (who and when, no values) and the clinician list', async () => {
      await h.registry.programmes.enrol({
        participantId: h.world.ming,
        programmeId: 'preset-cardiac-rehab',
        startDate: '2024-11-25',
        enrolledBy: h.world.users.clinician.id,
      });
      for (const who of ['instructor', 'clinician'] as const) {
        const res = await h.as(who, { method: 'GET', url: `/api/reassessments/due?siteId=${h.world.siteA}` });
        expect(res.statusCode).toBe(200);
        const items = res.json().items;
        expect(items).toEqual([
          expect.objectContaining({
            participantId: h.world.ming,
            alias: '小明',
            next: { point: { atWeek: 6 }, dueDate: '2025-01-05', due: true, overdue: true },
          }),
        ]);
        expect(res.body).not.toMatch(/document|distanceM|systolic/);
      }
      // Ann's week-6 point is covered by her re-assessment of 2025-01-03.
      expect(
        (
          await h.as('instructor', { method: 'GET', url: `/api/reassessments/due?siteId=${h.world.siteA}` })
        ).json().items,
      ).toHaveLength(1);
    });
  });

  describe('roles', () => {
    it('clinicians read; a coach reads only the participants they follow; instructors and ops never read values', async () => {
      const record = (who: Parameters<typeof h.as>[0], id = h.world.ann) =>
        h.as(who, { method: 'GET', url: url(id, '/record') });
      expect((await record('clinician')).statusCode).toBe(200);
      expect((await record('admin')).statusCode).toBe(200);
      // Ann has a home session assigned to this coach (above); Bob has none.
      expect((await record('coach')).statusCode).toBe(200);
      const bob = (await h.registry.participants.list({ siteId: h.world.siteA })).find(
        (p) => p.alias === 'Bob',
      )!;
      expect(errorOf(await record('coach', bob.id)).error).toBe('ZW_ERR_FORBIDDEN');
      expect((await h.as('coach', { method: 'GET', url: url(h.world.ann, '/assessments') })).statusCode).toBe(
        200,
      );
      expect(
        (await post('coach', url(h.world.ann, '/assessments'), { participantId: h.world.ann, ...BASELINE }))
          .statusCode,
      ).toBe(403);
      for (const who of ['instructor', 'ops'] as const) {
        expect((await record(who)).statusCode).toBe(403);
        expect((await h.as(who, { method: 'GET', url: url(h.world.ann, '/assessments') })).statusCode).toBe(
          403,
        );
      }
      expect((await record('clinicianB')).statusCode).toBe(404);
    });
  });

  describe('weekly job', () => {
    it('writes each enrolled participant one proposal per complete week, once', async () => {
      expect(await generateWeeklyProposals(h.registry, h.clock.now)).toBe(0); // last week is done
      h.clock.now += 7 * DAY;
      // Ann and 小明 have a prescription; Hal has none (skipped).
      expect(await generateWeeklyProposals(h.registry, h.clock.now)).toBe(2);
      expect(await generateWeeklyProposals(h.registry, h.clock.now)).toBe(0);
      const open = await h.registry.progression.open(h.world.ann);
      expect(open).toMatchObject({ weekStart: LAST_WEEK + 7 * DAY, kind: 'hold' });
      expect((open!.body as { reasons: { code: string }[] }).reasons.map((r) => r.code)).toContain(
        'too-few-sessions',
      );
    });
  });
});
