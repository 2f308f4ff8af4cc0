import type { Sample } from '@zonewatch/protocol';
import type { Logger } from 'pino';
import {
  alertPoint,
  DeviceHealthAggregator,
  type SampleContext,
  type SampleExtra,
  samplePoint,
  type TelemetryAlertEvent,
} from './points.js';
import {
  checkPoint,
  type FieldsOf,
  type MetricMeasurement,
  type TagsOf,
  type TelemetryPoint,
} from './schema.js';

/** Why lines were lost. */
export type DropReason =
  /** The retry buffer was full (`INFLUX_MAX_BUFFER_LINES`): the oldest lines made room. */
  | 'overflow'
  /** Retries exhausted (`INFLUX_MAX_RETRIES` or `INFLUX_MAX_RETRY_TIME_MS`). */
  | 'expired'
  /** The server refused the lines (HTTP 4xx other than 408/425/429: bad data, unknown database, auth). */
  | 'rejected'
  /** Still buffered at `close()`, or written after it. */
  | 'closed';

/** Counters since the writer was created (lines = points). */
export interface WriterStats {
  /** `influx`: points go to a server; `memory`: kept in memory (tests); `disabled`: discarded. */
  readonly backend: 'influx' | 'memory' | 'disabled';
  /** True only when points are stored in InfluxDB. */
  readonly enabled: boolean;
  /** Write API in use; `null` before `auto` detection succeeded, or without a server. */
  readonly api: 'v1' | 'v2' | null;
  /** `X-Influxdb-Version` of the server, once known. */
  readonly serverVersion: string | null;
  /** Points accepted for writing. */
  readonly linesAccepted: number;
  /** Points the server confirmed. */
  readonly linesWritten: number;
  /** Points accepted but neither written nor dropped yet (write batch, in flight, retry buffer). */
  readonly bufferLines: number;
  /** Failed write requests (each failed attempt of each batch). */
  readonly writeFailures: number;
  /** Failed batches put back into the retry buffer to be retried after a back-off delay. */
  readonly retries: number;
  /** Highest attempt number a batch failed at (1 = first try): >1 shows back-off retries happened. */
  readonly maxFailedAttempt: number;
  /** Points lost, all reasons (each loss is also logged). */
  readonly droppedLines: number;
  readonly dropped: Readonly<Record<DropReason, number>>;
  /** Field values left out because they were NaN, infinite, or not an integer for an integer field. */
  readonly invalidFields: number;
  /** Duration of the last successful write request, in ms. */
  readonly lastWriteLatencyMs: number | null;
  /** Longest successful write request so far, in ms. */
  readonly maxWriteLatencyMs: number | null;
  /** Reason of the last failed write (`ECONNREFUSED`, `HTTP 503`…), never a server message. */
  readonly lastError: string | null;
  /** When a write last succeeded (ms since the epoch). */
  readonly lastSuccessAt: number | null;
}

/**
 * Stores telemetry, alert events and service metrics. Writes never block and never throw on data
 * (schema violations by the caller's code do throw); points are batched and sent in the background.
 */
export interface TelemetryWriter {
  /** A validated sample of a bound device; battery samples only feed the `device` health aggregate. */
  writeSample(ctx: SampleContext, sample: Sample, extra?: SampleExtra): void;
  /** An alert lifecycle event (`resounded` is not stored). */
  writeAlertEvent(e: TelemetryAlertEvent): void;
  /** A service metrics point; `t` defaults to the clock's now (ms). */
  writeMetrics<M extends MetricMeasurement>(
    measurement: M,
    tags: TagsOf<M>,
    fields: FieldsOf<M>,
    t?: number,
  ): void;
  /**
   * Writes everything pending now, including the current device-health period and lines waiting for a
   * retry. @throws ZW_ERR_INFLUX_WRITE when lines could not be written (they stay buffered or were dropped).
   */
  flush(): Promise<void>;
  /** Writes what it can (bounded in time), then stops; lines left are counted as dropped and logged. Never throws. */
  close(): Promise<void>;
  stats(): WriterStats;
}

