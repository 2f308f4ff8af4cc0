/**
 * The registry: people, prescriptions, sites, classes, sessions, rosters, devices, gateways, users, alerts,
 * session reports and the audit log, on PGlite (embedded) or Postgres (`DATABASE_URL`) with one SQL path.
 *
 * ```ts
 * const { registry } = await openRegistry({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.DATA_DIR });
 * const bindings = await registry.rosters.activeBindings({ siteIds });
 * await registry.db.close();
 * ```
 */
export type { Db, DbLogger, PostgresOptions, RegistryDbOptions } from './db.js';
export { openPglite, openPostgres, openRegistryDb, pgliteDir, redactUrl } from './db.js';
export type { RegistryError, RegistryErrorCode } from './errors.js';
export { CONSTRAINT_MESSAGES, codes, isRegistryError, translateDbError } from './errors.js';
export { newId } from './ids.js';
export type { MigrateLogger, MigrateResult, Migration } from './migrate.js';
export { loadMigrations, MIGRATIONS_DIR, migrate } from './migrate.js';
export type { ScryptParams } from './passwords.js';
export {
  DEFAULT_PASSWORD_PARAMS,
  generatePassword,
  hashPassword,
  isPasswordHash,
  MIN_PASSWORD_LENGTH,
  needsRehash,
  SECRET_PARAMS,
  verifyPassword,
} from './passwords.js';
export type { OpenRegistryOptions, Registry, RegistryOptions } from './registry.js';
export { createRegistry, openRegistry } from './registry.js';
export type { AlertChange, AlertEventInput, AlertsRepo, RaiseAlert } from './repos/alerts.js';
export type {
  AssessmentKind,
  AssessmentRecord,
  AssessmentSource,
  AssessmentsRepo,
  HomeOverrideRecord,
  NewAssessment,
} from './repos/assessments.js';
export type { AuditInput, AuditRepo } from './repos/audit.js';
export type { ClassesRepo, NewClass } from './repos/classes.js';
export {
  CONSENT_PURPOSES,
  type ConsentPurpose,
  type ConsentRecord,
  type ConsentRepo,
  type ConsentState,
  type NewConsent,
} from './repos/consent.js';
export type { DevicesRepo } from './repos/devices.js';
export { type FhirClient, type FhirClientsRepo, hashFhirToken } from './repos/fhir-clients.js';
export type { GatewaysRepo } from './repos/gateways.js';
export type { HomeGatewayRecord, HomePairingRepo, PairingCodeRecord } from './repos/home-pairing.js';
export {
  LOGIN_TOUCH_EVERY_MS,
  type LoginSessionRecord,
  type LoginSessionsRepo,
} from './repos/login-sessions.js';
export type { NewParticipant, ParticipantsRepo } from './repos/participants.js';
export type { ErasureResult, PersonDataRepo, PersonRows } from './repos/person-data.js';
export type { NewPrescription, PrescriptionsRepo } from './repos/prescriptions.js';
export {
  type EnrolmentRecord,
  type EnrolmentStatus,
  type NewEnrolment,
  type ProgrammeDefinitionInput,
  type ProgrammeRecord,
  type ProgrammesRepo,
  presetProgrammeId,
  type ReassessPoint,
} from './repos/programmes.js';
export type {
  NewProposal,
  ProgressionKind,
  ProgressionProposalRecord,
  ProgressionRepo,
  ProposalStatus,
} from './repos/progression.js';
export type { ReportsRepo } from './repos/reports.js';
export type { NewBinding, RostersRepo } from './repos/rosters.js';
export type { NewSession, SessionsRepo } from './repos/sessions.js';
export type { SitesRepo } from './repos/sites.js';
export type { NewUser, UsersRepo } from './repos/users.js';
export type { DemoDevice, DemoInput, DemoParticipant, DemoSeedResult } from './seed.js';
export { seedDemo } from './seed.js';
export * from './types.js';
