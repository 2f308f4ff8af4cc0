/** What `/ping` says about a server. */
export interface ServerVersion {
  /** As reported: `1.6.7~rc0`, `v2.7.11`, `3.0.1`. */
  readonly raw: string;
  readonly major: number;
}

/**
 * Asks `/ping` which InfluxDB answers: 1.x and 2.x send `X-Influxdb-Version` with a 204, 3.x answers
 * 200 with a JSON body (and the header on recent builds).
 * @returns undefined when the server is not reachable or not InfluxDB.
 */
export async function pingInflux(url: string, timeoutMs = 5000): Promise<ServerVersion | undefined> {
  let res: Response;
  try {
    res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return undefined;
  }
  let raw = res.headers.get('x-influxdb-version') ?? '';
  const body = await res.text();
  if (!raw && res.ok && body) {
    try {
      raw = String((JSON.parse(body) as { version?: unknown }).version ?? '');
    } catch {
      // not JSON: not a server we know
    }
  }
  const m = /^v?(\d+)\./.exec(raw);
  return m ? { raw, major: Number(m[1]) } : undefined;
}

/** Polls `/ping` until the server answers or `waitMs` runs out. @throws naming the URL. */
export async function waitForInflux(url: string, waitMs: number): Promise<ServerVersion> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const v = await pingInflux(url);
    if (v) return v;
    if (Date.now() >= deadline)
      throw new Error(`InfluxDB at ${url} did not answer /ping within ${waitMs} ms`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
