import { createHash, randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import { SESSION_COOKIE } from '@zonewatch/protocol';
import type { Registry, User } from '../registry/index.js';
import { authCodes } from './errors.js';
import { LoginLimiter, type LoginLimitOptions } from './rate-limit.js';
import type { AuthUser } from './roles.js';
import { InMemorySessionStore, type SessionStore } from './session-store.js';

/** Options of {@link createAuthService}. */
export interface AuthServiceOptions {
  registry: Registry;
  /** Where sessions live (default in memory: one node). */
  store?: SessionStore;
  /** ms since epoch (default `Date.now`). */
  clock?: () => number;
  /**
   * A session ends after this long without an authenticated request, ms (default 2 h: longer than a class,
   * so an instructor who only watches the live wall can still acknowledge at the end).
   */
  idleTimeoutMs?: number;
  /** A session ends this long after login whatever the activity, ms (default 12 h: a shift). */
  absoluteTimeoutMs?: number;
  /** Failed-login limits (see {@link LoginLimiter}). */
  loginLimits?: LoginLimitOptions;
}

/** What a successful login returns; `token` goes into the cookie (and to API clients that ask). */
export interface LoginResult {
  token: string;
  user: AuthUser;
  expiresAt: number;
}

/** What a Socket.IO handshake offers: its headers (cookie) and its `auth` payload (`{ token }`). */
export interface HandshakeLike {
  headers?: Record<string, string | string[] | undefined>;
  auth?: unknown;
}

/** Login, server-side sessions and their lookup. One instance per ingest process. */
export interface AuthService {
  /**
   * Checks a username and password from `address` and opens a session.
   * @throws ZW_ERR_LOGIN_LOCKED (too many failures; `retryAfterS` on the error), ZW_ERR_LOGIN_FAILED
   */
  login(username: string, password: string, address: string): Promise<LoginResult>;
  /** Ends the session of `token` (no-op when unknown). */
  logout(token: string): Promise<void>;
  /** The user of a valid session and its absolute expiry (and records the activity), or null. */
  resolve(token: string): Promise<{ user: AuthUser; expiresAt: number } | null>;
  /** Ends every session of a user (password change, disabled account, roles changed). */
  revokeUser(userId: string): Promise<number>;
  /**
   * For the Socket.IO middleware: the user of the handshake's `auth.token` or `zw_session` cookie, or null.
   * ```ts
   * io.use(async (socket, next) => {
   *   const user = await app.auth.authenticateSocketHandshake(socket.handshake);
   *   if (!user) return next(new Error('ZW_ERR_UNAUTHENTICATED'));
   *   socket.data.user = user;
   *   next();
   * });
   * ```
   */
  authenticateSocketHandshake(handshake: HandshakeLike): Promise<AuthUser | null>;
}

/** sha256 (hex) of a token: what the store keeps. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The token of a `Cookie` header, or undefined. */
export function tokenFromCookieHeader(header: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(header) ? header.join('; ') : header;
  if (!raw) return undefined;
  const value = fastifyCookie.parse(raw)[SESSION_COOKIE];
  return value || undefined;
}

/** The token of an `Authorization: Bearer …` header, or undefined. */
export function tokenFromAuthorization(header: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  const m = raw ? /^Bearer\s+([A-Za-z0-9_-]{20,200})\s*$/i.exec(raw) : null;
  return m?.[1];
}

function toAuthUser(u: User): AuthUser {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: [...u.roles],
    siteIds: [...u.siteIds],
  };
}

/** Builds the auth service over the registry's users; see {@link AuthService}. */
export function createAuthService(options: AuthServiceOptions): AuthService {
  const { registry } = options;
  const clock = options.clock ?? Date.now;
  const store = options.store ?? new InMemorySessionStore({ clock });
  const idleMs = options.idleTimeoutMs ?? 2 * 3600_000;
  const absoluteMs = options.absoluteTimeoutMs ?? 12 * 3600_000;
  const limiter = new LoginLimiter(options.loginLimits);

  const resolve: AuthService['resolve'] = async (token) => {
    if (!token) return null;
    const hash = hashToken(token);
    const s = await store.get(hash);
    if (!s) return null;
    const now = clock();
    if (now >= s.expiresAt || now - s.lastSeenAt >= idleMs) {
      await store.delete(hash);
      return null;
    }
    const u = await registry.users.get(s.userId);
    if (!u || u.disabled) {
      await store.delete(hash);
      return null;
    }
    await store.touch(hash, now);
    return { user: toAuthUser(u), expiresAt: s.expiresAt };
  };

  return {
    async login(username, password, address) {
      const now = clock();
      const locked = limiter.lockedFor(username, address, now);
      if (locked > 0) throw lockedError(locked);
      const u = await registry.users.authenticate(username, password);
      if (!u) {
        const lock = limiter.fail(username, address, clock());
        if (lock > 0) throw lockedError(lock);
        throw new authCodes.ZW_ERR_LOGIN_FAILED();
      }
      limiter.succeed(username, address);
      const token = randomBytes(32).toString('base64url');
      const at = clock();
      const expiresAt = at + absoluteMs;
      await store.create({
        tokenHash: hashToken(token),
        userId: u.id,
        createdAt: at,
        lastSeenAt: at,
        expiresAt,
      });
      return { token, user: toAuthUser(u), expiresAt };
    },
    async logout(token) {
      if (token) await store.delete(hashToken(token));
    },
    resolve,
    revokeUser: (userId) => store.deleteByUser(userId),
    async authenticateSocketHandshake(handshake) {
      const auth = handshake.auth;
      const fromAuth =
        typeof auth === 'object' && auth !== null && typeof (auth as { token?: unknown }).token === 'string'
          ? (auth as { token: string }).token
          : undefined;
      const token = fromAuth ?? tokenFromCookieHeader(handshake.headers?.cookie);
      if (!token) return null;
      return (await resolve(token))?.user ?? null;
    },
  };
}

function lockedError(ms: number) {
  const retryAfterS = Math.ceil(ms / 1000);
  return Object.assign(new authCodes.ZW_ERR_LOGIN_LOCKED(retryAfterS), { retryAfterS });
}
