import type {
  ChunkCombiner,
  CommunicationObserver,
  ResponseStartedFn,
  SendOptions,
  Transport,
} from '@influxdata/influxdb-client';
import { codes } from './errors.js';

/**
 * Transports for `@influxdata/influxdb-client` (its `ClientOptions.transport` option).
 *
 * The client always writes to `/api/v2/write?org=&bucket=&precision=`, which only InfluxDB 1.8+, 2.x and
 * 3.x answer. {@link V1WriteTransport} rewrites that request to the 1.x `/write?db=&rp=&precision=`
 * endpoint, so Debian's 1.6.7 works; {@link RoutingTransport} picks v1 or v2 (detected from `/ping`
 * when `INFLUX_API=auto`) and measures write latency.
 */

/** Precision of the v2 write API (`precision=` values). */
export type V2Precision = 'ns' | 'us' | 'ms' | 's';
/** Precision of the 1.x `/write` endpoint. 1.x takes `us` with 204 and silently treats it as ns. */
export type V1Precision = 'n' | 'u' | 'ms' | 's';

const V1_PRECISION: Record<V2Precision, V1Precision> = { ns: 'n', us: 'u', ms: 'ms', s: 's' };

/** Maps a v2 `precision` value to the 1.x one (`us` → `u`, `ns` → `n`); absent means ns, as in v2. */
export function toV1Precision(p: string | null | undefined): V1Precision {
  if (p === null || p === undefined || p === '') return 'n';
  if (Object.hasOwn(V1_PRECISION, p)) return V1_PRECISION[p as V2Precision];
  // Already a v1 value (n, u) — pass it on rather than let the server default to ns.
  if (p === 'n' || p === 'u') return p;
  throw new codes.ZW_ERR_INFLUX_CONFIG(`unsupported write precision ${JSON.stringify(p)}`);
}

/** Target of the 1.x write endpoint. */
export interface V1Target {
  database: string;
  retentionPolicy?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
}

const V2_WRITE = '/api/v2/write';

/** True for the client's write requests. */
export function isV2WritePath(path: string): boolean {
  return path === V2_WRITE || path.startsWith(`${V2_WRITE}?`);
}

/**
 * `/api/v2/write?org=…&bucket=…&precision=ms[&consistency=…]` → `/write?db=…[&rp=…]&precision=ms[&consistency=…]`.
 * Any other path is returned unchanged.
 */
export function rewriteWritePathToV1(path: string, target: V1Target): string {
  if (!isV2WritePath(path)) return path;
  const given = new URL(path, 'http://influx.invalid').searchParams;
  const q = new URLSearchParams({ db: target.database });
  if (target.retentionPolicy) q.set('rp', target.retentionPolicy);
  q.set('precision', toV1Precision(given.get('precision')));
  const consistency = given.get('consistency');
  if (consistency) q.set('consistency', consistency);
  return `/write?${q.toString()}`;
}

/** `Authorization` header for 1.x basic auth, when a user is configured. */
export function v1AuthHeaders(target: V1Target): Record<string, string> {
  if (target.username === undefined) return {};
  const token = Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64');
  return { authorization: `Basic ${token}` };
}

/**
 * Wraps the client's built-in transport (`new InfluxDB({url}).transport`) and sends its v2 write
 * requests to the 1.x `/write` endpoint, with HTTP Basic auth when a user is configured. Other
 * requests pass through unchanged.
 */
export class V1WriteTransport implements Transport {
  readonly chunkCombiner: ChunkCombiner;

  constructor(
    private readonly inner: Transport,
    private readonly target: V1Target,
  ) {
    this.chunkCombiner = inner.chunkCombiner;
  }

  send(
    path: string,
    body: string,
    options: SendOptions,
    callbacks?: Partial<CommunicationObserver<Uint8Array>>,
  ): void {
    if (!isV2WritePath(path)) {
      this.inner.send(path, body, options, callbacks);
      return;
    }
    let v1Path: string;
    try {
      v1Path = rewriteWritePathToV1(path, this.target);
    } catch (err) {
      callbacks?.error?.(err as Error);
      return;
    }
    const headers = { ...options.headers, ...v1AuthHeaders(this.target) };
    this.inner.send(v1Path, body, { ...options, headers }, callbacks);
  }

  request(
    path: string,
    body: unknown,
    options: SendOptions,
    responseStarted?: ResponseStartedFn,
  ): Promise<unknown> {
    return this.inner.request(path, body, options, responseStarted);
  }

  iterate(path: string, body: unknown, options: SendOptions): AsyncIterableIterator<Uint8Array> {
    return this.inner.iterate(path, body, options);
  }
}

/** A server's version and the write API zonewatch uses with it. */
export interface DetectedApi {
  api: 'v1' | 'v2';
  /** `X-Influxdb-Version` (or the `/ping` body's `version`), `null` when the server did not say. */
  version: string | null;
}

/**
 * The write API for a server version: every 1.x takes the v1 `/write` endpoint (the only one before
 * 1.8, and still native on 1.8+); 2.x and 3.x take the v2 API. An unknown version gets v2.
 */
export function apiForVersion(version: string | null): 'v1' | 'v2' {
  const m = /^v?(\d+)\./.exec(version ?? '');
  return m && Number(m[1]) === 1 ? 'v1' : 'v2';
}

