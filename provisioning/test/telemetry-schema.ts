/**
 * The telemetry schema ingest writes — ingest's own definition, not a copy: the dashboards, alert rules
 * and the simulated class are checked against exactly what ingest checks its points against.
 */
import { type MeasurementSchema, TELEMETRY_SCHEMA } from '../../ingest/src/telemetry/schema.js';

export {
  checkPoint,
  type FieldType,
  type Measurement,
  type MeasurementSchema,
  TELEMETRY_SCHEMA,
  type TelemetryPoint,
  toLineProtocol,
} from '../../ingest/src/telemetry/schema.js';

/** Schema lookup that does not fall for `constructor` or `__proto__`. */
export function measurementSchema(name: string): MeasurementSchema | undefined {
  return Object.hasOwn(TELEMETRY_SCHEMA, name)
    ? TELEMETRY_SCHEMA[name as keyof typeof TELEMETRY_SCHEMA]
    : undefined;
}
