import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { durationSeconds, type SetupConfig, SetupConfigError } from './config.js';
import type { SetupAction } from './v1.js';

/** Name of the 2.x task that fills the down-sampled bucket (the 1.x continuous queries' twin). */
export const DOWNSAMPLE_TASK = 'zonewatch-downsample-1m';

/** Scoped tokens the set-up creates (2.x): who uses them, and what they may do. */
export const TOKENS = [
  { name: 'ingest', description: 'zonewatch-ingest', write: true },
  { name: 'grafana', description: 'zonewatch-grafana', write: false },
] as const;

const flux = (s: string): string => JSON.stringify(s);

/**
 * Flux of the down-sampling task: the same 1-minute rows as the 1.x CQs (same measurements, fields and
 * tags, window start as the timestamp), so InfluxQL over `"one_min"."hr"` reads alike on both. Every
 * run redoes the last 5 whole minutes, for late (replayed) readings.
 */
export function downsampleTaskFlux(cfg: SetupConfig): string {
  const raw = flux(cfg.bucket);
  const out = `bucket: ${flux(cfg.downsampledBucket)}, org: ${flux(cfg.org ?? '')}`;
  return `import "date"

option task = {name: ${flux(DOWNSAMPLE_TASK)}, every: 1m, offset: 10s}

stop = date.truncate(t: now(), unit: 1m)
start = date.sub(d: 5m, from: stop)

downsample = (tables=<-, field, fn, name) =>
    tables
        |> filter(fn: (r) => r._field == field)
        |> aggregateWindow(every: 1m, fn: fn, createEmpty: false, timeSrc: "_start")
        |> set(key: "_field", value: name)
        |> to(${out})

// HR: usable readings only (artefacts and no-contact readings would pull the means).
hr =
    from(bucket: ${raw})
        |> range(start: start, stop: stop)
        |> filter(fn: (r) => r._measurement == "hr" and (r._field == "bpm" or r._field == "usable"))
        |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
        |> filter(fn: (r) => exists r.bpm and exists r.usable and r.usable == true)
        |> map(fn: (r) => ({r with _field: "bpm", _value: float(v: r.bpm)}))
        |> drop(columns: ["bpm", "usable"])

spo2 =
    from(bucket: ${raw})
        |> range(start: start, stop: stop)
        |> filter(fn: (r) => r._measurement == "spo2")

hr |> downsample(field: "bpm", fn: mean, name: "bpm")
hr |> downsample(field: "bpm", fn: min, name: "bpm_min")
hr |> downsample(field: "bpm", fn: max, name: "bpm_max")
hr |> downsample(field: "bpm", fn: count, name: "samples")
spo2 |> downsample(field: "spo2", fn: mean, name: "spo2")
spo2 |> downsample(field: "spo2", fn: min, name: "spo2_min")
spo2 |> downsample(field: "pulse_rate", fn: mean, name: "pulse_rate")
spo2 |> downsample(field: "spo2", fn: count, name: "samples")
`;
}

/** Thrown when the server refuses a request; names the request, never the token. */
export class InfluxApiError extends Error {
  override readonly name = 'InfluxApiError';
}

type Json = Record<string, unknown>;