/**
 * Asks `GET /ping` for the server version (`X-Influxdb-Version` on 1.x, 2.x and 3.x; 3.x also puts it in
 * the JSON body). @throws ZW_ERR_INFLUX_PING (with the network or HTTP error as `cause`)
 */
export async function detectInfluxApi(transport: Transport, timeoutMs = 10_000): Promise<DetectedApi> {
  let header: string | null = null;
  let body: unknown;
  try {
    body = await transport.request(
      '/ping',
      '',
      { method: 'GET', signal: AbortSignal.timeout(timeoutMs) },
      (h) => {
        const v = h['x-influxdb-version'];
        header = Array.isArray(v) ? (v[0] ?? null) : typeof v === 'string' ? v : null;
      },
    );
  } catch (err) {
    const e = new codes.ZW_ERR_INFLUX_PING(describeInfluxError(err));
    (e as Error).cause = err;
    throw e;
  }
  const fromBody =
    body && typeof body === 'object' && typeof (body as { version?: unknown }).version === 'string'
      ? (body as { version: string }).version
      : null;
  const version = header ?? fromBody;
  return { api: apiForVersion(version), version };
}

export interface RoutingHooks {
  /** The write API was chosen (configured, or detected on the first write). */
  onApi(d: DetectedApi): void;
  /** A write request finished; `ms` from sending to the last response byte. */
  onWriteDone(ms: number, ok: boolean): void;
}

/**
 * The transport the InfluxDB writer uses: sends writes to the v1 or v2 endpoint (for `auto`, decided
 * by `/ping` on the first write and retried with the write until the server answers) and times every
 * write request.
 */
export class RoutingTransport implements Transport {
  readonly chunkCombiner: ChunkCombiner;
  readonly #v1: V1WriteTransport;
  #api: 'v1' | 'v2' | null;
  #detecting: Promise<'v1' | 'v2'> | undefined;

  constructor(
    private readonly inner: Transport,
    target: V1Target,
    mode: 'auto' | 'v1' | 'v2',
    private readonly hooks: RoutingHooks,
    private readonly pingTimeoutMs = 10_000,
  ) {
    this.chunkCombiner = inner.chunkCombiner;
    this.#v1 = new V1WriteTransport(inner, target);
    this.#api = mode === 'auto' ? null : mode;
    if (this.#api) hooks.onApi({ api: this.#api, version: null });
  }

  /** The API in use, `null` while `auto` has not reached the server yet. */
  get api(): 'v1' | 'v2' | null {
    return this.#api;
  }

  send(
    path: string,
    body: string,
    options: SendOptions,
    callbacks?: Partial<CommunicationObserver<Uint8Array>>,
  ): void {
    if (!isV2WritePath(path)) {
      this.inner.send(path, body, options, callbacks);
      return;
    }
    if (this.#api) {
      this.#sendWrite(this.#api, path, body, options, callbacks);
      return;
    }
    this.#detect().then(
      (api) => this.#sendWrite(api, path, body, options, callbacks),
      (err: Error) => callbacks?.error?.(err),
    );
  }

  request(
    path: string,
    body: unknown,
    options: SendOptions,
    responseStarted?: ResponseStartedFn,
  ): Promise<unknown> {
    return this.inner.request(path, body, options, responseStarted);
  }

  iterate(path: string, body: unknown, options: SendOptions): AsyncIterableIterator<Uint8Array> {
    return this.inner.iterate(path, body, options);
  }

  #detect(): Promise<'v1' | 'v2'> {
    this.#detecting ??= detectInfluxApi(this.inner, this.pingTimeoutMs).then(
      (d) => {
        this.#api = d.api;
        this.hooks.onApi(d);
        return d.api;
      },
      (err) => {
        this.#detecting = undefined;
        throw err;
      },
    );
    return this.#detecting;
  }

  #sendWrite(
    api: 'v1' | 'v2',
    path: string,
    body: string,
    options: SendOptions,
    callbacks?: Partial<CommunicationObserver<Uint8Array>>,
  ): void {
    const started = performance.now();
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      this.hooks.onWriteDone(performance.now() - started, ok);
    };
    const timed: Partial<CommunicationObserver<Uint8Array>> = {
      ...callbacks,
      complete: () => {
        finish(true);
        callbacks?.complete?.();
      },
      error: (e: Error) => {
        finish(false);
        callbacks?.error?.(e);
      },
    };
    (api === 'v1' ? this.#v1 : this.inner).send(path, body, options, timed);
  }
}

/**
 * A short reason for a failed request that is safe to log: an HTTP status or a socket error code,
 * never the server's message (a 400 from InfluxDB quotes the rejected line, i.e. health data).
 */
export function describeInfluxError(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const e = err as Error & { statusCode?: unknown; code?: unknown; json?: { error?: unknown } };
  if (typeof e.statusCode === 'number' && e.name === 'HttpError') {
    const serverSays = typeof e.json?.error === 'string' ? e.json.error : '';
    if (e.statusCode === 404 && serverSays.startsWith('database not found'))
      return 'HTTP 404 database not found';
    return `HTTP ${e.statusCode}`;
  }
  if (e.message === 'Max retry time exceeded.') return 'max retry time exceeded';
  if (typeof e.code === 'string' && e.code.startsWith('ZW_ERR_')) {
    return e.cause ? `${e.code} (${describeInfluxError(e.cause)})` : e.code;
  }
  if (typeof e.code === 'string') return e.code;
  return e.name || 'Error';
}
