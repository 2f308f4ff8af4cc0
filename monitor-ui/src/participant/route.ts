/**
 * The participant page's place, all in the hash so the token never reaches a server log or a Referer:
 * `#<token>` (the overview) or `#<token>/s/<sessionId>` (one session).
 */
export type PRoute = { token: string; sessionId: string | null };

export function parsePRoute(hash: string): PRoute {
  const [token = '', s, id] = hash.replace(/^#\/?/, '').split('/');
  return { token: decodeURIComponent(token), sessionId: s === 's' && id ? decodeURIComponent(id) : null };
}

export function pHref(r: PRoute): string {
  const t = encodeURIComponent(r.token);
  return r.sessionId ? `#${t}/s/${encodeURIComponent(r.sessionId)}` : `#${t}`;
}
