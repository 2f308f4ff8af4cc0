import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SOCKET_EVENTS, sessionSnapshotSchema } from '@zonewatch/protocol';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from '../../../broker/test/helpers.js';
import { startWebStack, type WebStack } from '../security/web-stack.js';
import { kill, type Running, startIngest } from './process.js';

/** Logs in over HTTP and returns the `zw_session` cookie value, as a browser would keep it. */
async function cookieLogin(url: string, who: { username: string; password: string }): Promise<string> {
  const res = await fetch(new URL('/api/auth/login', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(who),
  });
  if (res.status !== 200) throw new Error(`login ${who.username}: HTTP ${res.status} ${await res.text()}`);
  const value = /zw_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  if (!value) throw new Error('login set no zw_session cookie');
  return value;
}

const withCookie = (cookie: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), cookie: `zw_session=${cookie}` },
});

/** A console's socket with the cookie; resolves once connected or with the refusal. */
function socketWith(url: string, cookie: string): Promise<{ socket: Socket; result: string }> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { cookie: `zw_session=${cookie}` },
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, result: 'connected' }));
    socket.once('connect_error', (e) => resolve({ socket, result: e.message }));
  });
}

/**
 * Issue 13 hole 5: logins lived in the ingest process's memory, so after a restart every console's socket
 * got ZW_ERR_UNAUTHENTICATED and the wall said "Reconnecting…" for good. Ingest runs as its own process
 * (`main.ts`, embedded PGlite registry), is killed outright and started again on the same data directory.
 */
describe('hole 5: consoles do not survive a restart', () => {
  let dataDir: string;
  const running: Running[] = [];
  const sockets: Socket[] = [];

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    for (const r of running) await kill(r);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('the same cookie still works for REST and Socket.IO; logout and a password change still end logins', {
    timeout: 240_000,
  }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'zw-login-restart-'));
    const first = await startIngest(dataDir, { DEMO: 'seed' });
    running.push(first);
    const instructor = first.logins.get('instructor')!;
    const kept = await cookieLogin(first.url, instructor);
    const loggedOut = await cookieLogin(first.url, instructor);
    const me = await fetch(new URL('/api/auth/me', first.url), withCookie(kept));
    expect(me.status).toBe(200);
    const { user } = (await me.json()) as { user: { id: string; username: string } };
    const sessions = (await (
      await fetch(new URL('/api/sessions?status=active', first.url), withCookie(kept))
    ).json()) as { items: { id: string; kind: string }[] };
    const classId = sessions.items.find((s) => s.kind === 'class')!.id;
    expect(
      (await fetch(new URL('/api/auth/logout', first.url), withCookie(loggedOut, { method: 'POST' }))).status,
    ).toBe(204);

    await kill(first);
    const second = await startIngest(dataDir, { DEMO: 'seed' });
    running.push(second);

    // REST: the console's cookie is still a login, of the same user.
    const again = await fetch(new URL('/api/auth/me', second.url), withCookie(kept));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { user: { id: string } }).user.id).toBe(user.id);
    // Socket.IO: the console reconnects with it, joins its class and gets the snapshot.
    const { socket, result } = await socketWith(second.url, kept);
    sockets.push(socket);
    expect(result).toBe('connected');
    const snapshot = new Promise((resolve) => socket.once(SOCKET_EVENTS.snapshot, resolve));
    expect(await socket.emitWithAck(SOCKET_EVENTS.join, { sessionId: classId })).toMatchObject({ ok: true });
    expect(sessionSnapshotSchema.parse(await snapshot).sessionId).toBe(classId);

    // A login ended before the restart stays ended.
    expect((await fetch(new URL('/api/auth/me', second.url), withCookie(loggedOut))).status).toBe(401);
    expect((await socketWith(second.url, loggedOut)).result).toMatch(/^ZW_ERR_UNAUTHENTICATED/);

    // An administrator changing the instructor's password ends the kept login too, REST and socket.
    const admin = await cookieLogin(second.url, second.logins.get('admin')!);
    const patched = await fetch(
      new URL(`/api/users/${user.id}`, second.url),
      withCookie(admin, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: 'a new password for the instructor' }),
      }),
    );
    expect(patched.status).toBe(200);
    expect((await fetch(new URL('/api/auth/me', second.url), withCookie(kept))).status).toBe(401);
    const refused = await socketWith(second.url, kept);
    sockets.push(refused.socket);
    expect(refused.result).toMatch(/^ZW_ERR_UNAUTHENTICATED/);
  });
});

describe('hole 5: with REDIS_URL, logins are kept in Redis', () => {
  let redis: RedisServer | undefined;
  let dataDir: string | undefined;
  const stacks: WebStack[] = [];
  afterAll(async () => {
    for (const s of stacks) await s.close().catch(() => undefined);
    await redis?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a login made before a restart is still one after it, and the registry holds none', {
    timeout: 240_000,
  }, async () => {
    redis = await startRedis();
    dataDir = await mkdtemp(path.join(tmpdir(), 'zw-login-redis-'));
    const env = { REDIS_URL: redis.url };
    const first = await startWebStack(env, pino({ level: 'silent' }), { dataDir });
    stacks.push(first);
    const cookie = await first.cookieOf('instructor');
    await first.close();
    const second = await startWebStack(env, pino({ level: 'silent' }), { dataDir });
    stacks.push(second);
    const me = await fetch(new URL('/api/auth/me', second.origin), withCookie(cookie));
    expect(me.status).toBe(200);
    const { socket, result } = await socketWith(second.origin, cookie);
    socket.disconnect();
    expect(result).toBe('connected');
    const [row] = await second.platform.registry.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM login_sessions',
    );
    expect(row?.n).toBe(0);
  });
});
