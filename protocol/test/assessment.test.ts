import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ASSESSMENT_MEASURES,
  assessmentInputSchema,
  assessmentIssues,
  assessmentSchemaAt,
  enrolmentInputSchema,
  latestAssessmentDate,
  PROGRAMME_PRESETS,
  programmeDefinitionSchema,
  progressionProposalSchema,
  proposalDecisionSchema,
} from '../src/index.js';

const NOW = Date.parse('2026-12-07T03:30:00Z');

const full = {
  participantId: 'p-1',
  date: '2026-12-01',
  kind: 'baseline',
  source: 'manual',
  anthropometrics: { heightCm: 172, weightKg: 84.5, waistCm: 98 },
  restingHrBpm: 68,
  restingBp: {
    systolicMmHg: 134,
    diastolicMmHg: 82,
    arm: 'left',
    otherArm: { systolicMmHg: 130, diastolicMmHg: 80 },
  },
  sixMinuteWalk: {
    distanceM: 420,
    hrBeforeBpm: 70,
    hrAfterBpm: 112,
    spo2BeforePercent: 97,
    spo2AfterPercent: 95,
    spo2LowestPercent: 94,
    borgDyspnoea: 3,
    borgFatigue: 2.5,
    stops: 0,
  },
  chairStand30sReps: 11,
  gripStrengthKg: 34,
  sitAndReachCm: -6,
  singleLegStanceS: 18,
  exerciseTest: {
    modality: 'treadmill',
    peakHrBpm: 142,
    peakMets: 7.5,
    ischaemicThresholdBpm: 128,
    stopReason: 'volitional-fatigue',
  },
  findings: 'Tolerated well.',
};

/** The dotted fields a refused document names. */
function refusedFields(input: unknown, schema = assessmentSchemaAt(NOW)): string[] {
  const r = schema.safeParse(input);
  if (r.success) return [];
  return assessmentIssues(r.error).map((i) => i.field);
}

describe('assessment document', () => {
  it('accepts a full baseline with every group', () => {
    const r = assessmentSchemaAt(NOW).safeParse(full);
    expect(r.success).toBe(true);
  });

  it('accepts a device reading with only a resting BP', () => {
    const r = assessmentSchemaAt(NOW).safeParse({
      participantId: 'p-1',
      date: '2026-12-07',
      kind: 'pre-session',
      source: 'device',
      device: 'Omron M7',
      restingBp: { systolicMmHg: 128, diastolicMmHg: 79 },
    });
    expect(r.success).toBe(true);
  });

  it('refuses a systolic of 400 naming restingBp.systolicMmHg and its range', () => {
    const r = assessmentSchemaAt(NOW).safeParse({
      ...full,
      restingBp: { systolicMmHg: 400, diastolicMmHg: 80 },
    });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(assessmentIssues(r.error)).toEqual([
      { field: 'restingBp.systolicMmHg', message: 'must be 60–300 mmHg (got 400)' },
    ]);
  });

  it('refuses a 6-minute walk of −5 m naming sixMinuteWalk.distanceM', () => {
    const r = assessmentSchemaAt(NOW).safeParse({ ...full, sixMinuteWalk: { distanceM: -5 } });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(assessmentIssues(r.error)).toEqual([
      { field: 'sixMinuteWalk.distanceM', message: 'must be 0–1000 m (got -5)' },
    ]);
  });

  it('refuses an unknown field, at the top and inside a group, naming it', () => {
    expect(refusedFields({ ...full, bloodType: 'A' })).toEqual(['']);
    const top = assessmentSchemaAt(NOW).safeParse({ ...full, bloodType: 'A' });
    expect(top.success ? '' : top.error.issues[0]?.message).toContain('bloodType');
    const inner = assessmentSchemaAt(NOW).safeParse({
      ...full,
      sixMinuteWalk: { distanceM: 400, lapsM: 30 },
    });
    expect(inner.success).toBe(false);
    if (inner.success) return;
    expect(inner.error.issues[0]?.path).toEqual(['sixMinuteWalk']);
    expect(inner.error.issues[0]?.message).toContain('lapsM');
  });

  it('refuses a date in the future naming date; today is accepted', () => {
    expect(refusedFields({ ...full, date: '2026-12-09' })).toEqual(['date']);
    const r = assessmentSchemaAt(NOW, 0).safeParse({ ...full, date: '2026-12-08' });
    expect(r.success ? '' : r.error.issues[0]?.message).toBe(
      'must not be in the future (got 2026-12-08, today is 2026-12-07)',
    );
    expect(refusedFields({ ...full, date: '2026-12-07' }, assessmentSchemaAt(NOW, 0))).toEqual([]);
    // 07:00 in Beijing on the 8th is still the 7th in UTC: the default zone accepts the local "today".
    expect(latestAssessmentDate(Date.parse('2026-12-07T23:00:00Z'))).toBe('2026-12-08');
    expect(latestAssessmentDate(Date.parse('2026-12-07T23:00:00Z'), 8 * 60)).toBe('2026-12-08');
    expect(latestAssessmentDate(Date.parse('2026-12-07T23:00:00Z'), 0)).toBe('2026-12-07');
  });

  it('refuses a date that is not a date', () => {
    expect(refusedFields({ ...full, date: '2026-13-01' })).toEqual(['date']);
    expect(refusedFields({ ...full, date: '1 Dec 2026' })).toEqual(['date']);
  });

  it('refuses an assessment with nothing measured', () => {
    const { participantId, date, kind, source } = full;
    const r = assessmentInputSchema.safeParse({ participantId, date, kind, source });
    expect(r.success ? '' : r.error.issues[0]?.message).toMatch(/^must record at least one of/);
  });

  it('names the cross-field refusals', () => {
    expect(refusedFields({ ...full, restingBp: { systolicMmHg: 80, diastolicMmHg: 90 } })).toEqual([
      'restingBp.diastolicMmHg',
    ]);
    expect(
      refusedFields({
        ...full,
        restingBp: { systolicMmHg: 120, diastolicMmHg: 80, otherArm: full.restingBp.otherArm },
      }),
    ).toEqual(['restingBp.arm']);
    expect(
      refusedFields({
        ...full,
        exerciseTest: { peakHrBpm: 130, ischaemicThresholdBpm: 140, peakMets: 6, stopReason: 'angina' },
      }),
    ).toEqual(['exerciseTest.ischaemicThresholdBpm']);
    expect(refusedFields({ ...full, exerciseTest: { peakHrBpm: 130, stopReason: 'angina' } })).toEqual([
      'exerciseTest.peakMets',
    ]);
    expect(refusedFields({ ...full, exerciseTest: { ...full.exerciseTest, stopReason: 'bored' } })).toEqual([
      'exerciseTest.stopReason',
    ]);
    expect(
      refusedFields({
        ...full,
        sixMinuteWalk: { distanceM: 300, spo2BeforePercent: 92, spo2LowestPercent: 95 },
      }),
    ).toEqual(['sixMinuteWalk.spo2LowestPercent']);
    expect(refusedFields({ ...full, sixMinuteWalk: { distanceM: 300, stops: 1.5 } })).toEqual([
      'sixMinuteWalk.stops',
    ]);
  });

  it('one mistake, one message: cross-field checks skip a value already refused for its range', () => {
    expect(refusedFields({ ...full, restingBp: { systolicMmHg: 50, diastolicMmHg: 55 } })).toEqual([
      'restingBp.systolicMmHg',
    ]);
    expect(
      refusedFields({
        ...full,
        exerciseTest: { peakHrBpm: 30, ischaemicThresholdBpm: 45, peakMets: 5, stopReason: 'angina' },
      }),
    ).toEqual(['exerciseTest.peakHrBpm']);
  });

  it('accepts a negative sit-and-reach and refuses an implausible one', () => {
    expect(refusedFields({ ...full, sitAndReachCm: -12 })).toEqual([]);
    expect(refusedFields({ ...full, sitAndReachCm: -80 })).toEqual(['sitAndReachCm']);
  });

  it('documents each unit and range in the JSON Schema the OpenAPI document is made from', () => {
    const js = z.toJSONSchema(assessmentInputSchema, { io: 'input', unrepresentable: 'any' }) as {
      properties: Record<
        string,
        { description?: string; properties?: Record<string, { description?: string }> }
      >;
    };
    expect(js.properties.restingBp?.properties?.systolicMmHg?.description).toBe('mmHg (60 to 300)');
    expect(js.properties.sixMinuteWalk?.properties?.stops?.description).toBe('count (0 to 50, whole number)');
    expect(js.properties.sitAndReachCm?.description).toBe('cm (-50 to 60)');
  });

  it('declares a unit and a range for every measure', () => {
    for (const [path, m] of Object.entries(ASSESSMENT_MEASURES)) {
      expect(m.unit, path).not.toBe('');
      expect(m.min, path).toBeLessThan(m.max);
    }
  });
});

