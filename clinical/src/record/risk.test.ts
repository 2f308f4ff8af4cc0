import type { Assessment } from '@zonewatch/protocol';
import { cardiacRiskResultSchema, screeningResultSchema } from '@zonewatch/protocol';
import { describe, expect, it } from 'vitest';
import {
  acsmScreening,
  exerciseRisk,
  homeSessionsPermitted,
  metsFromCycleWatts,
  screeningDiseasesFromConditions,
  stratifyCardiacRisk,
} from './risk.js';

type ExerciseTest = NonNullable<Assessment['exerciseTest']>;
type CardiacHistory = NonNullable<Assessment['cardiacHistory']>;

/** Every lowest-risk criterion of the AACVPR table met (worked case "lowest risk"). */
const normalTest: ExerciseTest = {
  peakHrBpm: 150,
  peakMets: 8,
  stopReason: 'volitional-fatigue',
  complexVentricularDysrhythmia: false,
  symptomsInRecovery: false,
  stDepressionMm: 0,
  abnormalHaemodynamics: false,
};
const normalHistory: CardiacHistory = {
  lvefPercent: 58,
  cardiacArrestSurvivor: false,
  complexDysrhythmiaAtRest: false,
  complicatedEvent: false,
  heartFailure: false,
  postEventIschaemia: false,
  clinicalDepression: false,
};

const risk = (
  test: Partial<ExerciseTest> | null,
  history: Partial<CardiacHistory> = {},
  conditions?: string[],
) =>
  stratifyCardiacRisk({
    exerciseTest: test === null ? null : { ...normalTest, ...test },
    cardiacHistory: { ...normalHistory, ...history },
    ...(conditions ? { conditions } : {}),
  });
const criteria = (r: ReturnType<typeof stratifyCardiacRisk>) => r.decidedBy.map((d) => d.criterion);

