import createError from '@fastify/error';

/**
 * Every error the registry raises, in one place (fastify `lib/errors.js` style). Each code carries the HTTP
 * status an API should answer with and is documented in `registry/README.md`; `errors.test.ts` fails when
 * one is missing there.
 *
 * Messages are safe to show a client: they name the field or entity and the reason, and never contain
 * row values (health data), SQL parameters or secrets. Driver errors are translated by
 * {@link translateDbError}, which keeps only the SQLSTATE and the constraint name.
 */
export const codes = {
  /** An entity looked up by id does not exist (or a mutation targeted one that does not). */
  ZW_ERR_NOT_FOUND: createError<'ZW_ERR_NOT_FOUND', 404, [what: string]>(
    'ZW_ERR_NOT_FOUND',
    'Not found: %s',
    404,
  ),
  /** A uniqueness rule refused the change (username taken, device already bound, alert already open…). */
  ZW_ERR_CONFLICT: createError<'ZW_ERR_CONFLICT', 409, [detail: string]>(
    'ZW_ERR_CONFLICT',
    'Conflict: %s',
    409,
  ),
  /** An input value is invalid; the message names the field and the reason. */
  ZW_ERR_INVALID_INPUT: createError<'ZW_ERR_INVALID_INPUT', 400, [detail: string]>(
    'ZW_ERR_INVALID_INPUT',
    'Invalid input: %s',
    400,
  ),
  /** An input refers to an entity that does not exist (foreign key) or belongs to another site. */
  ZW_ERR_INVALID_REFERENCE: createError<'ZW_ERR_INVALID_REFERENCE', 422, [detail: string]>(
    'ZW_ERR_INVALID_REFERENCE',
    'Invalid reference: %s',
    422,
  ),
  /** The entity is not in a state that allows the operation (ending an ended session, acking a closed alert…). */
  ZW_ERR_INVALID_STATE: createError<'ZW_ERR_INVALID_STATE', 409, [detail: string]>(
    'ZW_ERR_INVALID_STATE',
    'Invalid state: %s',
    409,
  ),
  /** A migration file is malformed, changed after it was applied, or failed to apply. */
  ZW_ERR_MIGRATION: createError<'ZW_ERR_MIGRATION', 500, [detail: string]>(
    'ZW_ERR_MIGRATION',
    'Registry migration failed: %s',
    500,
  ),
  /** The registry database could not be opened (bad DATABASE_URL, unreachable server, unusable data dir). */
  ZW_ERR_DB_OPEN: createError<'ZW_ERR_DB_OPEN', 500, [detail: string]>(
    'ZW_ERR_DB_OPEN',
    'Cannot open the registry database: %s',
    500,
  ),
  /** Any other database failure; only the SQLSTATE is kept so nothing internal reaches a client. */
  ZW_ERR_DB: createError<'ZW_ERR_DB', 500, [sqlState: string]>(
    'ZW_ERR_DB',
    'Database error (SQLSTATE %s)',
    500,
  ),
  /**
   * The database handle was misused: a query on the outer handle from inside its own transaction (it
   * would deadlock on PGlite and miss uncommitted rows on Postgres), or a transaction handle closed.
   */
  ZW_ERR_DB_USAGE: createError<'ZW_ERR_DB_USAGE', 500, [detail: string]>(
    'ZW_ERR_DB_USAGE',
    'Registry database misuse: %s',
    500,
  ),
  /** A stored password or secret hash is not a well-formed `scrypt$N$r$p$salt$hash` string. */
  ZW_ERR_PASSWORD_HASH: createError<'ZW_ERR_PASSWORD_HASH', 500, [detail: string]>(
    'ZW_ERR_PASSWORD_HASH',
    'Malformed password hash: %s',
    500,
  ),
} as const;

/** Every registry error code. */
export type RegistryErrorCode = keyof typeof codes;

/** A registry error: a FastifyError with one of our codes, plus the constraint name when the DB refused. */
export type RegistryError = InstanceType<(typeof codes)[RegistryErrorCode]> & {
  /** Name of the constraint or index that refused the change (translated driver errors only). */
  constraint?: string;
  /** SQLSTATE of the underlying driver error (translated driver errors only). */
  sqlState?: string;
};

