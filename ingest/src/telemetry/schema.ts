import { Point } from '@influxdata/influxdb-client';
import { codes } from './errors.js';

/**
 * The telemetry schema in InfluxDB: a contract Grafana dashboards and tests rely on (documented with
 * units in `SCHEMA.md`). Tags are low-cardinality identifiers (participants only by pseudonymous id,
 * never a name or alias); values are fields; timestamps have ms precision.
 */

/** Measurement names, one per stream kind. */
export const MEASUREMENTS = {
  hr: 'hr',
  spo2: 'spo2',
  steps: 'steps',
  device: 'device',
  alert: 'alert',
  ingest: 'ingest',
  broker: 'broker',
  gateway: 'gateway',
  session: 'session',
  site_lease: 'site_lease',
  site_gap: 'site_gap',
} as const;

/** Field types as InfluxQL's `SHOW FIELD KEYS` reports them. */
export type FieldType = 'float' | 'integer' | 'boolean' | 'string';

/** Shape of one measurement in {@link TELEMETRY_SCHEMA}. */
export interface MeasurementSchema {
  readonly tags: readonly string[];
  readonly fields: Readonly<Record<string, FieldType>>;
}

/**
 * Machine-readable schema: measurement → tag keys and field name → type. Every point written is
 * checked against it, and dashboard tests check every panel query against it.
 */
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
      future_samples: 'integer',
      clock_fault_gateways: 'integer',
      unbound_devices: 'integer',
      unbound_evicted: 'integer',
      alerts_open: 'integer',
      sites_held: 'integer',
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
  site_lease: {
    tags: ['site', 'node'],
    fields: { held: 'integer', token: 'integer' },
  },
  site_gap: {
    tags: ['site'],
    fields: { interrupted: 'integer', gap_ms: 'integer' },
  },
} as const satisfies { readonly [M in keyof typeof MEASUREMENTS]: MeasurementSchema };

export type Measurement = keyof typeof TELEMETRY_SCHEMA;
/** Measurements written through `writeMetrics` (the others have dedicated methods). */
export type MetricMeasurement = 'ingest' | 'broker' | 'gateway' | 'session' | 'site_lease' | 'site_gap';

type JsOf<T extends FieldType> = T extends 'float' | 'integer'
  ? number
  : T extends 'boolean'
    ? boolean
    : string;
/** Every tag of measurement `M`, each a non-empty string. */
export type TagsOf<M extends Measurement> = {
  -readonly [K in (typeof TELEMETRY_SCHEMA)[M]['tags'][number]]: string;
};
/** Any subset of the fields of measurement `M`, typed. */
export type FieldsOf<M extends Measurement> = {
  -readonly [K in keyof (typeof TELEMETRY_SCHEMA)[M]['fields']]?: (typeof TELEMETRY_SCHEMA)[M]['fields'][K] extends FieldType
    ? JsOf<(typeof TELEMETRY_SCHEMA)[M]['fields'][K]>
    : never;
};

/** `device_kind` tag values. */
export const DEVICE_KINDS = {
  hr: 'hr-strap',
  spo2: 'oximeter',
  steps: 'pedometer',
  unknown: 'unknown',
} as const;
export type DeviceKind = (typeof DEVICE_KINDS)[keyof typeof DEVICE_KINDS];

/** `hr.zone` codes. */
export const ZONE_CODES = { below: 0, in: 1, above: 2, overCeiling: 3 } as const;

/** `alert.event` tag values: alert lifecycle changes stored in InfluxDB. */
export const ALERT_EVENTS = ['raised', 'upgraded', 'escalated', 'acknowledged', 'cleared', 'closed'] as const;

/** One point before serialisation. `t` is ms since the epoch. */
export interface TelemetryPoint {
  readonly measurement: Measurement;
  readonly tags: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, number | boolean | string>>;
  readonly t: number;
}

