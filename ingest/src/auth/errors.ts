import createError from '@fastify/error';

/**
 * Every error of `ingest/src/auth`, in one place (fastify `lib/errors.js` style). Messages are safe to show a
 * client: they say what is missing or refused and never whether a username exists.
 */
export const authCodes = {
  /** No valid session: not logged in, the session expired or was revoked. */
  ZW_ERR_UNAUTHENTICATED: createError<'ZW_ERR_UNAUTHENTICATED', 401, [detail: string]>(
    'ZW_ERR_UNAUTHENTICATED',
    'Not logged in: %s',
    401,
  ),
  /** Wrong username or password, or a disabled account (the three are indistinguishable on purpose). */
  ZW_ERR_LOGIN_FAILED: createError<'ZW_ERR_LOGIN_FAILED', 401, []>(
    'ZW_ERR_LOGIN_FAILED',
    'Login failed: username or password is wrong',
    401,
  ),
  /** Too many failed logins for this username from this address (or from this address overall). */
  ZW_ERR_LOGIN_LOCKED: createError<'ZW_ERR_LOGIN_LOCKED', 429, [retryAfterS: number]>(
    'ZW_ERR_LOGIN_LOCKED',
    'Too many failed logins: try again in %d s',
    429,
  ),
  /** Logged in, but the role or site does not allow this; the message says which. */
  ZW_ERR_FORBIDDEN: createError<'ZW_ERR_FORBIDDEN', 403, [reason: string]>(
    'ZW_ERR_FORBIDDEN',
    'Forbidden: %s',
    403,
  ),
} as const;

/** Every auth error code. */
export type AuthErrorCode = keyof typeof authCodes;
