import { z } from 'zod';

/**
 * The assessment of the exercise-health record (issue 15, 测/评): what a clinician or trained instructor
 * measures on one date, by hand or from a measuring device. Every figure has its unit in its name and a
 * plausible range ({@link ASSESSMENT_MEASURES}, declared once: the console's inputs take min/max/unit from
 * it); a value outside is refused naming the field (the issue's path, e.g. `restingBp.systolicMmHg`).
 * Every group is `.strict()`: an unknown field is refused, never silently dropped. BMI is derived
 * (`@zonewatch/clinical`'s `bodyMassIndex`), never an input. "Not in the future" needs a clock, so it is
 * {@link assessmentSchemaAt}(now); {@link assessmentInputSchema} is the same document without that check.
 */

// ---------------------------------------------------------------------------------------------- measures

/** One measured figure: its unit, plausible range (inclusive) and whether it is a whole number. */
export interface Measure {
  unit: string;
  min: number;
  max: number;
  int?: boolean;
}

/**
 * Every measured figure, by its dotted path in the assessment. Ranges are plausibility limits for adults in
 * rehabilitation (typing errors are refused; rare true values near them are accepted), not normal ranges.
 */
export const ASSESSMENT_MEASURES = Object.freeze({
  'anthropometrics.heightCm': { unit: 'cm', min: 100, max: 250 },
  'anthropometrics.weightKg': { unit: 'kg', min: 20, max: 350 },
  'anthropometrics.waistCm': { unit: 'cm', min: 40, max: 250 },
  restingHrBpm: { unit: 'bpm', min: 25, max: 220 },
  'restingBp.systolicMmHg': { unit: 'mmHg', min: 60, max: 300 },
  'restingBp.diastolicMmHg': { unit: 'mmHg', min: 30, max: 200 },
  'sixMinuteWalk.distanceM': { unit: 'm', min: 0, max: 1000 },
  'sixMinuteWalk.hrBeforeBpm': { unit: 'bpm', min: 25, max: 250 },
  'sixMinuteWalk.hrAfterBpm': { unit: 'bpm', min: 25, max: 250 },
  'sixMinuteWalk.spo2BeforePercent': { unit: '%', min: 50, max: 100 },
  'sixMinuteWalk.spo2AfterPercent': { unit: '%', min: 50, max: 100 },
  'sixMinuteWalk.spo2LowestPercent': { unit: '%', min: 50, max: 100 },
  /** Modified Borg CR10 scale, at the end of the walk (ATS 2002). */
  'sixMinuteWalk.borgDyspnoea': { unit: 'Borg CR10', min: 0, max: 10 },
  'sixMinuteWalk.borgFatigue': { unit: 'Borg CR10', min: 0, max: 10 },
  'sixMinuteWalk.stops': { unit: 'count', min: 0, max: 50, int: true },
  /** Supplemental oxygen during the walk (0 = room air); walks are comparable only at the same flow. */
  'sixMinuteWalk.oxygenLPerMin': { unit: 'L/min', min: 0, max: 15 },
  chairStand30sReps: { unit: 'reps', min: 0, max: 60, int: true },
  gripStrengthKg: { unit: 'kg', min: 0, max: 120 },
  /** Negative: the fingertips stop short of the toes. */
  sitAndReachCm: { unit: 'cm', min: -50, max: 60 },
  singleLegStanceS: { unit: 's', min: 0, max: 300 },
  'exerciseTest.peakHrBpm': { unit: 'bpm', min: 40, max: 250 },
  'exerciseTest.peakMets': { unit: 'METs', min: 1, max: 25 },
  'exerciseTest.peakWatts': { unit: 'W', min: 5, max: 600 },
  'exerciseTest.ischaemicThresholdBpm': { unit: 'bpm', min: 40, max: 250 },
  /** Workload at the onset of angina or other significant symptoms (absent: none occurred). */
  'exerciseTest.symptomOnsetMets': { unit: 'METs', min: 1, max: 25 },
  /** Largest ST depression from baseline during the test or recovery. */
  'exerciseTest.stDepressionMm': { unit: 'mm', min: 0, max: 10 },
  'exerciseTest.peakSystolicMmHg': { unit: 'mmHg', min: 60, max: 300 },
  'cardiacHistory.lvefPercent': { unit: '%', min: 5, max: 85 },
} satisfies Record<string, Measure>);
export type AssessmentMeasurePath = keyof typeof ASSESSMENT_MEASURES;