describe('AACVPR risk stratification (worked cases from the table)', () => {
  it('lowest risk: every lowest-risk criterion known and met, each one listed', () => {
    const r = risk({});
    expect(r.riskClass).toBe('low');
    expect(r.unknown).toEqual([]);
    expect(criteria(r)).toEqual([
      'no-symptoms',
      'no-st-depression',
      'normal-haemodynamics',
      'functional-capacity-7-mets-or-more',
      'lvef-50-or-more',
      'no-complex-dysrhythmia-at-rest',
      'uncomplicated-event',
      'no-heart-failure',
      'no-post-event-ischaemia',
      'no-clinical-depression',
    ]);
    expect(cardiacRiskResultSchema.parse(r)).toEqual(r);
  });

  it('highest risk: resting LVEF 35 % alone', () => {
    const r = risk({}, { lvefPercent: 35 });
    expect(r.riskClass).toBe('high');
    expect(r.decidedBy).toEqual([{ criterion: 'lvef-below-40', riskClass: 'high', value: 35 }]);
  });

  it('highest risk: angina at 4 METs (low workload, < 5 METs)', () => {
    const r = risk({ symptomOnsetMets: 4, peakMets: 5.5, stopReason: 'angina' });
    expect(r.riskClass).toBe('high');
    expect(r.decidedBy).toEqual([{ criterion: 'symptoms-below-5-mets', riskClass: 'high', value: 4 }]);
  });

  it('highest risk: a test stopped for angina without an onset workload counts the peak (4.8 METs)', () => {
    expect(risk({ peakMets: 4.8, stopReason: 'angina' }).decidedBy[0]).toEqual({
      criterion: 'symptoms-below-5-mets',
      riskClass: 'high',
      value: 4.8,
    });
  });

  it('highest risk: silent ischaemia with ST depression of 2.5 mm', () => {
    expect(criteria(risk({ stDepressionMm: 2.5 }))).toEqual(['st-depression-2mm-or-more']);
  });

  it('highest risk: flat or falling SBP (a test stopped for a BP drop)', () => {
    const r = risk({ stopReason: 'bp-drop', abnormalHaemodynamics: undefined });
    expect(r.riskClass).toBe('high');
    expect(criteria(r)).toEqual(['abnormal-haemodynamics']);
  });

  it('highest risk: survivor of cardiac arrest, clinical depression, complicated MI — all listed', () => {
    const r = risk({}, { cardiacArrestSurvivor: true, clinicalDepression: true, complicatedEvent: true });
    expect(r.riskClass).toBe('high');
    expect(criteria(r)).toEqual(['cardiac-arrest-survivor', 'complicated-event', 'clinical-depression']);
  });

  it('highest risk: heart failure from the registry conditions', () => {
    const r = risk({}, { heartFailure: undefined }, ['heart-failure']);
    expect(criteria(r)).toEqual(['heart-failure']);
  });

  it('highest risk: complex ventricular dysrhythmias during the test', () => {
    expect(criteria(risk({ complexVentricularDysrhythmia: true }))).toEqual([
      'complex-ventricular-dysrhythmia-exercise',
    ]);
  });

  it('moderate risk: resting LVEF 45 %', () => {
    const r = risk({}, { lvefPercent: 45 });
    expect(r.riskClass).toBe('moderate');
    expect(r.decidedBy).toEqual([{ criterion: 'lvef-40-to-49', riskClass: 'moderate', value: 45 }]);
  });

  it('moderate risk: angina only at high exertion (≥ 7 METs)', () => {
    const r = risk({ symptomOnsetMets: 7.5, peakMets: 9 });
    expect(r.riskClass).toBe('moderate');
    expect(criteria(r)).toEqual(['symptoms-at-7-mets-or-more']);
  });

  it('moderate risk: mild silent ischaemia (ST depression 1 mm)', () => {
    expect(criteria(risk({ stDepressionMm: 1 }))).toEqual(['st-depression-below-2mm']);
    expect(risk({ stDepressionMm: 1 }).riskClass).toBe('moderate');
  });

  it('moderate risk: functional capacity 4.5 METs without symptoms', () => {
    const r = risk({ peakMets: 4.5 });
    expect(r.riskClass).toBe('moderate');
    expect(criteria(r)).toEqual(['functional-capacity-below-5-mets']);
  });

  it('between the lists: 6 METs is not lowest risk, so moderate, naming it', () => {
    const r = risk({ peakMets: 6 });
    expect(r.riskClass).toBe('moderate');
    expect(criteria(r)).toEqual(['functional-capacity-5-to-7-mets']);
  });

  it('a cycle test in watts is converted with the body mass (ACSM leg-cycle equation)', () => {
    expect(metsFromCycleWatts(100, 80)).toBe(5.9);
    const r = stratifyCardiacRisk({
      exerciseTest: { ...normalTest, peakMets: undefined, peakWatts: 100 },
      cardiacHistory: normalHistory,
      weightKg: 80,
    });
    expect(r.decidedBy).toEqual([
      { criterion: 'functional-capacity-5-to-7-mets', riskClass: 'moderate', value: 5.9 },
    ]);
  });

  it('no exercise test: never low; moderate with the unknown named', () => {
    const r = risk(null);
    expect(r).toEqual({ scheme: 'aacvpr', riskClass: 'moderate', decidedBy: [], unknown: ['exercise-test'] });
  });

  it('unknown findings are listed, and a high criterion still decides', () => {
    const r = stratifyCardiacRisk({ exerciseTest: { peakHrBpm: 120, peakMets: 6, stopReason: 'dyspnoea' } });
    expect(r.riskClass).toBe('moderate');
    expect(r.unknown).toEqual([
      'ventricular-dysrhythmia-exercise',
      'symptoms',
      'st-depression',
      'haemodynamics',
      'lvef',
      'complex-dysrhythmia-at-rest',
      'event-complication',
      'heart-failure',
      'post-event-ischaemia',
      'clinical-depression',
    ]);
    expect(stratifyCardiacRisk({ cardiacHistory: { lvefPercent: 30 } }).riskClass).toBe('high');
  });
});

