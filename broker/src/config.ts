import { z } from 'zod';
import { codes } from './errors.js';

const port = z.int().min(0).max(65535);
/** Node ids go into `$SYS/zonewatch/broker/{nodeId}/metrics`, so no `/`, `+`, `#` or `$`. */
export const nodeIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters of letters, digits, ".", "_" or "-"');

/** A WebSocket path: `/` then URL path characters, no query. */
export const wsPathSchema = z
  .string()
  .regex(
    /^\/[A-Za-z0-9._~/-]{0,200}$/,
    'must start with "/" and hold only letters, digits, ".", "_", "~", "/" or "-"',
  );

/** `createBroker` options. Every field has a safe default; units are in the names. */
export const brokerConfigSchema = z.strictObject({
  /** Address every listener binds to. Default 127.0.0.1 (embedded); `main.ts` defaults to 0.0.0.0. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Plain MQTT over TCP; 0 picks a free port (read it back from `listen()`). Default 1883. */
  mqttPort: port.default(1883),
  /** MQTT over WebSocket; 0 picks a free port; absent means no WebSocket listener. */
  wsPort: port.optional(),
  /** Only this path of the WebSocket listener speaks MQTT (e.g. `/mqtt`); absent means any path. */
  wsPath: wsPathSchema.optional(),
  /** MQTT over TLS, in addition to plain TCP. PEM text, not paths (`main.ts` reads the files). */
  tls: z
    .strictObject({
      /** MQTTS port; 0 picks a free port. */
      port,
      /** Certificate chain, PEM. */
      certPem: z.string().min(1),
      /** Private key, PEM. */
      keyPem: z.string().min(1),
    })
    .optional(),
  /** Largest PUBLISH payload accepted, in bytes (will payloads too). Default 256 KiB. */
  maxPayloadBytes: z
    .int()
    .min(1)
    .max(64 * 1024 * 1024)
    .default(256 * 1024),
  /** New connections per remote IP: token bucket refilled at `perSecond`, holding up to `burst`. */
  connectionRate: z
    .strictObject({
      /** Connections per second per IP once the burst is spent; 0 disables the limit. */
      perSecond: z.number().min(0),
      /** Connections an IP may open at once. */
      burst: z.int().min(1),
    })
    .default({ perSecond: 5, burst: 50 }),
  /** How often the metrics snapshot is published to `$SYS/zonewatch/broker/{nodeId}/metrics`, ms; 0 = never. */
  metricsIntervalMs: z.int().min(0).default(10_000),
  /** Node id (aedes id), unique per node in a cluster. Default `{hostname}-{random}`. */
  nodeId: nodeIdSchema.optional(),
  /** `redis://…` to share subscriptions, sessions and messages with other nodes; absent = single node. */
  redisUrl: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Time a new connection gets to send CONNECT, ms. Default 10 s. */
  connectTimeoutMs: z.int().min(100).default(10_000),
  /** Longest the credential store plus hash check may take before CONNACK 3 (server unavailable), ms. */
  authTimeoutMs: z.int().min(100).default(10_000),
});

/** What callers pass to `createBroker` (defaults filled in). */
export type BrokerConfig = z.input<typeof brokerConfigSchema>;
/** The parsed, frozen configuration the broker runs with. */
export type ResolvedBrokerConfig = Readonly<z.output<typeof brokerConfigSchema>>;

function formatIssues(issues: readonly z.core.$ZodIssue[], name: (path: PropertyKey[]) => string): string {
  return issues.map((i) => `${name(i.path)}: ${i.message}`).join('; ');
}

