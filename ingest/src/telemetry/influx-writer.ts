import http from 'node:http';
import https from 'node:https';
import { HttpError, InfluxDB, setLogger, type WriteOptions } from '@influxdata/influxdb-client';
import type { Logger } from 'pino';
import type { InfluxConfig } from './config.js';
import { codes } from './errors.js';
import { toLineProtocol } from './schema.js';
import { describeInfluxError, RoutingTransport } from './transport.js';
import {
  createWriterFront,
  type DropReason,
  emptyDropped,
  type PointSink,
  systemClock,
  type TelemetryWriter,
  type WriterDeps,
} from './writer.js';

export interface InfluxWriterDeps extends WriterDeps {
  /** Longest `close()` waits for pending lines to be written, in ms. Default 5000. */
  closeTimeoutMs?: number;
}

/**
 * The InfluxDB writer: batches points (`INFLUX_FLUSH_INTERVAL_MS`, `INFLUX_BATCH_SIZE`) through
 * `@influxdata/influxdb-client`'s write API, retries failed batches with exponential back-off, keeps at
 * most `INFLUX_MAX_BUFFER_LINES` lines waiting for a retry, and counts and logs every line it loses.
 * Writes to the v1 or v2 endpoint (see `transport.ts`).
 * @throws ZW_ERR_INFLUX_CONFIG when `config.url` is unset (use `createTelemetryWriter` to fall back).
 */
