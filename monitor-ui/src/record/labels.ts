import type {
  AssessmentKind,
  CardiacRiskCriterion,
  CardiacRiskUnknown,
  DerivationCode,
  ProgressionKind,
  ProgressionReasonCode,
  RiskClass,
  ScreeningReason,
} from '@zonewatch/protocol';
import type { MessageKey } from '../i18n/i18n.js';
import type { AssessmentGroup, FieldProblem } from './assessmentForm.js';

/**
 * Dictionary keys of the record's vocabulary (issue 15), written out so every one is translated and used:
 * the assessment's fields and units, the risk criteria, the derivation steps and the progression reasons.
 */

export const GROUP_KEY: Readonly<Record<AssessmentGroup['id'], MessageKey>> = {
  anthropometrics: 'record.group.anthropometrics',
  resting: 'record.group.resting',
  sixMinuteWalk: 'record.group.sixMinuteWalk',
  function: 'record.group.function',
  exerciseTest: 'record.group.exerciseTest',
  cardiacHistory: 'record.group.cardiacHistory',
};

export const FIELD_KEY: Readonly<Record<string, MessageKey>> = {
  'anthropometrics.heightCm': 'record.f.height',
  'anthropometrics.weightKg': 'record.f.weight',
  'anthropometrics.waistCm': 'record.f.waist',
  'anthropometrics.bmi': 'record.f.bmiShort',
  restingHrBpm: 'record.f.restingHr',
  'restingBp.systolicMmHg': 'record.f.systolic',
  'restingBp.diastolicMmHg': 'record.f.diastolic',
  'restingBp.arm': 'record.f.arm',
  'restingBp.otherArm.systolicMmHg': 'record.f.otherSystolic',
  'restingBp.otherArm.diastolicMmHg': 'record.f.otherDiastolic',
  'sixMinuteWalk.distanceM': 'record.f.walkDistance',
  'sixMinuteWalk.hrBeforeBpm': 'record.f.hrBefore',
  'sixMinuteWalk.hrAfterBpm': 'record.f.hrAfter',
  'sixMinuteWalk.spo2BeforePercent': 'record.f.spo2Before',
  'sixMinuteWalk.spo2AfterPercent': 'record.f.spo2After',
  'sixMinuteWalk.spo2LowestPercent': 'record.f.spo2Lowest',
  'sixMinuteWalk.borgDyspnoea': 'record.f.borgDyspnoea',
  'sixMinuteWalk.borgFatigue': 'record.f.borgFatigue',
  'sixMinuteWalk.stops': 'record.f.stops',
  'sixMinuteWalk.oxygenLPerMin': 'record.f.oxygen',
  chairStand30sReps: 'record.f.chairStand',
  gripStrengthKg: 'record.f.grip',
  sitAndReachCm: 'record.f.sitReach',
  singleLegStanceS: 'record.f.singleLeg',
  'exerciseTest.modality': 'record.f.modality',
  'exerciseTest.peakHrBpm': 'record.f.peakHr',
  'exerciseTest.peakMets': 'record.f.peakMets',
  'exerciseTest.peakWatts': 'record.f.peakWatts',
  'exerciseTest.ischaemicThresholdBpm': 'record.f.ischaemicHr',
  'exerciseTest.stopReason': 'record.f.stopReason',
  'exerciseTest.peakSystolicMmHg': 'record.f.peakSystolic',
  'exerciseTest.symptomOnsetMets': 'record.f.symptomOnset',
  'exerciseTest.stDepressionMm': 'record.f.stDepression',
  'exerciseTest.onCurrentMedication': 'record.f.onMedication',
  'exerciseTest.complexVentricularDysrhythmia': 'record.f.complexVentricular',
  'exerciseTest.symptomsInRecovery': 'record.f.symptomsInRecovery',
  'exerciseTest.abnormalHaemodynamics': 'record.f.abnormalHaemodynamics',
  'cardiacHistory.lvefPercent': 'record.f.lvef',
  'cardiacHistory.cardiacArrestSurvivor': 'record.f.cardiacArrest',
  'cardiacHistory.complexDysrhythmiaAtRest': 'record.f.dysrhythmiaAtRest',
  'cardiacHistory.complicatedEvent': 'record.f.complicatedEvent',
  'cardiacHistory.heartFailure': 'record.f.heartFailure',
  'cardiacHistory.postEventIschaemia': 'record.f.postEventIschaemia',
  'cardiacHistory.clinicalDepression': 'record.f.depression',
  date: 'record.f.date',
  kind: 'record.f.kind',
  findings: 'record.f.findings',
};

