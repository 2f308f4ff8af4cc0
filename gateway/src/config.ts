import { readFileSync } from 'node:fs';
import path from 'node:path';
import { idSchema } from '@zonewatch/protocol';
import { z } from 'zod';
import { GatewayConfigError } from './errors.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const MQTT_PROTOCOLS = ['mqtt:', 'mqtts:', 'ws:', 'wss:'];

/**
 * The gateway's environment, one zod schema parsed once at start-up. Keys are the environment variable
 * names so an error names exactly the variable to fix.
 */
export const gatewayEnvSchema = z.object({
  /** This gateway's id, `[a-z0-9-]{1,64}`; also its MQTT client id and username. */
  GATEWAY_ID: idSchema,
  /** The site (clinic, room or home) the gateway belongs to, `[a-z0-9-]{1,64}`. */
  SITE_ID: idSchema,
  /** Broker URL: `mqtt://`, `mqtts://`, `ws://` or `wss://`, e.g. `mqtt://127.0.0.1:1883`. */
  MQTT_URL: z.string().refine((s) => URL.canParse(s) && MQTT_PROTOCOLS.includes(new URL(s).protocol), {
    message: `must be a URL starting with ${MQTT_PROTOCOLS.map((p) => `${p}//`).join(', ')}`,
  }),
  /** The gateway's MQTT password. Exactly one of GATEWAY_SECRET and GATEWAY_SECRET_FILE. */
  GATEWAY_SECRET: z.string().min(1, 'must not be empty').optional(),
  /** A file holding the gateway's MQTT password (trailing newline ignored). */
  GATEWAY_SECRET_FILE: z.string().min(1, 'must not be empty').optional(),
  /** Directory for the outbox and sequence state; default `./data/gateway-{GATEWAY_ID}`. */
  GATEWAY_DATA_DIR: z.string().min(1, 'must not be empty').optional(),
  /** Milliseconds between batches (one MQTT message per flush); default 250. */
  FLUSH_INTERVAL_MS: int(10, 60_000).default(250),
  /** Bytes the outbox may hold before the oldest batches are dropped; default 64 MiB, minimum 4 KiB. */
  OUTBOX_MAX_BYTES: int(4096, 2 ** 40).default(64 * 1024 * 1024),
  /**
   * Largest telemetry payload in bytes; a flush holding more is split into several batches. Keep it below
   * the broker's payload limit (zonewatch broker: MQTT_MAX_PAYLOAD_BYTES, default 256 KiB). Default 128 KiB.
   */
  MAX_BATCH_BYTES: int(1024, 64 * 1024 * 1024).default(128 * 1024),
  /** Backlog batches replayed per second after an outage; default 50 (flushing at 4 Hz, 12× real time). */
  REPLAY_RATE_PER_SEC: z.coerce.number().positive().max(100_000).default(50),
  /** First reconnect delay in milliseconds (doubles per failure, with jitter); default 500. */
  RECONNECT_MIN_MS: int(10, 3_600_000).default(500),
  /** Longest reconnect delay in milliseconds; default 30 000. */
  RECONNECT_MAX_MS: int(10, 3_600_000).default(30_000),
  /** Milliseconds between retained `online` status refreshes; default 30 000. */
  STATUS_INTERVAL_MS: int(1000, 86_400_000).default(30_000),
  /** MQTT keep-alive in seconds (how soon the broker notices a dead gateway and sends its will); default 30. */
  MQTT_KEEPALIVE_SEC: int(1, 65_535).default(30),
  /** pino log level; default `info`. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Parsed, frozen gateway configuration. Units are in the names. */
export interface GatewayConfig {
  readonly gatewayId: string;
  readonly siteId: string;
  readonly mqttUrl: string;
  /** MQTT password; never logged. */
  readonly secret: string;
  readonly dataDir: string;
  readonly flushIntervalMs: number;
  readonly outboxMaxBytes: number;
  readonly maxBatchBytes: number;
  /** Backlog batches per second. */
  readonly replayRatePerSec: number;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  readonly statusIntervalMs: number;
  readonly keepaliveSec: number;
  readonly logLevel: z.infer<typeof gatewayEnvSchema>['LOG_LEVEL'];
}

/** Options a caller may leave out of {@link gatewayConfig}; the same defaults as the environment. */
export type GatewayConfigInput = Pick<GatewayConfig, 'gatewayId' | 'siteId' | 'mqttUrl' | 'secret'> &
  Partial<Omit<GatewayConfig, 'gatewayId' | 'siteId' | 'mqttUrl' | 'secret'>>;

const fail = (variable: string, why: string): never => {
  throw new GatewayConfigError(variable, why);
};

/**
 * Reads the gateway configuration from environment variables. Throws `ZW_ERR_GATEWAY_CONFIG` whose message
 * names the first bad variable and why (never its value: it may be a secret).
 */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  // Empty strings count as unset, as in most shells' `VAR= cmd`.
  const e: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') e[k] = v;
  const file = e['GATEWAY_SECRET_FILE'];
  if (file !== undefined) {
    if (e['GATEWAY_SECRET'] !== undefined) {
      fail('GATEWAY_SECRET_FILE', 'must not be set together with GATEWAY_SECRET');
    }
    let secret = '';
    try {
      secret = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      fail('GATEWAY_SECRET_FILE', `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!secret) fail('GATEWAY_SECRET_FILE', 'names an empty file');
    e['GATEWAY_SECRET'] = secret;
  }
  return fromEnv(e);
}

/**
 * Builds a frozen configuration from code (tests, the embedded platform) with the environment's defaults.
 * Values go through the same schema, so a bad one throws `ZW_ERR_GATEWAY_CONFIG` naming its variable.
 */
export function gatewayConfig(input: GatewayConfigInput): GatewayConfig {
  const e: Record<string, string> = {};
  const set = (k: string, v: string | number | undefined) => {
    if (v !== undefined) e[k] = String(v);
  };
  set('GATEWAY_ID', input.gatewayId);
  set('SITE_ID', input.siteId);
  set('MQTT_URL', input.mqttUrl);
  set('GATEWAY_SECRET', input.secret);
  set('GATEWAY_DATA_DIR', input.dataDir);
  set('FLUSH_INTERVAL_MS', input.flushIntervalMs);
  set('OUTBOX_MAX_BYTES', input.outboxMaxBytes);
  set('MAX_BATCH_BYTES', input.maxBatchBytes);
  set('REPLAY_RATE_PER_SEC', input.replayRatePerSec);
  set('RECONNECT_MIN_MS', input.reconnectMinMs);
  set('RECONNECT_MAX_MS', input.reconnectMaxMs);
  set('STATUS_INTERVAL_MS', input.statusIntervalMs);
  set('MQTT_KEEPALIVE_SEC', input.keepaliveSec);
  set('LOG_LEVEL', input.logLevel);
  return fromEnv(e);
}

function fromEnv(env: Record<string, string>): GatewayConfig {
  const r = gatewayEnvSchema.safeParse(env);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const variable = String(issue.path[0] ?? '(environment)');
    return fail(variable, env[variable] === undefined ? 'is required' : issue.message);
  }
  const e = r.data;
  if (e.GATEWAY_SECRET === undefined) return fail('GATEWAY_SECRET', 'is required (or GATEWAY_SECRET_FILE)');
  if (e.RECONNECT_MAX_MS < e.RECONNECT_MIN_MS) {
    fail('RECONNECT_MAX_MS', `must be at least RECONNECT_MIN_MS (${e.RECONNECT_MIN_MS})`);
  }
  return Object.freeze({
    gatewayId: e.GATEWAY_ID,
    siteId: e.SITE_ID,
    mqttUrl: e.MQTT_URL,
    secret: e.GATEWAY_SECRET,
    dataDir: e.GATEWAY_DATA_DIR ?? path.join('data', `gateway-${e.GATEWAY_ID}`),
    flushIntervalMs: e.FLUSH_INTERVAL_MS,
    outboxMaxBytes: e.OUTBOX_MAX_BYTES,
    maxBatchBytes: e.MAX_BATCH_BYTES,
    replayRatePerSec: e.REPLAY_RATE_PER_SEC,
    reconnectMinMs: e.RECONNECT_MIN_MS,
    reconnectMaxMs: e.RECONNECT_MAX_MS,
    statusIntervalMs: e.STATUS_INTERVAL_MS,
    keepaliveSec: e.MQTT_KEEPALIVE_SEC,
    logLevel: e.LOG_LEVEL,
  });
}
