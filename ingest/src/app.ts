import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { createAdapter } from '@socket.io/redis-adapter';
import {
  type AckReply,
  ackAlertSchema,
  type JoinReply,
  joinSessionSchema,
  SOCKET_EVENTS,
} from '@zonewatch/protocol';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import { type Socket, Server as SocketServer } from 'socket.io';
import type { IngestConfig } from './config.js';
import { CLUSTER_TIMEOUT_MS, LiveRouter } from './live/router.js';
import type { LiveService } from './live/service.js';
import type { Registry } from './registry/index.js';

/** Who is behind a console connection. */
export interface ConsoleUser {
  id: string;
  username: string;
  roles: readonly string[];
  siteIds: readonly string[];
}

export interface AppDeps {
  live: LiveService;
  registry: Registry;
  logger: Logger;
  /** Injected clock (ms since epoch). */
  clock?: () => number;
  /** Extra stats shown on /healthz (counters only, no health data). */
  stats?: () => Record<string, unknown>;
  /**
   * Resolves the user of a Socket.IO handshake (session cookie or `auth.token`); null refuses the
   * connection. Absent only in tests of the live channel itself.
   */
  authenticateSocket?: (handshake: Socket['handshake']) => Promise<ConsoleUser | null>;
  /** How often open consoles' logins are checked again (ms): a logout, a disabled account or a password change ends them. */
  socketRevalidateMs?: number;
  /** Registers the REST API (auth, CRUD, OpenAPI) under /api. */
  registerApi?: (app: FastifyInstance) => Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    io: SocketServer;
    /** The live service as the REST API must call it (routes to the node that owns a session). */
    liveControl: LiveRouter;
  }
}

const UI_DIST = fileURLToPath(new URL('../../monitor-ui/dist/', import.meta.url));

/**
 * A user may watch a live session of a site they belong to (admins: every site): instructors and clinicians
 * any session, coaches home sessions only; ops staff see the fleet in Grafana, never participants.
 */
export function maySee(user: ConsoleUser, session: { siteId: string; kind: 'class' | 'home' }): boolean {
  if (user.roles.includes('admin')) return true;
  if (!user.siteIds.includes(session.siteId)) return false;
  if (user.roles.includes('instructor') || user.roles.includes('clinician')) return true;
  return user.roles.includes('coach') && session.kind === 'home';
}

/**
 * Builds the ingest HTTP app and its Socket.IO live channel. Never listens: the caller does, so tests
 * can build it on port 0 and close it.
 */
