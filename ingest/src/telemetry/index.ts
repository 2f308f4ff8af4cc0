/**
 * Telemetry storage: samples, alert events and service metrics to InfluxDB (schema in `SCHEMA.md`),
 * or to memory / nowhere when InfluxDB is not configured — the platform runs without it.
 */
import { type InfluxConfig, isInfluxEnabled } from './config.js';
import { createInfluxWriter, type InfluxWriterDeps } from './influx-writer.js';
import { createDisabledWriter } from './memory-writer.js';
import type { TelemetryWriter } from './writer.js';

export {
  type EnabledInfluxConfig,
  type InfluxConfig,
  influxEnvSchema,
  isInfluxEnabled,
  loadInfluxConfig,
} from './config.js';
export { codes, type TelemetryErrorCode } from './errors.js';
export { createInfluxWriter, type InfluxWriterDeps } from './influx-writer.js';
export {
  createDisabledWriter,
  createMemoryWriter,
  type MemoryTelemetryWriter,
  type MemoryWriterOptions,
} from './memory-writer.js';
export {
  alertPoint,
  DeviceHealthAggregator,
  type SampleContext,
  type SampleExtra,
  samplePoint,
  type TelemetryAlertEvent,
} from './points.js';
export {
  type InfluxQLRow,
  type InfluxQLSeries,
  type InfluxQLTarget,
  type InfluxQLValue,
  queryInfluxQL,
  queryInfluxQLSeries,
} from './query.js';
export {
  ALERT_EVENTS,
  checkPoint,
  DEVICE_KINDS,
  type DeviceKind,
  type FieldsOf,
  type FieldType,
  MEASUREMENTS,
  type Measurement,
  type MeasurementSchema,
  type MetricMeasurement,
  type TagsOf,
  TELEMETRY_SCHEMA,
  type TelemetryPoint,
  toLineProtocol,
  ZONE_CODES,
} from './schema.js';
export {
  apiForVersion,
  type DetectedApi,
  describeInfluxError,
  detectInfluxApi,
  RoutingTransport,
  rewriteWritePathToV1,
  toV1Precision,
  type V1Precision,
  type V1Target,
  V1WriteTransport,
  type V2Precision,
} from './transport.js';
export {
  type Clock,
  type DropReason,
  systemClock,
  type TelemetryWriter,
  type WriterDeps,
  type WriterStats,
  writerMetricFields,
} from './writer.js';

/**
 * The writer for a configuration: InfluxDB when `INFLUX_URL` is set, otherwise a disabled writer that
 * accepts and discards every write (logged once at info).
 */
export function createTelemetryWriter(config: InfluxConfig, deps: InfluxWriterDeps): TelemetryWriter {
  if (isInfluxEnabled(config)) return createInfluxWriter(config, deps);
  deps.logger.info({ component: 'telemetry' }, 'INFLUX_URL not set: telemetry storage disabled');
  return createDisabledWriter({ logger: deps.logger });
}
