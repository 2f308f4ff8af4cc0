import { codes } from './errors.js';
import { v1AuthHeaders } from './transport.js';

/** Where an InfluxQL query goes; an {@link InfluxConfig} with a URL fits. */
export interface InfluxQLTarget {
  /** Base URL; `undefined` (storage disabled) makes every query fail with ZW_ERR_INFLUX_CONFIG. */
  readonly url: string | undefined;
  /** `db` of the query (on 2.x a DBRP-mapped database, on 3.x the database). */
  readonly database: string;
  readonly retentionPolicy?: string | undefined;
  /** Sent as `Authorization: Token …` (2.x, 3.x, 1.8+ with `user:password`). */
  readonly token?: string | undefined;
  /** 1.x user (HTTP Basic); wins over the token. */
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** Request timeout in ms (default 10 000). */
  readonly timeoutMs?: number;
}

/** One series of an InfluxQL result. */
export interface InfluxQLSeries {
  name: string;
  tags: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export type InfluxQLValue = string | number | boolean | null;
/** A result row: the series' tags (from `GROUP BY`) and every column; `time` is ms since the epoch. */
export type InfluxQLRow = Record<string, InfluxQLValue>;

interface RawResult {
  statement_id?: number;
  error?: string;
  series?: Array<{ name?: string; tags?: Record<string, string>; columns?: string[]; values?: unknown[][] }>;
}

/**
 * Runs InfluxQL on `/query` (answered by 1.x, 2.x through DBRP mapping, and 3.x) and returns every
 * series of every statement, with times as ms since the epoch (`epoch=ms`).
 * @throws ZW_ERR_INFLUX_QUERY on an HTTP error or a statement error; ZW_ERR_INFLUX_CONFIG without a URL.
 */
export async function queryInfluxQLSeries(target: InfluxQLTarget, q: string): Promise<InfluxQLSeries[]> {
  if (target.url === undefined) throw new codes.ZW_ERR_INFLUX_CONFIG('INFLUX_URL is not set');
  const params = new URLSearchParams({ db: target.database, epoch: 'ms' });
  if (target.retentionPolicy) params.set('rp', target.retentionPolicy);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (target.token) headers.authorization = `Token ${target.token}`;
  Object.assign(headers, v1AuthHeaders({ database: target.database, ...pickUser(target) }));
  let res: Response;
  try {
    // POST: 1.x refuses CREATE/DROP over GET, and a long query fits no URL.
    res = await fetch(`${target.url.replace(/\/+$/, '')}/query?${params}`, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ q }).toString(),
      signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    throw new codes.ZW_ERR_INFLUX_QUERY(e.cause?.code ?? e.name);
  }
  const text = await res.text();
  let body: { results?: RawResult[]; error?: string } | undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok)
    throw new codes.ZW_ERR_INFLUX_QUERY(`HTTP ${res.status}${body?.error ? `: ${body.error}` : ''}`);
  if (!body) throw new codes.ZW_ERR_INFLUX_QUERY('response is not JSON');
  if (body.error) throw new codes.ZW_ERR_INFLUX_QUERY(body.error);
  const out: InfluxQLSeries[] = [];
  for (const r of body.results ?? []) {
    if (r.error) throw new codes.ZW_ERR_INFLUX_QUERY(`statement ${r.statement_id ?? '?'}: ${r.error}`);
    for (const s of r.series ?? []) {
      out.push({ name: s.name ?? '', tags: s.tags ?? {}, columns: s.columns ?? [], values: s.values ?? [] });
    }
  }
  return out;
}

/**
 * Runs InfluxQL and returns flat rows (`GROUP BY` tags merged into each row; `time` in ms).
 * @throws ZW_ERR_INFLUX_QUERY
 */
export async function queryInfluxQL(target: InfluxQLTarget, q: string): Promise<InfluxQLRow[]> {
  const rows: InfluxQLRow[] = [];
  for (const s of await queryInfluxQLSeries(target, q)) {
    for (const values of s.values) {
      const row: InfluxQLRow = { ...s.tags };
      s.columns.forEach((c, i) => {
        row[c] = (values[i] ?? null) as InfluxQLValue;
      });
      rows.push(row);
    }
  }
  return rows;
}

function pickUser(t: InfluxQLTarget): { username?: string; password?: string } {
  return t.username === undefined ? {} : { username: t.username, password: t.password ?? '' };
}
