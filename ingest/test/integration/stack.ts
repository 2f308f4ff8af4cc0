/**
 * Helpers for tests of the real stack: log in over HTTP (as a demo seed's role), connect a Socket.IO console
 * as that user, connect as a seeded gateway over MQTT, and wait for what consoles receive.
 */
import {
  type AlertEvent,
  alertEventSchema,
  type SessionFrame,
  type SessionNotice,
  type SessionSnapshot,
  SOCKET_EVENTS,
  sessionFrameSchema,
  sessionNoticeSchema,
  sessionSnapshotSchema,
  type TelemetryBatch,
  telemetryTopic,
} from '@zonewatch/protocol';
import type { MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { connect, type RedisServer, startRedis } from '../../../broker/test/helpers.js';
import type { Platform } from '../../src/platform.js';
import { type PgServer, startPostgres } from '../registry/pg-server.js';
import { type DemoPlatform, startDemoPlatform } from '../security/web-stack.js';

/** Logs in and returns the session token (the same one the httpOnly cookie carries). */
export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(new URL('/api/auth/login', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, returnToken: true }),
  });
  if (!res.ok) throw new Error(`login ${username}: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token?: string };
  if (!body.token) throw new Error('login returned no token');
  return body.token;
}

/** Logs in the demo seed's user of `role` on `platform`; the session token. */
export function loginAs(platform: Platform, role: string): Promise<string> {
  const u = platform.demo!.seed.users.find((x) => x.role === role)!;
  return login(platform.url, u.username, u.password);
}

/** An MQTT client on `platform`'s embedded broker with the credentials of the demo seed's `gatewayId`. */
export function connectSeededGateway(platform: Platform, gatewayId: string): Promise<MqttClient> {
  const gw = platform.demo!.seed.gateways.find((g) => g.gatewayId === gatewayId)!;
  return connect(`mqtt://127.0.0.1:${platform.mqttPort}`, {
    username: gw.gatewayId,
    password: gw.secret,
    clientId: gw.gatewayId,
  });
}

/** Publishes one telemetry batch of `samples` (QoS 1) as gateway `gatewayId` of `siteId` would. */
export function publishBatch(
  client: MqttClient,
  siteId: string,
  gatewayId: string,
  seq: number,
  samples: TelemetryBatch['samples'],
  sentAt: number = Date.now(),
) {
  const batch: TelemetryBatch = { v: 1, gatewayId, seq, sentAt, samples };
  return client.publishAsync(telemetryTopic(siteId, gatewayId), JSON.stringify(batch), { qos: 1 });
}

/** Two ingest nodes sharing a real Postgres database and a real Redis (see `startTwoNodes`). */
export interface TwoNodes {
  /** Owns only the site `elsewhere`, no demo data. */
  nodeA: Platform;
  /** Owns the site and runs its demo class (the critical-class scenario, simulated). */
  nodeB: Platform;
  close(): Promise<void>;
}

/**
 * Starts Postgres and Redis, then node B (owning `site`, the demo class) and node A (owning `elsewhere`),
 * each on its own temp data dir named `zw-{prefix}-…` and sharing database `database`.
 */
export async function startTwoNodes(database: string, site: string, prefix: string): Promise<TwoNodes> {
  const [pg, redis]: [PgServer, RedisServer] = await Promise.all([startPostgres(), startRedis()]);
  const nodes: DemoPlatform[] = [];
  const close = async () => {
    for (const node of [...nodes].reverse()) await node.close();
    await Promise.all([pg.stop(), redis.stop()]);
  };
  try {
    const common = { DATABASE_URL: await pg.createDatabase(database), REDIS_URL: redis.url };
    nodes.push(await startDemoPlatform(prefix, { ...common, SITES: site, DEMO: undefined }));
    nodes.push(
      await startDemoPlatform(prefix, {
        ...common,
        SITES: 'elsewhere',
        DEMO: 'false',
        DEMO_SCENARIO: undefined,
      }),
    );
  } catch (err) {
    await close();
    throw err;
  }
  return { nodeB: nodes[0]!.platform, nodeA: nodes[1]!.platform, close };
}

/** A console connection that records everything it receives. */
export interface Console {
  socket: Socket;
  snapshots: SessionSnapshot[];
  frames: SessionFrame[];
  alerts: AlertEvent[];
  /** Notices about the session's monitoring (issue 18), with the console's receipt time. */
  notices: (SessionNotice & { receivedAt: number })[];
  join(sessionId: string): Promise<{ ok: boolean; error?: string }>;
  ack(alertId: string, note?: string): Promise<{ ok: boolean; error?: string; alert?: unknown }>;
  /** Resolves with the first recorded item that matches, waiting up to `timeoutMs`. */
  waitFor<T>(pick: () => T | undefined, timeoutMs?: number, what?: string): Promise<T>;
  close(): void;
}

export async function connectConsole(baseUrl: string, token: string | undefined): Promise<Console> {
  const socket = io(baseUrl, {
    transports: ['websocket'],
    reconnection: false,
    ...(token ? { auth: { token } } : {}),
  });
  const c: Console = {
    socket,
    snapshots: [],
    frames: [],
    alerts: [],
    notices: [],
    join: (sessionId) =>
      new Promise((resolve) =>
        socket.emit(SOCKET_EVENTS.join, { sessionId }, (r: { ok: boolean; error?: string }) => resolve(r)),
      ),
    ack: (alertId, note) =>
      new Promise((resolve) =>
        socket.emit(SOCKET_EVENTS.ack, note ? { alertId, note } : { alertId }, (r: { ok: boolean }) =>
          resolve(r),
        ),
      ),
    async waitFor(pick, timeoutMs = 20_000, what = 'condition') {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = pick();
        if (v !== undefined) return v;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () => socket.disconnect(),
  };
  socket.on(SOCKET_EVENTS.snapshot, (s: unknown) => c.snapshots.push(sessionSnapshotSchema.parse(s)));
  socket.on(SOCKET_EVENTS.frame, (f: unknown) => c.frames.push(sessionFrameSchema.parse(f)));
  socket.on(SOCKET_EVENTS.alert, (a: unknown) => c.alerts.push(alertEventSchema.parse(a)));
  socket.on(SOCKET_EVENTS.notice, (n: unknown) =>
    c.notices.push({ ...sessionNoticeSchema.parse(n), receivedAt: Date.now() }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e));
  });
  return c;
}
