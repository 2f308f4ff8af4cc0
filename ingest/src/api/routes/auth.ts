import { loginBodySchema, loginResponseSchema, meResponseSchema, SESSION_COOKIE } from '@zonewatch/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireLogin, requireUser } from '../../auth/index.js';
import { type ApiContext, audit, type ZodApp } from '../context.js';
import { errorResponses, noContent } from '../schemas.js';

const tags = ['auth'];

/**
 * A refused login goes to the log (warn) with the username as typed (at most 100 characters) and the client
 * address — never the password — so an operator can see guessing and spraying. Other errors pass silently.
 */
function logRefusedLogin(request: FastifyRequest, username: string, err: unknown): void {
  const code = (err as { code?: unknown } | null)?.code;
  if (code !== 'ZW_ERR_LOGIN_FAILED' && code !== 'ZW_ERR_LOGIN_LOCKED') return;
  request.log.warn(
    {
      username: username.slice(0, 100),
      address: request.ip,
      outcome: code === 'ZW_ERR_LOGIN_LOCKED' ? 'locked' : 'failed',
    },
    'login refused',
  );
}

/** `/auth/*`: login (cookie + optional token), logout, who am I. */
export async function authRoutes(app: ZodApp, ctx: ApiContext): Promise<void> {
  const cookieOptions = (request: FastifyRequest) => ({
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure: ctx.secureCookies || request.protocol === 'https',
  });

  app.post(
    '/auth/login',
    {
      schema: {
        tags,
        summary: 'Log in with username and password; sets the httpOnly zw_session cookie',
        security: [],
        body: loginBodySchema,
        response: { 200: loginResponseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { username, password, returnToken } = request.body;
      const result = await app.auth.login(username, password, request.ip).catch((err: unknown) => {
        logRefusedLogin(request, username, err);
        throw err;
      });
      await ctx.registry.transaction((tx) =>
        audit(tx, result.user, {
          action: 'user.login',
          entity: 'user',
          entityId: result.user.id,
          requestId: request.id,
        }),
      );
      const maxAge = Math.max(1, Math.floor((result.expiresAt - ctx.clock()) / 1000));
      reply.setCookie(SESSION_COOKIE, result.token, { ...cookieOptions(request), maxAge });
      return {
        user: result.user,
        expiresAt: result.expiresAt,
        ...(returnToken ? { token: result.token } : {}),
      };
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags,
        summary: 'End the current session (cookie or bearer); always 204',
        security: [],
        response: { 204: noContent, ...errorResponses },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.sessionToken) await app.auth.logout(request.sessionToken);
      if (request.user) {
        const user = request.user;
        await ctx.registry.transaction((tx) =>
          audit(tx, user, {
            action: 'user.logout',
            entity: 'user',
            entityId: user.id,
            requestId: request.id,
          }),
        );
      }
      reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
      return reply.code(204).send();
    },
  );

  app.get(
    '/auth/me',
    {
      onRequest: requireLogin,
      schema: {
        tags,
        summary: 'The logged-in user and when the session ends at the latest',
        response: { 200: meResponseSchema, ...errorResponses },
      },
    },
    async (request) => ({ user: requireUser(request), expiresAt: request.sessionExpiresAt ?? 0 }),
  );
}
