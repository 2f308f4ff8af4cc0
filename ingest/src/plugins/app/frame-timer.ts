import { SOCKET_EVENTS } from '@zonewatch/protocol';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { LiveService } from '../../live/service.js';

export interface FrameTimerOptions {
  live: LiveService;
  /** ms between frames (config FRAME_INTERVAL_MS). */
  intervalMs: number;
  /** ms since epoch. */
  clock: () => number;
}

/** Once the app listens, sends every live session's frame to its room every `intervalMs`; stops at close. */
const frameTimer: FastifyPluginAsync<FrameTimerOptions> = async (app, { live, intervalMs, clock }) => {
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onListen', async () => {
    timer = setInterval(() => {
      const now = clock();
      for (const id of live.sessionIds()) {
        const frame = live.frame(id, now);
        if (frame) app.io.to(`session:${id}`).emit(SOCKET_EVENTS.frame, frame);
      }
    }, intervalMs);
  });
  app.addHook('onClose', async () => clearInterval(timer));
};

export default fp(frameTimer, { name: 'zw-frame-timer', fastify: '5.x', dependencies: ['zw-socket-io'] });
