import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { AuthUser, HandshakeLike } from '../../auth/index.js';

export interface SocketRevalidationOptions {
  /** Resolves the user of a handshake again; null ends the connection. */
  authenticate: (handshake: HandshakeLike) => Promise<AuthUser | null>;
  /** ms between checks. */
  intervalMs: number;
}

/**
 * Once the app listens, checks every open console's login again every `intervalMs`: a logout, a disabled
 * account or a password change disconnects it. Stops at close.
 */
const socketRevalidation: FastifyPluginAsync<SocketRevalidationOptions> = async (app, opts) => {
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onListen', async () => {
    timer = setInterval(() => {
      for (const socket of app.io.of('/').sockets.values()) {
        opts.authenticate(socket.handshake).then(
          (u) => {
            if (!u) socket.disconnect(true);
          },
          () => undefined,
        );
      }
    }, opts.intervalMs);
  });
  app.addHook('onClose', async () => clearInterval(timer));
};

export default fp(socketRevalidation, {
  name: 'zw-socket-revalidation',
  fastify: '5.x',
  dependencies: ['zw-socket-io'],
});
