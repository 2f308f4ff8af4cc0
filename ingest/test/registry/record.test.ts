/**
 * The exercise-health record's storage (issue 15, migration 0005): assessments, home-session overrides,
 * programmes and enrolments, progression proposals — on PGlite and a real Postgres.
 */
import { describe, expect, it } from 'vitest';
import type { Registry } from '../../src/registry/index.js';
import { ENGINES, T0, useRegistry, world } from './fixtures.js';

const DAY = 86_400_000;
const RX = { age: 64, hrRest: 70, hrMax: { source: 'tanaka' }, zone: { method: 'hrr', low: 0.4, high: 0.6 } };

describe.each(ENGINES)('record storage on $name', (engine) => {
  const ctx = useRegistry(engine);
  const reg = (): Registry => ctx.registry;

  it('keeps assessments oldest first and finds the latest of a kind at a time', async () => {
    const w = await world(reg());
    const base = await reg().assessments.create({
      participantId: w.ann.id,
      kind: 'baseline',
      date: '2024-12-01',
      authorId: w.clinician.id,
      document: { sixMinuteWalk: { distanceM: 380 }, findings: 'breathless on stairs' },
    });
    const re = await reg().assessments.create({
      participantId: w.ann.id,
      kind: 'reassessment',
      date: '2025-01-05',
      source: 'device',
      device: 'BP-CUFF-1',
      authorId: w.clinician.id,
      document: { restingBp: { systolicMmHg: 128, diastolicMmHg: 80 } },
    });
    expect(re).toMatchObject({ source: 'device', device: 'BP-CUFF-1', date: '2025-01-05' });
    expect((await reg().assessments.list(w.ann.id)).map((a) => a.id)).toEqual([base.id, re.id]);
    expect((await reg().assessments.latest(w.ann.id))?.id).toBe(re.id);
    expect((await reg().assessments.latest(w.ann.id, { kinds: ['baseline'] }))?.id).toBe(base.id);
    expect((await reg().assessments.latest(w.ann.id, { onOrBefore: '2025-01-04' }))?.id).toBe(base.id);
    expect(await reg().assessments.latest(w.bob.id)).toBeUndefined();
    expect((await reg().assessments.get(base.id))?.document).toEqual({
      sixMinuteWalk: { distanceM: 380 },
      findings: 'breathless on stairs',
    });
  });

  it('refuses a bad kind, date or document naming the field, and stores nothing', async () => {
    const w = await world(reg());
    const bad = { participantId: w.ann.id, date: '2025-01-01', authorId: w.clinician.id };
    await expect(
      reg().assessments.create({ ...bad, kind: 'x' as 'baseline', document: {} }),
    ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_INPUT', message: /assessment kind/ });
    await expect(
      reg().assessments.create({ ...bad, kind: 'baseline', document: [] as unknown as object }),
    ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_INPUT', message: /document/ });
    await expect(
      reg().assessments.create({ ...bad, date: '5 Jan', kind: 'baseline', document: {} }),
    ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_INPUT', message: /date/ });
    expect(await reg().assessments.list(w.ann.id)).toEqual([]);
  });

  it('grants one home-session override at a time and keeps revoked ones', async () => {
    const w = await world(reg());
    const o = await reg().assessments.grantHomeOverride({
      participantId: w.ann.id,
      authorId: w.clinician.id,
      reason: 'stable for 6 months, spouse trained in CPR',
    });
    await expect(
      reg().assessments.grantHomeOverride({ participantId: w.ann.id, authorId: w.clinician.id, reason: 'x' }),
    ).rejects.toMatchObject({ code: 'ZW_ERR_CONFLICT', message: /already in force/ });
    expect((await reg().assessments.homeOverride(w.ann.id))?.id).toBe(o.id);
    const revoked = await reg().assessments.revokeHomeOverride({
      participantId: w.ann.id,
      by: w.clinician.id,
    });
    expect(revoked).toMatchObject({ id: o.id, revokedBy: w.clinician.id, revokedAt: T0 });
    expect(await reg().assessments.homeOverride(w.ann.id)).toBeUndefined();
    expect(await reg().assessments.homeOverrides(w.ann.id)).toHaveLength(1);
    await expect(
      reg().assessments.revokeHomeOverride({ participantId: w.ann.id, by: w.clinician.id }),
    ).rejects.toMatchObject({ code: 'ZW_ERR_NOT_FOUND' });
  });

  const PRESETS = {
    'cardiac-rehab': {
      name: 'Cardiac rehabilitation',
      totalSessions: 36,
      weeks: 12,
      reassessAt: [{ atWeek: 6 }],
    },
    'pulmonary-rehab': { name: 'Pulmonary rehabilitation', totalSessions: 24, weeks: 8, reassessAt: [] },
  };

  it('lists the synced presets with a centre programme, and keeps presets fixed', async () => {
    const w = await world(reg());
    await reg().programmes.syncPresets(PRESETS);
    await reg().programmes.syncPresets({
      ...PRESETS,
      'cardiac-rehab': { ...PRESETS['cardiac-rehab'], reassessAt: [{ atWeek: 6 }, { atSession: 36 }] },
    });
    const own = await reg().programmes.create({
      siteId: w.site.id,
      name: 'Diabetes walking group',
      totalSessions: 20,
      weeks: 10,
      reassessAt: [{ atWeek: 5 }],
      createdBy: w.clinician.id,
    });
    const list = await reg().programmes.list({ siteIds: [w.site.id] });
    expect(list.map((p) => p.preset ?? p.id)).toEqual(['cardiac-rehab', 'pulmonary-rehab', own.id]);
    expect(list[0]).toMatchObject({
      id: 'preset-cardiac-rehab',
      totalSessions: 36,
      weeks: 12,
      reassessAt: [{ atWeek: 6 }, { atSession: 36 }],
      siteId: null,
    });
    expect((await reg().programmes.list({ siteIds: ['elsewhere'] })).map((p) => p.id)).not.toContain(own.id);
    await expect(reg().programmes.update(list[0]!.id, { name: 'Mine' })).rejects.toMatchObject({
      code: 'ZW_ERR_INVALID_STATE',
    });
    await expect(
      reg().programmes.create({
        siteId: w.site.id,
        name: 'Too long',
        totalSessions: 10,
        weeks: 200,
        reassessAt: [],
      }),
    ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_INPUT', message: /weeks must be 1-104/ });
    const archived = await reg().programmes.update(own.id, {
      archived: true,
      reassessAt: [{ atSession: 20 }],
    });
    expect(archived).toMatchObject({ archived: true, reassessAt: [{ atSession: 20 }] });
    expect((await reg().programmes.list({ siteIds: [w.site.id] })).map((p) => p.id)).not.toContain(own.id);
  });

  it('enrols a participant in one active programme at a time', async () => {
    const w = await world(reg());
    await reg().programmes.syncPresets(PRESETS);
    const e = await reg().programmes.enrol({
      participantId: w.ann.id,
      programmeId: 'preset-cardiac-rehab',
      startDate: '2025-01-06',
      homeSessions: true,
      enrolledBy: w.clinician.id,
    });
    expect(e).toMatchObject({
      status: 'active',
      reassessAt: [{ atWeek: 6 }],
      endedAt: null,
      homeSessions: true,
    });
    expect(e.startDate).toBe('2025-01-06');
    await expect(
      reg().programmes.enrol({
        participantId: w.ann.id,
        programmeId: 'preset-pulmonary-rehab',
        startDate: '2025-01-06',
        enrolledBy: w.clinician.id,
      }),
    ).rejects.toMatchObject({ code: 'ZW_ERR_CONFLICT', message: /already enrolled/ });
    expect((await reg().programmes.activeEnrolment(w.ann.id))?.id).toBe(e.id);
    expect((await reg().programmes.activeEnrolments({ siteIds: [w.site.id] })).map((x) => x.id)).toEqual([
      e.id,
    ]);
    const ended = await reg().programmes.endEnrolment(e.id, 'completed', T0 + 90 * DAY);
    expect(ended).toMatchObject({ status: 'completed', endedAt: T0 + 90 * DAY });
    await expect(reg().programmes.endEnrolment(e.id, 'withdrawn')).rejects.toMatchObject({
      code: 'ZW_ERR_INVALID_STATE',
    });
    expect(await reg().programmes.activeEnrolment(w.ann.id)).toBeUndefined();
  });

  it('keeps every proposal: a new week supersedes the open one; accept and reject once', async () => {
    const w = await world(reg());
    const rx = await reg().prescriptions.create({
      participantId: w.ann.id,
      authorId: w.clinician.id,
      body: RX,
      effectiveFrom: T0 - 30 * DAY,
    });
    const week = (n: number) => ({ weekStart: T0 + n * 7 * DAY, weekEnd: T0 + (n + 1) * 7 * DAY });
    const p1 = await reg().progression.create({
      participantId: w.ann.id,
      ...week(0),
      prescriptionId: rx.id,
      kind: 'progress',
      body: { kind: 'progress' },
    });
    await expect(
      reg().progression.create({
        participantId: w.ann.id,
        ...week(0),
        prescriptionId: rx.id,
        kind: 'hold',
        body: {},
      }),
    ).rejects.toMatchObject({ code: 'ZW_ERR_CONFLICT' });
    const p2 = await reg().progression.create({
      participantId: w.ann.id,
      ...week(1),
      prescriptionId: rx.id,
      kind: 'hold',
      body: { kind: 'hold' },
    });
    expect((await reg().progression.get(p1.id))?.status).toBe('superseded');
    expect((await reg().progression.open(w.ann.id))?.id).toBe(p2.id);
    expect((await reg().progression.forWeek(w.ann.id, week(0).weekStart))?.id).toBe(p1.id);
    const rejected = await reg().progression.reject(p2.id, { by: w.clinician.id, reason: 'knee pain' });
    expect(rejected).toMatchObject({ status: 'rejected', reason: 'knee pain', decidedBy: w.clinician.id });
    await expect(
      reg().progression.accept(p2.id, { by: w.clinician.id, prescriptionId: rx.id }),
    ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_STATE', message: /already rejected/ });
    const p3 = await reg().progression.create({
      participantId: w.ann.id,
      ...week(2),
      prescriptionId: rx.id,
      kind: 'progress',
      body: {},
    });
    const accepted = await reg().progression.accept(p3.id, { by: w.clinician.id, prescriptionId: rx.id });
    expect(accepted).toMatchObject({ status: 'accepted', resultPrescriptionId: rx.id });
    expect((await reg().progression.list(w.ann.id)).map((p) => p.status)).toEqual([
      'accepted',
      'rejected',
      'superseded',
    ]);
  });

  it('erasing a person (issue 16) takes their record with them', async () => {
    const w = await world(reg());
    await reg().programmes.syncPresets(PRESETS);
    const rx = await reg().prescriptions.create({
      participantId: w.ann.id,
      authorId: w.clinician.id,
      body: RX,
    });
    await reg().assessments.create({
      participantId: w.ann.id,
      kind: 'baseline',
      date: '2025-01-01',
      authorId: w.clinician.id,
      document: { restingHrBpm: 70 },
    });
    const e = await reg().programmes.enrol({
      participantId: w.ann.id,
      programmeId: 'preset-cardiac-rehab',
      startDate: '2025-01-06',
      enrolledBy: w.clinician.id,
    });
    await reg().assessments.grantHomeOverride({
      participantId: w.ann.id,
      enrolmentId: e.id,
      authorId: w.clinician.id,
      reason: 'x',
    });
    await reg().progression.create({
      participantId: w.ann.id,
      enrolmentId: e.id,
      weekStart: T0,
      weekEnd: T0 + 7 * DAY,
      prescriptionId: rx.id,
      kind: 'hold',
      body: {},
    });
    const result = await reg().personData.erase(w.ann.id);
    expect(result.rows).toMatchObject({
      assessments: 1,
      enrolments: 1,
      home_overrides: 1,
      progression_proposals: 1,
    });
    expect(await reg().assessments.list(w.ann.id)).toEqual([]);
    expect(await reg().progression.list(w.ann.id)).toEqual([]);
    // The presets are the centre's, not the person's.
    expect(await reg().programmes.get('preset-cardiac-rehab')).toBeDefined();
  });
});
