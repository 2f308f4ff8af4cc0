import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { telemetryTopic } from '@zonewatch/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialsFile } from '../src/credentials.js';
import { hashSecret, verifySecret } from '../src/secrets.js';
import {
  closed,
  connectAs,
  endClient,
  nextMessage,
  refusalCode,
  requireExecutable,
  SECRETS,
  subscribe,
} from './helpers.js';

// The standalone entry points as an operator runs them: main.ts from env vars (with TLS from files) and
// the hash-secret CLI.
const repoRoot = new URL('../../', import.meta.url).pathname;
let dir: string;
let credentialsFile: string;
let certFile: string;
let keyFile: string;

beforeAll(async () => {
  requireExecutable('openssl', 'openssl');
  dir = await mkdtemp(join(tmpdir(), 'zw-broker-main-'));
  credentialsFile = join(dir, 'credentials.json');
  const file: CredentialsFile = {
    version: 1,
    gateways: [{ gatewayId: 'gw-a', siteId: 'site-1', secretHash: await hashSecret(SECRETS['gw-a']) }],
    services: [{ username: 'ingest', role: 'ingest', secretHash: await hashSecret(SECRETS.ingest) }],
  };
  await writeFile(credentialsFile, JSON.stringify(file));
  certFile = join(dir, 'cert.pem');
  keyFile = join(dir, 'key.pem');
  const openssl = spawnSync('openssl', [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'],
    ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile],
  ]);
  expect(openssl.status, openssl.stderr.toString()).toBe(0);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Started {
  ports: { mqttPort: number; wsPort?: number; mqttsPort?: number };
  /** Sends a signal (SIGHUP: reload the credentials file). */
  signal(sig: NodeJS.Signals): void;
  stop(): Promise<number | null>;
}

/** Runs main.ts; resolves once it logs "broker listening" (rejects with stderr if it exits first). */
function startMain(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'broker/src/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (c: Buffer) => {
      buffer += c.toString();
      for (const line of buffer.split('\n')) {
        if (!line.includes('"broker listening"')) continue;
        // Listening: the start-up guard below is done (a long test must not be cut by it).
        clearTimeout(timer);
        const { mqttPort, wsPort, mqttsPort } = JSON.parse(line) as Started['ports'];
        resolve({
          ports: { mqttPort, ...(wsPort ? { wsPort } : {}), ...(mqttsPort ? { mqttsPort } : {}) },
          signal: (sig) => child.kill(sig),
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    // Never leave a child behind: one that neither listens nor exits is killed.
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`main.ts exited with ${code}: ${stderr}`));
    });
  });
}

function runMainExpectingFailure(env: Record<string, string>): { code: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'broker/src/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, ...env },
    timeout: 20_000,
  });
  return { code: result.status, stderr: result.stderr.toString() };
}

