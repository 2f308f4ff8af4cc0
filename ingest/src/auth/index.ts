/**
 * Authentication and authorisation of ingest: password login (registry `users.authenticate`), server-side
 * sessions (random token in the httpOnly `zw_session` cookie or `Authorization: Bearer`; only its sha256 is
 * stored) with idle and absolute expiry, failed-login lock-out per username + address, role checks and site
 * scope. See README.md.
 */
export { type AuthErrorCode, authCodes } from './errors.js';
export { foreignOrigin } from './origin.js';
export { type AuthPluginOptions, authPlugin, requireLogin, requireRole, requireUser } from './plugin.js';
export { LoginLimiter, type LoginLimitOptions } from './rate-limit.js';
export { RedisSessionStore } from './redis-session-store.js';
export { RegistrySessionStore } from './registry-session-store.js';
export {
  ACK_ROLES,
  type AuthUser,
  canSeeSite,
  coachOnly,
  hasRole,
  isAdmin,
  roleRefusal,
  type SessionAccess,
  sessionAccess,
  siteScope,
} from './roles.js';
export {
  type AuthService,
  type AuthServiceOptions,
  createAuthService,
  type HandshakeLike,
  hashToken,
  type LoginResult,
  tokenFromAuthorization,
  tokenFromCookieHeader,
} from './service.js';
export { InMemorySessionStore, type SessionStore, type StoredSession } from './session-store.js';
