import { idSchema } from '@zonewatch/protocol';
import type { Logger } from 'pino';

/**
 * What the REST routes call after a gateway's credential was revoked or rotated (committed), so its open
 * MQTT connections are cut at once wherever they are — not only new connections refused. Never throws:
 * the registry change stands either way, and a failure is logged.
 */
export interface GatewayCredentialEvents {
  changed(gatewayId: string): Promise<void>;
}

/** Redis pub/sub between ingest nodes (each may run its own embedded broker). */
export interface CredentialBus {
  publish(message: string): Promise<unknown>;
  /** Calls `onMessage` for every message any node publishes (its own included). */
  subscribe(onMessage: (message: string) => void): Promise<unknown>;
}

/** The Redis channel ingest nodes announce changed gateway credentials on. */
export const GATEWAY_CREDENTIALS_CHANNEL = 'zonewatch:gateway-credentials';

export interface GatewayCredentialEventsOptions {
  logger: Logger;
  /**
   * Re-checks this node's broker connections of the given gateways (the embedded broker's `revalidate`).
   * Absent with an external broker: its accounts live in its own credentials file (broker/README.md).
   */
  revalidateLocal?: (gatewayIds: readonly string[]) => Promise<void>;
  /** With REDIS_URL: tells the other ingest nodes, whose embedded brokers may hold the connection. */
  bus?: CredentialBus;
}

/**
 * Wires the routes to the broker(s) without ingest knowing the broker package: the composition root
 * (platform.ts) passes the embedded broker's `revalidate` and, in a cluster, a Redis bus.
 */
export async function createGatewayCredentialEvents(
  opts: GatewayCredentialEventsOptions,
): Promise<GatewayCredentialEvents> {
  const { logger, revalidateLocal, bus } = opts;
  const recheck = async (gatewayId: string): Promise<void> => {
    try {
      await revalidateLocal?.([gatewayId]);
    } catch (err) {
      logger.error({ gatewayId, err: (err as Error).message }, 'gateway connections could not be re-checked');
    }
  };
  if (bus && revalidateLocal) {
    await bus.subscribe((message) => {
      const id = idSchema.safeParse(message);
      if (!id.success) {
        logger.warn({ bytes: message.length }, 'invalid gateway credential message ignored');
        return;
      }
      void recheck(id.data);
    });
  }
  return {
    async changed(gatewayId) {
      if (!revalidateLocal) {
        logger.info(
          { gatewayId },
          'gateway credential changed in the registry; an external broker takes its accounts from its credentials file',
        );
      }
      await recheck(gatewayId);
      if (!bus) return;
      try {
        await bus.publish(gatewayId);
      } catch (err) {
        logger.error(
          { gatewayId, err: (err as Error).message },
          'other ingest nodes could not be told of a gateway credential change',
        );
      }
    },
  };
}
