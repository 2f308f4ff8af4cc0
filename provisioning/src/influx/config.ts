import { z } from 'zod';

/** An InfluxQL-style duration of whole hours, days or weeks (`35d`, `104w`); `INF` keeps data forever. */
const durationSchema = z
  .string()
  .regex(/^(?:\d+[hdw]|INF)$/, 'must be a whole number of hours, days or weeks (e.g. 35d, 104w) or INF');
const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"');

/** Unset and empty variables are the same (compose files often write `VAR=`). */
const opt = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' || v === undefined ? undefined : v), schema.optional());

/**
 * Environment of `influx-setup.ts`. Keys are the variable names, so errors name them. Names shared with
 * ingest (`INFLUX_URL`, `INFLUX_DATABASE`, `INFLUX_BUCKET`, `INFLUX_ORG`) mean the same thing there.
 */
export const setupEnvSchema = z.object({
  /** Base URL of the server (`http(s)://host:port`). Required. */
  INFLUX_URL: z.url({ protocol: /^https?$/, error: 'is required: an http:// or https:// URL' }),
  /** InfluxQL database: the 1.x database, the DBRP-mapped name on 2.x, the database on 3.x. */
  INFLUX_DATABASE: opt(idSchema),
  /** Raw retention policy name (1.x; on 2.x the DBRP policy name of the raw bucket). Default `raw`. */
  INFLUX_RAW_RP: opt(idSchema),
  /** How long raw telemetry is kept. Default 35d: a calendar month of alert history for the monthly review. */
  INFLUX_RAW_RETENTION: opt(durationSchema),
  /** Retention policy of the 1-min means (1.x; DBRP policy name on 2.x). Default `one_min`. */
  INFLUX_DOWNSAMPLED_RP: opt(idSchema),
  /** How long the 1-min means are kept. Default 730d (two years). */
  INFLUX_DOWNSAMPLED_RETENTION: opt(durationSchema),
  /** 2.x: bucket of raw telemetry (ingest writes here). Default `zonewatch`. */
  INFLUX_BUCKET: opt(idSchema),
  /** 2.x: bucket of the 1-min means. Default `zonewatch_1m`. */
  INFLUX_DOWNSAMPLED_BUCKET: opt(idSchema),
  /** 2.x: organisation. Required for 2.x. */
  INFLUX_ORG: opt(z.string().min(1)),
  /** 2.x: an operator (all-access) token; on a server not yet set up it becomes the admin token. */
  INFLUX_ADMIN_TOKEN: opt(z.string().min(16, 'must be at least 16 characters')),
  /** 2.x, only for a server not yet set up: the first user's name and password. */
  INFLUX_ADMIN_USER: opt(z.string().min(1)),
  INFLUX_ADMIN_PASSWORD: opt(z.string().min(8, 'must be at least 8 characters')),
  /** 2.x: directory to write scoped tokens to (`ingest.token` read/write, `grafana.token` read-only). */
  INFLUX_TOKEN_DIR: opt(z.string().min(1)),
  /** 1.x with auth enabled: an admin user (HTTP Basic). */
  INFLUX_USERNAME: opt(z.string().min(1)),
  INFLUX_PASSWORD: opt(z.string().min(1)),
  /** How long to wait for the server to answer `/ping`, ms. Default 60000. */
  INFLUX_SETUP_WAIT_MS: opt(z.coerce.number<string>().pipe(z.int().min(0).max(3_600_000))),
});

/** Parsed, frozen set-up configuration (defaults filled in). */
export interface SetupConfig {
  readonly url: string;
  readonly database: string;
  readonly rawRp: string;
  readonly rawRetention: string;
  readonly downsampledRp: string;
  readonly downsampledRetention: string;
  readonly bucket: string;
  readonly downsampledBucket: string;
  readonly org: string | undefined;
  readonly adminToken: string | undefined;
  readonly adminUser: string | undefined;
  readonly adminPassword: string | undefined;
  readonly tokenDir: string | undefined;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly waitMs: number;
}

/** Thrown for a bad environment; names each variable, never echoes a secret. */
export class SetupConfigError extends Error {
  override readonly name = 'SetupConfigError';
}

/** Parses the set-up environment. @throws SetupConfigError naming every bad variable. */
export function loadSetupConfig(env: Record<string, string | undefined>): SetupConfig {
  const r = setupEnvSchema.safeParse(env);
  if (!r.success) {
    const detail = r.error.issues.map((i) => `${String(i.path[0] ?? '(env)')}: ${i.message}`).join('; ');
    throw new SetupConfigError(`invalid InfluxDB set-up configuration: ${detail}`);
  }
  const e = r.data;
  if ((e.INFLUX_USERNAME === undefined) !== (e.INFLUX_PASSWORD === undefined)) {
    throw new SetupConfigError('INFLUX_USERNAME and INFLUX_PASSWORD must be set together');
  }
  return Object.freeze({
    url: e.INFLUX_URL.replace(/\/+$/, ''),
    database: e.INFLUX_DATABASE ?? 'zonewatch',
    rawRp: e.INFLUX_RAW_RP ?? 'raw',
    rawRetention: e.INFLUX_RAW_RETENTION ?? '35d',
    downsampledRp: e.INFLUX_DOWNSAMPLED_RP ?? 'one_min',
    downsampledRetention: e.INFLUX_DOWNSAMPLED_RETENTION ?? '730d',
    bucket: e.INFLUX_BUCKET ?? 'zonewatch',
    downsampledBucket: e.INFLUX_DOWNSAMPLED_BUCKET ?? 'zonewatch_1m',
    org: e.INFLUX_ORG,
    adminToken: e.INFLUX_ADMIN_TOKEN,
    adminUser: e.INFLUX_ADMIN_USER,
    adminPassword: e.INFLUX_ADMIN_PASSWORD,
    tokenDir: e.INFLUX_TOKEN_DIR,
    username: e.INFLUX_USERNAME,
    password: e.INFLUX_PASSWORD,
    waitMs: e.INFLUX_SETUP_WAIT_MS ?? 60_000,
  });
}

const UNIT_SECONDS: Record<string, number> = { h: 3600, d: 86_400, w: 604_800 };

/** Seconds of a set-up duration (`35d`); 0 for `INF` (keep forever, as InfluxDB itself writes it). */
export function durationSeconds(d: string): number {
  if (d === 'INF') return 0;
  const m = /^(\d+)([hdw])$/.exec(d);
  if (!m) throw new SetupConfigError(`bad duration ${JSON.stringify(d)}`);
  return Number(m[1]) * UNIT_SECONDS[m[2]!]!;
}

/** Seconds of a Go duration as InfluxDB 1.x reports it (`840h0m0s`, `0s` = infinite). */
export function goDurationSeconds(d: string): number {
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(h|ms|µs|us|ns|m|s)/g;
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, µs: 1e-6, us: 1e-6, ns: 1e-9 };
  for (const m of d.matchAll(re)) total += Number(m[1]) * unit[m[2]!]!;
  return Math.round(total);
}
