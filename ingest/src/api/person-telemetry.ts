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

/**
 * Every point of the person in every retention policy of the database (raw samples and, where the set-up
 * keeps them, the 1-minute means), keyed `{policy}.{measurement}`; empty ones are left out.
 */
export async function exportTelemetry(
  target: InfluxQLTarget,
  participantId: string,
): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  const policies = await queryInfluxQLSeries(target, `SHOW RETENTION POLICIES ON "${target.database}"`);
  const names = policies.flatMap((s) => s.values.map((v) => String(v[s.columns.indexOf('name')])));
  for (const rp of names) {
    const from = PERSON_MEASUREMENTS.map((m) => `"${rp.replace(/"/g, '\\"')}"."${m}"`).join(', ');
    const series = await queryInfluxQLSeries(
      target,
      `SELECT * FROM ${from} WHERE "participant" = ${literal(participantId)}`,
    );
    for (const s of series) {
      const rows = s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i] ?? null])));
      const key = `${rp}.${s.name}`;
      out[key] = [...(out[key] ?? []), ...rows];
    }
  }
  return out;
}

/**
 * Drops every series of the person (all measurements, by their `participant` tag) and of their own home
 * sessions (by `session`). InfluxDB 1.x drops a series from every retention policy of the database, so the
 * 1-minute means go too. @throws ZW_ERR_INFLUX_QUERY
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
