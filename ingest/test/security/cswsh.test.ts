import { type AckReply, type Alert, SOCKET_EVENTS } from '@zonewatch/protocol';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startWebStack, type WebStack } from './web-stack.js';

const STRAP_OVER = 'AA:00:00:00:00:01';

/** A console connection as a browser page at `origin` would open it: the session cookie rides along. */
function browserSocket(stack: WebStack, cookie: string, origin: string, transport: 'websocket' | 'polling') {
  return io(stack.origin, {
    transports: [transport],
    reconnection: false,
    extraHeaders: { cookie: `zw_session=${cookie}`, origin },
  });
}

/** Resolves with 'connected' or the connect_error message. */
function outcome(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (e) => resolve(`refused: ${e.message}`));
  });
}

/**
 * Issue 13 hole 3: Socket.IO did not check `Origin`, so a page on a sibling origin the browser treats as
 * same-site (the SameSite=Lax cookie is sent) joined a session, received its snapshot and acknowledged a
 * real alert as the instructor. Real app, real socket.io-client, the instructor's real cookie.
 */
describe('hole 3: cross-site WebSocket hijacking', () => {
  let stack: WebStack;
  let cookie: string;
  let classId: string;
  let alert: Alert;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    stack = await startWebStack({ ALLOWED_ORIGINS: 'https://console.clinic.example' });
    classId = stack.platform.demo!.seed.sessionId;
    cookie = await stack.cookieOf('instructor');
    const now = Date.now();
    stack.platform.live.onBatch('test-site', {
      v: 1,
      gatewayId: 'test-gw-1',
      seq: 1,
      sentAt: now,
      samples: Array.from({ length: 20 }, (_, i) => ({
        kind: 'hr' as const,
        device: STRAP_OVER,
        t: now - (19 - i) * 1000,
        bpm: 195,
        contact: true,
      })),
    });
    const open = stack.platform.live.snapshot(classId)?.alerts.find((a) => a.participantId === 't-over');
    if (open?.state !== 'open') throw new Error('no open alert to try to acknowledge');
    alert = open;
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await stack?.close();
  });

  for (const transport of ['websocket', 'polling'] as const) {
    it(`refuses a ${transport} handshake from a sibling origin carrying a valid cookie: no snapshot, no ack`, async () => {
      const evil = browserSocket(stack, cookie, 'http://blog.127.0.0.1.nip.io', transport);
      sockets.push(evil);
      const snapshots: unknown[] = [];
      evil.on(SOCKET_EVENTS.snapshot, (s: unknown) => snapshots.push(s));
      const result = await outcome(evil);
      expect(result).toMatch(/^refused/);
      // What the page would try next never leaves the browser: the client holds it for a connection that
      // never came, and the server has no engine.io client from it.
      evil.emit(SOCKET_EVENTS.join, { sessionId: classId });
      evil.emit(SOCKET_EVENTS.ack, { alertId: alert.id });
      expect(evil.connected).toBe(false);
      expect(evil.sendBuffer).toHaveLength(2);
      expect(stack.platform.app.io.engine.clientsCount).toBe(0);
      expect(snapshots).toEqual([]);
    });
  }

  it('lets the console on its own origin and an allowed origin connect with the same cookie', async () => {
    for (const origin of [stack.origin, 'https://console.clinic.example']) {
      const ok = browserSocket(stack, cookie, origin, 'websocket');
      sockets.push(ok);
      expect(await outcome(ok), origin).toBe('connected');
      ok.disconnect();
    }
    // And the alert the refused pages tried to acknowledge is still waiting for the instructor.
    const own = browserSocket(stack, cookie, stack.origin, 'websocket');
    sockets.push(own);
    expect(await outcome(own)).toBe('connected');
    const joined = await own.emitWithAck(SOCKET_EVENTS.join, { sessionId: classId });
    expect(joined).toMatchObject({ ok: true });
    const stored = await stack.platform.registry.alerts.get(alert.id);
    expect(stored).toMatchObject({ state: 'open', acknowledgedAt: null });
    const reply = (await own.emitWithAck(SOCKET_EVENTS.ack, { alertId: alert.id })) as AckReply;
    expect(reply).toMatchObject({ ok: true });
  });

  it('REST refuses the same foreign origin, and allows the configured one', async () => {
    const post = (origin: string) =>
      fetch(new URL('/api/auth/logout', stack.origin), {
        method: 'POST',
        headers: { cookie: `zw_session=${cookie}`, origin },
      });
    expect((await post('http://blog.127.0.0.1.nip.io')).status).toBe(403);
    expect((await post('https://console.clinic.example')).status).toBe(204);
  });

  it('ALLOWED_ORIGINS takes origins only; anything else stops start-up naming it', () => {
    expect(
      loadConfig({ ALLOWED_ORIGINS: 'https://Console.Example.org, http://10.0.0.5:8080' }).ALLOWED_ORIGINS,
    ).toEqual(['https://console.example.org', 'http://10.0.0.5:8080']);
    expect(loadConfig({}).ALLOWED_ORIGINS).toEqual([]);
    for (const bad of ['console.example.org', 'https://example.org/console', 'ftp://example.org', '*']) {
      expect(() => loadConfig({ ALLOWED_ORIGINS: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ ALLOWED_ORIGINS: bad }), bad).toThrow(/ALLOWED_ORIGINS/);
    }
  });
});
