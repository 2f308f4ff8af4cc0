/**
 * The one cross-origin rule of the REST API and the live channel (CSRF and cross-site WebSocket hijacking,
 * issue 13 hole 3). A browser sends `Origin` with every cross-origin request and every WebSocket handshake;
 * a page on a sibling origin the browser treats as same-site still gets the SameSite=Lax session cookie
 * sent, so the origin itself must be checked. A request is foreign when it carries an `Origin` that is
 * neither the host it was sent to (the console's own origin) nor one of the configured `allowed` origins.
 * No `Origin` is not foreign: browsers always send one where it matters; API clients and tests send none.
 */

/** The request's `Origin` when it is foreign (to name it in a refusal), else undefined. */
export function foreignOrigin(
  origin: string | string[] | undefined,
  host: string | undefined,
  allowed: readonly string[],
): string | undefined {
  const value = Array.isArray(origin) ? origin.join(',') : origin;
  if (!value) return undefined;
  if (allowed.includes(value)) return undefined;
  let originHost: string;
  try {
    originHost = new URL(value).host;
  } catch {
    return value;
  }
  return host !== undefined && originHost === host.toLowerCase() ? undefined : value;
}
