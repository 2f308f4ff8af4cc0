import { isIP } from 'node:net';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(0).max(65_535);

/**
 * Ingest configuration from environment variables, parsed once at start-up. Each key is the env var
 * name; units are in the names.
 */
export const configSchema = z.object({
  /** HTTP port of the API and console (0 = any free port). */
  PORT: port.default(8080),
  /** Address the HTTP server binds to. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Port of the embedded MQTT broker (ignored when MQTT_URL points to an external broker). */
  MQTT_PORT: port.default(1883),
  /** Address the embedded broker binds to. */
  MQTT_HOST: z.string().min(1).default('127.0.0.1'),
  /** External broker to consume from; when unset, `npm start` embeds an aedes broker. */
  MQTT_URL: z.url({ protocol: /^(mqtts?|wss?)$/ }).optional(),
  /**
   * Path on ingest's own HTTP port where the embedded broker speaks MQTT over WebSocket: the phone's home
   * page (issue 17) connects there, on its own origin, with its gateway credential.
   */
  MQTT_WS_PATH: z
    .string()
    .regex(/^\/[A-Za-z0-9._~/-]{0,200}$/, 'must start with "/" and hold only URL path characters')
    .refine(
      (p) => !p.startsWith('/api/') && !p.startsWith('/socket.io'),
      'must not be under /api/ or /socket.io',
    )
    .default('/mqtt'),
  /**
   * MQTT-over-WebSocket URL phones are given when pairing (`wss://broker.example.org/mqtt`): set it when the
   * broker is external (MQTT_URL); default the embedded broker's MQTT_WS_PATH on the page's origin.
   */
  MQTT_WS_PUBLIC_URL: z.url({ protocol: /^wss?$/ }).optional(),
  /** MQTT username of the ingest service account (external broker). */
  MQTT_USERNAME: z.string().min(1).optional(),
  /** MQTT password of the ingest service account (external broker). */
  MQTT_PASSWORD: z.string().min(1).optional(),
  /** Where embedded state lives (registry database, gateway outbox). */
  DATA_DIR: z.string().min(1).default('./data'),
  /**
   * Demo data: `true` seeds a demo site and simulates its class and home session in-process; `seed` only
   * seeds the registry (gateways elsewhere stream the scenario); `false` none.
   */
  DEMO: z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'seed'])
    .transform((v) => (v === 'seed' ? ('seed' as const) : v === 'true' || v === '1' || v === 'yes'))
    .default(true),
  /** Scenario files of the demo sessions (firmware-sim format), comma-separated; the first is the class. */
  DEMO_SCENARIO: z.string().min(1).optional(),
  /**
   * Seed the demo exercise-health record (issue 15: a participant with assessments and ten weeks of
   * simulated sessions). Default: with the default demo (DEMO on, no DEMO_SCENARIO).
   */
  DEMO_RECORD: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .optional(),
  /** Registry on a Postgres server (postgres://…); when unset an embedded PGlite under DATA_DIR/registry. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Redis for more than one ingest node (Socket.IO adapter); unset = single node. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /**
   * Trust `X-Forwarded-For` from a reverse proxy: `true` (every peer: only when nothing but the proxy can
   * reach ingest), or the proxy's addresses/CIDRs (`loopback`, `linklocal`, `uniquelocal` too),
   * comma-separated. Default false: the peer address is the client's, so a client cannot fake its address
   * (login lock-out is per address).
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx): boolean | string => {
      if (v === 'true' || v === 'false') return v === 'true';
      const entries = v.split(',').map((e) => e.trim());
      for (const e of entries) {
        if (!isProxyAddress(e)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${e}" is not an IP address or CIDR (use true, false, or the proxy's addresses, comma-separated)`,
          });
          return z.NEVER;
        }
      }
      return entries.join(',');
    }),
  /**
   * Origins (`scheme://host[:port]`, comma-separated) besides ingest's own whose pages may use the API's
   * state-changing routes and open the live channel with a login; every other `Origin` is refused.
   */
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v, ctx): string[] => {
      const out: string[] = [];
      for (const entry of v
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean)) {
        const origin = originOf(entry);
        if (origin === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `"${entry}" is not an origin (http(s)://host[:port], no path; comma-separated)`,
          });
          return z.NEVER;
        }
        out.push(origin);
      }
      return out;
    }),
  /** Send the session cookie only over HTTPS (set behind a TLS-terminating proxy). */
  SECURE_COOKIES: bool.default(false),
  /**
   * Sites this ingest node prefers (comma-separated ids; empty = every site): it takes their leases as soon
   * as they are free, and others only when their owner's lease expired (see SITE_TAKEOVER).
   */
  SITES: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z0-9-]{1,64}$/, 'each site id must match [a-z0-9-]{1,64}'))),
  /**
   * Time to live of a node's lease on each site it holds, in ms (issue 18). A node renews its leases every
   * fifth of it; a dead node's sites are taken over after at most this plus one renewal (default 5 s →
   * within 6 s). Between 1 s and 60 s.
   */
  LEASE_TTL_MS: z.coerce
    .number()
    .int('must be a whole number of ms')
    .min(1000, 'must be at least 1000 (renewals every fifth of it)')
    .max(60_000, 'must be at most 60000 (a dead node would leave its sites unwatched longer)')
    .default(5000),
  /**
   * Take over sites outside SITES whose owner's lease expired (default true: SITES is a preference). false
   * makes SITES a restriction: this node never evaluates another site.
   */
  SITE_TAKEOVER: bool.default(true),
  /** Name of this node in leases, logs and metrics (default: host name); each process adds its own suffix. */
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,48}$/, 'must be 1-48 characters of letters, digits, ".", "_" or "-"')
    .optional(),
  /** Interval of live frames to consoles, in ms. */
  FRAME_INTERVAL_MS: z.coerce.number().int().min(100).max(10_000).default(1000),
  /**
   * How far ahead of this node's clock a sample may be stamped and still be current, in ms. A sample further
   * ahead is counted and shown as a clock fault, never evaluated (the engine would drop every real sample
   * after it). Between 500 ms and 10 min.
   */
  CLOCK_SKEW_MAX_MS: z.coerce.number().int().min(500).max(600_000).default(5000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, CIDR or proxy-addr range name Fastify's `trustProxy` accepts. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [addr = '', bits, extra] = entry.split('/');
  const family = isIP(addr);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** The normalised origin of `entry` (`https://host[:port]` as browsers send it), or undefined. */
function originOf(entry: string): string | undefined {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || url.search || url.hash) return undefined;
  if (url.pathname !== '/' || /^[a-z]+:\/\/[^/]+\/./i.test(entry)) return undefined;
  return url.origin;
}

export type IngestConfig = Readonly<z.infer<typeof configSchema>>;

const SECRET_KEYS = new Set(['MQTT_PASSWORD', 'DATABASE_URL', 'REDIS_URL', 'MQTT_URL']);

/** Thrown when an environment variable is invalid; the message names the variable, value and reason. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses and freezes the configuration; throws {@link ConfigError} naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): IngestConfig {
  const input: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const r = configSchema.safeParse(input);
  if (!r.success) {
    const lines = r.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      // Values that may hold credentials are never echoed.
      const shown = SECRET_KEYS.has(key) ? '' : `=${JSON.stringify(input[key] ?? '')}`;
      return `${key}${shown}: ${i.message}`;
    });
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  return Object.freeze(r.data);
}