export async function buildApp(config: IngestConfig, deps: AppDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? Date.now;
  const { live } = deps;
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: true,
  });
  const io = new SocketServer(app.server, { serveClient: !existsSync(UI_DIST) });
  app.decorate('io', io);

  let redisClients: { quit(): Promise<unknown> }[] = [];
  if (config.REDIS_URL) {
    // Any node serves any console: rooms, broadcasts and server-side requests go through Redis.
    const pub = createClient({ url: config.REDIS_URL });
    const sub = pub.duplicate();
    for (const c of [pub, sub])
      c.on('error', (e: Error) => deps.logger.error({ err: e.message }, 'redis error'));
    await Promise.all([pub.connect(), sub.connect()]);
    redisClients = [pub, sub];
    io.adapter(createAdapter(pub, sub, { requestsTimeout: CLUSTER_TIMEOUT_MS }));
  }
  const router = new LiveRouter(live, deps.registry, io, config.REDIS_URL !== undefined, deps.logger);
  app.decorate('liveControl', router);

  live.setBroadcaster({
    alert: (ev) => io.to(`session:${ev.sessionId}`).emit(SOCKET_EVENTS.alert, ev),
  });

  if (deps.authenticateSocket) {
    const authenticate = deps.authenticateSocket;
    io.use((socket, next) => {
      authenticate(socket.handshake).then(
        (user) => {
          if (!user) return next(new Error('ZW_ERR_UNAUTHENTICATED: log in first'));
          socket.data.user = user;
          next();
        },
        () => next(new Error('ZW_ERR_INTERNAL')),
      );
    });
  }

  io.on('connection', (socket) => {
    const user = socket.data.user as ConsoleUser | undefined;
    socket.on(SOCKET_EVENTS.join, async (raw: unknown, ack?: (r: JoinReply) => void) => {
      const r = joinSessionSchema.safeParse(raw);
      if (!r.success) return ack?.({ ok: false, error: 'invalid-request', message: 'sessionId is required' });
      const info = await router.session(r.data.sessionId).catch(() => undefined);
      // An unknown session and one of another site look the same to the console.
      if (!info || (user && !maySee(user, info))) {
        return ack?.({ ok: false, error: 'not-found', message: `unknown session ${r.data.sessionId}` });
      }
      // Join first, then snapshot: no frame or alert between the two is lost.
      await socket.join(`session:${info.id}`);
      const snap = await router.snapshot(info.id);
      socket.emit(
        SOCKET_EVENTS.snapshot,
        snap ?? { sessionId: info.id, at: clock(), session: info, participants: [], alerts: [] },
      );
      ack?.({ ok: true, live: snap !== undefined });
    });
    socket.on(SOCKET_EVENTS.leave, (raw: unknown) => {
      const r = joinSessionSchema.safeParse(raw);
      if (r.success) void socket.leave(`session:${r.data.sessionId}`);
    });
    socket.on(SOCKET_EVENTS.ack, (raw: unknown, ack?: (r: AckReply) => void) => {
      const r = ackAlertSchema.safeParse(raw);
      if (!r.success)
        return ack?.({
          ok: false,
          error: 'invalid-request',
          message: 'alertId is required; note at most 500 characters',
        });
      if (!user) return ack?.({ ok: false, error: 'unauthenticated', message: 'log in to acknowledge' });
      if (!user.roles.some((role) => ['admin', 'instructor', 'coach', 'clinician'].includes(role))) {
        return ack?.({ ok: false, error: 'forbidden', message: 'your role may not acknowledge alerts' });
      }
      const { alertId, note } = r.data;
      router
        .alertSession(alertId)
        .then(async (info) => {
          // An alert of a session the user may not watch looks like an unknown one.
          if (!info || !maySee(user, info)) return ack?.({ ok: false, error: 'not-found' });
          const res = await router.acknowledge(alertId, { userId: user.id, username: user.username }, note);
          ack?.(res.ok ? { ok: true, alert: res.alert } : { ok: false, error: res.code });
        })
        .catch(() => ack?.({ ok: false, error: 'internal', message: 'internal error' }));
    });
  });

  let frameTimer: NodeJS.Timeout | undefined;
  let revalidateTimer: NodeJS.Timeout | undefined;
  app.addHook('onListen', async () => {
    const authenticate = deps.authenticateSocket;
    if (authenticate) {
      revalidateTimer = setInterval(() => {
        for (const socket of io.of('/').sockets.values()) {
          authenticate(socket.handshake).then(
            (u) => {
              if (!u) socket.disconnect(true);
            },
            () => undefined,
          );
        }
      }, deps.socketRevalidateMs ?? 30_000);
    }
    frameTimer = setInterval(() => {
      const now = clock();
      for (const id of live.sessionIds()) {
        const frame = live.frame(id, now);
        if (frame) io.to(`session:${id}`).emit(SOCKET_EVENTS.frame, frame);
      }
    }, config.FRAME_INTERVAL_MS);
  });
  app.addHook('onClose', async () => {
    clearInterval(frameTimer);
    clearInterval(revalidateTimer);
    await io.close();
    for (const c of redisClients) await c.quit().catch(() => undefined);
  });

  app.get('/healthz', async () => ({ status: 'ok', ...deps.stats?.() }));
  if (deps.registerApi) await app.register(deps.registerApi, { prefix: '/api' });

  if (existsSync(UI_DIST)) {
    await app.register(fastifyStatic, { root: UI_DIST, wildcard: false });
    // Client-side routes (/wall/…, /coach/…) all load the app.
    app.setNotFoundHandler((req, reply) =>
      req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/socket.io/')
        ? reply.sendFile('index.html')
        : reply
            .code(404)
            .send({ error: 'ZW_ERR_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` }),
    );
  } else {
    // A clone where the console was not built yet: say how, rather than show nothing.
    app.get('/', async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><title>zonewatch</title><p>The console is not built: run <code>npm start</code> (it builds it) or <code>npm run build</code>.</p>',
        ),
    );
  }
  return app;
}
