import { z } from 'zod';
import { idSchema } from './topics.js';

/**
 * Device ids as the gateway reports them: a BLE address or serial number, never a person's name
 * (ARCHITECTURE.md: the wire carries device ids; ingest binds them to participants).
 */
export const deviceIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9:._-]{1,64}$/, 'must be 1-64 characters of letters, digits, ":", ".", "_" or "-"');

/** Milliseconds since the Unix epoch, from the gateway clock. */
const epochMs = z.number().int().nonnegative();

const base = { device: deviceIdSchema, t: epochMs };

/** Heart rate from a chest strap (0x2A37). */
export const hrSampleSchema = z.strictObject({
  kind: z.literal('hr'),
  ...base,
  /** Beats per minute as measured; plausibility is the rules engine's job, not the wire's. */
  bpm: z.number().int().min(0).max(300),
  /** RR intervals in milliseconds. */
  rrMs: z.array(z.number().min(0).max(65_535)).max(256).optional(),
  /** Sensor contact: true/false when the strap reports it, absent when it cannot tell. */
  contact: z.boolean().optional(),
  energyKj: z.number().int().min(0).max(65_535).optional(),
});

/** SpO2 from a pulse oximeter (0x2A5F). */
export const spo2SampleSchema = z.strictObject({
  kind: z.literal('spo2'),
  ...base,
  /** Oxygen saturation in percent. */
  spo2: z.number().min(0).max(100),
  pulseRate: z.number().min(0).max(300).optional(),
  /** Pulse Amplitude Index in percent (0x2A5F), when the oximeter reports it: perfusion, not a quality grade. */
  quality: z.number().min(0).max(100).optional(),
  /** The oximeter reports its sensor is off the finger. */
  contact: z.boolean().optional(),
});

/** Steps from a pedometer (zonewatch Step Count) or a footpod (0x2A53). */
export const stepsSampleSchema = z.strictObject({
  kind: z.literal('steps'),
  ...base,
  /** Cumulative step count reported by the device. */
  steps: z.number().int().min(0).max(4_294_967_295),
  /** Steps per minute. */
  cadence: z.number().min(0).max(400).optional(),
});

/** Battery level (0x2A19). */
export const batterySampleSchema = z.strictObject({
  kind: z.literal('battery'),
  ...base,
  percent: z.number().min(0).max(100),
});

export const sampleSchema = z.discriminatedUnion('kind', [
  hrSampleSchema,
  spo2SampleSchema,
  stepsSampleSchema,
  batterySampleSchema,
]);

/** Most samples one batch may carry (a gateway of 40 devices at 4 Hz flushing every second needs 160). */
export const MAX_SAMPLES_PER_BATCH = 5_000;

/**
 * One telemetry message: a gateway's batch of samples for one flush interval, published QoS1 on
 * `zw/v1/{siteId}/{gatewayId}/telemetry`.
 */
export const telemetryBatchSchema = z.strictObject({
  /** Payload schema version. */
  v: z.literal(1),
  gatewayId: idSchema,
  /** Per-gateway monotonically increasing sequence number; (gatewayId, seq) identifies a batch. */
  seq: z.number().int().nonnegative(),
  /** When the gateway first tried to send this batch (ms since epoch). */
  sentAt: epochMs,
  /** True when the batch comes from the gateway's outbox after an outage. */
  replayed: z.boolean().optional(),
  samples: z.array(sampleSchema).max(MAX_SAMPLES_PER_BATCH),
});

/** Retained on `zw/v1/{siteId}/{gatewayId}/status`; the last will carries `state: 'offline'`. */
export const gatewayStatusSchema = z.strictObject({
  v: z.literal(1),
  gatewayId: idSchema,
  siteId: idSchema,
  state: z.enum(['online', 'offline']),
  /** When the state was announced; absent in a last will, which is written at connect time. */
  at: epochMs.optional(),
  /** Batches waiting in the outbox. */
  outboxDepth: z.number().int().nonnegative().optional(),
  /** Batches dropped from the outbox because it was full, since the gateway started. */
  outboxDropped: z.number().int().nonnegative().optional(),
  version: z.string().max(64).optional(),
});

export type HrSample = z.infer<typeof hrSampleSchema>;
export type Spo2Sample = z.infer<typeof spo2SampleSchema>;
export type StepsSample = z.infer<typeof stepsSampleSchema>;
export type BatterySample = z.infer<typeof batterySampleSchema>;
export type Sample = z.infer<typeof sampleSchema>;
export type TelemetryBatch = z.infer<typeof telemetryBatchSchema>;
export type GatewayStatus = z.infer<typeof gatewayStatusSchema>;

/** A clear, single-line reason for a rejected payload: the path of the first bad field and why. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses an MQTT telemetry payload (bytes → JSON → schema) without throwing. */
export function parseTelemetry(payload: Uint8Array | string): ParseResult<TelemetryBatch> {
  return parseJson(telemetryBatchSchema, payload);
}

/** Parses a gateway status payload without throwing. */
export function parseGatewayStatus(payload: Uint8Array | string): ParseResult<GatewayStatus> {
  return parseJson(gatewayStatusSchema, payload);
}

function parseJson<T>(schema: z.ZodType<T>, payload: Uint8Array | string): ParseResult<T> {
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload));
  } catch (e) {
    return { ok: false, reason: `not JSON: ${(e as Error).message}` };
  }
  const r = schema.safeParse(json);
  return r.success ? { ok: true, value: r.data } : { ok: false, reason: describeZodError(r.error) };
}
