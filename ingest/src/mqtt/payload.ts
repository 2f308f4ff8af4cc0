import type { z } from 'zod';

/**
 * Why a payload was rejected, in words that never quote it: parser messages do (V8's JSON.parse says
 * `Unexpected token 'D', "DE:AD:BE:E"... is not valid JSON`; zod names unrecognized keys), and payloads are
 * health data (device ids, values), so logs get this code instead.
 */
export type RejectReason = 'not_json' | 'schema' | 'gateway_mismatch';

export type Decoded<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      reason: RejectReason;
      /** Up to 5 failing fields as `path:zodIssueCode`; paths and codes come from the schema, not the payload. */
      fields?: string[];
    };

const MAX_FIELDS = 5;

/** bytes → JSON → schema, without throwing and without keeping any parser text. */
export function decodePayload<T>(schema: z.ZodType<T>, payload: Uint8Array): Decoded<T> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return { ok: false, reason: 'not_json' };
  }
  const r = schema.safeParse(json);
  if (r.success) return { ok: true, value: r.data };
  // Every schema here is strict objects and arrays: a path is schema keys and array indexes only
  // (unrecognized keys are reported on their parent's path, their names only in the message).
  const fields = r.error.issues
    .slice(0, MAX_FIELDS)
    .map(
      (i) =>
        `${i.path.length ? i.path.map((p) => (typeof p === 'symbol' ? '?' : p)).join('.') : '(root)'}:${i.code}`,
    );
  return { ok: false, reason: 'schema', fields };
}

/**
 * Logs a rejection the first time and then every 100th time per (gateway, reason), so a gateway sending
 * garbage cannot flood the log; each line carries `occurrences`. Remembers at most 10,000 keys.
 */
export function createRejectionLog(): (key: string) => number | undefined {
  const counts = new Map<string, number>();
  return (key) => {
    if (!counts.has(key) && counts.size >= 10_000) counts.clear();
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    return n === 1 || n % 100 === 0 ? n : undefined;
  };
}
