import {
  type Assessment,
  type AssessmentDerivation,
  type DerivationStep,
  PRESETS,
  type Prescription,
  type PrescriptionChange,
} from '@zonewatch/protocol';
import {
  PrescriptionError,
  type PrescriptionIssue,
  type ResolvedPrescription,
  resolvePrescription,
  roundHalfUp,
} from '../prescription.js';
import { defaultRuleSettings, type RuleSettings } from '../settings.js';

/**
 * Assessment → prescription (issue 15, 评 → 导): what an assessment proposes to change in a prescription.
 * Never applied by itself: the clinician sees `proposed` with its `derivation` and saves it (or not) as a
 * new prescription version.
 */

/**
 * Home walking pace = this fraction of the average 6-minute-walk speed (distance / 6 min): 80 %
 * [guideline: Lung Foundation Australia, Pulmonary Rehabilitation Toolkit, walking training at 80 % of the
 * average 6MWT speed; Zainuldin R, Mackey MG, Alison JA, J Cardiopulm Rehabil Prev 2015;35:65–69 (≈ 69 %
 * VO2 reserve in COPD). Used for cardiac participants too, as a default].
 */
export const WALKING_PACE_FRACTION = 0.8;

/** BMI (kg/m²) = weight / height², one decimal (halves up). */
export function bodyMassIndex(heightCm: number, weightKg: number): number {
  const m = heightCm / 100;
  return roundHalfUp((weightKg / (m * m)) * 10) / 10;
}

/** Home walking pace (m/min, whole) from a 6-minute-walk distance, at {@link WALKING_PACE_FRACTION}. */
export function walkingPaceFromSixMinuteWalk(distanceM: number, fraction = WALKING_PACE_FRACTION): number {
  return roundHalfUp((distanceM / 6) * fraction);
}

export interface DerivationResult extends AssessmentDerivation {
  /** `proposed` resolved (as the API would save it), or null when it is refused (see `issues`). */
  resolved: ResolvedPrescription | null;
  /** Why `proposed` cannot be saved as it is (e.g. a formula hrMax without age); empty when it can. */
  issues: PrescriptionIssue[];
}

type Scalar = number | string | boolean | null;

/** Largest fraction (2 decimals) whose bound does not exceed `bpm`. */
function fractionAtMost(bpm: number, base: number, span: number): number {
  return Math.floor(((bpm - base) / span) * 100 + 1e-9) / 100;
}

function tryResolve(
  rx: Prescription,
  settings: RuleSettings,
): { resolved: ResolvedPrescription | null; issues: PrescriptionIssue[] } {
  try {
    return { resolved: resolvePrescription(rx, settings, { strict: true }), issues: [] };
  } catch (e) {
    if (e instanceof PrescriptionError) return { resolved: null, issues: e.issues };
    throw e;
  }
}

/**
 * The prescription an assessment proposes, starting from `current` (null: a first prescription; give at
 * least a preset or zone then, or the result lists what is missing):
 *
 * - a symptom-limited test's peak HR becomes `hrMax` `{ source: 'measured', bpm, measuredOn }` (a measured
 *   maximum on current medication "always wins", CLINICAL-RULES §1); if `hrMode` was `advisory` (β-blockers
 *   without a measured max) the proposal returns it to `enforce`;
 * - the resting HR becomes `hrRest`;
 * - an ischaemic threshold sets `ischaemicThresholdBpm` and `ceilingBpm` = threshold − 10 [guideline, §1;
 *   the margin is the `prescription.ischaemicMarginBpm` setting]; a zone reaching above that ceiling is
 *   lowered to it (`zone.cappedAtCeiling`);
 * - a 6-minute walk gives `fitt.walkingPaceMPerMin` for home sessions (needs a FITT to put it in; the step
 *   is listed either way).
 */
