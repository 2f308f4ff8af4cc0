import {
  type MeSessionDetail,
  type MeView,
  meSessionDetailSchema,
  meViewSchema,
  PARTICIPANT_LINK_HEADER,
} from '@zonewatch/protocol';

/**
 * What the participant's phone reads with its link (`/api/me…`, token in `x-zw-link`). The last figures
 * shown are kept on the phone (localStorage, per link) so the page opens offline; a refused link drops them.
 */
export type Refusal = 'expired' | 'revoked' | 'invalid';
export type Loaded<T> =
  | { kind: 'ok'; data: T }
  | { kind: 'offline'; data: T; savedAt: number }
  | { kind: 'refused'; why: Refusal }
  | { kind: 'failed' };

const PREFIX = 'zw.p.cache.';
/** Cache keys name a link by a short prefix of its token (enough to tell two links on one phone apart). */
const keyOf = (token: string, what: string) => `${PREFIX}${token.slice(0, 12)}.${what}`;

function save(key: string, data: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify({ savedAt: Date.now(), data }));
  } catch {
    // Storage full or private mode: the page still works online.
  }
}

function saved(key: string): { savedAt: number; data: unknown } | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as { savedAt: number; data: unknown }) : null;
  } catch {
    return null;
  }
}

/** Drops everything kept for a link (it was refused). */
export function forget(token: string): void {
  try {
    const mine = keyOf(token, '');
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const k = localStorage.key(i);
      if (k?.startsWith(mine)) localStorage.removeItem(k);
    }
  } catch {
    // Nothing kept.
  }
}

const REFUSALS: Record<string, Refusal> = {
  ZW_ERR_LINK_EXPIRED: 'expired',
  ZW_ERR_LINK_REVOKED: 'revoked',
  ZW_ERR_LINK_INVALID: 'invalid',
};

async function load<T>(
  token: string,
  path: string,
  what: string,
  parse: (v: unknown) => T,
): Promise<Loaded<T>> {
  const key = keyOf(token, what);
  let res: Response;
  try {
    res = await fetch(`/api${path}`, { headers: { [PARTICIPANT_LINK_HEADER]: token }, cache: 'no-store' });
  } catch {
    const s = saved(key);
    if (!s) return { kind: 'failed' };
    try {
      return { kind: 'offline', data: parse(s.data), savedAt: s.savedAt };
    } catch {
      return { kind: 'failed' };
    }
  }
  if (res.ok) {
    const data = parse(await res.json());
    save(key, data);
    return { kind: 'ok', data };
  }
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  const why = body.error ? REFUSALS[body.error] : undefined;
  if (why) {
    forget(token);
    return { kind: 'refused', why };
  }
  return { kind: 'failed' };
}

export const loadView = (token: string): Promise<Loaded<MeView>> =>
  load(token, '/me', 'view', (v) => meViewSchema.parse(v));

export const loadSession = (token: string, sessionId: string): Promise<Loaded<MeSessionDetail>> =>
  load(token, `/me/sessions/${encodeURIComponent(sessionId)}`, `s.${sessionId}`, (v) =>
    meSessionDetailSchema.parse(v),
  );

/** Downloads the session report PDF (the link goes in a header, so not a plain anchor). */
export async function downloadPdf(token: string, sessionId: string, lang: string): Promise<boolean> {
  try {
    const res = await fetch(
      `/api/me/sessions/${encodeURIComponent(sessionId)}/report.pdf?lang=${encodeURIComponent(lang)}`,
      { headers: { [PARTICIPANT_LINK_HEADER]: token } },
    );
    if (!res.ok) return false;
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `session-${sessionId}.pdf`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return true;
  } catch {
    return false;
  }
}
