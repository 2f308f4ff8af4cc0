import pino from 'pino';
import { ConfigError, loadConfig } from './config.js';
import { startPlatform } from './platform.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`zonewatch: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}

const logger = pino({ level: config.LOG_LEVEL });
const platform = await startPlatform(config, { logger }).catch((e: unknown) => {
  logger.fatal({ err: e }, 'zonewatch failed to start');
  process.exit(1);
});

logger.info({ url: platform.url, mqttPort: platform.mqttPort }, 'zonewatch is running');
const lines = [`\n  zonewatch console: ${platform.url}\n`];
if (platform.demo) {
  lines.push('  Demo logins (new passwords at every start; nothing here is stored in clear):');
  for (const u of platform.demo.seed.users)
    lines.push(`    ${u.role.padEnd(11)} ${u.username.padEnd(18)} ${u.password}`);
}
process.stdout.write(`${lines.join('\n')}\n\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping');
    platform.close().then(
      () => {
        // What this process took and evaluated in its life (a rolling restart is checked against it).
        logger.info(
          { consumer: platform.consumer.stats(), live: platform.live.stats() },
          'stopped: sites handed over',
        );
        logger.flush?.();
        process.exit(0);
      },
      () => process.exit(1),
    );
  });
}