const fmt = (m: Measure) => `${m.min}–${m.max} ${m.unit}`;

/** The number schema of one measure: range and wholeness refused with the range and the value given. */
export function measureSchema(path: AssessmentMeasurePath) {
  const m: Measure = ASSESSMENT_MEASURES[path];
  const range = { error: (iss: { input?: unknown }) => `must be ${fmt(m)} (got ${String(iss.input)})` };
  const n = z
    .number({ error: (iss) => (iss.input === undefined ? 'is required' : `must be a number (${m.unit})`) })
    .min(m.min, range)
    .max(m.max, range);
  // The unit and range also reach the OpenAPI document (JSON Schema `description`).
  const described = `${m.unit} (${m.min} to ${m.max}${m.int ? ', whole number' : ''})`;
  return (m.int ? n.int({ error: `must be a whole number (${m.unit})` }) : n).describe(described);
}

/**
 * True when `value` passes its own measure's check. Cross-field checks run only on such values (zod runs
 * refinements after a range issue), so one mistake gives one message.
 */
function plausible(path: AssessmentMeasurePath, value: unknown): value is number {
  const m: Measure = ASSESSMENT_MEASURES[path];
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= m.min &&
    value <= m.max &&
    (!m.int || Number.isInteger(value))
  );
}

const text = (max: number) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

const oneOf = (names: readonly string[]) => ({ error: `must be one of ${names.join(', ')}` });

// ---------------------------------------------------------------------------------------------- vocabulary

export const ASSESSMENT_KINDS = ['baseline', 'reassessment', 'pre-session'] as const;
export const assessmentKindSchema = z.enum(ASSESSMENT_KINDS, oneOf(ASSESSMENT_KINDS));
export type AssessmentKind = z.infer<typeof assessmentKindSchema>;

/** `device`: the values came from a measuring device over the API (its identity in `device`). */
export const ASSESSMENT_SOURCES = ['manual', 'device'] as const;
export const assessmentSourceSchema = z.enum(ASSESSMENT_SOURCES, oneOf(ASSESSMENT_SOURCES));
export type AssessmentSource = z.infer<typeof assessmentSourceSchema>;

export const BP_ARMS = ['left', 'right'] as const;
export const bpArmSchema = z.enum(BP_ARMS, oneOf(BP_ARMS));

/** Reasons for stopping a symptom-limited exercise test (ACSM GETP 11th ed., indications for terminating). */
export const EXERCISE_TEST_STOP_REASONS = [
  'volitional-fatigue',
  'target-reached',
  'dyspnoea',
  'angina',
  'st-depression',
  'arrhythmia',
  'bp-drop',
  'bp-excessive',
  'dizziness',
  'claudication',
  'leg-fatigue',
  'equipment',
  'other',
] as const;
export const exerciseTestStopReasonSchema = z.enum(
  EXERCISE_TEST_STOP_REASONS,
  oneOf(EXERCISE_TEST_STOP_REASONS),
);
export type ExerciseTestStopReason = z.infer<typeof exerciseTestStopReasonSchema>;

export const EXERCISE_TEST_MODALITIES = ['treadmill', 'cycle', 'other'] as const;

/** Known disease classes of the ACSM 2015 pre-participation screening (Riebe et al., MSSE 2015). */
export const SCREENING_DISEASES = ['cardiovascular', 'metabolic', 'renal'] as const;
export const screeningDiseaseSchema = z.enum(SCREENING_DISEASES, oneOf(SCREENING_DISEASES));
export type ScreeningDisease = z.infer<typeof screeningDiseaseSchema>;

/** Signs and symptoms suggestive of cardiovascular, metabolic or renal disease (ACSM GETP 11th ed., ch. 2). */
export const SCREENING_SYMPTOMS = [
  'ischaemic-pain',
  'dyspnoea-at-rest-or-mild-exertion',
  'dizziness-or-syncope',
  'orthopnoea-or-pnd',
  'ankle-oedema',
  'palpitations-or-tachycardia',
  'intermittent-claudication',
  'heart-murmur',
  'unusual-fatigue',
] as const;
export const screeningSymptomSchema = z.enum(SCREENING_SYMPTOMS, oneOf(SCREENING_SYMPTOMS));
export type ScreeningSymptom = z.infer<typeof screeningSymptomSchema>;

