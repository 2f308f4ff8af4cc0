import type { RepoContext } from './context.js';
import { type Db, type DbLogger, openRegistryDb } from './db.js';
import { type MigrateLogger, type MigrateResult, migrate } from './migrate.js';
import { DEFAULT_PASSWORD_PARAMS, type ScryptParams } from './passwords.js';
import { type AlertsRepo, alertsRepo } from './repos/alerts.js';
import { type AssessmentsRepo, assessmentsRepo } from './repos/assessments.js';
import { type AuditRepo, auditRepo } from './repos/audit.js';
import { type ClassesRepo, classesRepo } from './repos/classes.js';
import { type ConsentRepo, consentRepo } from './repos/consent.js';
import { type DevicesRepo, devicesRepo } from './repos/devices.js';
import { type FhirClientsRepo, fhirClientsRepo } from './repos/fhir-clients.js';
import { type GatewaysRepo, gatewaysRepo } from './repos/gateways.js';
import { type HomePairingRepo, homePairingRepo } from './repos/home-pairing.js';
import { type LoginSessionsRepo, loginSessionsRepo } from './repos/login-sessions.js';
import { type ParticipantsRepo, participantsRepo } from './repos/participants.js';
import { type PersonDataRepo, personDataRepo } from './repos/person-data.js';
import { type PrescriptionsRepo, prescriptionsRepo } from './repos/prescriptions.js';
import { type ProgrammesRepo, programmesRepo } from './repos/programmes.js';
import { type ProgressionRepo, progressionRepo } from './repos/progression.js';
import { type ReportsRepo, reportsRepo } from './repos/reports.js';
import { type RostersRepo, rostersRepo } from './repos/rosters.js';
import { type SessionsRepo, sessionsRepo } from './repos/sessions.js';
import { type SitesRepo, sitesRepo } from './repos/sites.js';
import { type UsersRepo, usersRepo } from './repos/users.js';

/** Options of {@link createRegistry}. */
export interface RegistryOptions {
  /** Default time of writes, ms since epoch (default `Date.now`). */
  clock?: () => number;
  /** scrypt cost for new password hashes (default {@link DEFAULT_PASSWORD_PARAMS}; tests may lower it). */
  passwordParams?: ScryptParams;
}

/** Typed repositories over one database handle. */
export interface Registry {
  readonly db: Db;
  /** The registry clock (ms since epoch): the default time of writes. */
  now(): number;
  readonly sites: SitesRepo;
  readonly users: UsersRepo;
  readonly participants: ParticipantsRepo;
  readonly prescriptions: PrescriptionsRepo;
  readonly devices: DevicesRepo;
  readonly gateways: GatewaysRepo;
  readonly classes: ClassesRepo;
  readonly sessions: SessionsRepo;
  readonly rosters: RostersRepo;
  readonly alerts: AlertsRepo;
  readonly reports: ReportsRepo;
  readonly audit: AuditRepo;
  /** Staff login sessions (token hashes only), so logins survive a restart. */
  readonly loginSessions: LoginSessionsRepo;
  /** Assessments and home-session overrides (issue 15, the exercise-health record). */
  readonly assessments: AssessmentsRepo;
  /** Programme definitions and enrolments (issue 15). */
  readonly programmes: ProgrammesRepo;
  /** Weekly progression proposals (issue 15). */
  readonly progression: ProgressionRepo;
  /** Consent per purpose (issue 16): wall name, home monitoring, sharing with a hospital. */
  readonly consent: ConsentRepo;
  /** Hospital systems' bearer tokens for the FHIR facade (issue 16). */
  readonly fhirClients: FhirClientsRepo;
  /** Export and erasure of everything about one person (issue 16). */
  readonly personData: PersonDataRepo;
  /** Pairing codes and the phone gateways they created (home sessions from a phone, issue 17). */
  readonly homePairing: HomePairingRepo;
  /**
   * Runs `fn` with a registry bound to one transaction, e.g. a change and its audit entry together. Inside,
   * use only the `tx` registry (the outer one throws ZW_ERR_DB_USAGE there).
   */
  transaction<T>(fn: (tx: Registry) => Promise<T>): Promise<T>;
}

/** Builds the repositories over `db` (which must be migrated: see {@link migrate}). */
export function createRegistry(db: Db, options: RegistryOptions = {}): Registry {
  const ctx: RepoContext = {
    db,
    clock: options.clock ?? Date.now,
    passwordParams: options.passwordParams ?? DEFAULT_PASSWORD_PARAMS,
  };
  return Object.freeze({
    db,
    now: () => ctx.clock(),
    sites: sitesRepo(ctx),
    users: usersRepo(ctx),
    participants: participantsRepo(ctx),
    prescriptions: prescriptionsRepo(ctx),
    devices: devicesRepo(ctx),
    gateways: gatewaysRepo(ctx),
    classes: classesRepo(ctx),
    sessions: sessionsRepo(ctx),
    rosters: rostersRepo(ctx),
    alerts: alertsRepo(ctx),
    reports: reportsRepo(ctx),
    audit: auditRepo(ctx),
    loginSessions: loginSessionsRepo(ctx),
    assessments: assessmentsRepo(ctx),
    programmes: programmesRepo(ctx),
    progression: progressionRepo(ctx),
    consent: consentRepo(ctx),
    fhirClients: fhirClientsRepo(ctx),
    personData: personDataRepo(ctx),
    homePairing: homePairingRepo(ctx),
    transaction: <T>(fn: (tx: Registry) => Promise<T>) =>
      db.transaction((tx) => fn(createRegistry(tx, options))),
  });
}

/** Options of {@link openRegistry}. */
export interface OpenRegistryOptions extends RegistryOptions {
  /** A Postgres server (`DATABASE_URL`); when unset, the embedded PGlite under `{dataDir}/registry`. */
  databaseUrl?: string | undefined;
  /** The service's data directory (`DATA_DIR`), or `'memory'` for an in-memory PGlite. */
  dataDir: string;
  logger?: DbLogger & MigrateLogger;
}

/**
 * Opens the database {@link openRegistryDb} picks, migrates it and returns the registry. Close it with
 * `registry.db.close()`.
 */
export async function openRegistry(
  options: OpenRegistryOptions,
): Promise<{ registry: Registry; migration: MigrateResult }> {
  const db = await openRegistryDb(options);
  try {
    const migration = await migrate(db, options.logger ? { logger: options.logger } : {});
    return { registry: createRegistry(db, options), migration };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
