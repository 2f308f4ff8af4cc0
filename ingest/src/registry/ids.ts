import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * A new random id `{prefix}-{16 base32 chars}` (80 bits), e.g. `al-k3v9q…`. It matches `[a-z0-9-]`, so it
 * is also valid where the wire format restricts ids (topics).
 */
export function newId(prefix: string): string {
  const bytes = randomBytes(16);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return `${prefix}-${out}`;
}
