import type {
  Assessment,
  CardiacRiskCriterion,
  CardiacRiskResult,
  CardiacRiskUnknown,
  ExerciseIntensity,
  RiskClass,
  RiskResult,
  ScreeningDisease,
  ScreeningResult,
  ScreeningSymptom,
} from '@zonewatch/protocol';

/**
 * Exercise risk of the exercise-health record (issue 15): AACVPR risk stratification for cardiac
 * participants, ACSM 2015 pre-participation screening for the others. Pure: the inputs are what the
 * assessment (and the registry's clinical details) record; nothing is read or stored here.
 */

type ExerciseTest = NonNullable<Assessment['exerciseTest']>;
type CardiacHistory = NonNullable<Assessment['cardiacHistory']>;
/** The screening answers ({@link Assessment}'s `preParticipation`; readonly lists accepted). */
export interface PreParticipation {
  exercisesRegularly: boolean;
  knownDisease: readonly ScreeningDisease[];
  symptoms: readonly ScreeningSymptom[];
  desiredIntensity: ExerciseIntensity;
}

export interface CardiacRiskInput {
  /** The latest symptom-limited exercise test, if any. */
  exerciseTest?: ExerciseTest | null;
  cardiacHistory?: CardiacHistory | null;
  /** The registry's clinical conditions (`heart-failure` there counts as heart failure present). */
  conditions?: readonly string[];
  /** Body mass (kg): turns a cycle test's peak watts into METs when no METs were recorded. */
  weightKg?: number | null;
}

/**
 * METs of a leg-cycle work rate: VO2 (mL·kg⁻¹·min⁻¹) = 1.8 · work rate (kg·m·min⁻¹) / body mass + 3.5 + 3.5,
 * 1 W = 6.12 kg·m·min⁻¹, 1 MET = 3.5 mL·kg⁻¹·min⁻¹ (ACSM GETP 11th ed., metabolic equations). One decimal.
 */
export function metsFromCycleWatts(watts: number, weightKg: number): number {
  const vo2 = (1.8 * watts * 6.12) / weightKg + 7;
  return Math.round((vo2 / 3.5) * 10) / 10;
}

/** Stop reasons that are themselves significant symptoms at peak (angina, dizziness). */
const SYMPTOM_STOPS = new Set(['angina', 'dizziness']);

/**
 * AACVPR risk stratification for cardiac patients (AACVPR Guidelines for Cardiac Rehabilitation Programs,
 * 6th ed., risk stratification table; reproduced in ACSM GETP 11th ed., ch. 2):
 *
 * - **Highest** — any one of: complex ventricular dysrhythmias during exercise testing or recovery; angina
 *   or other significant symptoms at low levels of exertion (< 5.0 METs) or in recovery; high level of
 *   silent ischaemia (ST depression ≥ 2 mm from baseline) during testing or recovery; abnormal
 *   haemodynamics with testing (chronotropic incompetence, flat or decreasing SBP with increasing workload)
 *   or recovery (severe post-exercise hypotension); resting LVEF < 40 %; history of cardiac arrest or sudden
 *   death; complex dysrhythmias at rest; complicated MI or revascularisation procedure; heart failure;
 *   signs or symptoms of post-event / post-procedure ischaemia; clinical depression.
 * - **Moderate** — any one of: angina or other significant symptoms only at high levels of exertion
 *   (≥ 7.0 METs); mild to moderate silent ischaemia (ST depression < 2 mm); functional capacity < 5.0 METs;
 *   resting LVEF 40–49 %.
 * - **Lowest** — all of: no complex ventricular dysrhythmias during testing and recovery; no angina or
 *   other significant symptoms; normal haemodynamics; functional capacity ≥ 7.0 METs; resting LVEF ≥ 50 %;
 *   uncomplicated MI or revascularisation; no complex dysrhythmias at rest; no heart failure; no signs or
 *   symptoms of post-event ischaemia; no clinical depression.
 *
 * Between the lists (symptoms at 5.0–6.9 METs, functional capacity 5.0–6.9 METs) a participant is neither
 * highest nor lowest: moderate, with that criterion named. A finding not recorded cannot show the lowest
 * class, so it is listed in `unknown` and the class is at least moderate (never low by default). A test
 * stopped for angina or dizziness without an onset workload counts as symptoms at its peak workload; one
 * stopped for a drop in blood pressure counts as abnormal haemodynamics.
 */
