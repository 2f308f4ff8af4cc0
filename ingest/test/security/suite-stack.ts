/**
 * The security suite's running platform: the real ingest (`startPlatform`: registry on PGlite, the embedded
 * zonewatch broker over TCP, the HTTP app with Socket.IO on port 0) with the demo site seeded (`DEMO=seed`:
 * the demo class and the home walk, one login per role, the demo gateways' MQTT credentials) and no
 * simulator, so every sample ingest sees comes from the test's own MQTT clients.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SESSION_COOKIE } from '@zonewatch/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import pino, { type Logger } from 'pino';
import { io, type Socket } from 'socket.io-client';
import { loadConfig } from '../../src/config.js';
import { type Platform, startPlatform } from '../../src/platform.js';
import { loadInfluxConfig } from '../../src/telemetry/index.js';

export type DemoRole = 'admin' | 'clinician' | 'instructor' | 'coach' | 'ops';

export interface SuiteStack {
  platform: Platform;
  /** `http://127.0.0.1:{port}`. */
  origin: string;
  mqttUrl: string;
  siteId: string;
  classId: string;
  classSessionId: string;
  homeSessionId: string;
  /** The demo login of `role` (one-time password from the seed). */
  user(role: DemoRole): { userId: string; username: string; password: string };
  /** MQTT credentials of a demo gateway (the class gateway is `demo-gw-1`). */
  gateway(gatewayId: string): { gatewayId: string; siteId: string; secret: string };
  /** Logs `role` in; the session token and the cookie header a browser would send. */
  login(role: DemoRole): Promise<{ token: string; cookie: string }>;
  /** `fetch` on the platform's origin. */
  http(pathname: string, init?: RequestInit): Promise<Response>;
  /** Shifts the platform's clock (login expiry); the engine and the broker keep real time. */
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

export async function startSuiteStack(logger: Logger = pino({ level: 'silent' })): Promise<SuiteStack> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zw-secsuite-'));
  let skewMs = 0;
  let platform: Platform;
  try {
    platform = await startPlatform(
      loadConfig({ PORT: '0', MQTT_PORT: '0', DATA_DIR: dataDir, DEMO: 'seed', LOG_LEVEL: 'silent' }),
      { logger, clock: () => Date.now() + skewMs, influx: loadInfluxConfig({}) },
    );
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const seed = platform.demo!.seed;
  const origin = new URL(platform.url).origin;
  const user = (role: DemoRole) => {
    const u = seed.users.find((x) => x.role === role);
    if (!u) throw new Error(`the demo seed has no ${role}`);
    return { userId: u.userId, username: u.username, password: u.password };
  };
  const http = (pathname: string, init?: RequestInit) => fetch(new URL(pathname, origin), init);
  return {
    platform,
    origin,
    mqttUrl: `mqtt://127.0.0.1:${platform.mqttPort}`,
    siteId: seed.siteId,
    classId: seed.classId,
    classSessionId: seed.sessionId,
    homeSessionId: seed.homeSessions[0]!.sessionId,
    user,
    gateway(gatewayId) {
      const g = seed.gateways.find((x) => x.gatewayId === gatewayId);
      if (!g) throw new Error(`the demo seed has no gateway ${gatewayId}`);
      return g;
    },
    async login(role) {
      const u = user(role);
      const res = await http('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: u.username, password: u.password, returnToken: true }),
      });
      if (res.status !== 200) throw new Error(`login ${role}: HTTP ${res.status} ${await res.text()}`);
      const { token } = (await res.json()) as { token: string };
      return { token, cookie: `${SESSION_COOKIE}=${token}` };
    },
    http,
    advanceClock(ms) {
      skewMs += ms;
    },
    async close() {
      await platform.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Connects an MQTT 3.1.1 client (no reconnect); rejects with the CONNACK error. */
export function mqttConnect(url: string, username: string, password: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      protocolVersion: 4,
      clientId: username,
      username,
      password,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    client.once('connect', () => {
      client.removeAllListeners('error');
      // A refused publish makes the broker drop the connection; that is what the tests look for.
      client.on('error', () => {});
      resolve(client);
    });
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}

/** Resolves when the broker has closed `client`'s connection. */
export function closedByBroker(client: MqttClient, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!client.connected) return resolve();
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** What a Socket.IO handshake got: connected, or the server's refusal message. */
export async function socketHandshake(
  origin: string,
  opts: { token?: string; headers?: Record<string, string> },
): Promise<{ socket: Socket; connected: true } | { connected: false; error: string }> {
  const socket = io(origin, {
    transports: ['websocket'],
    reconnection: false,
    timeout: 10_000,
    ...(opts.token ? { auth: { token: opts.token } } : {}),
    ...(opts.headers ? { extraHeaders: opts.headers } : {}),
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, connected: true }));
    socket.once('connect_error', (err) => {
      socket.close();
      resolve({ connected: false, error: err.message });
    });
  });
}