export const EXERCISE_INTENSITIES = ['light', 'moderate', 'vigorous'] as const;
export const exerciseIntensitySchema = z.enum(EXERCISE_INTENSITIES, oneOf(EXERCISE_INTENSITIES));
export type ExerciseIntensity = z.infer<typeof exerciseIntensitySchema>;

// ---------------------------------------------------------------------------------------------- groups

const atLeastOne = (v: Record<string, unknown>) => Object.values(v).some((x) => x !== undefined);

export const anthropometricsSchema = z
  .strictObject({
    heightCm: measureSchema('anthropometrics.heightCm').optional(),
    weightKg: measureSchema('anthropometrics.weightKg').optional(),
    waistCm: measureSchema('anthropometrics.waistCm').optional(),
  })
  .refine(atLeastOne, 'must give at least one of heightCm, weightKg, waistCm');

const bpReading = {
  systolicMmHg: measureSchema('restingBp.systolicMmHg'),
  diastolicMmHg: measureSchema('restingBp.diastolicMmHg'),
};
const diastolicBelowSystolic = (
  v: { systolicMmHg: number; diastolicMmHg: number },
  ctx: z.RefinementCtx,
  at: string[] = [],
) => {
  const { systolicMmHg: sys, diastolicMmHg: dia } = v;
  if (plausible('restingBp.systolicMmHg', sys) && plausible('restingBp.diastolicMmHg', dia) && dia >= sys)
    ctx.addIssue({
      code: 'custom',
      path: [...at, 'diastolicMmHg'],
      message: `must be below systolicMmHg (${v.diastolicMmHg} ≥ ${v.systolicMmHg})`,
    });
};

/** Resting blood pressure (mmHg); `arm` optional; `otherArm` is the contralateral reading (needs `arm`). */
export const restingBpSchema = z
  .strictObject({
    ...bpReading,
    arm: bpArmSchema.optional(),
    otherArm: z.strictObject(bpReading).optional(),
  })
  .superRefine((v, ctx) => {
    diastolicBelowSystolic(v, ctx);
    if (v.otherArm) {
      diastolicBelowSystolic(v.otherArm, ctx, ['otherArm']);
      if (v.arm === undefined)
        ctx.addIssue({ code: 'custom', path: ['arm'], message: 'is required when otherArm is given' });
    }
  });

/** Six-minute walk test (ATS 2002; ERS/ATS technical standard, Holland et al. 2014). */
export const sixMinuteWalkSchema = z
  .strictObject({
    distanceM: measureSchema('sixMinuteWalk.distanceM'),
    hrBeforeBpm: measureSchema('sixMinuteWalk.hrBeforeBpm').optional(),
    hrAfterBpm: measureSchema('sixMinuteWalk.hrAfterBpm').optional(),
    spo2BeforePercent: measureSchema('sixMinuteWalk.spo2BeforePercent').optional(),
    spo2AfterPercent: measureSchema('sixMinuteWalk.spo2AfterPercent').optional(),
    spo2LowestPercent: measureSchema('sixMinuteWalk.spo2LowestPercent').optional(),
    borgDyspnoea: measureSchema('sixMinuteWalk.borgDyspnoea').optional(),
    borgFatigue: measureSchema('sixMinuteWalk.borgFatigue').optional(),
    stops: measureSchema('sixMinuteWalk.stops').optional(),
    oxygenLPerMin: measureSchema('sixMinuteWalk.oxygenLPerMin').optional(),
  })
  .superRefine((v, ctx) => {
    const lowest = v.spo2LowestPercent;
    if (lowest === undefined) return;
    for (const k of ['spo2BeforePercent', 'spo2AfterPercent'] as const) {
      const x = v[k];
      if (
        plausible(`sixMinuteWalk.${k}`, x) &&
        plausible('sixMinuteWalk.spo2LowestPercent', lowest) &&
        lowest > x
      )
        ctx.addIssue({
          code: 'custom',
          path: ['spo2LowestPercent'],
          message: `must not be above ${k} (${lowest} > ${x})`,
        });
    }
  });

