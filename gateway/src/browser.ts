/**
 * The gateway core for browsers (`@zonewatch/gateway/browser`): the same batching, sequence numbers,
 * outbox publishing and status/last-will semantics as the Node gateway, with nothing that imports Node
 * (no disk outbox, no environment parsing, no pino). The caller brings an {@link Outbox} (the home page:
 * IndexedDB) and MQTT.js's browser `connect`.
 */
export { Batcher, firstSeq, type SealedBatch, splitToFit } from './batcher.js';
export { backoff } from './broker-session.js';
export {
  createGatewayCore,
  type Gateway,
  type GatewayCoreConfig,
  type GatewayCoreDeps,
  type GatewayStats,
  STOP_GRACE_MS,
} from './core.js';
export { type DecodeOutcome, NotificationDecoder } from './decode.js';
export { DECODE_ERROR_REASONS, type DecodeErrorReason, OutboxClosedError, OutboxSeqError } from './errors.js';
export { MemoryOutbox, type Outbox, type OutboxStats, PendingIndex, RECORD_HEADER_BYTES } from './outbox.js';
export { MAX_INFLIGHT } from './publisher.js';
export { commandType, offlineStatus, offlineWill, onlineStatus } from './status.js';
export { type GatewayLogger, systemTimers, type Timers } from './timers.js';