export interface CheckedPoint {
  /** The point with unusable field values removed; `undefined` when no field was left. */
  point: TelemetryPoint | undefined;
  /** Names of fields removed because their value was NaN, infinite, or not an integer for an integer field. */
  invalidFields: string[];
}

/**
 * Checks a point against {@link TELEMETRY_SCHEMA}.
 * Unknown measurement, tag or field, a missing or empty tag, a wrong JS type or a bad timestamp are
 * programming errors and throw; a number that is not finite (or not an integer where one is due) is
 * data and only removes that field.
 * @throws ZW_ERR_TELEMETRY_SCHEMA
 */
export function checkPoint(p: TelemetryPoint): CheckedPoint {
  const schema: MeasurementSchema | undefined = Object.hasOwn(TELEMETRY_SCHEMA, p.measurement)
    ? TELEMETRY_SCHEMA[p.measurement]
    : undefined;
  if (!schema)
    throw new codes.ZW_ERR_TELEMETRY_SCHEMA(`unknown measurement ${JSON.stringify(p.measurement)}`);
  for (const tag of schema.tags) {
    const v = p.tags[tag];
    if (typeof v !== 'string' || v === '') {
      throw new codes.ZW_ERR_TELEMETRY_SCHEMA(`${p.measurement}: tag ${tag} must be a non-empty string`);
    }
  }
  for (const tag of Object.keys(p.tags)) {
    if (!schema.tags.includes(tag))
      throw new codes.ZW_ERR_TELEMETRY_SCHEMA(`${p.measurement}: unknown tag ${tag}`);
  }
  if (!Number.isFinite(p.t) || p.t < 0) {
    throw new codes.ZW_ERR_TELEMETRY_SCHEMA(`${p.measurement}: timestamp must be ms since the epoch`);
  }
  const fields: Record<string, number | boolean | string> = {};
  const invalidFields: string[] = [];
  for (const [name, value] of Object.entries(p.fields)) {
    if (value === undefined) continue;
    const type = Object.hasOwn(schema.fields, name) ? schema.fields[name] : undefined;
    if (!type) throw new codes.ZW_ERR_TELEMETRY_SCHEMA(`${p.measurement}: unknown field ${name}`);
    const jsType = type === 'float' || type === 'integer' ? 'number' : type;
    if (typeof value !== jsType) {
      throw new codes.ZW_ERR_TELEMETRY_SCHEMA(
        `${p.measurement}.${name} must be ${type}, got ${typeof value}`,
      );
    }
    if (
      typeof value === 'number' &&
      (!Number.isFinite(value) || (type === 'integer' && !Number.isSafeInteger(value)))
    ) {
      invalidFields.push(name);
      continue;
    }
    fields[name] = value;
  }
  const point = Object.keys(fields).length
    ? { measurement: p.measurement, tags: p.tags, fields, t: Math.floor(p.t) }
    : undefined;
  return { point, invalidFields };
}

const msTime = {
  convertTime: (v: string | number | Date | undefined) => (v === undefined ? undefined : String(v)),
};

/** Serialises a checked point to one line of line protocol with a ms timestamp. */
export function toLineProtocol(p: TelemetryPoint): string {
  const fieldTypes: Readonly<Record<string, FieldType>> = TELEMETRY_SCHEMA[p.measurement].fields;
  const point = new Point(p.measurement);
  for (const [k, v] of Object.entries(p.tags)) point.tag(k, v);
  for (const [k, v] of Object.entries(p.fields)) {
    switch (fieldTypes[k]) {
      case 'float':
        point.floatField(k, v);
        break;
      case 'integer':
        point.intField(k, v);
        break;
      case 'boolean':
        point.booleanField(k, v);
        break;
      default:
        point.stringField(k, v);
    }
  }
  point.timestamp(p.t);
  // checkPoint guarantees at least one field, so a line always comes out.
  return point.toLineProtocol(msTime) ?? '';
}
