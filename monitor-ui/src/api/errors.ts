import { FIELD_CHECK_CODES, type FieldCheckCode } from '@zonewatch/protocol';
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
  ZW_ERR_HOME_SESSIONS_HIGH_RISK: 'error.homeSessionsHighRisk',
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
  return Object.fromEntries(Object.entries(fieldIssues(issues, part)).map(([f, i]) => [f, i.message]));
}

/** One reason of a refused request, as the console words it: a message key and its parameters. */
export interface IssueWording {
  key: MessageKey;
  params: Readonly<Record<string, string | number>>;
}

const FIELD_CHECK_KEY = {
  NO_CHANGE: 'check.NO_CHANGE',
  TIME_ZONE_UNKNOWN: 'check.TIME_ZONE_UNKNOWN',
  CLASS_REQUIRED: 'check.CLASS_REQUIRED',
  CLASS_NOT_FOR_HOME: 'check.CLASS_NOT_FOR_HOME',
  HRMAX_BPM_REQUIRED: 'check.HRMAX_BPM_REQUIRED',
  ZONE_BPM_RANGE: 'check.ZONE_BPM_RANGE',
  ZONE_FRACTION_RANGE: 'check.ZONE_FRACTION_RANGE',
  ZONE_LOW_NOT_BELOW_HIGH: 'check.ZONE_LOW_NOT_BELOW_HIGH',
} as const satisfies Readonly<Record<FieldCheckCode, MessageKey>>;

/**
 * The console's wording of one issue of a 400, from its code (protocol's field checks, zod's own checks);
 * never the server's English message. A code the console does not know reads "this value was refused".
 */
export function issueWording(issue: {
  code?: string | undefined;
  params?: Readonly<Record<string, string | number>> | undefined;
}): IssueWording {
  const code = issue.code ?? '';
  const params = issue.params ?? {};
  if ((FIELD_CHECK_CODES as readonly string[]).includes(code))
    return { key: FIELD_CHECK_KEY[code as FieldCheckCode], params };
  const origin = params['origin'];
  switch (code) {
    case 'required':
      return { key: 'check.required', params };
    case 'too_small':
      if (origin === 'string')
        return { key: Number(params['min']) === 1 ? 'check.empty' : 'check.tooShort', params };
      if (origin === 'array' || origin === 'set') return { key: 'check.tooFew', params };
      return { key: 'min' in params ? 'check.tooSmall' : 'check.invalid', params };
    case 'too_big':
      if (origin === 'string') return { key: 'check.tooLong', params };
      if (origin === 'array' || origin === 'set') return { key: 'check.tooMany', params };
      return { key: 'max' in params ? 'check.tooBig' : 'check.invalid', params };
    case 'invalid_type':
      return { key: 'check.invalidType', params };
    case 'invalid_value':
    case 'invalid_union':
      return { key: 'check.invalidValue', params };
    case 'invalid_format':
      return { key: 'check.invalidFormat', params };
    case 'unrecognized_keys':
      return { key: 'check.unrecognizedKeys', params };
    default:
      return { key: 'check.invalid', params };
  }
}

/** A 400's issues by form field, as {@link fieldErrors} picks them (first per field), with their codes. */
export function fieldIssues<I extends { path: string }>(
  issues: readonly I[],
  part = 'body',
): Record<string, I> {
  const out: Record<string, I> = {};
  for (const i of issues) {
    if (!i.path.startsWith(`${part}.`)) continue;
    const field = i.path.slice(part.length + 1);
    if (field && !(field in out)) out[field] = i;
  }
  return out;
}
