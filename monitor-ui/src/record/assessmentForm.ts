import {
  ASSESSMENT_KINDS,
  ASSESSMENT_MEASURES,
  type AssessmentInput,
  type AssessmentKind,
  type AssessmentMeasurePath,
  assessmentSchemaAt,
  BP_ARMS,
  EXERCISE_TEST_MODALITIES,
  EXERCISE_TEST_STOP_REASONS,
} from '@zonewatch/protocol';

/**
 * The assessment entry form (issue 15, 测/评): its groups and fields, each measure with the unit and range
 * the protocol declares once (`ASSESSMENT_MEASURES`); the typed strings → the request body (only what was
 * filled in, so any subset can be recorded); and the protocol schema's refusals → one coded reason per field,
 * which the view words in the console's language (never the schema's English).
 */

export { ASSESSMENT_KINDS, type AssessmentKind };

export type AssessmentField =
  /** `path` is a protocol measure, or the other arm's reading of one (`restingBp.otherArm.systolicMmHg`). */
  | { kind: 'measure'; path: string }
  | { kind: 'choice'; path: string; options: readonly string[] }
  | { kind: 'flag'; path: string }
  | { kind: 'text'; path: string };

export interface AssessmentGroup {
  /** The body key of the group (`sixMinuteWalk`) or `resting` / `function` for top-level measures. */
  id: 'anthropometrics' | 'resting' | 'sixMinuteWalk' | 'function' | 'exerciseTest' | 'cardiacHistory';
  fields: readonly AssessmentField[];
}

const m = (path: AssessmentMeasurePath): AssessmentField => ({ kind: 'measure', path });
const flag = (path: string): AssessmentField => ({ kind: 'flag', path });

export const ASSESSMENT_GROUPS: readonly AssessmentGroup[] = [
  {
    id: 'anthropometrics',
    fields: [m('anthropometrics.heightCm'), m('anthropometrics.weightKg'), m('anthropometrics.waistCm')],
  },
  {
    id: 'resting',
    fields: [
      m('restingHrBpm'),
      m('restingBp.systolicMmHg'),
      m('restingBp.diastolicMmHg'),
      { kind: 'choice', path: 'restingBp.arm', options: BP_ARMS },
      { kind: 'measure', path: 'restingBp.otherArm.systolicMmHg' },
      { kind: 'measure', path: 'restingBp.otherArm.diastolicMmHg' },
    ],
  },
  {
    id: 'sixMinuteWalk',
    fields: [
      m('sixMinuteWalk.distanceM'),
      m('sixMinuteWalk.hrBeforeBpm'),
      m('sixMinuteWalk.hrAfterBpm'),
      m('sixMinuteWalk.spo2BeforePercent'),
      m('sixMinuteWalk.spo2AfterPercent'),
      m('sixMinuteWalk.spo2LowestPercent'),
      m('sixMinuteWalk.borgDyspnoea'),
      m('sixMinuteWalk.borgFatigue'),
      m('sixMinuteWalk.stops'),
      m('sixMinuteWalk.oxygenLPerMin'),
    ],
  },
  {
    id: 'function',
    fields: [m('chairStand30sReps'), m('gripStrengthKg'), m('sitAndReachCm'), m('singleLegStanceS')],
  },
  {
    id: 'exerciseTest',
    fields: [
      { kind: 'choice', path: 'exerciseTest.modality', options: EXERCISE_TEST_MODALITIES },
      m('exerciseTest.peakHrBpm'),
      m('exerciseTest.peakMets'),
      m('exerciseTest.peakWatts'),
      m('exerciseTest.ischaemicThresholdBpm'),
      { kind: 'choice', path: 'exerciseTest.stopReason', options: EXERCISE_TEST_STOP_REASONS },
      m('exerciseTest.peakSystolicMmHg'),
      m('exerciseTest.symptomOnsetMets'),
      m('exerciseTest.stDepressionMm'),
      flag('exerciseTest.onCurrentMedication'),
      flag('exerciseTest.complexVentricularDysrhythmia'),
      flag('exerciseTest.symptomsInRecovery'),
      flag('exerciseTest.abnormalHaemodynamics'),
    ],
  },
  {
    id: 'cardiacHistory',
    fields: [
      m('cardiacHistory.lvefPercent'),
      flag('cardiacHistory.cardiacArrestSurvivor'),
      flag('cardiacHistory.complexDysrhythmiaAtRest'),
      flag('cardiacHistory.complicatedEvent'),
      flag('cardiacHistory.heartFailure'),
      flag('cardiacHistory.postEventIschaemia'),
      flag('cardiacHistory.clinicalDepression'),
    ],
  },
];

export const ASSESSMENT_FIELDS: readonly AssessmentField[] = ASSESSMENT_GROUPS.flatMap((g) => g.fields);

/** The measure a field path reads its unit and range from (the other arm's BP uses the first arm's). */
export function measureOf(path: string): (typeof ASSESSMENT_MEASURES)[AssessmentMeasurePath] | null {
  const key = path.replace('restingBp.otherArm.', 'restingBp.');
  return Object.hasOwn(ASSESSMENT_MEASURES, key) ? ASSESSMENT_MEASURES[key as AssessmentMeasurePath] : null;
}

