import { fileURLToPath } from 'node:url';
import type { DeviceLink } from '@zonewatch/protocol';
import pino, { type Logger } from 'pino';
import { type GatewayConfig, loadGatewayConfig } from './config.js';
import { GatewayConfigError } from './errors.js';
import { createGateway, type Gateway } from './gateway.js';

/** Builds the gateway's device link; the default plays a firmware-sim scenario. */
export type LinkFactory = (env: Record<string, string | undefined>, logger: Logger) => Promise<DeviceLink>;

/**
 * The simulator as the device link: `SIM_SCENARIO` names a scenario file (YAML or JSON); `SIM_LOOP=1` plays
 * it again when it ends; `SIM_SPEEDUP` overrides the scenario's speed-up factor.
 */
export const simulatorLink: LinkFactory = async (env, logger) => {
  const file = env['SIM_SCENARIO'];
  if (!file) throw new GatewayConfigError('SIM_SCENARIO', 'is required (a firmware-sim scenario file)');
  const speedup = env['SIM_SPEEDUP'] ? Number(env['SIM_SPEEDUP']) : undefined;
  if (speedup !== undefined && !(speedup > 0)) throw new GatewayConfigError('SIM_SPEEDUP', 'must be > 0');
  const { createSimulatedLink, loadScenario } = await import('@zonewatch/firmware-sim');
  const scenario = await loadScenario(file);
  return createSimulatedLink(scenario, {
    loop: env['SIM_LOOP'] === '1' || env['SIM_LOOP'] === 'true',
    logger: logger.child({ component: 'firmware-sim' }),
    ...(speedup !== undefined ? { speedup } : {}),
  });
};

/**
 * Runs one gateway until SIGINT/SIGTERM (unless `handleSignals` is false): reads the configuration from `env`, builds the device link with
 * `linkFactory`, starts, and stops cleanly (flush, `offline` status, outbox closed) on a signal.
 */
export async function runGateway(
  env: Record<string, string | undefined> = process.env,
  linkFactory: LinkFactory = simulatorLink,
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runGateway().catch((err: unknown) => {
    const e = err as { code?: string; message?: string };
    // Config errors name the variable; print them plainly for whoever started the process.
    console.error(`gateway: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`);
    process.exit(1);
  });
}