export function createInfluxWriter(config: InfluxConfig, deps: InfluxWriterDeps): TelemetryWriter {
  const { url } = config;
  if (url === undefined) throw new codes.ZW_ERR_INFLUX_CONFIG('INFLUX_URL is not set');
  const logger = deps.logger.child({ component: 'telemetry' });
  const clock = deps.clock ?? systemClock;
  const closeTimeoutMs = deps.closeTimeoutMs ?? 5000;

  let api: 'v1' | 'v2' | null = null;
  let serverVersion: string | null = null;
  let accepted = 0;
  let written = 0;
  let writeFailures = 0;
  let retries = 0;
  let maxFailedAttempt = 0;
  const dropped = emptyDropped();
  let lastWriteLatencyMs: number | null = null;
  let maxWriteLatencyMs: number | null = null;
  let lastError: string | null = null;
  let lastSuccessAt: number | null = null;
  let failingSince: number | null = null;
  let failuresThisOutage = 0;
  /** Set once `close()` has accounted for every line; late callbacks are ignored after it. */
  let finalized = false;
  let closing = false;

  const droppedTotal = () => dropped.overflow + dropped.expired + dropped.rejected + dropped.closed;
  const pending = () => Math.max(0, accepted - written - droppedTotal());

  function drop(reason: DropReason, lines: number, cause: string | null): void {
    if (finalized || lines === 0) return;
    dropped[reason] += lines;
    logger.error(
      {
        dropReason: reason,
        cause,
        droppedLines: lines,
        droppedTotal: droppedTotal(),
        bufferLines: pending(),
      },
      'InfluxDB lines dropped',
    );
  }

  const agent = url.startsWith('https:')
    ? new https.Agent({ keepAlive: true, maxSockets: 4 })
    : new http.Agent({ keepAlive: true, maxSockets: 4 });
  const inner = new InfluxDB({
    url,
    token: config.token,
    timeout: config.timeoutMs,
    transportOptions: { agent },
  }).transport;
  const transport = new RoutingTransport(
    inner,
    {
      database: config.database,
      retentionPolicy: config.retentionPolicy,
      username: config.username,
      password: config.password,
    },
    config.api,
    {
      onApi(d) {
        api = d.api;
        serverVersion = d.version;
        if (config.api === 'auto')
          logger.info({ api: d.api, serverVersion: d.version }, 'InfluxDB write API selected');
      },
      onWriteDone(ms, ok) {
        if (!ok || finalized) return;
        lastWriteLatencyMs = Math.round(ms * 1000) / 1000;
        maxWriteLatencyMs = Math.max(maxWriteLatencyMs ?? 0, lastWriteLatencyMs);
      },
    },
    config.timeoutMs,
  );

  const writeOptions: Partial<WriteOptions> = {
    flushInterval: config.flushIntervalMs,
    batchSize: config.batchSize,
    maxBufferLines: config.maxBufferLines,
    maxRetries: config.maxRetries,
    maxRetryTime: config.maxRetryTimeMs,
    minRetryDelay: config.minRetryDelayMs,
    maxRetryDelay: config.maxRetryDelayMs,
    exponentialBase: 2,
    randomRetry: true,
    retryJitter: Math.min(200, config.minRetryDelayMs),
    gzipThreshold: 1000,
    writeFailed(error, lines, attempt) {
      if (finalized) return;
      const reason = describeInfluxError(error);
      if (!(error instanceof HttpError) && error.message === 'Max retry time exceeded.') {
        // No request was made: the batch outlived INFLUX_MAX_RETRY_TIME_MS while waiting.
        drop('expired', lines.length, reason);
        return;
      }
      writeFailures++;
      failuresThisOutage++;
      maxFailedAttempt = Math.max(maxFailedAttempt, attempt);
      lastError = reason;
      // Mirrors the client's own decision (WriteApiImpl.sendBatch): network errors and HTTP ≥ 429 are
      // retried while attempts remain; the rest is refused data.
      const retriable = !(error instanceof HttpError) || error.statusCode >= 429;
      const willRetry = retriable && attempt <= config.maxRetries && !closing;
      if (willRetry) retries++;
      if (failingSince === null) {
        failingSince = clock.now();
        logger.warn(
          { cause: reason, attempt, lines: lines.length, bufferLines: pending() },
          willRetry ? 'InfluxDB write failed: buffering and retrying with back-off' : 'InfluxDB write failed',
        );
      } else {
        logger.debug(
          { cause: reason, attempt, lines: lines.length, bufferLines: pending() },
          'InfluxDB write failed',
        );
      }
      if (!willRetry) drop(!retriable ? 'rejected' : closing ? 'closed' : 'expired', lines.length, reason);
    },
    writeSuccess(lines) {
      if (finalized) return;
      written += lines.length;
      lastSuccessAt = clock.now();
      if (failingSince !== null) {
        logger.info(
          {
            failedAttempts: failuresThisOutage,
            failingForMs: lastSuccessAt - failingSince,
            bufferLines: pending(),
          },
          'InfluxDB writes recovered',
        );
        failingSince = null;
        failuresThisOutage = 0;
      }
    },
    writeRetrySkipped(entry) {
      if (finalized) return;
      dropped.overflow += entry.lines.length;
      logger.error(
        {
          dropReason: 'overflow',
          droppedLines: entry.lines.length,
          overflowTotal: dropped.overflow,
          maxBufferLines: config.maxBufferLines,
        },
        'InfluxDB retry buffer full: oldest lines dropped',
      );
    },
  };
  const writeApi = new InfluxDB({ url, transport }).getWriteApi(
    config.org,
    config.bucket,
    'ms',
    writeOptions,
  );
  const unrouteClientLog = routeClientLog(logger);

  const sink: PointSink = {
    write(points) {
      accepted += points.length;
      writeApi.writeRecords(points.map(toLineProtocol));
    },
    async flush() {
      try {
        await writeApi.flush(true);
      } catch (err) {
        throw new codes.ZW_ERR_INFLUX_WRITE(
          `${describeInfluxError(err)}; ${pending()} lines still buffered, ${droppedTotal()} dropped so far`,
        );
      }
    },
    async close() {
      closing = true;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          writeApi.flush(true),
          new Promise((resolve) => {
            timer = setTimeout(resolve, closeTimeoutMs);
          }),
        ]);
      } catch {
        // What could not be written is counted below.
      } finally {
        clearTimeout(timer);
      }
      writeApi.dispose();
      const left = pending();
      if (left > 0) drop('closed', left, lastError);
      finalized = true;
      agent.destroy();
      unrouteClientLog();
    },
    stats: () => ({
      backend: 'influx',
      enabled: true,
      api,
      serverVersion,
      linesAccepted: accepted,
      linesWritten: written,
      bufferLines: pending(),
      writeFailures,
      retries,
      maxFailedAttempt,
      droppedLines: droppedTotal(),
      dropped: { ...dropped },
      lastWriteLatencyMs,
      maxWriteLatencyMs,
      lastError,
      lastSuccessAt,
    }),
  };

  return createWriterFront(sink, {
    logger,
    clock,
    aggregateDevices: true,
    deviceIntervalMs: config.deviceIntervalMs,
    onWriteAfterClose: (n) => {
      accepted += n;
      dropped.closed += n;
    },
  });
}

/**
 * The client logs through one process-wide logger (`setLogger`), by default to the console, and may
 * pass errors whose message quotes rejected lines. Route it to the writers' pino loggers at debug level
 * with a safe reason only: every event that matters is logged by the hooks above.
 */
const clientLogTargets = new Set<Logger>();
let clientLogRouted = false;

function routeClientLog(logger: Logger): () => void {
  clientLogTargets.add(logger);
  if (!clientLogRouted) {
    clientLogRouted = true;
    const forward = (message: string, error?: unknown) => {
      const target = clientLogTargets.values().next().value;
      target?.debug(
        { source: 'influxdb-client', cause: error ? describeInfluxError(error) : undefined },
        message,
      );
    };
    setLogger({ error: forward, warn: forward });
  }
  return () => {
    clientLogTargets.delete(logger);
  };
}