/** The form as typed: strings by field path (a half-typed number is not lost); flags as 'true' or ''. */
export interface AssessmentFormState {
  kind: AssessmentKind;
  /** YYYY-MM-DD. */
  date: string;
  values: Readonly<Record<string, string>>;
  findings: string;
}

export function emptyAssessmentForm(today: string, kind: AssessmentKind = 'baseline'): AssessmentFormState {
  return { kind, date: today, values: {}, findings: '' };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = target;
  for (const p of parts.slice(0, -1)) {
    const next = o[p];
    if (next && typeof next === 'object') o = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      o[p] = created;
      o = created;
    }
  }
  o[parts[parts.length - 1] as string] = value;
}

/**
 * The request body: only the fields filled in; numbers parsed (a decimal comma is accepted); a number that
 * does not parse goes as NaN, which the schema refuses naming the field.
 */
export function formToAssessment(participantId: string, f: AssessmentFormState): AssessmentInput {
  const out: Record<string, unknown> = { participantId, date: f.date, kind: f.kind, source: 'manual' };
  for (const field of ASSESSMENT_FIELDS) {
    const raw = (f.values[field.path] ?? '').trim();
    if (raw === '') continue;
    if (field.kind === 'measure') setPath(out, field.path, Number(raw.replace(',', '.')));
    else if (field.kind === 'flag') setPath(out, field.path, raw === 'true');
    else setPath(out, field.path, raw);
  }
  if (f.findings.trim()) out['findings'] = f.findings.trim();
  return out as AssessmentInput;
}

/** Body mass index (kg/m²) from the form's height and weight, one decimal; null when either is missing. */
export function bmiOf(f: AssessmentFormState): number | null {
  const h = Number((f.values['anthropometrics.heightCm'] ?? '').replace(',', '.'));
  const w = Number((f.values['anthropometrics.weightKg'] ?? '').replace(',', '.'));
  if (!(h > 0 && w > 0)) return null;
  return Math.round((w / (h / 100) ** 2) * 10) / 10;
}

/** Why a field was refused, as a code the console words (with the figures its wording needs). */
export type FieldProblem =
  | { code: 'range'; min: number; max: number; unit: string }
  | { code: 'whole'; unit: string }
  | { code: 'number' }
  | { code: 'required' }
  | { code: 'choice' }
  | { code: 'date' }
  | { code: 'future' }
  | { code: 'diastolicAboveSystolic' }
  | { code: 'lowestAboveOther' }
  | { code: 'thresholdAbovePeak' }
  | { code: 'onsetAbovePeak' }
  | { code: 'metsOrWatts' }
  | { code: 'armRequired' }
  | { code: 'nothing' }
  | { code: 'other'; message: string };

/** A schema or server refusal (path without the request part, message as written) → its coded reason. */
export function problemOf(path: string, message: string): FieldProblem {
  const measure = measureOf(path);
  if (/must be in the future|must not be in the future/.test(message)) return { code: 'future' };
  if (/^must be a date/.test(message)) return { code: 'date' };
  if (measure && /^must be .*–/.test(message))
    return { code: 'range', min: measure.min, max: measure.max, unit: measure.unit };
  if (measure && /whole number/.test(message)) return { code: 'whole', unit: measure.unit };
  if (/^must be a number/.test(message)) return { code: 'number' };
  if (/^is required when otherArm/.test(message)) return { code: 'armRequired' };
  if (/^is required/.test(message)) return { code: 'required' };
  if (/^must be one of/.test(message)) return { code: 'choice' };
  if (/must be below systolicMmHg/.test(message)) return { code: 'diastolicAboveSystolic' };
  if (/^must not be above spo2/.test(message)) return { code: 'lowestAboveOther' };
  if (/^must not be above peakHrBpm/.test(message)) return { code: 'thresholdAbovePeak' };
  if (/^must not be above peakMets/.test(message)) return { code: 'onsetAbovePeak' };
  if (/peakMets or peakWatts/.test(message)) return { code: 'metsOrWatts' };
  if (/^must record at least one/.test(message)) return { code: 'nothing' };
  return { code: 'other', message };
}

/**
 * The protocol's own check, in the browser, before anything is sent (the server checks again): the first
 * problem per field path; `''` is the document as a whole (nothing recorded).
 */
export function checkAssessment(body: AssessmentInput, nowMs: number): Record<string, FieldProblem> {
  const r = assessmentSchemaAt(nowMs).safeParse(body);
  if (r.success) return {};
  return problemsOf(r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
}

/** Issues (schema or a server 400, `body.` already taken off) → the first problem per field. */
export function problemsOf(
  issues: readonly { path: string; message: string }[],
): Record<string, FieldProblem> {
  const out: Record<string, FieldProblem> = {};
  for (const i of issues) if (!(i.path in out)) out[i.path] = problemOf(i.path, i.message);
  return out;
}

/** How many fields were filled in (a form with none is not worth sending). */
export function filledCount(f: AssessmentFormState): number {
  return ASSESSMENT_FIELDS.filter((x) => (f.values[x.path] ?? '').trim() !== '').length;
}
