import type { ApiError, ApiIssue } from '@zonewatch/protocol';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/**
 * Turns zod's "expected string, received undefined" into the plainer "is required" (also for a missing
 * request body, which Fastify hands over as null).
 */
function friendly(message: string, root: boolean): string {
  if (/received undefined$/.test(message) || (root && /received null$/.test(message))) return 'is required';
  return message;
}

/** A dotted field path from a request part and a JSON pointer (`body` + `/zone/high` → `body.zone.high`). */
export function fieldPath(part: string, instancePath: string): string {
  const segments = instancePath
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return [part, ...segments].join('.');
}

/** Builds the `ZW_ERR_VALIDATION` body from issues: the message lists every `path: reason`. */
export function validationBody(issues: ApiIssue[]): ApiError {
  return {
    error: 'ZW_ERR_VALIDATION',
    message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
    issues,
  };
}

/**
 * The API's error handler: 4xx bodies name the field and reason (`{ error, message, issues? }`), 5xx bodies
 * say `internal error` and nothing else while the log keeps the detail. Messages of 4xx are not logged
 * (validation messages can quote clinical values); only their code and status are.
 */
function refusalOf(params: unknown): string | undefined {
  const inner = (params as { params?: { refusal?: unknown } } | undefined)?.params;
  return typeof inner?.refusal === 'string' ? inner.refusal : undefined;
}

/** The parameters of such a refusal, for the console's wording. */
function refusalParams(params: unknown): Record<string, string | number> | undefined {
  const inner = (params as { params?: { refusal?: unknown; values?: unknown } } | undefined)?.params;
  if (typeof inner?.refusal !== 'string' || typeof inner.values !== 'object' || inner.values === null)
    return undefined;
  return inner.values as Record<string, string | number>;
}

/**
 * What a console needs to word one of zod's own checks itself: the bound of a `too_small` / `too_big` and
 * what it counts (`string`: characters, `array`: items, else the value).
 */
function boundParams(keyword: string, params: unknown): Record<string, string | number> | undefined {
  const p = (params ?? {}) as { minimum?: unknown; maximum?: unknown; origin?: unknown };
  const bound = keyword === 'too_small' ? p.minimum : keyword === 'too_big' ? p.maximum : undefined;
  if (typeof bound !== 'number' && typeof bound !== 'bigint') return undefined;
  return {
    [keyword === 'too_small' ? 'min' : 'max']: Number(bound),
    origin: typeof p.origin === 'string' ? p.origin : 'number',
  };
}

export function apiErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const part = err.validationContext ?? 'body';
    const issues: ApiIssue[] = err.validation.map((v) => {
      const message = friendly(v.message ?? 'is invalid', v.instancePath === '/' || v.instancePath === '');
      const params = refusalParams(v.params) ?? boundParams(v.keyword, v.params);
      return {
        path: fieldPath(part, v.instancePath),
        message,
        // A refusal a console words itself (the prescription's ZONE_ABOVE_CEILING, protocol's field checks
        // such as ZONE_LOW_NOT_BELOW_HIGH) keeps its own code; a missing value is `required`.
        code: refusalOf(v.params) ?? (message === 'is required' ? 'required' : v.keyword),
        ...(params ? { params } : {}),
      };
    });
    request.log.info({ code: 'ZW_ERR_VALIDATION', statusCode: 400 }, 'request refused');
    return reply.code(400).send(validationBody(issues));
  }
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    const ours = typeof err.code === 'string' && err.code.startsWith('ZW_ERR_');
    const code = ours ? err.code : 'ZW_ERR_BAD_REQUEST';
    request.log.info({ code, statusCode: status, cause: ours ? undefined : err.code }, 'request refused');
    const retryAfterS = (err as { retryAfterS?: unknown }).retryAfterS;
    if (typeof retryAfterS === 'number') reply.header('retry-after', String(retryAfterS));
    const issues = (err as { issues?: unknown }).issues;
    const body: ApiError = { error: code, message: err.message };
    if (Array.isArray(issues)) body.issues = issues as ApiIssue[];
    return reply.code(status).send(body);
  }
  request.log.error({ err }, 'request failed');
  const body: ApiError = { error: 'ZW_ERR_INTERNAL', message: 'internal error' };
  return reply.code(500).send(body);
}