/** True when `err` is a registry error, optionally with the given code. */
export function isRegistryError(err: unknown, code?: RegistryErrorCode): err is RegistryError {
  if (!(err instanceof Error)) return false;
  const c = (err as { code?: unknown }).code;
  return typeof c === 'string' && c in codes && (code === undefined || c === code);
}

/**
 * Client-safe messages for named constraints and unique indexes of the schema (migrations). A test checks
 * that every CHECK, UNIQUE and EXCLUDE constraint and every unique index has one, so 4xx errors always name
 * the field and the reason.
 */
export const CONSTRAINT_MESSAGES: Readonly<Record<string, string>> = Object.freeze({
  sites_pkey: 'a site with this id already exists',
  sites_id_format: 'site id must be 1-64 characters of a-z, 0-9 or "-"',
  sites_name_length: 'site name must be 1-200 characters',
  sites_timezone_length: 'site timezone must be 1-64 characters',
  users_pkey: 'a user with this id already exists',
  users_id_length: 'user id must be 1-128 characters',
  users_username_key: 'username is already taken',
  users_username_format: 'username must be 3-64 characters of a-z, 0-9, ".", "_" or "-"',
  users_display_name_length: 'display name must be 1-200 characters',
  users_roles_known: 'roles must be among admin, clinician, instructor, coach, ops',
  user_sites_pkey: 'the user is already a member of this site',
  login_sessions_pkey: 'a login session with this token already exists',
  login_sessions_token_hash_format: 'a login session is stored as the sha256 (64 hex digits) of its token',
  login_sessions_times: 'a login session must start before it was last seen and before it expires',
  site_leases_pkey: 'this site already has a lease row; renew or take it over instead',
  site_leases_token_positive: 'a site lease fencing token must be a positive number',
  monitoring_gaps_pkey: 'a monitoring gap with this id already exists',
  monitoring_gaps_times: 'a monitoring gap must end at or after its start',
  pairing_codes_pkey: 'this pairing code already exists; issue another',
  pairing_codes_code_hash_format: 'a pairing code is stored as the sha256 (64 hex digits) of the code',
  pairing_codes_times: 'a pairing code must expire after it was issued',
  pairing_codes_used: 'a used pairing code names the gateway it created, and only a used one does',
  home_gateways_pkey: 'this gateway is already paired to a participant',
  participants_pkey: 'a participant with this id already exists',
  participants_id_length: 'participant id must be 1-128 characters',
  participants_alias_length: 'alias must be 1-64 characters',
  participants_site_alias_key: 'alias is already used by an active participant of this site',
  participant_clinical_pkey: 'clinical details already exist for this participant',
  // 0006 (issue 16): consent and the hospitals' FHIR access.
  participant_consents_pkey: 'a consent record with this id already exists',
  participant_consents_purpose_known:
    'consent purpose must be wall-name, home-monitoring or hospital-sharing',
  participant_consents_notice_version_length: 'noticeVersion must be 1-64 characters',
  participant_consents_note_length: 'consent note must be at most 1000 characters',
  fhir_clients_pkey: 'a FHIR client with this id already exists',
  fhir_clients_name_length: 'FHIR client name must be 1-200 characters',
  fhir_clients_token_hash_format: 'a FHIR client token is stored as its sha256 (64 hex digits)',
  fhir_clients_token_hash_key: 'a FHIR client with this token already exists',
  participant_clinical_full_name_length: 'full name must be at most 200 characters',
  participant_clinical_age_range: 'age must be 0-130 years',
  participant_clinical_sex_known: 'sex must be female, male or other',
  participant_clinical_notes_length: 'notes must be at most 5000 characters',
  prescriptions_pkey: 'a prescription with this id already exists',
  prescriptions_version_key: 'this prescription version already exists (concurrent edit); reload and retry',
  prescriptions_one_open: 'another open prescription version exists (concurrent edit); reload and retry',
  prescriptions_version_positive: 'version must be 1 or more',
  prescriptions_effective_order: 'effectiveTo must be after effectiveFrom',
  prescriptions_body_object: 'prescription body must be a JSON object',
  prescriptions_note_length: 'note must be at most 2000 characters',
  devices_pkey: 'a device with this id already exists',
  devices_id_format: 'device id must be 1-64 characters of letters, digits, ":", ".", "_" or "-"',
  devices_kind_known: 'device kind must be hr-strap, oximeter, pedometer, footpod or watch',
  devices_text_length: 'device model and label must be at most 200 characters',
  gateways_pkey: 'a gateway with this id already exists',
  gateways_id_format: 'gateway id must be 1-64 characters of a-z, 0-9 or "-"',
  gateways_secret_hash_format: 'secretHash must be a scrypt$N$r$p$salt$hash string',
  gateways_name_length: 'gateway name must be at most 200 characters',
  classes_pkey: 'a class with this id already exists',
  classes_id_site_key: 'a class with this id already exists',
  classes_id_length: 'class id must be 1-128 characters',
  classes_name_length: 'class name must be 1-200 characters',
  classes_schedule_length: 'schedule must be at most 500 characters',
  sessions_pkey: 'a session with this id already exists',
  sessions_id_length: 'session id must be 1-128 characters',
  sessions_kind_known: 'session kind must be class or home',
  sessions_kind_class: 'a class session needs classId; a home session must not have one',
  sessions_name_length: 'session name must be 1-200 characters',
  sessions_name_code_known: 'a generated session name must be home, class or homeOf',
  sessions_name_alias_length: 'the alias of a generated session name must be 1-200 characters',
  sessions_name_alias_code: 'a generated session name has an alias exactly when it is homeOf',
  sessions_status_known: 'session status must be scheduled, active or ended',
  sessions_status_times: 'session status and its start/end times disagree',
  session_roster_pkey: 'a roster binding with this id already exists',
  session_roster_device_bound: 'device is already bound to a participant',
  session_roster_times: 'unboundAt must not be before boundAt',
  sessions_phase_known: 'phase must be warm-up, conditioning, cool-down or recovery',
  sessions_phase_fields: 'phase and phaseStartedAt go together',
  sessions_phase_starts_object: 'phase starts must be a JSON object',
  sessions_phase_plan_object: 'phase plan must be a JSON object',
  session_removals_pkey: 'this participant was already removed from this session',
  alerts_pkey: 'an alert with this id already exists',
  alerts_one_live: 'an alert for this rule is already open for this participant in this session',
  alerts_rule_format: 'rule must be an upper-case rule id such as HR_ABOVE_ZONE',
  alerts_severity_known: 'severity must be advisory, warning or critical',
  alerts_state_known: 'alert state must be open, acknowledged or closed',
  alerts_escalation_level_range: 'escalationLevel must be 0 or more',
  alerts_ack_fields: 'acknowledgedAt and acknowledgedBy go together',
  alerts_state_fields: 'alert state and its acknowledge/close times disagree',
  alert_events_pkey: 'this alert event was already recorded (concurrent update); retry',
  alert_events_seq_positive: 'event sequence must be 1 or more',
  alert_events_event_known:
    'event must be raised, upgraded, escalated, acknowledged, cleared, closed or resounded',
  alert_events_severity_known: 'severity must be advisory, warning or critical',
  alert_events_note_length: 'note must be at most 500 characters',
  session_reports_pkey: 'a report for this participant and session already exists',
  session_reports_body_object: 'report body must be a JSON object',
  audit_log_pkey: 'this audit entry already exists',
  audit_log_text_length: 'audit actor, action and entity must be 1-200 characters',
  audit_log_detail_object: 'audit detail must be a JSON object',
  schema_migrations_pkey: 'this migration version is already recorded',
  // 0005 (issue 15): the exercise-health record
  assessments_pkey: 'an assessment with this id already exists',
  assessments_kind_known: 'assessment kind must be baseline, reassessment or pre-session',
  assessments_source_known: 'assessment source must be manual or device',
  assessments_device_length: 'device must be 1-200 characters',
  assessments_document_object: 'the assessment must be a JSON object',
  programmes_pkey: 'a programme with this id already exists',
  programmes_id_length: 'programme id must be 1-128 characters',
  programmes_preset_length: 'preset must be 1-64 characters',
  programmes_preset_global: 'a preset programme belongs to no site; a centre programme to its site',
  programmes_name_length: 'programme name must be 1-200 characters',
  programmes_total_sessions_range: 'totalSessions must be 1-400',
  programmes_weeks_range: 'weeks must be 1-104',
  programmes_reassess_at_array: 'reassessAt must be a list',
  enrolments_pkey: 'an enrolment with this id already exists',
  enrolments_reassess_at_array: 'reassessAt must be a list',
  enrolments_status_known: 'enrolment status must be active, completed or withdrawn',
  enrolments_status_times: 'an active enrolment has no end; an ended one has its end time',
  enrolments_one_active: 'the participant is already enrolled in an active programme; end it first',
  progression_proposals_pkey: 'a progression proposal with this id already exists',
  progression_proposals_kind_known: 'proposal kind must be progress, hold or step-back',
  progression_proposals_body_object: 'proposal body must be a JSON object',
  progression_proposals_status_known: 'proposal status must be proposed, accepted, rejected or superseded',
  progression_proposals_reason_length: 'reason must be at most 2000 characters',
  progression_proposals_week_order: 'a proposal week must end after it starts',
  progression_proposals_decision: 'a decided proposal needs who decided, when, and the reason or new version',
  progression_proposals_week_key: 'a proposal for this participant and week already exists',
  progression_proposals_one_open:
    'another proposal is open for this participant (concurrent generation); reload',
  home_overrides_pkey: 'a home-session override with this id already exists',
  home_overrides_reason_length: 'reason must be 1-2000 characters',
  home_overrides_revoke_fields: 'revokedAt and revokedBy go together',
  home_overrides_one_live: 'a home-session override is already in force for this participant',
  // participant access links (issue 16)
  participant_links_pkey: 'an access link with this id already exists',
  participant_links_id_length: 'access link id must be 1-128 characters',
  participant_links_token_hash_format: 'an access link is stored as the sha256 (64 hex digits) of its token',
  participant_links_token_hash_key: 'an access link with this token already exists',
  participant_links_times: 'an access link must expire after it was created',
});

