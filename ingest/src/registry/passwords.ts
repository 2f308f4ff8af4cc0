import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { codes } from './errors.js';

/** scrypt cost parameters; encoded in every hash so they can be raised without invalidating old hashes. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two between 2^10 and 2^20. */
  N: number;
  /** Block size, 1-32. */
  r: number;
  /** Parallelisation, 1-16. */
  p: number;
}

/**
 * Defaults for people's passwords: N = 2^16, r = 8, p = 2 — one of the OWASP scrypt settings (64 MiB per
 * hash, about 0.25 s on the reference machine), memory-hard against GPU guessing of human-chosen passwords.
 */
export const DEFAULT_PASSWORD_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 65_536, r: 8, p: 2 });

/**
 * For machine secrets (gateway MQTT secrets: 256 random bits) — the broker's default, cheap enough for a
 * reconnect storm. Hashes have the broker's format, so its `verifySecret` accepts them.
 */
export const SECRET_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 16_384, r: 8, p: 1 });

/** Passwords shorter than this are refused by the registry's user functions. */
export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_BYTES = 1024;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

interface Parsed extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

/** Parses `scrypt$N$r$p$saltB64$hashB64` (the broker's format); returns the reason instead of throwing. */
function parse(encoded: string): Parsed | string {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return 'expected scrypt$N$r$p$saltB64$hashB64';
  const [, nS, rS, pS, saltS, hashS] = parts as [string, string, string, string, string, string];
  const params = { N: Number(nS), r: Number(rS), p: Number(pS) };
  const bad = checkParams(params);
  if (bad) return bad;
  if (!B64.test(saltS) || !B64.test(hashS)) return 'salt and hash must be base64';
  const salt = Buffer.from(saltS, 'base64');
  const hash = Buffer.from(hashS, 'base64');
  if (salt.length < 8) return 'salt must be at least 8 bytes';
  if (hash.length < 16 || hash.length > 128) return 'hash must be 16-128 bytes';
  return { ...params, salt, hash };
}

// Bounds keep a tampered row from making each login burn seconds or gigabytes.
function checkParams({ N, r, p }: ScryptParams): string | undefined {
  if (!Number.isInteger(N) || N < 1024 || N > 1_048_576 || (N & (N - 1)) !== 0) {
    return 'N must be a power of two between 1024 and 1048576';
  }
  if (!Number.isInteger(r) || r < 1 || r > 32) return 'r must be an integer 1-32';
  if (!Number.isInteger(p) || p < 1 || p > 16) return 'p must be an integer 1-16';
  return undefined;
}

function derive(secret: Buffer, salt: Buffer, keyLen: number, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs 128 * N * r bytes (plus p blocks); Node's default maxmem of 32 MiB would refuse N = 2^16.
    const maxmem = 128 * params.N * params.r * 2 + 128 * params.r * params.p + 1024 * 1024;
    scrypt(secret, salt, keyLen, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** True when `encoded` is a well-formed scrypt hash string. */
export function isPasswordHash(encoded: string): boolean {
  return typeof parse(encoded) !== 'string';
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
  const buf = Buffer.from(password, 'utf8');
  if (buf.length === 0) throw new codes.ZW_ERR_INVALID_INPUT('password is empty');
  if (buf.length > MAX_PASSWORD_BYTES) {
    throw new codes.ZW_ERR_INVALID_INPUT(`password is longer than ${MAX_PASSWORD_BYTES} bytes`);
  }
  const bad = checkParams(params);
  if (bad) throw new codes.ZW_ERR_INVALID_INPUT(`scrypt params: ${bad}`);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(buf, salt, KEY_BYTES, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Checks a password against a hash from {@link hashPassword}; the comparison is constant-time.
 * @returns false for a wrong, empty or over-long password.
 * @throws ZW_ERR_PASSWORD_HASH when `encoded` is malformed (stored data is damaged — not a wrong password).
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (typeof parsed === 'string') throw new codes.ZW_ERR_PASSWORD_HASH(parsed);
  const buf = Buffer.from(password, 'utf8');
  if (buf.length === 0 || buf.length > MAX_PASSWORD_BYTES) return false;
  const key = await derive(buf, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(key, parsed.hash);
}

/** True when a stored hash used other cost parameters than `params` (re-hash it at the next login). */
export function needsRehash(encoded: string, params: ScryptParams = DEFAULT_PASSWORD_PARAMS): boolean {
  const parsed = parse(encoded);
  return (
    typeof parsed === 'string' || parsed.N !== params.N || parsed.r !== params.r || parsed.p !== params.p
  );
}

/** A random password or secret: `bytes` random bytes as base64url (default 15 bytes → 20 characters). */
export function generatePassword(bytes = 15): string {
  return randomBytes(bytes).toString('base64url');
}