describe('ACSM 2015 pre-participation screening (the algorithm, branch by branch)', () => {
  const none = { knownDisease: [], symptoms: [] } as const;

  it('inactive, no disease, no symptoms: clearance not necessary, light to moderate', () => {
    const r = acsmScreening({ ...none, exercisesRegularly: false, desiredIntensity: 'vigorous' });
    expect(r).toEqual({
      scheme: 'acsm-2015',
      medicalClearance: 'not-necessary',
      discontinueUntilCleared: false,
      recommendedIntensity: 'light-to-moderate',
      reasons: [{ code: 'no-disease-no-symptoms' }],
    });
    expect(screeningResultSchema.parse(r)).toEqual(r);
  });

  it('inactive with type 2 diabetes, asymptomatic: clearance recommended', () => {
    const r = acsmScreening({
      exercisesRegularly: false,
      knownDisease: ['metabolic'],
      symptoms: [],
      desiredIntensity: 'moderate',
    });
    expect(r.medicalClearance).toBe('recommended');
    expect(r.recommendedIntensity).toBe('light-to-moderate');
    expect(r.reasons).toEqual([{ code: 'known-disease-inactive', diseases: ['metabolic'] }]);
  });

  it('inactive with ankle oedema: clearance recommended, naming the symptom', () => {
    const r = acsmScreening({
      ...none,
      exercisesRegularly: false,
      symptoms: ['ankle-oedema'],
      desiredIntensity: 'light',
    });
    expect(r.medicalClearance).toBe('recommended');
    expect(r.discontinueUntilCleared).toBe(false);
    expect(r.reasons).toEqual([{ code: 'signs-or-symptoms', symptoms: ['ankle-oedema'] }]);
  });

  it('active, no disease, no symptoms: continue moderate or vigorous', () => {
    const r = acsmScreening({ ...none, exercisesRegularly: true, desiredIntensity: 'vigorous' });
    expect(r.medicalClearance).toBe('not-necessary');
    expect(r.recommendedIntensity).toBe('moderate-to-vigorous');
  });

  it('active with known CVD, asymptomatic: moderate without clearance, vigorous needs it', () => {
    const base = { exercisesRegularly: true, knownDisease: ['cardiovascular'] as const, symptoms: [] };
    const moderate = acsmScreening({
      ...base,
      knownDisease: [...base.knownDisease],
      desiredIntensity: 'moderate',
    });
    expect(moderate.medicalClearance).toBe('not-necessary');
    expect(moderate.reasons[0]?.code).toBe('known-disease-moderate-ok');
    const vigorous = acsmScreening({
      ...base,
      knownDisease: [...base.knownDisease],
      desiredIntensity: 'vigorous',
    });
    expect(vigorous.medicalClearance).toBe('recommended');
    expect(vigorous.reasons[0]?.code).toBe('known-disease-vigorous');
  });

  it('active with palpitations: discontinue and seek clearance', () => {
    const r = acsmScreening({
      exercisesRegularly: true,
      knownDisease: ['renal'],
      symptoms: ['palpitations-or-tachycardia'],
      desiredIntensity: 'moderate',
    });
    expect(r.medicalClearance).toBe('recommended');
    expect(r.discontinueUntilCleared).toBe(true);
    expect(r.reasons).toEqual([
      { code: 'signs-or-symptoms', symptoms: ['palpitations-or-tachycardia'], diseases: ['renal'] },
    ]);
  });

  it('registry conditions prefill the disease classes (hypertension and COPD are not among them)', () => {
    expect(screeningDiseasesFromConditions(['hypertension', 'diabetes', 'copd', 'cardiac-rehab'])).toEqual([
      'metabolic',
      'cardiovascular',
    ]);
    expect(screeningDiseasesFromConditions(['obesity', 'older-adults'])).toEqual([]);
  });
});

describe('which scheme, and home sessions', () => {
  const pre = {
    exercisesRegularly: false,
    knownDisease: [],
    symptoms: [],
    desiredIntensity: 'moderate',
  } as const;

  it('cardiac participants get AACVPR, others the ACSM screening, nothing without data', () => {
    expect(
      exerciseRisk({
        conditions: ['cardiac-rehab'],
        preParticipation: { ...pre, knownDisease: [], symptoms: [] },
      })?.scheme,
    ).toBe('aacvpr');
    expect(
      exerciseRisk({ conditions: ['copd'], preParticipation: { ...pre, knownDisease: [], symptoms: [] } })
        ?.scheme,
    ).toBe('acsm-2015');
    expect(exerciseRisk({ conditions: ['copd'] })).toBeNull();
  });

  it('a high-risk participant needs an override with a reason for home sessions', () => {
    const high = risk({}, { lvefPercent: 30 });
    expect(homeSessionsPermitted(high, null)).toEqual({ allowed: false, code: 'high-risk-needs-override' });
    expect(homeSessionsPermitted(high, { reason: '  ' })).toEqual({
      allowed: false,
      code: 'high-risk-needs-override',
    });
    expect(homeSessionsPermitted(high, { reason: 'ICD fitted, stable 6 months' })).toEqual({
      allowed: true,
      code: 'high-risk-override',
    });
    expect(homeSessionsPermitted(risk({}, { lvefPercent: 45 }), null)).toEqual({
      allowed: true,
      code: 'not-high-risk',
    });
    expect(homeSessionsPermitted(null, null).allowed).toBe(true);
  });
});