/**
 * Symptom-limited exercise test. Peak workload in METs or watts (at least one). The last four fields are
 * the test findings AACVPR risk stratification reads (`@zonewatch/clinical`'s `stratifyCardiacRisk`); a
 * boolean left out means "not known" (the lowest risk class then cannot be shown).
 */
export const exerciseTestSchema = z
  .strictObject({
    modality: z.enum(EXERCISE_TEST_MODALITIES, oneOf(EXERCISE_TEST_MODALITIES)).optional(),
    peakHrBpm: measureSchema('exerciseTest.peakHrBpm'),
    peakMets: measureSchema('exerciseTest.peakMets').optional(),
    peakWatts: measureSchema('exerciseTest.peakWatts').optional(),
    ischaemicThresholdBpm: measureSchema('exerciseTest.ischaemicThresholdBpm').optional(),
    stopReason: exerciseTestStopReasonSchema,
    /** The test was done on the participant's current medication (a measured hrMax then "always wins"). */
    onCurrentMedication: z.boolean().optional(),
    peakSystolicMmHg: measureSchema('exerciseTest.peakSystolicMmHg').optional(),
    /** Complex ventricular dysrhythmias during the test or recovery. */
    complexVentricularDysrhythmia: z.boolean().optional(),
    /** Workload (METs) at which angina or other significant symptoms began; absent: none. */
    symptomOnsetMets: measureSchema('exerciseTest.symptomOnsetMets').optional(),
    /** Angina or other significant symptoms in recovery (false with no `symptomOnsetMets`: no symptoms at all). */
    symptomsInRecovery: z.boolean().optional(),
    stDepressionMm: measureSchema('exerciseTest.stDepressionMm').optional(),
    /** Chronotropic incompetence, flat or falling SBP with rising workload, or severe post-exercise hypotension. */
    abnormalHaemodynamics: z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.peakMets === undefined && v.peakWatts === undefined)
      ctx.addIssue({ code: 'custom', path: ['peakMets'], message: 'peakMets or peakWatts is required' });
    const t = v.ischaemicThresholdBpm;
    if (
      plausible('exerciseTest.ischaemicThresholdBpm', t) &&
      plausible('exerciseTest.peakHrBpm', v.peakHrBpm) &&
      t > v.peakHrBpm
    )
      ctx.addIssue({
        code: 'custom',
        path: ['ischaemicThresholdBpm'],
        message: `must not be above peakHrBpm (${v.ischaemicThresholdBpm} > ${v.peakHrBpm})`,
      });
    const onset = v.symptomOnsetMets;
    if (
      plausible('exerciseTest.symptomOnsetMets', onset) &&
      plausible('exerciseTest.peakMets', v.peakMets) &&
      onset > v.peakMets
    )
      ctx.addIssue({
        code: 'custom',
        path: ['symptomOnsetMets'],
        message: `must not be above peakMets (${v.symptomOnsetMets} > ${v.peakMets})`,
      });
  });

/** Non-exercise findings AACVPR risk stratification reads (true / false; absent: not known). */
export const cardiacHistorySchema = z.strictObject({
  lvefPercent: measureSchema('cardiacHistory.lvefPercent').optional(),
  cardiacArrestSurvivor: z.boolean().optional(),
  complexDysrhythmiaAtRest: z.boolean().optional(),
  /** Complicated MI or revascularisation procedure (e.g. cardiogenic shock, heart failure, recurrent ischaemia). */
  complicatedEvent: z.boolean().optional(),
  heartFailure: z.boolean().optional(),
  /** Signs or symptoms of post-event / post-procedure ischaemia. */
  postEventIschaemia: z.boolean().optional(),
  clinicalDepression: z.boolean().optional(),
});

/** The ACSM 2015 pre-participation screening questions (Riebe et al., MSSE 2015; GETP 11th ed., ch. 2). */
export const preParticipationSchema = z.strictObject({
  /** Planned, structured exercise ≥ 30 min at moderate intensity on ≥ 3 days a week for ≥ 3 months. */
  exercisesRegularly: z.boolean({ error: 'must be true or false' }),
  knownDisease: z.array(screeningDiseaseSchema).max(SCREENING_DISEASES.length),
  symptoms: z.array(screeningSymptomSchema).max(SCREENING_SYMPTOMS.length),
  desiredIntensity: exerciseIntensitySchema,
});

