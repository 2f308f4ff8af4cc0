import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { type Broker, createBroker } from '../src/broker.js';
import type { BrokerConfig } from '../src/config.js';
import { type CredentialStore, InMemoryCredentialStore, type Principal } from '../src/credentials.js';
import { hashSecret } from '../src/secrets.js';

/** Accounts every integration test uses. Secrets are test values only. */
export const SECRETS = {
  'gw-a': 'secret-of-gateway-a',
  'gw-b': 'secret-of-gateway-b',
  'gw-c': 'secret-of-gateway-c',
  ingest: 'secret-of-the-ingest-service',
} as const;

/** gw-a and gw-b at site-1, gw-c at site-2, plus the ingest service account. */
export async function testCredentials(): Promise<InMemoryCredentialStore> {
  const gateway = async (id: 'gw-a' | 'gw-b' | 'gw-c', siteId: string): Promise<Principal> => ({
    kind: 'gateway',
    username: id,
    gatewayId: id,
    siteId,
    secretHash: await hashSecret(SECRETS[id]),
  });
  return new InMemoryCredentialStore([
    await gateway('gw-a', 'site-1'),
    await gateway('gw-b', 'site-1'),
    await gateway('gw-c', 'site-2'),
    { kind: 'service', username: 'ingest', role: 'ingest', secretHash: await hashSecret(SECRETS.ingest) },
  ]);
}

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface RunningBroker {
  broker: Broker;
  mqttPort: number;
  wsPort?: number;
  mqttsPort?: number;
}

/** A broker on free ports (loopback); close it with `broker.close()`. */
export async function startBroker(
  credentials: CredentialStore,
  config: BrokerConfig = {},
): Promise<RunningBroker> {
  const broker = await createBroker(
    { mqttPort: 0, metricsIntervalMs: 0, ...config },
    { logger: silentLogger, credentials },
  );
  try {
    return { broker, ...(await broker.listen()) };
  } catch (err) {
    await broker.close();
    throw err;
  }
}

/** Connects with mqtt.js (MQTT 3.1.1, no reconnect); rejects with the CONNACK error (its `code`). */
export function connect(url: string, opts: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...opts,
    });
    client.once('connect', () => {
      client.removeAllListeners('error');
      // Tests provoke broker-side disconnects; the resulting ECONNRESET is expected, not a failure.
      client.on('error', () => {});
      resolve(client);
    });
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

/** Connects as one of the test accounts with the conventional client id. */
export function connectAs(
  port: number,
  user: keyof typeof SECRETS,
  opts: IClientOptions & { scheme?: string } = {},
): Promise<MqttClient> {
  const { scheme = 'mqtt', ...rest } = opts;
  return connect(`${scheme}://127.0.0.1:${port}`, {
    username: user,
    password: SECRETS[user],
    clientId: user === 'ingest' ? 'ingest_test' : user,
    ...rest,
  });
}

/** Resolves with the CONNACK return code of a refused connection (fails the test if it is accepted). */
export async function refusalCode(url: string, opts: IClientOptions): Promise<number> {
  try {
    const client = await connect(url, opts);
    await endClient(client);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw err;
  }
  throw new Error('connection was accepted');
}

export function endClient(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.end(true, {}, () => resolve()));
}

export function subscribe(client: MqttClient, filter: string, qos: 0 | 1 = 1): Promise<number> {
  return new Promise((resolve, reject) => {
    client.subscribe(filter, { qos }, (err, granted) => {
      // mqtt.js 5 reports a SUBACK failure (0x80) as an error carrying the packet.
      const refused = (err as { packet?: { granted?: number[] } } | null)?.packet?.granted?.[0];
      if (refused !== undefined) resolve(refused);
      else if (err) reject(err);
      else resolve(granted?.[0]?.qos ?? -1);
    });
  });
}

/** Next message on `topic` (or any, if omitted) within `timeoutMs`. */
export function nextMessage(
  client: MqttClient,
  topic?: string,
  timeoutMs = 5000,
): Promise<{ topic: string; payload: Buffer }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`no message on ${topic ?? 'any topic'} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (t: string, payload: Buffer): void => {
      if (topic && t !== topic) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve({ topic: t, payload });
    };
    client.on('message', onMessage);
  });
}

/** Resolves when the client's connection closes (the broker dropped it). */
export function closed(client: MqttClient, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!client.connected) {
      resolve();
      return;
    }
    const timer = setTimeout(
      () => reject(new Error(`connection still open after ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Asserts that nothing reached `client` ahead of a sentinel: `sendSentinel` publishes the payload
 * `sentinel` to a topic `client` receives, after the refused publish was already handled (its sender was
 * disconnected); whatever the broker had let through would have been delivered first. No fixed wait.
 */
export async function expectNothingBefore(
  client: MqttClient,
  sendSentinel: () => Promise<void>,
  timeoutMs = 15_000,
): Promise<void> {
  const got: string[] = [];
  let onMessage: (t: string, payload: Buffer) => void = () => {};
  const sentinel = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no sentinel within ${timeoutMs} ms`)), timeoutMs);
    onMessage = (t, payload) => {
      if (payload.toString() !== 'sentinel') {
        got.push(t);
        return;
      }
      clearTimeout(timer);
      resolve();
    };
  });
  client.on('message', onMessage);
  try {
    await sendSentinel();
    await sentinel;
  } finally {
    client.off('message', onMessage);
  }
  if (got.length > 0) throw new Error(`unexpected messages on ${got.join(', ')}`);
}

/** A port that was free a moment ago (for servers that cannot bind port 0 and report back, e.g. redis). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Fails with the Debian package to install when a required executable is missing. */
export function requireExecutable(name: string, debianPackage: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
  if (!found) {
    throw new Error(
      `${name} not found on PATH: install the Debian package "${debianPackage}" (apt-get install ${debianPackage})`,
    );
  }
}

export interface RedisServer {
  url: string;
  /** The redis-server process (to pause it with SIGSTOP, a fault a test can cause for real). */
  pid: number;
  stop(): Promise<void>;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A throwaway redis-server on a free loopback port, no persistence, in a temp dir. */
export async function startRedis(): Promise<RedisServer> {
  requireExecutable('redis-server', 'redis-server');
  // A free port can be taken between freePort() and the server's bind (another test's server, or an
  // outgoing connection's ephemeral port); then this server exits while something else answers on the
  // port. So the server counts as started only when it says so itself, and a lost race is tried again.
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await startRedisOnce();
    } catch (err) {
      lastError = err as Error;
    }
  }
  throw lastError;
}

async function startRedisOnce(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'zw-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server on ${port} not ready in 10 s: ${out}`)),
      10_000,
    );
    child.stdout?.on('data', (d: Buffer) => {
      out = (out + d.toString()).slice(-4000);
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on ${port} exited (${code}): ${out.slice(-500)}`));
    });
  });
  try {
    await ready;
    await waitForPort(port, 5000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid!, stop };
}

/** Runs a child process to completion (killed after `timeoutMs`); returns its exit code and output. */
export function run(
  cmd: string,
  args: string[],
  timeoutMs = 10_000,
): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, done };
}