interface DriverError {
  code: string;
  constraint?: string;
  column?: string;
  table?: string;
}

function isDriverError(err: unknown): err is DriverError {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

function withFields(err: RegistryError, sqlState: string, constraint?: string): RegistryError {
  err.sqlState = sqlState;
  if (constraint) err.constraint = constraint;
  return err;
}

/**
 * Maps a pg or PGlite driver error to a registry error. Only the SQLSTATE, constraint, table and column
 * names survive: driver messages and details can quote row values ("Failing row contains …") and PGlite
 * errors carry the query parameters, so neither may reach a log or a client.
 */
export function translateDbError(err: unknown): Error {
  if (isRegistryError(err)) return err;
  if (!isDriverError(err)) return err instanceof Error ? err : new Error(String(err));
  const { code, constraint, column, table } = err;
  const named = constraint ? CONSTRAINT_MESSAGES[constraint] : undefined;
  switch (code) {
    case '23505':
      return withFields(
        new codes.ZW_ERR_CONFLICT(named ?? `duplicate value (${constraint ?? 'unique'})`),
        code,
        constraint,
      );
    case '23503':
      return withFields(
        new codes.ZW_ERR_INVALID_REFERENCE(
          named ??
            `${table ?? 'row'} refers to something that does not exist (${constraint ?? 'foreign key'})`,
        ),
        code,
        constraint,
      );
    case '23514':
      return withFields(
        new codes.ZW_ERR_INVALID_INPUT(named ?? `check ${constraint ?? ''} failed`),
        code,
        constraint,
      );
    case '23502':
      return withFields(new codes.ZW_ERR_INVALID_INPUT(`${column ?? 'a field'} is required`), code);
    case '22001':
      return withFields(new codes.ZW_ERR_INVALID_INPUT('a value is too long'), code);
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
    case '22023':
    case '22P05':
      return withFields(
        new codes.ZW_ERR_INVALID_INPUT('a value has the wrong type or is out of range'),
        code,
      );
    case '40001':
    case '40P01':
      return withFields(new codes.ZW_ERR_CONFLICT('concurrent update; retry'), code);
    case 'ZWA01':
      return withFields(new codes.ZW_ERR_INVALID_STATE(`${table ?? 'this table'} is append-only`), code);
    default:
      return withFields(new codes.ZW_ERR_DB(code), code);
  }
}
