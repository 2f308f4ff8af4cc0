import { SOCKET_EVENTS } from '@zonewatch/protocol';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { LiveService } from '../../live/service.js';
import { namedRoom, wallFrame, wallRoom } from '../../live/wall-names.js';

export interface FrameTimerOptions {
  live: LiveService;
  /** ms between frames (config FRAME_INTERVAL_MS). */
  intervalMs: number;
  /** ms since epoch. */
  clock: () => number;
}

/**
 * Once the app listens, sends every live session's frame to its rooms every `intervalMs` (walls: without the
 * aliases of those without wall-name consent); stops at close.
 */
const frameTimer: FastifyPluginAsync<FrameTimerOptions> = async (app, { live, intervalMs, clock }) => {
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onListen', async () => {
    timer = setInterval(() => {
      const now = clock();
      for (const id of live.sessionIds()) {
        const frame = live.frame(id, now);
        if (!frame) continue;
        app.io.to(namedRoom(id)).emit(SOCKET_EVENTS.frame, frame);
        app.io.to(wallRoom(id)).emit(SOCKET_EVENTS.frame, wallFrame(frame, live.wallHidden(id)));
      }
    }, intervalMs);
  });
  app.addHook('onClose', async () => clearInterval(timer));
};

export default fp(frameTimer, { name: 'zw-frame-timer', fastify: '5.x', dependencies: ['zw-socket-io'] });
