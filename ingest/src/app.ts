import { readFile } from 'node:fs/promises';
import { joinSessionSchema, SOCKET_EVENTS } from '@zonewatch/protocol';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Server as SocketServer } from 'socket.io';
import type { IngestConfig } from './config.js';
import type { LiveHub } from './live/hub.js';

export interface AppDeps {
  hub: LiveHub;
  logger: Logger;
  /** Injected clock (ms since epoch). */
  clock?: () => number;
  /** Extra stats shown on /healthz (e.g. the MQTT consumer's counters). */
  stats?: () => Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyInstance {
    io: SocketServer;
  }
}

const PAGE = new URL('../public/index.html', import.meta.url);

/**
 * Builds the ingest HTTP app and its Socket.IO live channel. Never listens: the caller does, so tests
 * can build it on port 0 and close it.
 */
export async function buildApp(config: IngestConfig, deps: AppDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? Date.now;
  const app: FastifyInstance = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger });
  const io = new SocketServer(app.server, { serveClient: false });
  app.decorate('io', io);

  io.on('connection', (socket) => {
    socket.on(SOCKET_EVENTS.join, (raw: unknown, ack?: (r: unknown) => void) => {
      const r = joinSessionSchema.safeParse(raw);
      const snap = r.success ? deps.hub.snapshot(r.data.sessionId, clock()) : undefined;
      if (!r.success || !snap) {
        ack?.({
          ok: false,
          error: r.success ? `unknown session ${r.data.sessionId}` : 'sessionId is required',
        });
        return;
      }
      void socket.join(`session:${r.data.sessionId}`);
      socket.emit(SOCKET_EVENTS.snapshot, snap);
      ack?.({ ok: true });
    });
  });

  let frameTimer: NodeJS.Timeout | undefined;
  app.addHook('onListen', async () => {
    frameTimer = setInterval(() => {
      const now = clock();
      for (const id of deps.hub.sessionIds()) {
        const frame = deps.hub.frame(id, now);
        if (frame) io.to(`session:${id}`).emit(SOCKET_EVENTS.frame, frame);
      }
    }, config.FRAME_INTERVAL_MS);
  });
  app.addHook('onClose', async () => {
    clearInterval(frameTimer);
    await io.close();
  });

  const page = await readFile(PAGE, 'utf8');
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(page));
  app.get('/healthz', async () => ({ status: 'ok', ...deps.stats?.() }));
  app.get('/api/live/sessions', async () => ({
    sessions: deps.hub
      .sessionIds()
      .map((id) => deps.hub.session(id))
      .filter((s) => s !== undefined),
  }));
  return app;
}
