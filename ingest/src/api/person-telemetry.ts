import { type InfluxQLTarget, queryInfluxQLSeries } from '../telemetry/index.js';

/**
 * One person's telemetry in InfluxDB (issue 16: a copy and erasure). Samples and alert points carry the
 * participant's pseudonymous id in the `participant` tag (telemetry/SCHEMA.md); the `session` measurement of a
 * home session that was theirs alone is theirs too. Device health points name devices, never people: kept.
 */

/** Measurements tagged with `participant`. */
export const PERSON_MEASUREMENTS = ['hr', 'spo2', 'steps', 'alert'] as const;

/** An InfluxQL string literal. */
const literal = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Every point of the person, per measurement (time in ms); empty measurements are left out. */
export async function exportTelemetry(
  target: InfluxQLTarget,
  participantId: string,
): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  const series = await queryInfluxQLSeries(
    target,
    `SELECT * FROM ${PERSON_MEASUREMENTS.map((m) => `"${m}"`).join(', ')} WHERE "participant" = ${literal(participantId)}`,
  );
  for (const s of series) {
    const rows = s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i] ?? null])));
    out[s.name] = [...(out[s.name] ?? []), ...rows];
  }
  return out;
}

/**
 * Drops every series of the person (all measurements, by their `participant` tag) and of their own home
 * sessions (by `session`), on the database and retention policy of `target`'s default. @throws ZW_ERR_INFLUX_QUERY
 */
export async function eraseTelemetry(
  target: InfluxQLTarget,
  participantId: string,
  sessionIds: readonly string[],
): Promise<void> {
  const statements = [
    `DROP SERIES WHERE "participant" = ${literal(participantId)}`,
    ...sessionIds.map((s) => `DROP SERIES WHERE "session" = ${literal(s)}`),
  ];
  await queryInfluxQLSeries(target, statements.join('; '));
}
