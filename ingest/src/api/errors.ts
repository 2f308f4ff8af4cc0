import createError from '@fastify/error';

/**
 * Errors of the REST API itself, in one place. The API also answers with the registry's codes
 * (`ZW_ERR_NOT_FOUND` 404, `ZW_ERR_CONFLICT` 409, `ZW_ERR_INVALID_INPUT` 400, `ZW_ERR_INVALID_REFERENCE` 422,
 * `ZW_ERR_INVALID_STATE` 409) and auth's (`ZW_ERR_UNAUTHENTICATED` 401, `ZW_ERR_LOGIN_FAILED` 401,
 * `ZW_ERR_FORBIDDEN` 403, `ZW_ERR_LOGIN_LOCKED` 429). Every error body is `{ error, message, issues? }`.
 */
export const apiCodes = {
  /** A body, query or path parameter failed its schema; `issues` name each field (`body.zone.high`). */
  ZW_ERR_VALIDATION: createError<'ZW_ERR_VALIDATION', 400, [detail: string]>('ZW_ERR_VALIDATION', '%s', 400),
  /** The request could not be read (malformed JSON, wrong content type, too large…). */
  ZW_ERR_BAD_REQUEST: createError<'ZW_ERR_BAD_REQUEST', 400, [detail: string]>(
    'ZW_ERR_BAD_REQUEST',
    'Bad request: %s',
    400,
  ),
  /** A participant has no consent in force for what was asked (issue 16: home monitoring); names who. */
  ZW_ERR_CONSENT_REQUIRED: createError<'ZW_ERR_CONSENT_REQUIRED', 409, [detail: string]>(
    'ZW_ERR_CONSENT_REQUIRED',
    '%s',
    409,
  ),
  /**
   * A high-risk participant (AACVPR class high) was put into home sessions (a home-session binding, an
   * enrolment with home sessions) without a clinician's override in force (issue 15).
   */
  ZW_ERR_HOME_SESSIONS_HIGH_RISK: createError<'ZW_ERR_HOME_SESSIONS_HIGH_RISK', 409, [detail: string]>(
    'ZW_ERR_HOME_SESSIONS_HIGH_RISK',
    'Home sessions refused: %s',
    409,
  ),
  /** Anything unexpected; the body says only "internal error", the log has the detail. */
  ZW_ERR_INTERNAL: createError<'ZW_ERR_INTERNAL', 500, []>('ZW_ERR_INTERNAL', 'internal error', 500),
} as const;

/** Every API error code (besides the registry's and auth's). */
export type ApiErrorCode = keyof typeof apiCodes;

/** A ZW_ERR_VALIDATION error carrying its issues (checks the schemas cannot express, e.g. cross-entity). */
export function validationError(
  issues: {
    path: string;
    message: string;
    code?: string;
    params?: Readonly<Record<string, string | number>>;
  }[],
): Error {
  const err = new apiCodes.ZW_ERR_VALIDATION(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return Object.assign(err, { issues });
}
