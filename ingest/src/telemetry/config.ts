import { z } from 'zod';
import { codes } from './errors.js';

const ms = (min: number, max: number, def: number) => z.coerce.number().int().min(min).max(max).default(def);
const count = (min: number, max: number, def: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

/**
 * The telemetry writer's environment variables. Each key is the env var name; units are in the names.
 * Parsed once at start-up by {@link loadInfluxConfig}.
 */
export const influxEnvSchema = z.object({
  /** Base URL of the InfluxDB server (`http(s)://host:port`). Unset: telemetry storage is disabled. */
  INFLUX_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  /**
   * Write API: `v1` (`/write?db=`, every 1.x), `v2` (`/api/v2/write`, 1.8+, 2.x, 3.x) or `auto` (ask
   * `/ping` for `X-Influxdb-Version` on the first write: 1.x → v1, otherwise v2).
   */
  INFLUX_API: z.enum(['auto', 'v1', 'v2']).default('auto'),
  /** API token (v2 write API; also sent on InfluxQL queries as `Authorization: Token …`). */
  INFLUX_TOKEN: z.string().min(1).optional(),
  /** Organisation (v2 write API on InfluxDB 2.x; ignored by 1.8 and 3.x). */
  INFLUX_ORG: z.string().default(''),
  /** Bucket (v2 write API). */
  INFLUX_BUCKET: z.string().min(1).default('zonewatch'),
  /** Database (v1 write API, and the `db` of every InfluxQL query — on 2.x the DBRP-mapped name). */
  INFLUX_DATABASE: z.string().min(1).default('zonewatch'),
  /** Retention policy (v1 write API and InfluxQL); unset = the database's default policy. */
  INFLUX_RETENTION_POLICY: z.string().min(1).optional(),
  /** User name (v1 auth, sent as HTTP Basic); requires INFLUX_PASSWORD. */
  INFLUX_USERNAME: z.string().min(1).optional(),
  /** Password (v1 auth); requires INFLUX_USERNAME. */
  INFLUX_PASSWORD: z.string().min(1).optional(),
  /** How often buffered points are sent, in ms (the client's own default, 60 s, is far too slow for live ops). */
  INFLUX_FLUSH_INTERVAL_MS: ms(10, 60_000, 1000),
  /** Most lines sent in one write request (a full batch is sent before the interval ends), in lines. */
  INFLUX_BATCH_SIZE: count(1, 100_000, 5000),
  /**
   * Bound of the retry buffer, in lines: lines waiting for InfluxDB to come back. Past it the oldest
   * lines are dropped (counted and logged). 100 000 lines ≈ 15–25 MB, about 10 minutes of a 40-person
   * class (4 lines per person per second).
   */
  INFLUX_MAX_BUFFER_LINES: count(1, 10_000_000, 100_000),
  /** Retries of one failed batch before it is dropped (counted and logged), in attempts. */
  INFLUX_MAX_RETRIES: count(0, 1000, 100),
  /** How long a failed batch is retried before it is dropped (counted and logged), in ms. */
  INFLUX_MAX_RETRY_TIME_MS: ms(1000, 86_400_000, 600_000),
  /** First back-off delay after a failed write, in ms (doubles per failed attempt, with jitter). */
  INFLUX_MIN_RETRY_DELAY_MS: ms(1, 3_600_000, 1000),
  /** Longest back-off delay between two attempts of one batch, in ms. */
  INFLUX_MAX_RETRY_DELAY_MS: ms(1, 3_600_000, 15_000),
  /** HTTP request timeout (write, ping and query), in ms. */
  INFLUX_TIMEOUT_MS: ms(100, 600_000, 10_000),
  /** Period of the aggregated `device` health points, in ms. */
  INFLUX_DEVICE_INTERVAL_MS: ms(1000, 3_600_000, 10_000),
});

/** Parsed, frozen telemetry storage configuration (camelCase; units in the names). */
export interface InfluxConfig {
  /** `INFLUX_URL` without a trailing slash; `undefined` = storage disabled (the platform runs without it). */
  readonly url: string | undefined;
  /** `INFLUX_API`: write endpoint, `auto` = detected from `/ping` on the first write. */
  readonly api: 'auto' | 'v1' | 'v2';
  /** `INFLUX_TOKEN` (v2 writes, InfluxQL queries). */
  readonly token: string | undefined;
  /** `INFLUX_ORG` (v2 writes on 2.x). */
  readonly org: string;
  /** `INFLUX_BUCKET` (v2 writes). */
  readonly bucket: string;
  /** `INFLUX_DATABASE` (v1 writes, every InfluxQL query). */
  readonly database: string;
  /** `INFLUX_RETENTION_POLICY` (v1 writes, queries); `undefined` = the database default. */
  readonly retentionPolicy: string | undefined;
  /** `INFLUX_USERNAME` (v1, HTTP Basic). */
  readonly username: string | undefined;
  /** `INFLUX_PASSWORD` (v1, HTTP Basic). */
  readonly password: string | undefined;
  /** `INFLUX_FLUSH_INTERVAL_MS`: ms between batches. */
  readonly flushIntervalMs: number;
  /** `INFLUX_BATCH_SIZE`: lines per write request at most. */
  readonly batchSize: number;
  /** `INFLUX_MAX_BUFFER_LINES`: lines waiting for a retry at most (the documented buffer bound). */
  readonly maxBufferLines: number;
  /** `INFLUX_MAX_RETRIES`: retries of one batch. */
  readonly maxRetries: number;
  /** `INFLUX_MAX_RETRY_TIME_MS`: ms one batch is retried. */
  readonly maxRetryTimeMs: number;
  /** `INFLUX_MIN_RETRY_DELAY_MS`: first back-off delay, ms. */
  readonly minRetryDelayMs: number;
  /** `INFLUX_MAX_RETRY_DELAY_MS`: longest back-off delay, ms. */
  readonly maxRetryDelayMs: number;
  /** `INFLUX_TIMEOUT_MS`: HTTP request timeout, ms. */
  readonly timeoutMs: number;
  /** `INFLUX_DEVICE_INTERVAL_MS`: period of `device` health points, ms. */
  readonly deviceIntervalMs: number;
}

/** A configuration with storage enabled. */
export type EnabledInfluxConfig = InfluxConfig & { readonly url: string };

const SECRET_VARS = new Set(['INFLUX_TOKEN', 'INFLUX_PASSWORD']);

/**
 * Parses the `INFLUX_*` variables, applies defaults and freezes the result.
 * @throws ZW_ERR_INFLUX_CONFIG naming every bad variable (secrets are never echoed).
 */
export function loadInfluxConfig(env: Record<string, string | undefined> = process.env): InfluxConfig {
  const input: Record<string, string> = {};
  for (const key of Object.keys(influxEnvSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const r = influxEnvSchema.safeParse(input);
  if (!r.success) {
    const detail = r.error.issues
      .map((i) => {
        const key = String(i.path[0] ?? '');
        const shown = SECRET_VARS.has(key) ? '(hidden)' : JSON.stringify(input[key] ?? '');
        return `${key}=${shown}: ${i.message}`;
      })
      .join('; ');
    throw new codes.ZW_ERR_INFLUX_CONFIG(detail);
  }
  const e = r.data;
  if ((e.INFLUX_USERNAME === undefined) !== (e.INFLUX_PASSWORD === undefined)) {
    throw new codes.ZW_ERR_INFLUX_CONFIG('INFLUX_USERNAME and INFLUX_PASSWORD must be set together');
  }
  if (e.INFLUX_MIN_RETRY_DELAY_MS > e.INFLUX_MAX_RETRY_DELAY_MS) {
    throw new codes.ZW_ERR_INFLUX_CONFIG(
      `INFLUX_MIN_RETRY_DELAY_MS=${e.INFLUX_MIN_RETRY_DELAY_MS} exceeds INFLUX_MAX_RETRY_DELAY_MS=${e.INFLUX_MAX_RETRY_DELAY_MS}`,
    );
  }
  return Object.freeze({
    url: e.INFLUX_URL?.replace(/\/+$/, ''),
    api: e.INFLUX_API,
    token: e.INFLUX_TOKEN,
    org: e.INFLUX_ORG,
    bucket: e.INFLUX_BUCKET,
    database: e.INFLUX_DATABASE,
    retentionPolicy: e.INFLUX_RETENTION_POLICY,
    username: e.INFLUX_USERNAME,
    password: e.INFLUX_PASSWORD,
    flushIntervalMs: e.INFLUX_FLUSH_INTERVAL_MS,
    batchSize: e.INFLUX_BATCH_SIZE,
    maxBufferLines: e.INFLUX_MAX_BUFFER_LINES,
    maxRetries: e.INFLUX_MAX_RETRIES,
    maxRetryTimeMs: e.INFLUX_MAX_RETRY_TIME_MS,
    minRetryDelayMs: e.INFLUX_MIN_RETRY_DELAY_MS,
    maxRetryDelayMs: e.INFLUX_MAX_RETRY_DELAY_MS,
    timeoutMs: e.INFLUX_TIMEOUT_MS,
    deviceIntervalMs: e.INFLUX_DEVICE_INTERVAL_MS,
  });
}

/** True when the configuration names a server. */
export function isInfluxEnabled(config: InfluxConfig): config is EnabledInfluxConfig {
  return config.url !== undefined;
}
