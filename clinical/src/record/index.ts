/**
 * The exercise-health record's pure rules (issue 15): risk (AACVPR / ACSM screening), assessment →
 * prescription derivation, weekly progression proposals, baseline-versus-latest change. No I/O, no clock.
 */
export {
  type ChangeRow,
  COMPARED_MEASURES,
  type ComparedMeasure,
  MEANINGFUL_CHANGE,
  MEANINGFUL_CHANGE_SOURCES,
  type MeaningfulChangeSource,
  meaningfulChange,
} from './change.js';
export {
  bodyMassIndex,
  type DerivationResult,
  deriveFromAssessment,
  WALKING_PACE_FRACTION,
  walkingPaceFromSixMinuteWalk,
} from './derive.js';
export {
  type ProgrammeProgress,
  type ProgrammeProgressInput,
  programmeProgress,
  REASSESSMENT_DEFAULTS,
  type ReassessmentDue,
  type ReassessmentSettings,
} from './programme.js';
export {
  PROGRESSION_DEFAULTS,
  type ProgressionSettings,
  proposeProgression,
  type SessionSummary,
  summariseReport,
} from './progression.js';
export {
  acsmScreening,
  CARDIAC_CONDITIONS,
  type CardiacRiskInput,
  exerciseRisk,
  type HomeSessionsDecision,
  homeSessionsPermitted,
  metsFromCycleWatts,
  type PreParticipation,
  screeningDiseasesFromConditions,
  stratifyCardiacRisk,
} from './risk.js';
