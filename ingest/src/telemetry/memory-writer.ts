import pino from 'pino';
import { type TelemetryPoint, toLineProtocol } from './schema.js';
import {
  type Clock,
  createWriterFront,
  emptyDropped,
  type PointSink,
  systemClock,
  type TelemetryWriter,
  type WriterStats,
} from './writer.js';

/** A writer that keeps points in memory, for unit tests of the code around it. */
export interface MemoryTelemetryWriter extends TelemetryWriter {
  /** Points kept, oldest first (at most `maxPoints`). */
  points(): readonly TelemetryPoint[];
  /** The same points as line protocol (ms timestamps). */
  lines(): string[];
  clear(): void;
}

export interface MemoryWriterOptions {
  /** Most points kept; older ones are dropped and counted as `overflow`. Default 100 000. */
  maxPoints?: number;
  /** Period of `device` health points in ms (default 10 000); `null` = only on `flush()`/`close()`. */
  deviceIntervalMs?: number | null;
  clock?: Clock;
  logger?: pino.Logger;
}

/**
 * In-memory writer: same schema checks and mapping as the InfluxDB writer, points kept in an array.
 * `stats().enabled` is false (nothing is stored durably).
 */
export function createMemoryWriter(opts: MemoryWriterOptions = {}): MemoryTelemetryWriter {
  const maxPoints = opts.maxPoints ?? 100_000;
  const logger = opts.logger ?? pino({ level: 'silent' });
  let kept: TelemetryPoint[] = [];
  let accepted = 0;
  const dropped = emptyDropped();
  const sink: PointSink = {
    write(points) {
      accepted += points.length;
      kept.push(...points);
      if (kept.length > maxPoints) {
        const excess = kept.length - maxPoints;
        kept.splice(0, excess);
        dropped.overflow += excess;
        logger.warn(
          { droppedLines: excess, maxPoints },
          'memory telemetry writer full: oldest points dropped',
        );
      }
    },
    flush: async () => {},
    close: async () => {},
    stats: () => ({
      ...baseStats('memory'),
      linesAccepted: accepted,
      linesWritten: accepted - sum(dropped),
      droppedLines: sum(dropped),
      dropped: { ...dropped },
    }),
  };
  const front = createWriterFront(sink, {
    logger,
    clock: opts.clock ?? systemClock,
    aggregateDevices: true,
    deviceIntervalMs: opts.deviceIntervalMs === undefined ? 10_000 : opts.deviceIntervalMs,
    onWriteAfterClose: (n) => {
      accepted += n;
      dropped.closed += n;
    },
  });
  return {
    ...front,
    points: () => kept,
    lines: () => kept.map(toLineProtocol),
    clear: () => {
      kept = [];
    },
  };
}

/**
 * The writer used when `INFLUX_URL` is unset: accepts every write (schema checks still apply, so a
 * contract violation shows up without a server), stores nothing, and reports `backend: 'disabled'`.
 */
export function createDisabledWriter(opts: { logger?: pino.Logger } = {}): TelemetryWriter {
  const sink: PointSink = {
    write() {},
    flush: async () => {},
    close: async () => {},
    stats: () => baseStats('disabled'),
  };
  return createWriterFront(sink, {
    logger: opts.logger ?? pino({ level: 'silent' }),
    clock: systemClock,
    aggregateDevices: false,
    deviceIntervalMs: null,
    onWriteAfterClose: () => {},
  });
}

function sum(r: Record<string, number>): number {
  return Object.values(r).reduce((a, b) => a + b, 0);
}

function baseStats(backend: 'memory' | 'disabled'): Omit<WriterStats, 'invalidFields'> {
  return {
    backend,
    enabled: false,
    api: null,
    serverVersion: null,
    linesAccepted: 0,
    linesWritten: 0,
    bufferLines: 0,
    writeFailures: 0,
    retries: 0,
    maxFailedAttempt: 0,
    droppedLines: 0,
    dropped: emptyDropped(),
    lastWriteLatencyMs: null,
    maxWriteLatencyMs: null,
    lastError: null,
    lastSuccessAt: null,
  };
}
