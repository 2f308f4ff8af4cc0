import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Aedes, type AuthenticateError } from 'aedes';
import mqtt from 'mqtt';

/** Credentials every test broker knows: the gateways the tests use, plus a subscriber standing in for ingest. */
export const TEST_GATEWAYS = [
  'gw-a',
  'gw-b',
  'gw-c',
  'gw-d',
  'gw-e',
  'gw-f',
  'gw-g',
  'gw-h',
  'gw-flush',
  'gw-probe',
] as const;
export const secretFor = (user: string): string => `s3cret-${user}`;
export const SUBSCRIBER = 'ingest-test';

/**
 * A real MQTT broker on a random loopback port that a test can stop for real and start again on the same
 * port. While `gatewaysHeld` is on, only the subscriber may log in: after a restart the test re-subscribes
 * before any gateway can publish (the broker keeps no sessions across restarts, as ingest would need).
 */
export interface TestBroker {
  readonly name: 'aedes' | 'mosquitto';
  readonly port: number;
  readonly url: string;
  start(opts?: { gatewaysHeld?: boolean }): Promise<void>;
  /** Stops the broker for real: every connection is cut and the port closed. */
  stop(): Promise<void>;
  /** Lets gateways log in again after `start({ gatewaysHeld: true })`. */
  releaseGateways(): Promise<void>;
  /** Stops (if running) and removes everything the broker created. */
  dispose(): Promise<void>;
}

export type BrokerFactory = () => Promise<TestBroker>;

const isGateway = (user: string | undefined): boolean =>
  (TEST_GATEWAYS as readonly string[]).includes(user ?? '');

/** A free loopback port, read back from the OS (never fixed). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** aedes 1.x in-process, with an authenticate hook checking the test credentials. */
export const aedesBroker: BrokerFactory = async () => {
  let port = 0;
  let held = false;
  let broker: Aedes | undefined;
  let server: net.Server | undefined;
  const sockets = new Set<net.Socket>();
  const self: TestBroker = {
    name: 'aedes',
    get port() {
      return port;
    },
    get url() {
      return `mqtt://127.0.0.1:${port}`;
    },
    async start(opts = {}) {
      held = opts.gatewaysHeld ?? false;
      const b = await Aedes.createBroker({
        authenticate: (_client, username, password, done) => {
          const user = username ?? '';
          const known = user === SUBSCRIBER || isGateway(user);
          const ok = known && password?.toString() === secretFor(user) && !(held && isGateway(user));
          if (ok) return done(null, true);
          const err = new Error('not authorised') as AuthenticateError;
          err.returnCode = 5;
          done(err, false);
        },
      });
      const s = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        b.handle(socket);
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => resolve());
      });
      port = (s.address() as net.AddressInfo).port;
      broker = b;
      server = s;
    },
    async stop() {
      const b = broker;
      const s = server;
      broker = undefined;
      server = undefined;
      if (s) {
        const closed = new Promise<void>((resolve) => s.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
      }
      if (b) await new Promise<void>((resolve) => b.close(() => resolve()));
    },
    async releaseGateways() {
      held = false;
    },
    async dispose() {
      await self.stop();
    },
  };
  await self.start();
  return self;
};

/**
 * Debian's Mosquitto as a child process: password file made with `mosquitto_passwd`, no persistence,
 * `max_queued_messages 0` (its default 1000 drops QoS1 messages under load).
 */
export const mosquittoBroker: BrokerFactory = async () => {
  for (const bin of ['mosquitto', 'mosquitto_passwd']) {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    } catch {
      throw new Error(
        `${bin} is not installed: the gateway suite runs against real Mosquitto too. ` +
          'Install the Debian packages: apt-get install mosquitto mosquitto-clients',
      );
    }
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'zw-gw-mosquitto-'));
  const pwAll = path.join(dir, 'passwd-all');
  const pwSubscriberOnly = path.join(dir, 'passwd-subscriber');
  const pwFile = path.join(dir, 'passwd');
  const users = [SUBSCRIBER, ...TEST_GATEWAYS];
  writeFileSync(pwAll, users.map((u) => `${u}:${secretFor(u)}\n`).join(''));
  writeFileSync(pwSubscriberOnly, `${SUBSCRIBER}:${secretFor(SUBSCRIBER)}\n`);
  execFileSync('mosquitto_passwd', ['-U', pwAll]);
  execFileSync('mosquitto_passwd', ['-U', pwSubscriberOnly]);
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${pwFile}`,
      'max_queued_messages 0',
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      // As root Mosquitto would drop to the `mosquitto` user, which cannot read this private temp dir.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let stderr = '';
  const self: TestBroker = {
    name: 'mosquitto',
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async start(opts = {}) {
      copyFileSync(opts.gatewaysHeld ? pwSubscriberOnly : pwAll, pwFile);
      const c = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      c.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000);
      });
      child = c;
      await waitForPort(
        port,
        5000,
        () => c.exitCode !== null || c.signalCode !== null,
        () => stderr,
      );
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill('SIGKILL');
      await exited;
    },
    async releaseGateways() {
      copyFileSync(pwAll, pwFile);
      // SIGHUP makes Mosquitto reload its password file; done once a gateway's login is accepted.
      child?.kill('SIGHUP');
      await waitForGatewayLogin(self.url);
    },
    async dispose() {
      await self.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
};

/** Resolves once the broker accepts a gateway's login (the probe gateway, which no test runs). */
async function waitForGatewayLogin(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = mqtt.connect(url, {
      protocolVersion: 4,
      clientId: `gw-probe-${Math.random().toString(16).slice(2, 8)}`,
      username: 'gw-probe',
      password: secretFor('gw-probe'),
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    const ok = await new Promise<boolean>((resolve) => {
      client.once('connect', () => resolve(true));
      client.once('error', () => resolve(false));
      client.once('close', () => resolve(false));
    });
    await client.endAsync(true);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`gateways still refused ${timeoutMs} ms after SIGHUP`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForPort(
  port: number,
  timeoutMs: number,
  died: () => boolean,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (died()) throw new Error(`mosquitto exited at start-up:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms:\n${log()}`);
}
