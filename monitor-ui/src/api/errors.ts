import type { MessageKey } from '../i18n/i18n.js';

/**
 * What the console says about a refused request: the server's stable `ZW_ERR_*` code (REST) or the
 * socket's acknowledgement code, translated; the server's own text only as a detail where it names what
 * was wrong (a field, a state), or as the whole message for a code the console does not know.
 */
export const ERROR_KEY = {
  ZW_ERR_VALIDATION: 'error.validation',
  ZW_ERR_INVALID_INPUT: 'error.invalidInput',
  ZW_ERR_BAD_REQUEST: 'error.badRequest',
  ZW_ERR_UNAUTHENTICATED: 'error.unauthenticated',
  ZW_ERR_LOGIN_FAILED: 'error.loginFailed',
  ZW_ERR_LOGIN_LOCKED: 'error.loginLocked',
  ZW_ERR_FORBIDDEN: 'error.forbidden',
  ZW_ERR_NOT_FOUND: 'error.notFound',
  ZW_ERR_CONFLICT: 'error.conflict',
  ZW_ERR_INVALID_STATE: 'error.invalidState',
  ZW_ERR_INVALID_REFERENCE: 'error.invalidReference',
  ZW_ERR_INTERNAL: 'error.internal',
  ZW_ERR_CONSENT_REQUIRED: 'error.consentRequired',
  ZW_ERR_ERASURE_INCOMPLETE: 'error.erasureIncomplete',
  // Socket.IO acknowledgement codes (protocol `ACK_ERROR_CODES`).
  'invalid-request': 'error.badRequest',
  unauthenticated: 'error.unauthenticated',
  forbidden: 'error.forbidden',
  internal: 'error.internal',
  'not-found': 'error.notFound',
  'already-closed': 'error.alreadyClosed',
  'already-acknowledged': 'error.alreadyAcknowledged',
} as const satisfies Readonly<Record<string, MessageKey>>;

/** Codes whose server text adds what the person needs (which field, which state, which site). */
const WITH_DETAIL: ReadonlySet<string> = new Set([
  'ZW_ERR_VALIDATION',
  'ZW_ERR_INVALID_INPUT',
  'ZW_ERR_BAD_REQUEST',
  'ZW_ERR_FORBIDDEN',
  'ZW_ERR_CONFLICT',
  'ZW_ERR_INVALID_STATE',
  'ZW_ERR_INVALID_REFERENCE',
  'ZW_ERR_CONSENT_REQUIRED',
]);

export interface ErrorView {
  /** The translated message, or null when the code is unknown (show `detail` as the server wrote it). */
  key: MessageKey | null;
  /** The server's text, when it adds something (or is all there is). */
  detail: string | null;
}

/** Status 0 means the server could not be reached (see `request`). */
export function describeError(code: string | null, status: number, message: string): ErrorView {
  if (status === 0) return { key: 'error.unreachable', detail: null };
  const key =
    code !== null && Object.hasOwn(ERROR_KEY, code) ? ERROR_KEY[code as keyof typeof ERROR_KEY] : null;
  if (key === null) return { key: null, detail: message || null };
  const detail = code !== null && WITH_DETAIL.has(code) && message.trim() ? message : null;
  return { key, detail };
}

/**
 * A 400's issues by form field: `body.alias` → `alias`, `body.clinical.ageYears` → `clinical.ageYears`
 * (the request part is dropped; the first reason per field wins). Issues of another part are left out.
 */
export function fieldErrors(
  issues: readonly { path: string; message: string }[],
  part = 'body',
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    if (!i.path.startsWith(`${part}.`)) continue;
    const field = i.path.slice(part.length + 1);
    if (field && !(field in out)) out[field] = i.message;
  }
  return out;
}
