/** One per-field reason of a 400; `code` and `params` let the console word coded refusals itself. */
export interface ApiErrorIssue {
  path: string;
  message: string;
  code?: string;
  params?: Readonly<Record<string, string | number>>;
}

/** An HTTP error with what the person needs to see: the status and the server's safe message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    /** Per-field reasons of a 400 (`path` dotted, starting with the request part: `body.alias`). */
    readonly issues: readonly ApiErrorIssue[] = [],
  ) {
    super(message);
  }
}

/** Called when the server says the session cookie is no longer valid (the app goes back to login). */
let unauthorized: () => void = () => {};
export function onUnauthorized(fn: () => void): void {
  unauthorized = fn;
}

/**
 * One JSON request to `/api{path}` with the session cookie. Errors become {@link ApiError}; status 0 means
 * the server could not be reached.
 */
export async function request(method: string, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { 'content-type': 'application/json', accept: 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (e) {
    throw new ApiError(0, e instanceof Error ? e.message : String(e));
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const o = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    const message = typeof o['message'] === 'string' ? o['message'] : res.statusText;
    // Error bodies are `{ error: 'ZW_ERR_…', message, issues? }` (protocol `apiErrorSchema`).
    const code = typeof o['error'] === 'string' ? o['error'] : null;
    const issues = Array.isArray(o['issues'])
      ? o['issues'].flatMap((i: unknown) => {
          const r = (i && typeof i === 'object' ? i : {}) as Record<string, unknown>;
          return typeof r['path'] === 'string' && typeof r['message'] === 'string'
            ? [
                {
                  path: r['path'],
                  message: r['message'],
                  ...(typeof r['code'] === 'string' ? { code: r['code'] } : {}),
                  ...(r['params'] && typeof r['params'] === 'object'
                    ? { params: r['params'] as Record<string, string | number> }
                    : {}),
                },
              ]
            : [];
        })
      : [];
    if (res.status === 401 && path !== '/auth/login') unauthorized();
    throw new ApiError(res.status, message, code, issues);
  }
  return data;
}

export const api = {
  get: (path: string) => request('GET', path),
  post: (path: string, body: unknown = {}) => request('POST', path, body),
  put: (path: string, body: unknown) => request('PUT', path, body),
  patch: (path: string, body: unknown) => request('PATCH', path, body),
  del: (path: string) => request('DELETE', path),
};

export const enc = encodeURIComponent;