describe('broker/src/main.ts', () => {
  it('serves TCP, WebSocket and TLS from env vars and stops on SIGTERM', async () => {
    const main = await startMain({
      BROKER_CREDENTIALS_FILE: credentialsFile,
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: '0',
      MQTT_WS_PORT: '0',
      MQTT_TLS_CERT: certFile,
      MQTT_TLS_KEY: keyFile,
      MQTTS_PORT: '0',
      LOG_LEVEL: 'info',
    });
    try {
      const { mqttPort, mqttsPort, wsPort } = main.ports;
      expect(wsPort).toBeGreaterThan(0);
      const ingest = await connectAs(mqttPort, 'ingest');
      const ca = await readFile(certFile);
      const gw = await connectAs(mqttsPort!, 'gw-a', { scheme: 'mqtts', ca, servername: 'localhost' });
      try {
        await subscribe(ingest, 'zw/v1/#');
        const got = nextMessage(ingest, telemetryTopic('site-1', 'gw-a'));
        await gw.publishAsync(telemetryTopic('site-1', 'gw-a'), '{"via":"tls"}', { qos: 1 });
        expect((await got).payload.toString()).toBe('{"via":"tls"}');
        expect(
          await refusalCode(`mqtts://127.0.0.1:${mqttsPort}`, {
            ca,
            servername: 'localhost',
            username: 'gw-a',
            password: 'wrong',
            clientId: 'gw-a',
          }),
        ).toBe(5);
      } finally {
        await endClient(gw);
        await endClient(ingest);
      }
    } finally {
      expect(await main.stop()).toBe(0);
    }
  });

  // Issue 13, hole 4, with the broker as its own process: its credentials file is the authority.
  it('hole 4: a revoked gateway keeps publishing on its open connection — SIGHUP after the file changed cuts revoked and rotated gateways', async () => {
    const file = join(dir, 'revocation.json');
    const entry = async (gatewayId: 'gw-a' | 'gw-b', secret: string) => ({
      gatewayId,
      siteId: 'site-1',
      secretHash: await hashSecret(secret),
    });
    const ingestEntry = {
      username: 'ingest',
      role: 'ingest' as const,
      secretHash: await hashSecret(SECRETS.ingest),
    };
    const before: CredentialsFile = {
      version: 1,
      gateways: [await entry('gw-a', SECRETS['gw-a']), await entry('gw-b', SECRETS['gw-b'])],
      services: [ingestEntry],
    };
    await writeFile(file, JSON.stringify(before));
    const main = await startMain({ BROKER_CREDENTIALS_FILE: file, MQTT_HOST: '127.0.0.1', MQTT_PORT: '0' });
    try {
      const { mqttPort } = main.ports;
      const ingest = await connectAs(mqttPort, 'ingest');
      const revoked = await connectAs(mqttPort, 'gw-a');
      const rotated = await connectAs(mqttPort, 'gw-b');
      try {
        await subscribe(ingest, 'zw/v1/#');
        await revoked.publishAsync(telemetryTopic('site-1', 'gw-a'), '{"before":"revocation"}', { qos: 1 });
        // The operator removes gw-a, rotates gw-b's secret (broker-init) and sends SIGHUP.
        const after: CredentialsFile = {
          ...before,
          gateways: [await entry('gw-b', 'the-new-secret-of-gateway-b')],
        };
        await writeFile(file, JSON.stringify(after));
        main.signal('SIGHUP');
        await Promise.all([closed(revoked, 10_000), closed(rotated, 10_000)]);
        const url = `mqtt://127.0.0.1:${mqttPort}`;
        expect(
          await refusalCode(url, { username: 'gw-a', password: SECRETS['gw-a'], clientId: 'gw-a' }),
        ).toBe(5);
        expect(
          await refusalCode(url, { username: 'gw-b', password: SECRETS['gw-b'], clientId: 'gw-b' }),
        ).toBe(5);
        // The account whose entry did not change keeps its connection.
        const got = nextMessage(ingest, telemetryTopic('site-1', 'gw-b'));
        const renewed = await connectAs(mqttPort, 'gw-b', { password: 'the-new-secret-of-gateway-b' });
        await renewed.publishAsync(telemetryTopic('site-1', 'gw-b'), '{"after":"rotation"}', { qos: 1 });
        expect((await got).payload.toString()).toBe('{"after":"rotation"}');
        await endClient(renewed);
      } finally {
        await endClient(revoked);
        await endClient(rotated);
        await endClient(ingest);
      }
    } finally {
      expect(await main.stop()).toBe(0);
    }
  });

  it('fails at start-up naming the bad variable', () => {
    const bad = runMainExpectingFailure({ BROKER_CREDENTIALS_FILE: credentialsFile, MQTT_PORT: 'eighteen' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ZW_ERR_BROKER_CONFIG');
    expect(bad.stderr).toContain('MQTT_PORT');

    const missingKey = runMainExpectingFailure({
      BROKER_CREDENTIALS_FILE: credentialsFile,
      MQTT_TLS_CERT: certFile,
    });
    expect(missingKey.stderr).toContain('MQTT_TLS_KEY');

    const unreadable = runMainExpectingFailure({
      BROKER_CREDENTIALS_FILE: credentialsFile,
      MQTT_PORT: '0',
      MQTT_TLS_CERT: join(dir, 'nope.pem'),
      MQTT_TLS_KEY: keyFile,
    });
    expect(unreadable.stderr).toMatch(/MQTT_TLS_CERT: cannot read .*nope\.pem \(ENOENT\)/);

    const noFile = runMainExpectingFailure({ BROKER_CREDENTIALS_FILE: join(dir, 'missing.json') });
    expect(noFile.stderr).toContain('ZW_ERR_CREDENTIALS_FILE');
  });
});

describe('broker/src/hash-secret.ts', () => {
  it('hashes a secret from stdin', async () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'broker/src/hash-secret.ts'], {
      cwd: repoRoot,
      input: 'a-long-enough-secret\n',
    });
    expect(result.status, result.stderr.toString()).toBe(0);
    const hash = result.stdout.toString().trim();
    expect(await verifySecret('a-long-enough-secret', hash)).toBe(true);
  });

  it('generates a secret and its hash, and refuses short secrets', async () => {
    const generated = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'broker/src/hash-secret.ts', '--generate'],
      {
        cwd: repoRoot,
      },
    );
    const [, secret, hash] = /secret: (\S+)\nhash: +(\S+)/.exec(generated.stdout.toString()) ?? [];
    expect(await verifySecret(secret!, hash!)).toBe(true);

    const short = spawnSync(process.execPath, ['--import', 'tsx', 'broker/src/hash-secret.ts'], {
      cwd: repoRoot,
      input: 'short\n',
    });
    expect(short.status).toBe(2);
  });
});