/** Validates and freezes `createBroker` options. @throws ZW_ERR_BROKER_CONFIG naming the field. */
export function resolveBrokerConfig(config: BrokerConfig): ResolvedBrokerConfig {
  const result = brokerConfigSchema.safeParse(config);
  if (!result.success) {
    throw new codes.ZW_ERR_BROKER_CONFIG(formatIssues(result.error.issues, (p) => p.map(String).join('.')));
  }
  return Object.freeze(result.data);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Unset and empty variables are the same (compose files often write `REDIS_URL=`). */
const opt = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' || v === undefined ? undefined : v), schema.optional());
const wholeNumber = z.string().regex(/^\d+$/, 'must be a whole number').transform(Number);
const envInt = (min: number, max: number) =>
  wholeNumber.pipe(z.int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
const envPort = envInt(0, 65535);

/** Environment of the standalone broker (`main.ts`). Keys are the variable names, so errors name them. */
export const brokerEnvSchema = z
  .object({
    /** Plain MQTT port. Default 1883. */
    MQTT_PORT: opt(envPort),
    /** WebSocket port; unset = no WebSocket listener. */
    MQTT_WS_PORT: opt(envPort),
    /** WebSocket path (e.g. `/mqtt`); unset = any path. */
    MQTT_WS_PATH: opt(wsPathSchema),
    /** Bind address of every listener. Default 0.0.0.0. */
    MQTT_HOST: opt(z.string().min(1)),
    /** Path of the TLS certificate chain (PEM); needs MQTT_TLS_KEY. */
    MQTT_TLS_CERT: opt(z.string().min(1)),
    /** Path of the TLS private key (PEM); needs MQTT_TLS_CERT. */
    MQTT_TLS_KEY: opt(z.string().min(1)),
    /** MQTTS port when TLS is configured. Default 8883. */
    MQTTS_PORT: opt(envPort),
    /** Path of the provisioning JSON (gateways and service accounts). Required. */
    BROKER_CREDENTIALS_FILE: z.string({ error: 'is required (path of the credentials JSON file)' }).min(1),
    /** redis:// URL for cluster mode. */
    REDIS_URL: opt(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })),
    /** Largest PUBLISH payload, bytes. Default 262144 (256 KiB). */
    MQTT_MAX_PAYLOAD_BYTES: opt(envInt(1, 64 * 1024 * 1024)),
    /** New connections per second per IP after the burst; 0 disables. Default 5. */
    MQTT_CONN_RATE_PER_SEC: opt(
      z
        .string()
        .regex(/^\d+(\.\d+)?$/, 'must be a non-negative number')
        .transform(Number)
        .pipe(z.number().max(1e6, 'must be at most 1000000')),
    ),
    /** Connections an IP may open at once. Default 50. */
    MQTT_CONN_RATE_BURST: opt(envInt(1, 1e6)),
    /** Time a connection gets to send CONNECT, ms. Default 10000. */
    MQTT_CONNECT_TIMEOUT_MS: opt(envInt(100, 600_000)),
    /** Metrics publish interval, ms; 0 = never. Default 10000. */
    BROKER_METRICS_INTERVAL_MS: opt(envInt(0, 86_400_000)),
    /** Node id; default `{hostname}-{random}`. */
    BROKER_NODE_ID: opt(nodeIdSchema),
    /** pino level. Default info. */
    LOG_LEVEL: opt(z.enum(LOG_LEVELS)),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.MQTT_TLS_CERT) !== Boolean(env.MQTT_TLS_KEY)) {
      const missing = env.MQTT_TLS_CERT ? 'MQTT_TLS_KEY' : 'MQTT_TLS_CERT';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: 'is required when the other TLS file is set',
      });
    }
  });

/** Standalone configuration: broker options plus what only `main.ts` needs. TLS still as file paths. */
export interface StandaloneConfig {
  broker: Omit<ResolvedBrokerConfig, 'tls'>;
  tls?: { port: number; certFile: string; keyFile: string };
  credentialsFile: string;
  logLevel: (typeof LOG_LEVELS)[number];
}

/**
 * Parses the standalone broker's environment once. Values are never echoed (REDIS_URL may hold a password).
 * @throws ZW_ERR_BROKER_CONFIG naming each bad variable.
 */
export function parseBrokerEnv(env: Record<string, string | undefined>): Readonly<StandaloneConfig> {
  const result = brokerEnvSchema.safeParse(env);
  if (!result.success) {
    throw new codes.ZW_ERR_BROKER_CONFIG(formatIssues(result.error.issues, (p) => String(p[0] ?? '(env)')));
  }
  const e = result.data;
  const broker = resolveBrokerConfig({
    host: e.MQTT_HOST ?? '0.0.0.0',
    mqttPort: e.MQTT_PORT ?? 1883,
    wsPort: e.MQTT_WS_PORT,
    wsPath: e.MQTT_WS_PATH,
    maxPayloadBytes: e.MQTT_MAX_PAYLOAD_BYTES,
    connectionRate: { perSecond: e.MQTT_CONN_RATE_PER_SEC ?? 5, burst: e.MQTT_CONN_RATE_BURST ?? 50 },
    metricsIntervalMs: e.BROKER_METRICS_INTERVAL_MS,
    nodeId: e.BROKER_NODE_ID,
    redisUrl: e.REDIS_URL,
    connectTimeoutMs: e.MQTT_CONNECT_TIMEOUT_MS,
  });
  const tls =
    e.MQTT_TLS_CERT && e.MQTT_TLS_KEY
      ? { port: e.MQTTS_PORT ?? 8883, certFile: e.MQTT_TLS_CERT, keyFile: e.MQTT_TLS_KEY }
      : undefined;
  return Object.freeze({
    broker,
    ...(tls ? { tls: Object.freeze(tls) } : {}),
    credentialsFile: e.BROKER_CREDENTIALS_FILE,
    logLevel: e.LOG_LEVEL ?? 'info',
  });
}