function api(cfg: SetupConfig, token: string | undefined) {
  return async <T = Json>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${cfg.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Token ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok)
      throw new InfluxApiError(`${method} ${path.split('?')[0]}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
}

const retentionRules = (d: string): { type: 'expire'; everySeconds: number }[] =>
  durationSeconds(d) === 0 ? [] : [{ type: 'expire', everySeconds: durationSeconds(d) }];

/**
 * Brings an InfluxDB 2.x server to the wanted state: first-time set-up if the server was never set up
 * (user, org, raw bucket, operator token), then the raw and down-sampled buckets with their retention,
 * DBRP mappings so InfluxQL (`db=zonewatch`, policies `raw` and `one_min`) reaches them, the
 * down-sampling task, and — with a token directory — a read/write token for ingest and a read-only
 * token for Grafana written to `{dir}/ingest/token` and `{dir}/grafana/token`. Idempotent.
 * @returns what it changed, in order.
 */
export async function setupInflux2(cfg: SetupConfig): Promise<SetupAction[]> {
  const actions: SetupAction[] = [];
  const done = (statement: string, reason: string): void => {
    actions.push({ statement, reason });
  };
  if (!cfg.org) throw new SetupConfigError('INFLUX_ORG is required for InfluxDB 2.x');
  if (!cfg.adminToken)
    throw new SetupConfigError('INFLUX_ADMIN_TOKEN (an operator token) is required for InfluxDB 2.x');

  const anonymous = api(cfg, undefined);
  const onboarding = await anonymous<{ allowed?: boolean }>('GET', '/api/v2/setup');
  if (onboarding.allowed) {
    if (!cfg.adminUser || !cfg.adminPassword) {
      throw new SetupConfigError(
        'the server is not set up yet: INFLUX_ADMIN_USER and INFLUX_ADMIN_PASSWORD are required',
      );
    }
    await anonymous('POST', '/api/v2/setup', {
      username: cfg.adminUser,
      password: cfg.adminPassword,
      org: cfg.org,
      bucket: cfg.bucket,
      retentionPeriodSeconds: durationSeconds(cfg.rawRetention),
      token: cfg.adminToken,
    });
    done(`POST /api/v2/setup (org ${cfg.org}, bucket ${cfg.bucket})`, 'server was not set up');
  }

  const call = api(cfg, cfg.adminToken);
  const q = encodeURIComponent;
  const orgs = await call<{ orgs?: { id: string; name: string }[] }>(
    'GET',
    `/api/v2/orgs?org=${q(cfg.org)}`,
  ).catch((err: unknown) => {
    // 2.x answers 404 for an unknown org name.
    if (err instanceof InfluxApiError && err.message.includes('HTTP 404')) return { orgs: [] };
    throw err;
  });
  let orgID = orgs.orgs?.find((o) => o.name === cfg.org)?.id;
  if (!orgID) {
    orgID = (await call<{ id: string }>('POST', '/api/v2/orgs', { name: cfg.org })).id;
    done(`POST /api/v2/orgs ${cfg.org}`, 'organisation missing');
  }

  const bucketIds: Record<string, string> = {};
  for (const [name, retention] of [
    [cfg.bucket, cfg.rawRetention],
    [cfg.downsampledBucket, cfg.downsampledRetention],
  ] as const) {
    const found = await call<{
      buckets?: { id: string; name: string; retentionRules?: { everySeconds: number }[] }[];
    }>('GET', `/api/v2/buckets?orgID=${q(orgID)}&name=${q(name)}`);
    const bucket = found.buckets?.find((b) => b.name === name);
    const wanted = retentionRules(retention);
    if (!bucket) {
      const created = await call<{ id: string }>('POST', '/api/v2/buckets', {
        orgID,
        name,
        retentionRules: wanted,
      });
      bucketIds[name] = created.id;
      done(`POST /api/v2/buckets ${name} (retention ${retention})`, 'bucket missing');
    } else {
      bucketIds[name] = bucket.id;
      const have = bucket.retentionRules?.[0]?.everySeconds ?? 0;
      if (have !== durationSeconds(retention)) {
        await call('PATCH', `/api/v2/buckets/${q(bucket.id)}`, { retentionRules: wanted });
        done(`PATCH /api/v2/buckets ${name} (retention ${retention})`, `retention was ${have} s`);
      }
    }
  }

  type Dbrp = { id: string; bucketID: string; database: string; retention_policy: string; default: boolean };
  const dbrps = await call<{ content?: Dbrp[] }>(
    'GET',
    `/api/v2/dbrps?orgID=${q(orgID)}&db=${q(cfg.database)}`,
  );
  for (const want of [
    { rp: cfg.rawRp, bucket: cfg.bucket, isDefault: true },
    { rp: cfg.downsampledRp, bucket: cfg.downsampledBucket, isDefault: false },
  ]) {
    const bucketID = bucketIds[want.bucket]!;
    const have = dbrps.content?.find((d) => d.database === cfg.database && d.retention_policy === want.rp);
    const label = `${cfg.database}/${want.rp} → ${want.bucket}`;
    if (have && have.bucketID !== bucketID) {
      await call('DELETE', `/api/v2/dbrps/${q(have.id)}?orgID=${q(orgID)}`);
      done(`DELETE /api/v2/dbrps ${have.database}/${have.retention_policy}`, 'mapped to another bucket');
    }
    if (!have || have.bucketID !== bucketID) {
      await call('POST', '/api/v2/dbrps', {
        orgID,
        bucketID,
        database: cfg.database,
        retention_policy: want.rp,
        default: want.isDefault,
      });
      done(`POST /api/v2/dbrps ${label}`, 'InfluxQL mapping missing');
    } else if (have.default !== want.isDefault) {
      await call('PATCH', `/api/v2/dbrps/${q(have.id)}?orgID=${q(orgID)}`, { default: want.isDefault });
      done(`PATCH /api/v2/dbrps ${label} default=${want.isDefault}`, 'default policy differed');
    }
  }

  const script = downsampleTaskFlux(cfg);
  const tasks = await call<{ tasks?: { id: string; name: string; flux: string; status: string }[] }>(
    'GET',
    `/api/v2/tasks?orgID=${q(orgID)}&name=${q(DOWNSAMPLE_TASK)}`,
  );
  const task = tasks.tasks?.find((t) => t.name === DOWNSAMPLE_TASK);
  if (!task) {
    await call('POST', '/api/v2/tasks', {
      orgID,
      flux: script,
      status: 'active',
      description: 'zonewatch 1-min means',
    });
    done(`POST /api/v2/tasks ${DOWNSAMPLE_TASK}`, 'down-sampling task missing');
  } else if (task.flux.trim() !== script.trim() || task.status !== 'active') {
    await call('PATCH', `/api/v2/tasks/${q(task.id)}`, { flux: script, status: 'active' });
    done(`PATCH /api/v2/tasks ${DOWNSAMPLE_TASK}`, 'task changed or inactive');
  }

  if (cfg.tokenDir) {
    type Auth = { id: string; description?: string; token?: string; status?: string };
    const auths = await call<{ authorizations?: Auth[] }>('GET', `/api/v2/authorizations?orgID=${q(orgID)}`);
    for (const t of TOKENS) {
      const read = [cfg.bucket, cfg.downsampledBucket].map((b) => ({
        action: 'read',
        resource: { type: 'buckets', id: bucketIds[b], orgID },
      }));
      const write = t.write
        ? [{ action: 'write', resource: { type: 'buckets', id: bucketIds[cfg.bucket], orgID } }]
        : [];
      let token = auths.authorizations?.find(
        (a) => a.description === t.description && a.status !== 'inactive',
      )?.token;
      if (!token) {
        const created = await call<{ token: string }>('POST', '/api/v2/authorizations', {
          orgID,
          description: t.description,
          status: 'active',
          permissions: [...read, ...write],
        });
        token = created.token;
        done(`POST /api/v2/authorizations ${t.description}`, 'token missing');
      }
      const dir = join(cfg.tokenDir, t.name);
      const file = join(dir, 'token');
      const current = await readFile(file, 'utf8').catch(() => undefined);
      if (current !== token) {
        await mkdir(dir, { recursive: true });
        await writeFile(file, token, { mode: 0o644 });
        done(`write ${file}`, current === undefined ? 'token file missing' : 'token file stale');
      }
    }
  }
  return actions;
}

/**
 * InfluxDB 3.x (Core/Enterprise): InfluxQL reaches a database by name, no mapping needed; the set-up
 * only makes sure the database exists. Retention and down-sampling are configured with 3.x's own tools
 * (there are no continuous queries or tasks).
 */
export async function setupInflux3(cfg: SetupConfig): Promise<SetupAction[]> {
  const call = api(cfg, cfg.adminToken);
  try {
    await call('POST', '/api/v3/configure/database', { db: cfg.database });
  } catch (err) {
    if (err instanceof InfluxApiError && /HTTP 409/.test(err.message)) return [];
    throw err;
  }
  return [{ statement: `POST /api/v3/configure/database ${cfg.database}`, reason: 'database missing' }];
}