// ---------------------------------------------------------------------------------------------- assessment

const MEASUREMENT_GROUPS = [
  'anthropometrics',
  'restingHrBpm',
  'restingBp',
  'sixMinuteWalk',
  'chairStand30sReps',
  'gripStrengthKg',
  'sitAndReachCm',
  'singleLegStanceS',
  'exerciseTest',
  'cardiacHistory',
  'preParticipation',
  'findings',
] as const;

const isoDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

const assessmentShape = {
  participantId: text(100),
  /** The day it was measured (YYYY-MM-DD); not after today (see {@link assessmentSchemaAt}). */
  date: isoDate,
  kind: assessmentKindSchema,
  source: assessmentSourceSchema,
  /** The measuring device (name or serial) when `source` is `device`. */
  device: text(200).optional(),
  anthropometrics: anthropometricsSchema.optional(),
  restingHrBpm: measureSchema('restingHrBpm').optional(),
  restingBp: restingBpSchema.optional(),
  sixMinuteWalk: sixMinuteWalkSchema.optional(),
  chairStand30sReps: measureSchema('chairStand30sReps').optional(),
  gripStrengthKg: measureSchema('gripStrengthKg').optional(),
  sitAndReachCm: measureSchema('sitAndReachCm').optional(),
  singleLegStanceS: measureSchema('singleLegStanceS').optional(),
  exerciseTest: exerciseTestSchema.optional(),
  cardiacHistory: cardiacHistorySchema.optional(),
  preParticipation: preParticipationSchema.optional(),
  findings: text(4000).optional(),
};

function checkDocument(v: { date: string } & Record<string, unknown>, ctx: z.RefinementCtx) {
  if (!MEASUREMENT_GROUPS.some((k) => v[k] !== undefined))
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: `must record at least one of ${MEASUREMENT_GROUPS.join(', ')}`,
    });
  if (isoDate.safeParse(v.date).success && v.date < '1900-01-01')
    ctx.addIssue({
      code: 'custom',
      path: ['date'],
      message: `must not be before 1900-01-01 (got ${v.date})`,
    });
}

/** The assessment document without the clock check (reading stored ones; shape for OpenAPI). */
export const assessmentInputSchema = z.strictObject(assessmentShape).superRefine(checkDocument);
export type AssessmentInput = z.input<typeof assessmentInputSchema>;
export type Assessment = z.output<typeof assessmentInputSchema>;

/**
 * The latest calendar date that is not "in the future" at `nowMs`: today's date at UTC+`utcOffsetMinutes`.
 * The default, UTC+14 (the earliest time zone), never refuses a local "today" anywhere; a site that knows
 * its offset passes it.
 */
export function latestAssessmentDate(nowMs: number, utcOffsetMinutes = 14 * 60): string {
  return new Date(nowMs + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The assessment document as accepted at `nowMs`: its date must not be in the future. */
export function assessmentSchemaAt(nowMs: number, utcOffsetMinutes?: number) {
  const latest = latestAssessmentDate(nowMs, utcOffsetMinutes);
  return assessmentInputSchema.superRefine((v, ctx) => {
    // A malformed date is refused by its own check alone (zod runs refinements after non-fatal issues).
    if (isoDate.safeParse(v.date).success && v.date > latest)
      ctx.addIssue({
        code: 'custom',
        path: ['date'],
        message: `must not be in the future (got ${v.date}, today is ${latest})`,
      });
  });
}

/** Dotted field paths and messages of a refused assessment (`restingBp.systolicMmHg: must be 60–300 mmHg …`). */
export function assessmentIssues(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message }));
}

// ---------------------------------------------------------------------------------------------- risk results

export const RISK_CLASSES = ['low', 'moderate', 'high'] as const;
export const riskClassSchema = z.enum(RISK_CLASSES, oneOf(RISK_CLASSES));
export type RiskClass = z.infer<typeof riskClassSchema>;

