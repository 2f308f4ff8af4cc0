import { SOCKET_EVENTS } from '@zonewatch/protocol';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { LiveRouter } from '../../live/router.js';
import type { LiveService } from '../../live/service.js';
import { namedRoom, wallAlertEvent, wallFrame, wallRoom } from '../../live/wall-names.js';
import type { Registry } from '../../registry/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The live service as the REST API and the live channel call it (routes to the node that owns a session). */
    liveControl: LiveRouter;
  }
}

export interface LiveRouterOptions {
  live: LiveService;
  registry: Registry;
  /** More than one ingest node share a Redis adapter. */
  clustered: boolean;
  logger: Logger;
}

/** The live service behind its cluster router, and its alert events broadcast to each session's room. */
const liveRouter: FastifyPluginAsync<LiveRouterOptions> = async (app, opts) => {
  const { io } = app;
  app.decorate('liveControl', new LiveRouter(opts.live, opts.registry, io, opts.clustered, opts.logger));
  const { live } = opts;
  // Walls get what a shared screen may show: no alias of those without wall-name consent (issue 16).
  live.setBroadcaster({
    alert: (ev) => {
      io.to(namedRoom(ev.sessionId)).emit(SOCKET_EVENTS.alert, ev);
      io.to(wallRoom(ev.sessionId)).emit(
        SOCKET_EVENTS.alert,
        wallAlertEvent(ev, live.wallHidden(ev.sessionId)),
      );
    },
    frame: (f) => {
      io.to(namedRoom(f.sessionId)).emit(SOCKET_EVENTS.frame, f);
      io.to(wallRoom(f.sessionId)).emit(SOCKET_EVENTS.frame, wallFrame(f, live.wallHidden(f.sessionId)));
    },
  });
};

export default fp(liveRouter, { name: 'zw-live-router', fastify: '5.x', dependencies: ['zw-socket-io'] });
