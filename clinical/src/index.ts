/**
 * zonewatch safety core: prescriptions, zones, alert rules, lifecycle and session metrics
 * (CLINICAL-RULES.md sections 1–4, 6, 7). Pure and deterministic: no I/O, no clock — time is an argument.
 * The vocabulary it speaks (severities, rule ids, presets, HR modes…) and the wire schemas are
 * `@zonewatch/protocol`'s: import those from there.
 */
export type { AcknowledgeError } from './lifecycle.js';
export {
  type HrRecovery,
  type SessionMetrics,
  type TracePoint,
  type ZoneIndex,
  zoneIndex,
} from './metrics.js';
export { ParticipantMonitor, sortSamples } from './monitor.js';
export {
  type Fitt,
  HR_MAX_FORMULAS,
  isoToMs,
  PRESCRIPTION_REFUSAL_CODES,
  PRESCRIPTION_WARNING_CODES,
  type Prescription,
  PrescriptionError,
  type PrescriptionInput,
  type PrescriptionIssue,
  type PrescriptionParams,
  type PrescriptionRefusalCode,
  type PrescriptionVersion,
  type PrescriptionWarning,
  type PrescriptionWarningCode,
  parsePrescription,
  parsePrescriptionVersion,
  prescriptionBaseSchema,
  prescriptionInForce,
  prescriptionSchema,
  prescriptionVersionSchema,
  type ResolvedPrescription,
  type ResolveOptions,
  resolvePrescription,
  roundHalfUp,
} from './prescription.js';
export * from './record/index.js';
export {
  type ReplayDiagnostic,
  ReplayInputError,
  type ReplayOptions,
  replay,
  replayEventJson,
} from './replay.js';
export type { AlertReport, SessionAdherence, SessionReport } from './reports.js';
export { weeklyAdherence } from './reports.js';
export type { RestoredAlert } from './restore.js';
export {
  type DeepPartial,
  defaultRuleSettings,
  mergeRuleSettings,
  type RuleSettings,
  type RuleSettingsOverride,
  ruleSettingsOverrideSchema,
  ruleSettingsSchema,
} from './settings.js';
export { type HrReading, type ParticipantOptions, SYSTEM as SYSTEM_ACTOR } from './state.js';
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
  type AlertStatus,
  type EngineEvent,
  type EscalationTarget,
  isAlertEvent,
  type LifecycleEvent,
  type Sample,
} from './types.js';
export { type AlertView, freshnessOf, type ParticipantView } from './views.js';
