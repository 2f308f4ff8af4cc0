export { Batcher, firstSeq, type SealedBatch, splitToFit } from './batcher.js';
export { BrokerSession, type BrokerSessionOptions } from './broker-session.js';
export {
  type GatewayConfig,
  type GatewayConfigInput,
  gatewayConfig,
  gatewayEnvSchema,
  loadGatewayConfig,
} from './config.js';
export { type DecodeOutcome, NotificationDecoder, RSC_MAX_INTEGRATION_GAP_MS } from './decode.js';
export { DiskOutbox, STATE_PERSIST_INTERVAL_MS } from './disk-outbox.js';
export * from './errors.js';
export {
  backoff,
  createGateway,
  createGatewayCore,
  GATEWAY_VERSION,
  type Gateway,
  type GatewayCoreConfig,
  type GatewayCoreDeps,
  type GatewayDeps,
  type GatewayStats,
  MAX_INFLIGHT,
  STOP_GRACE_MS,
} from './gateway.js';
export { Intake } from './intake.js';
export { exitOnStartError, type LinkFactory, runGateway } from './main.js';
export { MemoryOutbox, type Outbox, type OutboxStats, PendingIndex, RECORD_HEADER_BYTES } from './outbox.js';
export { OutboxPublisher, type TelemetrySink } from './publisher.js';
export { commandType, type GatewayIdentity, offlineStatus, offlineWill, onlineStatus } from './status.js';
export { type GatewayLogger, systemTimers, type Timers } from './timers.js';