/** Source of "now" in ms since the epoch (injected for tests). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Dependencies every writer takes. */
export interface WriterDeps {
  logger: Logger;
  clock?: Clock;
}

/** Where checked points go: InfluxDB, memory, or nowhere. */
export interface PointSink {
  write(points: readonly TelemetryPoint[]): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  stats(): Omit<WriterStats, 'invalidFields'>;
}

export interface FrontOptions {
  logger: Logger;
  clock: Clock;
  /** Aggregate device health into `device` points (off when nothing is stored). */
  aggregateDevices: boolean;
  /** Period of `device` health points in ms; `null` = only on `flush()` and `close()`. */
  deviceIntervalMs: number | null;
  /** Record writes made after `close()` as dropped (called with the number of points). */
  onWriteAfterClose(points: number): void;
}

/**
 * The part every writer shares: schema mapping and checks, device-health aggregation on a timer, and
 * the closed state. Sinks only see checked points.
 */
export function createWriterFront(sink: PointSink, opts: FrontOptions): TelemetryWriter {
  const { logger, clock } = opts;
  const devices = opts.aggregateDevices ? new DeviceHealthAggregator() : undefined;
  let invalidFields = 0;
  let closed = false;
  let warnedClosed = false;
  const warnedFields = new Set<string>();

  const timer =
    devices && opts.deviceIntervalMs !== null
      ? setInterval(() => emit(devices.drain(clock.now())), opts.deviceIntervalMs)
      : undefined;
  timer?.unref();

  function emit(points: readonly TelemetryPoint[]): void {
    if (points.length === 0) return;
    if (closed) {
      opts.onWriteAfterClose(points.length);
      if (!warnedClosed) {
        warnedClosed = true;
        logger.warn({ points: points.length }, 'telemetry written after close: dropped (counted)');
      }
      return;
    }
    sink.write(points);
  }

  function accept(p: TelemetryPoint | undefined): void {
    if (!p) return;
    const checked = checkPoint(p);
    if (checked.invalidFields.length) {
      invalidFields += checked.invalidFields.length;
      for (const f of checked.invalidFields) {
        const key = `${p.measurement}.${f}`;
        if (warnedFields.has(key)) continue;
        warnedFields.add(key);
        // The field name only: the value may be health data.
        logger.warn(
          { field: key },
          'telemetry field value not finite (or not an integer): left out (counted)',
        );
      }
    }
    if (checked.point) emit([checked.point]);
  }

  return {
    writeSample(ctx, sample, extra) {
      devices?.observe(ctx, sample);
      accept(samplePoint(ctx, sample, extra));
    },
    writeAlertEvent(e) {
      accept(alertPoint(e));
    },
    writeMetrics(measurement, tags, fields, t) {
      accept({
        measurement,
        tags,
        fields: fields as Record<string, number | boolean | string>,
        t: t ?? clock.now(),
      });
    },
    async flush() {
      if (devices) emit(devices.drain(clock.now()));
      await sink.flush();
    },
    async close() {
      if (closed) return;
      if (timer) clearInterval(timer);
      if (devices) emit(devices.drain(clock.now()));
      closed = true;
      await sink.close();
    },
    stats() {
      return { ...sink.stats(), invalidFields };
    },
  };
}

/** The `ingest` measurement fields that describe the writer itself (the lead adds the rest). */
export function writerMetricFields(s: WriterStats): FieldsOf<'ingest'> {
  const fields: FieldsOf<'ingest'> = {
    buffer_lines: s.bufferLines,
    write_failures: s.writeFailures,
    dropped_lines: s.droppedLines,
  };
  if (s.lastWriteLatencyMs !== null) fields.write_latency_ms = s.lastWriteLatencyMs;
  return fields;
}

export function emptyDropped(): Record<DropReason, number> {
  return { overflow: 0, expired: 0, rejected: 0, closed: 0 };
}
