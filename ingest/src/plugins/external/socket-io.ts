import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { Server as SocketServer } from 'socket.io';
import { foreignOrigin } from '../../auth/origin.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Socket.IO server on the app's HTTP server (the live channel to consoles). */
    io: SocketServer;
  }
}

export interface SocketIoOptions {
  /** Serve the Socket.IO client bundle (only when the built console, which bundles its own, is absent). */
  serveClient: boolean;
  /** Origins besides the console's own whose pages may open the live channel (config ALLOWED_ORIGINS). */
  allowedOrigins?: readonly string[];
}

/**
 * The Socket.IO server, attached to the app's HTTP server and closed with the app. A handshake (WebSocket or
 * polling) from a page on a foreign origin is refused before any engine.io session exists — the same rule
 * REST applies to state-changing requests ({@link foreignOrigin}; issue 13 hole 3: a sibling origin that
 * the browser treats as same-site gets the console's cookie sent).
 */
const socketIo: FastifyPluginAsync<SocketIoOptions> = async (app, opts) => {
  const allowed = opts.allowedOrigins ?? [];
  const io = new SocketServer(app.server, {
    serveClient: opts.serveClient,
    allowRequest: (req, callback) => {
      const foreign = foreignOrigin(req.headers.origin, req.headers.host, allowed);
      if (foreign === undefined) return callback(null, true);
      app.log.warn(
        { origin: foreign.slice(0, 200) },
        'live channel: handshake from a foreign origin refused',
      );
      callback('ZW_ERR_FORBIDDEN: cross-site connection refused', false);
    },
  });
  app.decorate('io', io);
  app.addHook('onClose', async () => {
    await io.close();
  });
};

export default fp(socketIo, { name: 'zw-socket-io', fastify: '5.x' });
