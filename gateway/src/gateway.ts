import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import pkg from '../package.json' with { type: 'json' };
import type { GatewayConfig } from './config.js';
import { createGatewayCore, type Gateway, type GatewayCoreDeps } from './core.js';
import { DiskOutbox } from './disk-outbox.js';
import type { Outbox } from './outbox.js';

export { backoff } from './broker-session.js';
export {
  createGatewayCore,
  type Gateway,
  type GatewayCoreConfig,
  type GatewayCoreDeps,
  type GatewayStats,
  STOP_GRACE_MS,
} from './core.js';
export { MAX_INFLIGHT } from './publisher.js';

/** Gateway software version, announced in the retained status. */
export const GATEWAY_VERSION: string = pkg.version;

export interface GatewayDeps extends Omit<GatewayCoreDeps, 'logger' | 'outbox' | 'connect' | 'version'> {
  logger: Logger;
  /** Outbox to use instead of the disk outbox under `config.dataDir` (unit tests). */
  outbox?: Outbox;
  /** Opens an MQTT connection; default `mqtt.connect`. Tests wrap it to reach the socket. */
  connect?: (url: string, options: IClientOptions) => MqttClient;
}

/**
 * The Node gateway: {@link createGatewayCore} with the durable disk outbox under `config.dataDir`, MQTT.js
 * over TCP/TLS/WebSocket and this package's version. Nothing is opened until `start()`.
 */
export function createGateway(config: GatewayConfig, deps: GatewayDeps): Gateway {
  const log = deps.logger.child({ component: 'gateway', gatewayId: config.gatewayId, siteId: config.siteId });
  return createGatewayCore(config, {
    ...deps,
    outbox: deps.outbox ?? new DiskOutbox({ dir: config.dataDir, maxBytes: config.outboxMaxBytes, log }),
    connect: deps.connect ?? mqtt.connect,
    version: GATEWAY_VERSION,
  });
}