export function stratifyCardiacRisk(input: CardiacRiskInput): CardiacRiskResult {
  const found: { criterion: CardiacRiskCriterion; riskClass: RiskClass; value?: number }[] = [];
  const unknown: CardiacRiskUnknown[] = [];
  const add = (criterion: CardiacRiskCriterion, riskClass: RiskClass, value?: number) =>
    found.push(value === undefined ? { criterion, riskClass } : { criterion, riskClass, value });

  const t = input.exerciseTest ?? null;
  if (t === null) {
    unknown.push('exercise-test');
  } else {
    if (t.complexVentricularDysrhythmia === true) add('complex-ventricular-dysrhythmia-exercise', 'high');
    else if (t.complexVentricularDysrhythmia === undefined) unknown.push('ventricular-dysrhythmia-exercise');

    const peakMets =
      t.peakMets ??
      (t.peakWatts !== undefined && input.weightKg
        ? metsFromCycleWatts(t.peakWatts, input.weightKg)
        : undefined);
    const onset = t.symptomOnsetMets ?? (SYMPTOM_STOPS.has(t.stopReason) ? peakMets : undefined);
    if (t.symptomsInRecovery === true) add('symptoms-in-recovery', 'high');
    if (onset !== undefined) {
      if (onset < 5) add('symptoms-below-5-mets', 'high', onset);
      else if (onset < 7) add('symptoms-5-to-7-mets', 'moderate', onset);
      else add('symptoms-at-7-mets-or-more', 'moderate', onset);
    } else if (SYMPTOM_STOPS.has(t.stopReason)) {
      unknown.push('symptoms'); // stopped for a symptom, workload unknown
    } else if (t.symptomsInRecovery === false) {
      add('no-symptoms', 'low');
    } else if (t.symptomsInRecovery === undefined) {
      unknown.push('symptoms');
    }

    if (t.stDepressionMm === undefined) unknown.push('st-depression');
    else if (t.stDepressionMm >= 2) add('st-depression-2mm-or-more', 'high', t.stDepressionMm);
    else if (t.stDepressionMm > 0) add('st-depression-below-2mm', 'moderate', t.stDepressionMm);
    else add('no-st-depression', 'low', 0);

    if (t.abnormalHaemodynamics === true || t.stopReason === 'bp-drop') add('abnormal-haemodynamics', 'high');
    else if (t.abnormalHaemodynamics === false) add('normal-haemodynamics', 'low');
    else unknown.push('haemodynamics');

    if (peakMets === undefined) unknown.push('functional-capacity');
    else if (peakMets < 5) add('functional-capacity-below-5-mets', 'moderate', peakMets);
    else if (peakMets < 7) add('functional-capacity-5-to-7-mets', 'moderate', peakMets);
    else add('functional-capacity-7-mets-or-more', 'low', peakMets);
  }

  const h = input.cardiacHistory ?? {};
  if (h.lvefPercent === undefined) unknown.push('lvef');
  else if (h.lvefPercent < 40) add('lvef-below-40', 'high', h.lvefPercent);
  else if (h.lvefPercent < 50) add('lvef-40-to-49', 'moderate', h.lvefPercent);
  else add('lvef-50-or-more', 'low', h.lvefPercent);

  const heartFailure = h.heartFailure ?? (input.conditions?.includes('heart-failure') ? true : undefined);
  const flags: [
    boolean | undefined,
    CardiacRiskCriterion,
    CardiacRiskCriterion | null,
    CardiacRiskUnknown | null,
  ][] = [
    // A survivor is a high-risk fact; its absence is not one of the lowest-risk criteria.
    [h.cardiacArrestSurvivor, 'cardiac-arrest-survivor', null, null],
    [
      h.complexDysrhythmiaAtRest,
      'complex-dysrhythmia-at-rest',
      'no-complex-dysrhythmia-at-rest',
      'complex-dysrhythmia-at-rest',
    ],
    [h.complicatedEvent, 'complicated-event', 'uncomplicated-event', 'event-complication'],
    [heartFailure, 'heart-failure', 'no-heart-failure', 'heart-failure'],
    [h.postEventIschaemia, 'post-event-ischaemia', 'no-post-event-ischaemia', 'post-event-ischaemia'],
    [h.clinicalDepression, 'clinical-depression', 'no-clinical-depression', 'clinical-depression'],
  ];
  for (const [value, present, absent, missing] of flags) {
    if (value === true) add(present, 'high');
    else if (value === false && absent) add(absent, 'low');
    else if (value === undefined && missing) unknown.push(missing);
  }

  const of = (c: RiskClass) => found.filter((f) => f.riskClass === c);
  const high = of('high');
  if (high.length > 0) return { scheme: 'aacvpr', riskClass: 'high', decidedBy: high, unknown };
  const moderate = of('moderate');
  if (moderate.length > 0 || unknown.length > 0)
    return { scheme: 'aacvpr', riskClass: 'moderate', decidedBy: moderate, unknown };
  return { scheme: 'aacvpr', riskClass: 'low', decidedBy: of('low'), unknown };
}