/** Units as protocol names them (`ASSESSMENT_MEASURES`). */
export const UNIT_KEY: Readonly<Record<string, MessageKey>> = {
  cm: 'record.unit.cm',
  kg: 'record.unit.kg',
  bpm: 'unit.bpm',
  mmHg: 'record.unit.mmHg',
  m: 'record.unit.m',
  '%': 'unit.percent',
  'Borg CR10': 'record.unit.borg',
  count: 'record.unit.count',
  'L/min': 'record.unit.lPerMin',
  reps: 'record.unit.reps',
  s: 'record.unit.s',
  METs: 'record.unit.mets',
  W: 'record.unit.watts',
  mm: 'record.unit.mm',
  'kg/m²': 'record.unit.kgm2',
};

export const KIND_KEY: Readonly<Record<AssessmentKind, MessageKey>> = {
  baseline: 'record.kind.baseline',
  reassessment: 'record.kind.reassessment',
  'pre-session': 'record.kind.preSession',
};

/** Choices of the form's select fields, by value. */
export const CHOICE_KEY: Readonly<Record<string, MessageKey>> = {
  left: 'record.arm.left',
  right: 'record.arm.right',
  treadmill: 'record.modality.treadmill',
  cycle: 'record.modality.cycle',
  other: 'record.choice.other',
  'volitional-fatigue': 'record.stop.volitionalFatigue',
  'target-reached': 'record.stop.targetReached',
  dyspnoea: 'record.stop.dyspnoea',
  angina: 'record.stop.angina',
  'st-depression': 'record.stop.stDepression',
  arrhythmia: 'record.stop.arrhythmia',
  'bp-drop': 'record.stop.bpDrop',
  'bp-excessive': 'record.stop.bpExcessive',
  dizziness: 'record.stop.dizziness',
  claudication: 'record.stop.claudication',
  'leg-fatigue': 'record.stop.legFatigue',
  equipment: 'record.stop.equipment',
};

export const PROBLEM_KEY: Readonly<Record<FieldProblem['code'], MessageKey>> = {
  range: 'record.problem.range',
  whole: 'record.problem.whole',
  number: 'record.problem.number',
  required: 'record.problem.required',
  choice: 'record.problem.choice',
  date: 'record.problem.date',
  future: 'record.problem.future',
  diastolicAboveSystolic: 'record.problem.diastolicAboveSystolic',
  lowestAboveOther: 'record.problem.lowestAboveOther',
  thresholdAbovePeak: 'record.problem.thresholdAbovePeak',
  onsetAbovePeak: 'record.problem.onsetAbovePeak',
  metsOrWatts: 'record.problem.metsOrWatts',
  armRequired: 'record.problem.armRequired',
  nothing: 'record.problem.nothing',
  other: 'record.problem.other',
};

export const RISK_CLASS_KEY: Readonly<Record<RiskClass, MessageKey>> = {
  low: 'record.risk.low',
  moderate: 'record.risk.moderate',
  high: 'record.risk.high',
};

export const CRITERION_KEY: Readonly<Record<CardiacRiskCriterion, MessageKey>> = {
  'complex-ventricular-dysrhythmia-exercise': 'record.crit.complexVentricularExercise',
  'symptoms-below-5-mets': 'record.crit.symptomsBelow5',
  'symptoms-in-recovery': 'record.crit.symptomsInRecovery',
  'symptoms-5-to-7-mets': 'record.crit.symptoms5to7',
  'symptoms-at-7-mets-or-more': 'record.crit.symptoms7plus',
  'no-symptoms': 'record.crit.noSymptoms',
  'st-depression-2mm-or-more': 'record.crit.st2plus',
  'st-depression-below-2mm': 'record.crit.stBelow2',
  'no-st-depression': 'record.crit.noSt',
  'abnormal-haemodynamics': 'record.crit.abnormalHaemodynamics',
  'normal-haemodynamics': 'record.crit.normalHaemodynamics',
  'functional-capacity-below-5-mets': 'record.crit.capacityBelow5',
  'functional-capacity-5-to-7-mets': 'record.crit.capacity5to7',
  'functional-capacity-7-mets-or-more': 'record.crit.capacity7plus',
  'lvef-below-40': 'record.crit.lvefBelow40',
  'lvef-40-to-49': 'record.crit.lvef40to49',
  'lvef-50-or-more': 'record.crit.lvef50plus',
  'cardiac-arrest-survivor': 'record.crit.cardiacArrest',
  'complex-dysrhythmia-at-rest': 'record.crit.dysrhythmiaAtRest',
  'complicated-event': 'record.crit.complicatedEvent',
  'heart-failure': 'record.crit.heartFailure',
  'post-event-ischaemia': 'record.crit.postEventIschaemia',
  'clinical-depression': 'record.crit.depression',
  'no-complex-dysrhythmia-at-rest': 'record.crit.noDysrhythmiaAtRest',
  'uncomplicated-event': 'record.crit.uncomplicatedEvent',
  'no-heart-failure': 'record.crit.noHeartFailure',
  'no-post-event-ischaemia': 'record.crit.noPostEventIschaemia',
  'no-clinical-depression': 'record.crit.noDepression',
};

