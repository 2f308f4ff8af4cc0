import {
  type AckReply,
  ackAlertSchema,
  type JoinReply,
  joinSessionSchema,
  SOCKET_EVENTS,
} from '@zonewatch/protocol';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { acknowledgeAs } from '../../api/index.js';
import { type AuthUser, type HandshakeLike, sessionAccess } from '../../auth/index.js';
import { namedRoom, wallRoom } from '../../live/wall-names.js';
import type { Registry } from '../../registry/index.js';

export interface LiveSocketOptions {
  registry: Registry;
  /** ms since epoch. */
  clock: () => number;
  /**
   * Resolves the user of a Socket.IO handshake (session cookie or `auth.token`); null refuses the
   * connection. Absent only in tests of the live channel itself.
   */
  authenticate?: ((handshake: HandshakeLike) => Promise<AuthUser | null>) | undefined;
}

/**
 * The live channel's events: socket authentication, `session:join` (site and role checked by the same
 * {@link sessionAccess} as REST; then the snapshot), `session:leave`, and `alert:ack` through the same
 * {@link acknowledgeAs} as `POST /api/alerts/:id/ack` (role rule, refusals, audit entry).
 */
const liveSocket: FastifyPluginAsync<LiveSocketOptions> = async (app, opts) => {
  const { io, liveControl: router } = app;
  const { authenticate, clock } = opts;
  if (authenticate) {
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
    const user = socket.data.user as AuthUser | undefined;
    socket.on(SOCKET_EVENTS.join, async (raw: unknown, ack?: (r: JoinReply) => void) => {
      const r = joinSessionSchema.safeParse(raw);
      if (!r.success) return ack?.({ ok: false, error: 'invalid-request', message: 'sessionId is required' });
      const info = await router.session(r.data.sessionId).catch(() => undefined);
      // Any refusal looks like an unknown session to the console: ids of other sites cannot be probed.
      if (!info || (user && !sessionAccess(user, info).ok)) {
        return ack?.({ ok: false, error: 'not-found', message: `unknown session ${r.data.sessionId}` });
      }
      // A shared screen (the default) gets its own room: frames, snapshots and alerts without the aliases of
      // those who did not consent to their name on the wall (issue 16).
      const audience = r.data.view ?? 'wall';
      // Join first, then snapshot: no frame or alert between the two is lost.
      await socket.join(audience === 'wall' ? wallRoom(info.id) : namedRoom(info.id));
      const snap = await router.snapshot(info.id, audience);
      socket.emit(SOCKET_EVENTS.snapshot, snap ?? (await router.registrySnapshot(info, clock(), audience)));
      ack?.({ ok: true, live: snap !== undefined });
    });
    socket.on(SOCKET_EVENTS.leave, (raw: unknown) => {
      const r = joinSessionSchema.safeParse(raw);
      if (!r.success) return;
      void socket.leave(namedRoom(r.data.sessionId));
      void socket.leave(wallRoom(r.data.sessionId));
    });
    socket.on(SOCKET_EVENTS.ack, (raw: unknown, ack?: (r: AckReply) => void) => {
      const r = ackAlertSchema.safeParse(raw);
      if (!r.success) {
        const message = 'alertId is required; note at most 500 characters';
        return ack?.({ ok: false, error: 'invalid-request', message });
      }
      acknowledgeAs({ registry: opts.registry, live: router }, user, r.data).then(
        // A refusal has REST's message; its code is the one REST's ZW_ERR_* status stands for.
        (res) => ack?.(res.ok ? res : { ok: false, error: res.code, message: res.error.message }),
        (err: unknown) => {
          app.log.error({ err }, 'acknowledgement over the socket failed');
          ack?.({ ok: false, error: 'internal', message: 'internal error' });
        },
      );
    });
  });
};

export default fp(liveSocket, {
  name: 'zw-live-socket',
  fastify: '5.x',
  dependencies: ['zw-socket-io', 'zw-live-router'],
});