/**
 * The criteria of the AACVPR risk stratification for cardiac patients (AACVPR Guidelines for Cardiac
 * Rehabilitation Programs, 6th ed.; reproduced in ACSM GETP 11th ed., ch. 2), as codes the console words.
 */
export const CARDIAC_RISK_CRITERIA = [
  'complex-ventricular-dysrhythmia-exercise',
  'symptoms-below-5-mets',
  'symptoms-in-recovery',
  'symptoms-5-to-7-mets',
  'symptoms-at-7-mets-or-more',
  'no-symptoms',
  'st-depression-2mm-or-more',
  'st-depression-below-2mm',
  'no-st-depression',
  'abnormal-haemodynamics',
  'normal-haemodynamics',
  'functional-capacity-below-5-mets',
  'functional-capacity-5-to-7-mets',
  'functional-capacity-7-mets-or-more',
  'lvef-below-40',
  'lvef-40-to-49',
  'lvef-50-or-more',
  'cardiac-arrest-survivor',
  'complex-dysrhythmia-at-rest',
  'complicated-event',
  'heart-failure',
  'post-event-ischaemia',
  'clinical-depression',
  'no-complex-dysrhythmia-at-rest',
  'uncomplicated-event',
  'no-heart-failure',
  'no-post-event-ischaemia',
  'no-clinical-depression',
] as const;
export const cardiacRiskCriterionSchema = z.enum(CARDIAC_RISK_CRITERIA);
export type CardiacRiskCriterion = z.infer<typeof cardiacRiskCriterionSchema>;

/** What an unknown finding would have needed (the lowest class needs every one of them known and normal). */
export const CARDIAC_RISK_UNKNOWNS = [
  'exercise-test',
  'ventricular-dysrhythmia-exercise',
  'symptoms',
  'st-depression',
  'haemodynamics',
  'functional-capacity',
  'lvef',
  'complex-dysrhythmia-at-rest',
  'event-complication',
  'heart-failure',
  'post-event-ischaemia',
  'clinical-depression',
] as const;
export type CardiacRiskUnknown = (typeof CARDIAC_RISK_UNKNOWNS)[number];

export const cardiacRiskResultSchema = z.object({
  scheme: z.literal('aacvpr'),
  riskClass: riskClassSchema,
  /** The criteria that decided the class (for `low`: every lowest-risk criterion met), with the figure if any. */
  decidedBy: z.array(
    z.object({
      criterion: cardiacRiskCriterionSchema,
      riskClass: riskClassSchema,
      value: z.number().optional(),
    }),
  ),
  /** Findings not known; any of them keeps the class from being `low`. */
  unknown: z.array(z.enum(CARDIAC_RISK_UNKNOWNS)),
});
export type CardiacRiskResult = z.infer<typeof cardiacRiskResultSchema>;

export const SCREENING_REASONS = [
  'signs-or-symptoms',
  'known-disease-inactive',
  'known-disease-vigorous',
  'known-disease-moderate-ok',
  'no-disease-no-symptoms',
] as const;
export type ScreeningReason = (typeof SCREENING_REASONS)[number];

export const screeningResultSchema = z.object({
  scheme: z.literal('acsm-2015'),
  medicalClearance: z.enum(['recommended', 'not-necessary']),
  /** An exerciser with signs or symptoms stops until cleared (ACSM 2015). */
  discontinueUntilCleared: z.boolean(),
  /** Intensity ACSM recommends to start (or continue) at, once any clearance is given. */
  recommendedIntensity: z.enum(['light-to-moderate', 'moderate', 'moderate-to-vigorous']),
  reasons: z.array(
    z.object({
      code: z.enum(SCREENING_REASONS),
      symptoms: z.array(screeningSymptomSchema).optional(),
      diseases: z.array(screeningDiseaseSchema).optional(),
    }),
  ),
});
export type ScreeningResult = z.infer<typeof screeningResultSchema>;

/** A risk result as the record shows it: AACVPR for cardiac participants, ACSM screening for the others. */
export const riskResultSchema = z.discriminatedUnion('scheme', [
  cardiacRiskResultSchema,
  screeningResultSchema,
]);
export type RiskResult = z.infer<typeof riskResultSchema>;