export const UNKNOWN_KEY: Readonly<Record<CardiacRiskUnknown, MessageKey>> = {
  'exercise-test': 'record.unknown.exerciseTest',
  'ventricular-dysrhythmia-exercise': 'record.unknown.ventricular',
  symptoms: 'record.unknown.symptoms',
  'st-depression': 'record.unknown.st',
  haemodynamics: 'record.unknown.haemodynamics',
  'functional-capacity': 'record.unknown.capacity',
  lvef: 'record.unknown.lvef',
  'complex-dysrhythmia-at-rest': 'record.unknown.dysrhythmiaAtRest',
  'event-complication': 'record.unknown.eventComplication',
  'heart-failure': 'record.unknown.heartFailure',
  'post-event-ischaemia': 'record.unknown.postEventIschaemia',
  'clinical-depression': 'record.unknown.depression',
};

export const SCREENING_KEY: Readonly<Record<ScreeningReason, MessageKey>> = {
  'signs-or-symptoms': 'record.screen.symptoms',
  'known-disease-inactive': 'record.screen.diseaseInactive',
  'known-disease-vigorous': 'record.screen.diseaseVigorous',
  'known-disease-moderate-ok': 'record.screen.diseaseModerateOk',
  'no-disease-no-symptoms': 'record.screen.none',
};

export const DERIVATION_KEY: Readonly<Record<DerivationCode, MessageKey>> = {
  'hrMax.measured': 'record.derive.hrMaxMeasured',
  'hrMax.notOnCurrentMedication': 'record.derive.notOnMedication',
  'hrRest.measured': 'record.derive.hrRest',
  'ceiling.ischaemicThreshold': 'record.derive.ceiling',
  'zone.cappedAtCeiling': 'record.derive.zoneCapped',
  'hrMode.measuredMax': 'record.derive.hrMode',
  'walkingPace.sixMinuteWalk': 'record.derive.walkingPace',
  nothing: 'record.derive.nothing',
};

export const PROGRESSION_KIND_KEY: Readonly<Record<ProgressionKind, MessageKey>> = {
  progress: 'record.prog.progress',
  hold: 'record.prog.hold',
  'step-back': 'record.prog.stepBack',
};

export const REASON_KEY: Readonly<Record<ProgressionReasonCode, MessageKey>> = {
  'too-few-sessions': 'record.reason.tooFew',
  'low-completeness': 'record.reason.lowCompleteness',
  'target-met': 'record.reason.targetMet',
  'target-missed': 'record.reason.targetMissed',
  alerts: 'record.reason.alerts',
  'over-ceiling': 'record.reason.overCeiling',
  'spo2-low': 'record.reason.spo2Low',
  'longer-conditioning': 'record.reason.longer',
  'next-zone-step': 'record.reason.nextZone',
  'previous-zone-step': 'record.reason.previousZone',
  'shorter-conditioning': 'record.reason.shorter',
  'at-maximum': 'record.reason.atMaximum',
  'at-minimum': 'record.reason.atMinimum',
};

/** Prescription fields a proposal changes (dotted paths of the prescription document). */
export const RX_FIELD_KEY: Readonly<Record<string, MessageKey>> = {
  'hrMax.source': 'record.rx.hrMaxSource',
  'hrMax.bpm': 'record.rx.hrMax',
  hrRest: 'record.rx.hrRest',
  ceilingBpm: 'record.rx.ceiling',
  ischaemicThresholdBpm: 'record.rx.ischaemic',
  'zone.low': 'record.rx.zoneLow',
  'zone.high': 'record.rx.zoneHigh',
  'zone.method': 'record.rx.zoneMethod',
  hrMode: 'record.rx.hrMode',
  'fitt.walkingPaceMPerMin': 'record.rx.walkingPace',
  'fitt.conditioningMinutes': 'record.rx.conditioning',
  'fitt.minutesInZone': 'record.rx.minutesInZone',
  'fitt.sessionsPerWeek': 'record.rx.sessionsPerWeek',
  'hrMax.measuredOn': 'record.rx.measuredOn',
};

/** Word values a proposal changes to (hrMax sources, hrMode), with the prescription editor's own words. */
export const RX_VALUE_KEY: Readonly<Record<string, MessageKey>> = {
  measured: 'rx.source.measured',
  tanaka: 'rx.source.tanaka',
  gulati: 'rx.source.gulati',
  brawner: 'rx.source.brawner',
  hunt: 'rx.source.hunt',
  fox: 'rx.source.fox',
  override: 'rx.source.override',
  enforce: 'rx.mode.enforce',
  advisory: 'rx.mode.advisory',
  off: 'rx.mode.off',
};

/** Programme presets the server ships (worded by key; a centre's own programme shows its name). */
export const PROGRAMME_PRESET_KEY: Readonly<Record<string, MessageKey>> = {
  'cardiac-rehab': 'record.programme.cardiac',
  'cardiac-rehab-36': 'record.programme.cardiac',
  'pulmonary-rehab': 'record.programme.pulmonary',
  'pulmonary-rehab-24': 'record.programme.pulmonary',
};
