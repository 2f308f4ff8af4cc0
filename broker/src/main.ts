/**
 * Standalone broker: `node --import tsx broker/src/main.ts`. Configuration comes from the environment
 * (see broker/README.md); a bad value stops start-up with a message naming the variable.
 */
import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import { createBroker } from './broker.js';
import { parseBrokerEnv } from './config.js';
import { FileCredentialStore } from './credentials.js';
import { codes } from './errors.js';

async function readPem(variable: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new codes.ZW_ERR_BROKER_CONFIG(
      `${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

async function main(): Promise<void> {
  const config = parseBrokerEnv(process.env);
  const logger = pino({ level: config.logLevel });
  const credentials = await FileCredentialStore.load(config.credentialsFile);
  const tls = config.tls
    ? {
        port: config.tls.port,
        certPem: await readPem('MQTT_TLS_CERT', config.tls.certFile),
        keyPem: await readPem('MQTT_TLS_KEY', config.tls.keyFile),
      }
    : undefined;
  const broker = await createBroker({ ...config.broker, ...(tls ? { tls } : {}) }, { logger, credentials });
  try {
    await broker.listen();
  } catch (err) {
    await broker.close();
    throw err;
  }

  // SIGHUP re-reads the credentials file; a bad file keeps the previous accounts.
  process.on('SIGHUP', () => {
    credentials.reload().then(
      (count) => logger.info({ accounts: count }, 'credentials reloaded'),
      (err: Error) =>
        logger.error({ error: { message: err.message } }, 'credentials reload failed; keeping previous'),
    );
  });
  const stop = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    broker.close().then(
      () => process.exit(0),
      (err: Error) => {
        logger.error({ error: { message: err.message } }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: Error) => {
  const code = (err as { code?: string }).code;
  console.error(code?.startsWith('ZW_ERR_') ? `${code}: ${err.message}` : err);
  process.exit(1);
});
