import fastifyCookie from '@fastify/cookie';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Role } from '../registry/index.js';
import { authCodes } from './errors.js';
import { foreignOrigin } from './origin.js';
import { type AuthUser, roleRefusal } from './roles.js';
import {
  type AuthService,
  type AuthServiceOptions,
  createAuthService,
  tokenFromAuthorization,
  tokenFromCookieHeader,
} from './service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Login, sessions and the Socket.IO handshake check (see `ingest/src/auth`). */
    auth: AuthService;
  }
  interface FastifyRequest {
    /** The logged-in user, or null. Set by `authPlugin` before any route hook runs. */
    user: AuthUser | null;
    /** The session token the request authenticated with (cookie or bearer), or null. */
    sessionToken: string | null;
    /** Absolute expiry (ms) of that session, or null. */
    sessionExpiresAt: number | null;
  }
}

/** Options of {@link authPlugin}: an existing service, or what to build one from. */
export type AuthPluginOptions = ({ auth: AuthService } | (AuthServiceOptions & { auth?: undefined })) & {
  /**
   * Origins (e.g. `https://console.example.org`, config `ALLOWED_ORIGINS`) allowed to send state-changing
   * requests besides the API's own host. Requests whose `Origin` is another one are refused (CSRF defence on
   * top of SameSite=Lax; the rule is {@link foreignOrigin}, which the live channel's handshake uses too).
   */
  allowedOrigins?: readonly string[];
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function crossSite(request: FastifyRequest, allowed: readonly string[]): string | undefined {
  if (SAFE_METHODS.has(request.method)) return undefined;
  return foreignOrigin(request.headers.origin, request.headers.host, allowed);
}

const plugin: FastifyPluginAsync<AuthPluginOptions> = async (fastify, opts) => {
  const auth = opts.auth ?? createAuthService(opts as AuthServiceOptions);
  const allowed = opts.allowedOrigins ?? [];
  if (!fastify.hasReplyDecorator('setCookie')) await fastify.register(fastifyCookie);
  fastify.decorate('auth', auth);
  fastify.decorateRequest('user', null);
  fastify.decorateRequest('sessionToken', null);
  fastify.decorateRequest('sessionExpiresAt', null);

  fastify.addHook('onRequest', async (request) => {
    const bad = crossSite(request, allowed);
    if (bad !== undefined) {
      throw new authCodes.ZW_ERR_FORBIDDEN(`cross-site request refused (Origin ${bad.slice(0, 200)})`);
    }
    const token =
      tokenFromAuthorization(request.headers.authorization) ?? tokenFromCookieHeader(request.headers.cookie);
    if (!token) return;
    const resolved = await auth.resolve(token);
    if (!resolved) return;
    request.user = resolved.user;
    request.sessionToken = token;
    request.sessionExpiresAt = resolved.expiresAt;
  });
};

/**
 * Authentication for the whole app: decorates `request.user` (`{ id, username, displayName, roles, siteIds }`
 * or null) from the `zw_session` cookie or an `Authorization: Bearer` token, and `fastify.auth` (login,
 * logout, Socket.IO handshake). Register it once at the root, before the routes:
 * ```ts
 * const auth = createAuthService({ registry });
 * await app.register(authPlugin, { auth });
 * await app.register(apiRoutes, { prefix: '/api', registry, live });
 * io.use(async (socket, next) => { … await auth.authenticateSocketHandshake(socket.handshake) … });
 * ```
 */
export const authPlugin = fp(plugin, { name: 'zonewatch-auth', fastify: '5.x' });

/**
 * A hook refusing requests without a session (401) or without one of `roles` (403 naming them). Admins pass
 * every role check. Use it as `onRequest` so refusals come before body validation.
 */
export function requireRole(...roles: Role[]) {
  return async function requireRoleHook(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const refusal = roleRefusal(requireUser(request), roles);
    if (refusal) throw new authCodes.ZW_ERR_FORBIDDEN(refusal);
  };
}

/** A hook refusing requests without a session (401). */
export async function requireLogin(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  requireUser(request);
}

/** The request's user, or throws ZW_ERR_UNAUTHENTICATED. */
export function requireUser(request: FastifyRequest): AuthUser {
  if (!request.user) {
    throw new authCodes.ZW_ERR_UNAUTHENTICATED('log in first (POST /api/auth/login), or the session expired');
  }
  return request.user;
}
