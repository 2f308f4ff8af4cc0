import createError from '@fastify/error';

/**
 * Every error the telemetry writer raises, in one registry (fastify `lib/errors.js` style). Each code is
 * documented in `SCHEMA.md` (section "Errors"); `schema.test.ts` fails when one is missing there.
 *
 * Messages never contain sample values (health data) or secrets.
 */
export const codes = {
  /** An `INFLUX_*` environment variable (or a writer option) is invalid; the message names it. */
  ZW_ERR_INFLUX_CONFIG: createError<'ZW_ERR_INFLUX_CONFIG', [detail: string]>(
    'ZW_ERR_INFLUX_CONFIG',
    'Invalid InfluxDB configuration: %s',
  ),
  /** A point does not match `TELEMETRY_SCHEMA` (unknown measurement, tag or field, or a wrong type). */
  ZW_ERR_TELEMETRY_SCHEMA: createError<'ZW_ERR_TELEMETRY_SCHEMA', [detail: string]>(
    'ZW_ERR_TELEMETRY_SCHEMA',
    'Point does not match the telemetry schema: %s',
  ),
  /** `flush()` could not write every pending line; they stay buffered for retry (or were dropped). */
  ZW_ERR_INFLUX_WRITE: createError<'ZW_ERR_INFLUX_WRITE', [detail: string]>(
    'ZW_ERR_INFLUX_WRITE',
    'InfluxDB write failed: %s',
  ),
  /** An InfluxQL query failed (HTTP status or the server's statement error). */
  ZW_ERR_INFLUX_QUERY: createError<'ZW_ERR_INFLUX_QUERY', [detail: string]>(
    'ZW_ERR_INFLUX_QUERY',
    'InfluxQL query failed: %s',
  ),
  /** The server version could not be detected (`INFLUX_API=auto`): `/ping` failed or did not answer. */
  ZW_ERR_INFLUX_PING: createError<'ZW_ERR_INFLUX_PING', [detail: string]>(
    'ZW_ERR_INFLUX_PING',
    'InfluxDB version detection failed: %s',
  ),
} as const;

export type TelemetryErrorCode = keyof typeof codes;
