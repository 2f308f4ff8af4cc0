/**
 * The telemetry schema ingest writes, as the dashboards rely on it. It mirrors `TELEMETRY_SCHEMA` in
 * `ingest/src/telemetry/schema.ts` (same shape, field types as `SHOW FIELD KEYS` reports them); once
 * that module is committed, import it here instead of keeping this copy.
 */
export type FieldType = 'float' | 'integer' | 'boolean' | 'string';

export interface MeasurementSchema {
  readonly tags: readonly string[];
  readonly fields: Readonly<Record<string, FieldType>>;
}

export const TELEMETRY_SCHEMA = {
  hr: {
    tags: ['site', 'session', 'participant', 'device_kind'],
    fields: { bpm: 'float', usable: 'boolean', zone: 'integer', contact: 'boolean' },
  },
  spo2: {
    tags: ['site', 'session', 'participant', 'device_kind'],
    fields: { spo2: 'float', pulse_rate: 'float' },
  },
  steps: {
    tags: ['site', 'session', 'participant', 'device_kind'],
    fields: { steps: 'integer', cadence: 'float' },
  },
  device: {
    tags: ['site', 'gateway', 'device', 'device_kind'],
    fields: { battery: 'float', contact_lost: 'integer', samples: 'integer' },
  },
  alert: {
    tags: ['site', 'session', 'participant', 'rule', 'severity', 'event'],
    fields: { count: 'integer', time_to_ack_s: 'float', unconfirmed: 'boolean' },
  },
  ingest: {
    tags: ['node'],
    fields: {
      batches: 'integer',
      samples: 'integer',
      invalid: 'integer',
      duplicates: 'integer',
      unbound: 'integer',
      alerts_open: 'integer',
      write_latency_ms: 'float',
      buffer_lines: 'integer',
      write_failures: 'integer',
      dropped_lines: 'integer',
    },
  },
  broker: {
    tags: ['node'],
    fields: {
      clients: 'integer',
      messages_in: 'integer',
      messages_out: 'integer',
      auth_rejected: 'integer',
      publish_rejected: 'integer',
      subscribe_rejected: 'integer',
    },
  },
  gateway: {
    tags: ['site', 'gateway'],
    fields: { online: 'integer', outbox_depth: 'integer', outbox_dropped: 'integer' },
  },
  session: {
    tags: ['site', 'session'],
    fields: { participants: 'integer', completeness: 'float' },
  },
} as const satisfies Record<string, MeasurementSchema>;

export type Measurement = keyof typeof TELEMETRY_SCHEMA;

/** Schema lookup that does not fall for `constructor` or `__proto__`. */
export function measurementSchema(name: string): MeasurementSchema | undefined {
  return Object.hasOwn(TELEMETRY_SCHEMA, name) ? TELEMETRY_SCHEMA[name as Measurement] : undefined;
}
