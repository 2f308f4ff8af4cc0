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

export function apiErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const part = err.validationContext ?? 'body';
    const issues: ApiIssue[] = err.validation.map((v) => ({
      path: fieldPath(part, v.instancePath),
      message: friendly(v.message ?? 'is invalid', v.instancePath === '/' || v.instancePath === ''),
      // A refusal a console words itself (e.g. the prescription's ZONE_ABOVE_CEILING) keeps its own code.
      code: refusalOf(v.params) ?? v.keyword,
      ...(refusalParams(v.params) ? { params: refusalParams(v.params) } : {}),
    }));
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