export function deriveFromAssessment(
  assessment: Assessment,
  current: Prescription | null,
  settings: RuleSettings = defaultRuleSettings,
): DerivationResult {
  const proposed: Prescription = structuredClone(current ?? {});
  const changes: PrescriptionChange[] = [];
  const derivation: DerivationStep[] = [];
  const change = (field: string, from: Scalar | undefined, to: Scalar | undefined) => {
    if (from !== to) changes.push({ field, from: from ?? null, to: to ?? null });
  };

  const test = assessment.exerciseTest;
  if (test) {
    const before = proposed.hrMax;
    proposed.hrMax = { source: 'measured', bpm: test.peakHrBpm, measuredOn: assessment.date };
    change('hrMax.source', before?.source, 'measured');
    change('hrMax.bpm', before?.bpm, test.peakHrBpm);
    change('hrMax.measuredOn', before?.measuredOn, assessment.date);
    derivation.push({ code: 'hrMax.measured', figures: { peakHrBpm: test.peakHrBpm } });
    if (test.onCurrentMedication === false)
      derivation.push({ code: 'hrMax.notOnCurrentMedication', figures: {} });
    else if (proposed.hrMode === 'advisory') {
      proposed.hrMode = 'enforce';
      change('hrMode', 'advisory', 'enforce');
      derivation.push({ code: 'hrMode.measuredMax', figures: { peakHrBpm: test.peakHrBpm } });
    }
  }

  const rest = assessment.restingHrBpm;
  if (rest !== undefined && rest <= 150) {
    change('hrRest', proposed.hrRest, rest);
    proposed.hrRest = rest;
    derivation.push({ code: 'hrRest.measured', figures: { restingHrBpm: rest } });
  }

  const threshold = test?.ischaemicThresholdBpm;
  if (threshold !== undefined) {
    const margin = settings.prescription.ischaemicMarginBpm;
    const ceiling = roundHalfUp(threshold - margin);
    change('ischaemicThresholdBpm', proposed.ischaemicThresholdBpm, threshold);
    change('ceilingBpm', proposed.ceilingBpm, ceiling);
    proposed.ischaemicThresholdBpm = threshold;
    proposed.ceilingBpm = ceiling;
    derivation.push({
      code: 'ceiling.ischaemicThreshold',
      figures: { ischaemicThresholdBpm: threshold, marginBpm: margin, ceilingBpm: ceiling },
    });
    capZoneAtCeiling(proposed, ceiling, settings, change, derivation);
  }

  const walk = assessment.sixMinuteWalk;
  if (walk && walk.distanceM > 0) {
    const pace = walkingPaceFromSixMinuteWalk(walk.distanceM);
    derivation.push({
      code: 'walkingPace.sixMinuteWalk',
      figures: {
        distanceM: walk.distanceM,
        averageMPerMin: Math.round((walk.distanceM / 6) * 10) / 10,
        fraction: WALKING_PACE_FRACTION,
        paceMPerMin: pace,
      },
    });
    if (proposed.fitt && pace >= 10 && pace <= 200) {
      change('fitt.walkingPaceMPerMin', proposed.fitt.walkingPaceMPerMin, pace);
      proposed.fitt = { ...proposed.fitt, walkingPaceMPerMin: pace };
    }
  }

  if (changes.length === 0) derivation.push({ code: 'nothing', figures: {} });
  return { proposed, changes, derivation, ...tryResolve(proposed, settings) };
}

/** Lowers zone high to `ceiling` when the zone would reach above it (the rest of the zone stays). */
function capZoneAtCeiling(
  rx: Prescription,
  ceiling: number,
  settings: RuleSettings,
  change: (field: string, from: Scalar | undefined, to: Scalar | undefined) => void,
  derivation: DerivationStep[],
) {
  const zone = rx.zone ?? (rx.preset ? PRESETS[rx.preset].zone : undefined);
  if (!zone) return;
  const { ceilingBpm: _c, ischaemicThresholdBpm: _t, ...open } = rx;
  const { resolved } = tryResolve({ ...open, zone }, settings);
  if (!resolved || resolved.zoneHighBpm <= ceiling) return;
  let high: number;
  if (zone.method === 'bpm') high = ceiling;
  else if (zone.method === 'hrmax') high = fractionAtMost(ceiling, 0, resolved.hrMax);
  else {
    const r = resolved.hrRest ?? 0;
    high = fractionAtMost(ceiling, r, resolved.hrMax - r);
  }
  const explicit = rx.zone !== undefined;
  rx.zone = { ...zone, high };
  // A zone that came from the preset is now written out: its method and low are new fields too.
  change('zone.method', explicit ? zone.method : undefined, zone.method);
  change('zone.low', explicit ? zone.low : undefined, zone.low);
  change('zone.high', explicit ? zone.high : undefined, high);
  derivation.push({
    code: 'zone.cappedAtCeiling',
    figures: { fromHighBpm: resolved.zoneHighBpm, ceilingBpm: ceiling, fromHigh: zone.high, toHigh: high },
  });
}
