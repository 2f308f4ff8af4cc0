import { fileURLToPath } from 'node:url';
import type { DeviceLink } from '@zonewatch/protocol';
import pino, { type Logger } from 'pino';
import { type GatewayConfig, loadGatewayConfig } from './config.js';
import { createGateway, type Gateway } from './gateway.js';

/**
 * Builds the gateway's device link from the environment. The gateway has no link of its own: the simulator
 * (`firmware-sim/src/gateway-sim.ts`) or a BLE adapter supplies one, so this package never depends on them.
 */
export type LinkFactory = (env: Record<string, string | undefined>, logger: Logger) => Promise<DeviceLink>;

/**
 * Runs one gateway until SIGINT/SIGTERM (unless `handleSignals` is false): reads the configuration from `env`, builds the device link with
 * `linkFactory`, starts, and stops cleanly (flush, `offline` status, outbox closed) on a signal.
 */
export async function runGateway(
  env: Record<string, string | undefined>,
  linkFactory: LinkFactory,
  opts: { handleSignals?: boolean } = {},
): Promise<{ gateway: Gateway; config: GatewayConfig; shutdown: () => Promise<void> }> {
  const config = loadGatewayConfig(env);
  const logger = pino({ level: config.logLevel, base: { service: 'gateway' } });
  const link = await linkFactory(env, logger);
  const gateway = createGateway(config, { link, logger });
  await gateway.start();
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= gateway.stop();
    return stopping;
  };
  for (const signal of opts.handleSignals === false ? [] : (['SIGINT', 'SIGTERM'] as const)) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      shutdown().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ error: (err as Error).message }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  return { gateway, config, shutdown };
}

/** Prints a config or start-up error plainly (config errors name the variable) and exits 1. */
export function exitOnStartError(err: unknown): never {
  const e = err as { code?: string; message?: string };
  console.error(`gateway: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`);
  process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // This entry point used to play a simulator scenario itself, which made the gateway depend on the simulator.
  console.error(
    'gateway: this package has no device link of its own. The simulated gateway (SIM_SCENARIO and the same ' +
      'GATEWAY_* variables) is now `node --import tsx firmware-sim/src/gateway-sim.ts`; a BLE adapter calls ' +
      'runGateway(env, linkFactory) from @zonewatch/gateway.',
  );
  process.exit(2);
}
