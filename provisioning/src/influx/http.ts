/** One series of an InfluxQL result. */
export interface InfluxSeries {
  name?: string;
  tags?: Record<string, string>;
  columns: string[];
  values?: unknown[][];
}

/** One statement's result. */
export interface InfluxResult {
  statement_id?: number;
  series?: InfluxSeries[];
  error?: string;
}

/** How to reach a server's InfluxQL `/query` endpoint (1.x, 2.x with DBRP, 3.x). */
export interface InfluxQueryTarget {
  /** Base URL without a trailing slash. */
  url: string;
  /** `db` parameter (on 2.x the DBRP-mapped database name). */
  db?: string;
  /** Sent as `Authorization: Token …` (2.x, 3.x; 1.8 accepts `user:password`). */
  token?: string;
  /** 1.x user with auth enabled, sent as HTTP Basic. */
  username?: string;
  password?: string;
  /** Request timeout, ms. */
  timeoutMs?: number;
}

/** Thrown when the server answers a statement with an error; names the statement. */
export class InfluxQueryError extends Error {
  override readonly name = 'InfluxQueryError';
  constructor(
    readonly statement: string,
    readonly reason: string,
  ) {
    super(`InfluxQL ${JSON.stringify(statement)} failed: ${reason}`);
  }
}

/** Authorization header for a target, if it has credentials. */
export function authHeader(
  t: Pick<InfluxQueryTarget, 'token' | 'username' | 'password'>,
): Record<string, string> {
  if (t.token) return { authorization: `Token ${t.token}` };
  if (t.username !== undefined && t.password !== undefined) {
    return { authorization: `Basic ${Buffer.from(`${t.username}:${t.password}`).toString('base64')}` };
  }
  return {};
}

/**
 * Runs one InfluxQL statement through `POST /query` (POST is required for CREATE/DROP/ALTER and
 * `SELECT … INTO`, and accepted for everything else) with ms epoch timestamps.
 * @throws InfluxQueryError when the server reports an error for the statement or the request.
 */
export async function influxQL(target: InfluxQueryTarget, statement: string): Promise<InfluxResult> {
  const body = new URLSearchParams({ q: statement, epoch: 'ms' });
  if (target.db) body.set('db', target.db);
  let res: Response;
  try {
    res = await fetch(`${target.url}/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...authHeader(target) },
      body,
      signal: AbortSignal.timeout(target.timeoutMs ?? 30_000),
    });
  } catch (err) {
    throw new InfluxQueryError(statement, `request failed: ${(err as Error).message}`);
  }
  const text = await res.text();
  let json: { results?: InfluxResult[]; error?: string };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    throw new InfluxQueryError(statement, `HTTP ${res.status}: ${text.slice(0, 200)}`);
  }
  if (json.error) throw new InfluxQueryError(statement, json.error);
  const result = json.results?.[0];
  if (!res.ok || !result) throw new InfluxQueryError(statement, `HTTP ${res.status}: ${text.slice(0, 200)}`);
  if (result.error) throw new InfluxQueryError(statement, result.error);
  return result;
}

/** The rows of every series of a result as objects keyed by column (tags of the series merged in). */
export function rows(result: InfluxResult): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const s of result.series ?? []) {
    for (const v of s.values ?? []) {
      const row: Record<string, unknown> = { ...(s.tags ?? {}) };
      if (s.name !== undefined) row._series = s.name;
      s.columns.forEach((c, i) => {
        row[c] = v[i];
      });
      out.push(row);
    }
  }
  return out;
}
