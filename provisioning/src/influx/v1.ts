import { durationSeconds, goDurationSeconds, type SetupConfig } from './config.js';
import { type InfluxQueryTarget, influxQL, rows } from './http.js';

/** How one raw measurement is reduced to 1-minute rows in the long-kept retention policy. */
export interface DownsampleSpec {
  /** Continuous query name. */
  readonly name: string;
  /** Source and target measurement (the same name in both retention policies). */
  readonly measurement: 'hr' | 'spo2';
  /** The aggregates, `fn("field") AS "name"`. */
  readonly select: string;
  /** Field condition: artefacts and readings without sensor contact must not pull the means. */
  readonly where?: string;
}

/**
 * The 1-minute means kept after raw telemetry expires: HR over usable readings only (min/max kept for
 * peaks, `samples` so a mean over three readings can be told from one over sixty), SpO2 with its nadir.
 */
export const DOWNSAMPLES: readonly DownsampleSpec[] = [
  {
    name: 'hr_1m',
    measurement: 'hr',
    select:
      'mean("bpm") AS "bpm", min("bpm") AS "bpm_min", max("bpm") AS "bpm_max", count("bpm") AS "samples"',
    where: '"usable" = true',
  },
  {
    name: 'spo2_1m',
    measurement: 'spo2',
    select:
      'mean("spo2") AS "spo2", min("spo2") AS "spo2_min", mean("pulse_rate") AS "pulse_rate", count("spo2") AS "samples"',
  },
];

/** Late data the CQs still pick up: every run recomputes the last 5 minutes (gateway replays, slow flushes). */
export const RESAMPLE_FOR = '5m';

const q = (id: string): string => `"${id.replace(/"/g, '\\"')}"`;

function intoFrom(cfg: SetupConfig, spec: DownsampleSpec): string {
  const db = q(cfg.database);
  return (
    `SELECT ${spec.select} INTO ${db}.${q(cfg.downsampledRp)}.${q(spec.measurement)} ` +
    `FROM ${db}.${q(cfg.rawRp)}.${q(spec.measurement)}`
  );
}

/** `CREATE CONTINUOUS QUERY` statement of a down-sampling spec. */
export function continuousQuery(cfg: SetupConfig, spec: DownsampleSpec): string {
  const where = spec.where ? ` WHERE ${spec.where}` : '';
  return (
    `CREATE CONTINUOUS QUERY ${q(spec.name)} ON ${q(cfg.database)} RESAMPLE EVERY 1m FOR ${RESAMPLE_FOR} ` +
    `BEGIN ${intoFrom(cfg, spec)}${where} GROUP BY time(1m), * END`
  );
}

/**
 * `SELECT … INTO` that down-samples whole minutes between two instants (ms) by hand: for data that
 * arrived later than the CQs look back, or that existed before they were created.
 */
export function backfillStatement(
  cfg: SetupConfig,
  spec: DownsampleSpec,
  fromMs: number,
  toMs: number,
): string {
  const from = Math.floor(fromMs / 60_000) * 60_000;
  const to = Math.floor(toMs / 60_000) * 60_000;
  const conditions = [`time >= ${from}ms`, `time < ${to}ms`, ...(spec.where ? [spec.where] : [])];
  return `${intoFrom(cfg, spec)} WHERE ${conditions.join(' AND ')} GROUP BY time(1m), *`;
}

/** Compares CQ text as InfluxDB prints it back (it drops needless quotes and may re-space). */
export function normaliseStatement(s: string): string {
  return s.replace(/"/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** One statement the set-up ran and why. */
export interface SetupAction {
  readonly statement: string;
  readonly reason: string;
}

/** Server as the set-up script reaches it (no `db`: statements name the database). */
export function v1Target(cfg: SetupConfig): InfluxQueryTarget {
  return {
    url: cfg.url,
    ...(cfg.username !== undefined ? { username: cfg.username, password: cfg.password ?? '' } : {}),
  };
}

/**
 * Brings an InfluxDB 1.x server to the wanted state: the database, a default raw retention policy, a
 * long-kept policy for 1-minute means and the continuous queries that fill it. Idempotent: a second run
 * on an unchanged configuration runs no statement; a changed retention is altered in place and a
 * changed CQ is dropped and created again.
 * @returns the statements it ran, in order.
 */
export async function setupInflux1(cfg: SetupConfig): Promise<SetupAction[]> {
  const target = v1Target(cfg);
  const actions: SetupAction[] = [];
  const run = async (statement: string, reason: string): Promise<void> => {
    await influxQL(target, statement);
    actions.push({ statement, reason });
  };
  const db = q(cfg.database);

  const databases = rows(await influxQL(target, 'SHOW DATABASES')).map((r) => r.name);
  if (!databases.includes(cfg.database)) {
    // WITH … NAME makes the raw policy the default at once and skips the unused `autogen`.
    await run(
      `CREATE DATABASE ${db} WITH DURATION ${cfg.rawRetention} REPLICATION 1 NAME ${q(cfg.rawRp)}`,
      'database missing',
    );
  }

  const policies = new Map(
    rows(await influxQL(target, `SHOW RETENTION POLICIES ON ${db}`)).map((r) => [String(r.name), r]),
  );
  const wanted = [
    { name: cfg.rawRp, duration: cfg.rawRetention, isDefault: true },
    { name: cfg.downsampledRp, duration: cfg.downsampledRetention, isDefault: false },
  ];
  for (const p of wanted) {
    const have = policies.get(p.name);
    const suffix = p.isDefault ? ' DEFAULT' : '';
    if (!have) {
      await run(
        `CREATE RETENTION POLICY ${q(p.name)} ON ${db} DURATION ${p.duration} REPLICATION 1${suffix}`,
        'retention policy missing',
      );
    } else if (
      goDurationSeconds(String(have.duration)) !== durationSeconds(p.duration) ||
      (p.isDefault && have.default !== true)
    ) {
      await run(
        `ALTER RETENTION POLICY ${q(p.name)} ON ${db} DURATION ${p.duration}${suffix}`,
        `retention policy was ${String(have.duration)}${have.default === true ? ' (default)' : ''}`,
      );
    }
  }

  const cqResult = await influxQL(target, 'SHOW CONTINUOUS QUERIES');
  const existing = new Map<string, string>();
  for (const s of cqResult.series ?? []) {
    if (s.name !== cfg.database) continue;
    const nameIdx = s.columns.indexOf('name');
    const queryIdx = s.columns.indexOf('query');
    for (const v of s.values ?? []) existing.set(String(v[nameIdx]), String(v[queryIdx]));
  }
  for (const spec of DOWNSAMPLES) {
    const statement = continuousQuery(cfg, spec);
    const have = existing.get(spec.name);
    if (have !== undefined && normaliseStatement(have) === normaliseStatement(statement)) continue;
    if (have !== undefined)
      await run(`DROP CONTINUOUS QUERY ${q(spec.name)} ON ${db}`, 'continuous query changed');
    await run(statement, have === undefined ? 'continuous query missing' : 'continuous query changed');
  }
  return actions;
}

/** Runs {@link backfillStatement} for every spec; returns the statements. */
export async function backfillInflux1(
  cfg: SetupConfig,
  fromMs: number,
  toMs: number,
): Promise<SetupAction[]> {
  const target = v1Target(cfg);
  const actions: SetupAction[] = [];
  for (const spec of DOWNSAMPLES) {
    const statement = backfillStatement(cfg, spec, fromMs, toMs);
    await influxQL(target, statement);
    actions.push({ statement, reason: 'backfill' });
  }
  return actions;
}
