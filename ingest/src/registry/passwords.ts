import {
  checkScryptParams,
  encodeScryptHash,
  matchesScryptHash,
  parseScryptHash,
  randomSecret,
  type ScryptParams,
  secretBytes,
  secretInputProblem,
} from '@zonewatch/protocol/secrets';
import { codes } from './errors.js';

export type { ScryptParams };

/**
 * Defaults for people's passwords: N = 2^16, r = 8, p = 2 — one of the OWASP scrypt settings (64 MiB per
 * hash, about 0.25 s on the reference machine), memory-hard against GPU guessing of human-chosen passwords.
 */
export const DEFAULT_PASSWORD_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 65_536, r: 8, p: 2 });

/**
 * For machine secrets (gateway MQTT secrets: 256 random bits) — the broker's default, cheap enough for a
 * reconnect storm. The codec (`@zonewatch/protocol/secrets`) is the broker's, so it verifies these hashes.
 */
export const SECRET_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 16_384, r: 8, p: 1 });

/** Passwords shorter than this are refused by the registry's user functions. */
export const MIN_PASSWORD_LENGTH = 10;

/** True when `encoded` is a well-formed scrypt hash string. */
export function isPasswordHash(encoded: string): boolean {
  return typeof parseScryptHash(encoded) !== 'string';
}

/**
 * Hashes a password (or machine secret) with scrypt and a random 16-byte salt.
 * @returns `scrypt$N$r$p$saltB64$hashB64`.
 * @throws ZW_ERR_INVALID_INPUT when the password is empty or longer than 1024 bytes, or the params are out of range.
 */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_PASSWORD_PARAMS,
): Promise<string> {
  const buf = secretBytes(password);
  const bad = secretInputProblem(buf);
  if (bad) throw new codes.ZW_ERR_INVALID_INPUT(`password ${bad}`);
  const badParams = checkScryptParams(params);
  if (badParams) throw new codes.ZW_ERR_INVALID_INPUT(`scrypt params: ${badParams}`);
  return encodeScryptHash(buf, params);
}

/**
 * Checks a password against a hash from {@link hashPassword}; the comparison is constant-time.
 * @returns false for a wrong, empty or over-long password.
 * @throws ZW_ERR_PASSWORD_HASH when `encoded` is malformed (stored data is damaged — not a wrong password).
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseScryptHash(encoded);
  if (typeof parsed === 'string') throw new codes.ZW_ERR_PASSWORD_HASH(parsed);
  return matchesScryptHash(secretBytes(password), parsed);
}

/** True when a stored hash used other cost parameters than `params` (re-hash it at the next login). */
export function needsRehash(encoded: string, params: ScryptParams = DEFAULT_PASSWORD_PARAMS): boolean {
  const parsed = parseScryptHash(encoded);
  return (
    typeof parsed === 'string' || parsed.N !== params.N || parsed.r !== params.r || parsed.p !== params.p
  );
}

/** A random password or secret: `bytes` random bytes as base64url (default 15 bytes → 20 characters). */
export function generatePassword(bytes = 15): string {
  return randomSecret(bytes);
}
