/**
 * zonewatch safety core: prescriptions, zones, alert rules, lifecycle and session metrics
 * (CLINICAL-RULES.md sections 1–4, 6, 7). Pure and deterministic: no I/O, no clock — time is an argument.
 * The vocabulary it speaks (severities, rule ids, presets, HR modes…) and the wire schemas are
 * `@zonewatch/protocol`'s: import those from there.
 */
export {
  type AcknowledgeError,
  type AlertRecord,
  type AlertReport,
  type AlertView,
  acknowledge,
  createParticipant,
  endSession,
  evaluateSample,
  evaluateSamples,
  freshnessOf,
  markExerciseEnd,
  type ParticipantOptions,
  type ParticipantState,
  type ParticipantView,
  type RestoredAlert,
  restoreAlert,
  runTrace,
  type SessionAdherence,
  type SessionReport,
  type StepResult,
  sessionMetrics,
  sessionReport,
  setBound,
  sortSamples,
  tick,
  view,
  weeklyAdherence,
  withPrescription,
} from './engine.js';
export {
  type HrRecovery,
  type SessionMetrics,
  type TracePoint,
  type ZoneIndex,
  zoneIndex,
} from './metrics.js';
export {
  type Fitt,
  HR_MAX_FORMULAS,
  isoToMs,
  type Prescription,
  PrescriptionError,
  type PrescriptionInput,
  type PrescriptionIssue,
  type PrescriptionVersion,
  parsePrescription,
  parsePrescriptionVersion,
  prescriptionBaseSchema,
  prescriptionInForce,
  prescriptionSchema,
  prescriptionVersionSchema,
  type ResolvedPrescription,
  resolvePrescription,
  roundHalfUp,
} from './prescription.js';
export {
  type ReplayDiagnostic,
  ReplayInputError,
  type ReplayOptions,
  replay,
  replayEventJson,
} from './replay.js';
export {
  type DeepPartial,
  defaultRuleSettings,
  mergeRuleSettings,
  type RuleSettings,
  type RuleSettingsOverride,
  ruleSettingsOverrideSchema,
  ruleSettingsSchema,
} from './settings.js';
export {
  type LevelDefinition,
  type Predicate,
  type PredicateName,
  predicates,
  RULE_TABLE,
  type RuleContext,
  type RuleDefinition,
  type RuleSignal,
  signalLostLevels,
} from './table.js';
export { parseTraceCsv, type TraceDiagnostic, TraceFormatError } from './trace-csv.js';
export {
  type AlertEvent,
  type EngineEvent,
  type EscalationTarget,
  isAlertEvent,
  type Sample,
} from './types.js';
