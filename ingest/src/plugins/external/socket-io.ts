import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { Server as SocketServer } from 'socket.io';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Socket.IO server on the app's HTTP server (the live channel to consoles). */
    io: SocketServer;
  }
}

export interface SocketIoOptions {
  /** Serve the Socket.IO client bundle (only when the built console, which bundles its own, is absent). */
  serveClient: boolean;
}

/** The Socket.IO server, attached to the app's HTTP server and closed with the app. */
const socketIo: FastifyPluginAsync<SocketIoOptions> = async (app, opts) => {
  const io = new SocketServer(app.server, { serveClient: opts.serveClient });
  app.decorate('io', io);
  app.addHook('onClose', async () => {
    await io.close();
  });
};

export default fp(socketIo, { name: 'zw-socket-io', fastify: '5.x' });