/**
 * ACSM pre-participation screening (Riebe et al., "Updating ACSM's recommendations for exercise
 * preparticipation health screening", MSSE 2015; ACSM GETP 11th ed., ch. 2, screening algorithm):
 *
 * - Not exercising regularly: no known cardiovascular, metabolic or renal disease and no signs or symptoms
 *   → clearance not necessary, light-to-moderate intensity, progress gradually; known disease without
 *   symptoms → clearance recommended, then light-to-moderate; any signs or symptoms → clearance
 *   recommended, then light-to-moderate.
 * - Exercising regularly: no disease, no symptoms → clearance not necessary, continue moderate or vigorous;
 *   known disease without symptoms → clearance not necessary for moderate intensity, recommended before
 *   vigorous; any signs or symptoms → discontinue exercise and seek clearance (we then suggest
 *   light-to-moderate on return [default]).
 */
export function acsmScreening(input: PreParticipation): ScreeningResult {
  const diseases = [...new Set(input.knownDisease)];
  const symptoms = [...new Set(input.symptoms)];
  if (symptoms.length > 0)
    return {
      scheme: 'acsm-2015',
      medicalClearance: 'recommended',
      discontinueUntilCleared: input.exercisesRegularly,
      recommendedIntensity: 'light-to-moderate',
      reasons: [{ code: 'signs-or-symptoms', symptoms, ...(diseases.length ? { diseases } : {}) }],
    };
  if (diseases.length > 0) {
    if (!input.exercisesRegularly)
      return {
        scheme: 'acsm-2015',
        medicalClearance: 'recommended',
        discontinueUntilCleared: false,
        recommendedIntensity: 'light-to-moderate',
        reasons: [{ code: 'known-disease-inactive', diseases }],
      };
    const vigorous = input.desiredIntensity === 'vigorous';
    return {
      scheme: 'acsm-2015',
      medicalClearance: vigorous ? 'recommended' : 'not-necessary',
      discontinueUntilCleared: false,
      recommendedIntensity: 'moderate',
      reasons: [{ code: vigorous ? 'known-disease-vigorous' : 'known-disease-moderate-ok', diseases }],
    };
  }
  return {
    scheme: 'acsm-2015',
    medicalClearance: 'not-necessary',
    discontinueUntilCleared: false,
    recommendedIntensity: input.exercisesRegularly ? 'moderate-to-vigorous' : 'light-to-moderate',
    reasons: [{ code: 'no-disease-no-symptoms' }],
  };
}

/** Registry conditions that make a participant a cardiac one (AACVPR applies). */
export const CARDIAC_CONDITIONS: readonly string[] = Object.freeze(['cardiac-rehab', 'heart-failure']);

/**
 * The ACSM disease classes the registry's conditions imply, to prefill the screening. Hypertension,
 * obesity and COPD are not among the 2015 algorithm's disease classes (risk factors and pulmonary disease
 * are not screened for there), so they imply none.
 */
export function screeningDiseasesFromConditions(conditions: readonly string[]): ScreeningDisease[] {
  const out = new Set<ScreeningDisease>();
  for (const c of conditions) {
    if (CARDIAC_CONDITIONS.includes(c)) out.add('cardiovascular');
    if (c === 'diabetes') out.add('metabolic');
  }
  return [...out];
}

/**
 * The risk result the record shows: AACVPR for a cardiac participant (any of {@link CARDIAC_CONDITIONS}),
 * else the ACSM screening when its questions were answered, else null (nothing to judge on).
 */
export function exerciseRisk(
  input: CardiacRiskInput & { preParticipation?: PreParticipation | null },
): RiskResult | null {
  if (input.conditions?.some((c) => CARDIAC_CONDITIONS.includes(c))) return stratifyCardiacRisk(input);
  if (input.preParticipation) return acsmScreening(input.preParticipation);
  return null;
}

export type HomeSessionsDecision =
  | { allowed: true; code: 'not-high-risk' | 'high-risk-override' }
  | { allowed: false; code: 'high-risk-needs-override' };

/**
 * Whether home sessions may be enrolled: a participant whose latest AACVPR class is `high` needs an
 * explicit clinician override with a reason (the caller audits it). A screening result or no result does
 * not block (the clinician decides from the clearance shown).
 */
export function homeSessionsPermitted(
  risk: RiskResult | null,
  override: { reason: string } | null | undefined,
): HomeSessionsDecision {
  if (risk?.scheme !== 'aacvpr' || risk.riskClass !== 'high') return { allowed: true, code: 'not-high-risk' };
  if (override && override.reason.trim() !== '') return { allowed: true, code: 'high-risk-override' };
  return { allowed: false, code: 'high-risk-needs-override' };
}