describe('programmes, enrolments and proposals', () => {
  it('ships the two presets, and they are valid definitions', () => {
    expect(programmeDefinitionSchema.parse(PROGRAMME_PRESETS['cardiac-rehab'])).toMatchObject({
      totalSessions: 36,
      weeks: 12,
    });
    expect(programmeDefinitionSchema.parse(PROGRAMME_PRESETS['pulmonary-rehab'])).toMatchObject({
      totalSessions: 24,
      weeks: 8,
    });
  });

  it('refuses a re-assessment point after the end of the programme, naming it', () => {
    const r = programmeDefinitionSchema.safeParse({
      name: 'Short',
      totalSessions: 12,
      weeks: 4,
      reassessAt: [{ atSession: 6 }, { atWeek: 5 }],
    });
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toEqual(['reassessAt.1.atWeek']);
  });

  it('enrolment defaults to no home sessions and refuses an empty override reason', () => {
    expect(
      enrolmentInputSchema.parse({ participantId: 'p', programmeId: 'g', startDate: '2026-12-01' })
        .homeSessions,
    ).toBe(false);
    const r = enrolmentInputSchema.safeParse({
      participantId: 'p',
      programmeId: 'g',
      startDate: '2026-12-01',
      homeSessions: true,
      highRiskOverride: { reason: ' ' },
    });
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toEqual(['highRiskOverride.reason']);
  });

  it('a rejection needs a reason', () => {
    expect(proposalDecisionSchema.safeParse({ status: 'rejected' }).success).toBe(false);
    expect(proposalDecisionSchema.safeParse({ status: 'rejected', reason: 'wait for echo' }).success).toBe(
      true,
    );
    const base = {
      kind: 'hold',
      weekStartMs: 0,
      weekEndMs: 1,
      proposed: {},
      changes: [],
      reasons: [],
      evidence: { sessionIds: [] },
    };
    const r = progressionProposalSchema.safeParse({ ...base, status: 'rejected' });
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toEqual(['reason']);
  });
});
