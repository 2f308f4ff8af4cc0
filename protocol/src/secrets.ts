/**
 * The one scrypt codec of zonewatch: `scrypt$N$r$p$saltB64$hashB64`, written by the registry (people's
 * passwords, gateway MQTT secrets) and read by the broker (gateway and service logins). Node-only (node:crypto):
 * import it as `@zonewatch/protocol/secrets`, never from the package's main entry, which the browser bundle
 * imports. It reports problems as reasons; each package raises them as its own `ZW_ERR_*` code.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** scrypt cost parameters; encoded in every hash, so they can be raised without invalidating old hashes. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two between 2^10 and 2^20. */
  N: number;
  /** Block size, 1-32. */
  r: number;
  /** Parallelisation, 1-16. */
  p: number;
}

/** A parsed hash: its parameters, salt and derived key. */
export interface ParsedScryptHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

/** Longest secret or password accepted (bytes of UTF-8). */
export const MAX_SECRET_BYTES = 1024;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Why `params` are out of range, or undefined. Bounds keep a tampered hash from costing seconds or gigabytes. */
export function checkScryptParams({ N, r, p }: ScryptParams): string | undefined {
  if (!Number.isInteger(N) || N < 1024 || N > 1_048_576 || (N & (N - 1)) !== 0) {
    return 'N must be a power of two between 1024 and 1048576';
  }
  if (!Number.isInteger(r) || r < 1 || r > 32) return 'r must be an integer 1-32';
  if (!Number.isInteger(p) || p < 1 || p > 16) return 'p must be an integer 1-16';
  return undefined;
}

/** Parses `scrypt$N$r$p$saltB64$hashB64`; returns the reason instead of throwing. */
export function parseScryptHash(encoded: string): ParsedScryptHash | string {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return 'expected scrypt$N$r$p$saltB64$hashB64';
  const [, nS, rS, pS, saltS, hashS] = parts as [string, string, string, string, string, string];
  const params = { N: Number(nS), r: Number(rS), p: Number(pS) };
  const bad = checkScryptParams(params);
  if (bad) return bad;
  if (!B64.test(saltS) || !B64.test(hashS)) return 'salt and hash must be base64';
  const salt = Buffer.from(saltS, 'base64');
  const hash = Buffer.from(hashS, 'base64');
  if (salt.length < 8) return 'salt must be at least 8 bytes';
  if (hash.length < 16 || hash.length > 128) return 'hash must be 16-128 bytes';
  return { ...params, salt, hash };
}

/** zod schema of a stored hash (provisioning files, registries). */
export const scryptHashSchema = z.string().superRefine((value, ctx) => {
  const parsed = parseScryptHash(value);
  if (typeof parsed === 'string')
    ctx.addIssue({ code: 'custom', message: `malformed secret hash: ${parsed}` });
});

/** The UTF-8 bytes of a secret. */
export function secretBytes(secret: string | Buffer): Buffer {
  return typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
}

/** Why a secret cannot be hashed (`is empty`, `is longer than 1024 bytes`), or undefined. */
export function secretInputProblem(bytes: Buffer): string | undefined {
  if (bytes.length === 0) return 'is empty';
  if (bytes.length > MAX_SECRET_BYTES) return `is longer than ${MAX_SECRET_BYTES} bytes`;
  return undefined;
}

function derive(secret: Buffer, salt: Buffer, keyLen: number, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs 128 · N · r bytes (plus p blocks); Node's default maxmem of 32 MiB would refuse N = 2^16.
    const maxmem = 128 * params.N * params.r * 2 + 128 * params.r * params.p + 1024 * 1024;
    scrypt(secret, salt, keyLen, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/**
 * Hashes `bytes` with a random 16-byte salt. The caller has checked {@link secretInputProblem} and
 * {@link checkScryptParams} (and raised its own error code).
 * @returns `scrypt$N$r$p$saltB64$hashB64`.
 */
export async function encodeScryptHash(bytes: Buffer, params: ScryptParams): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(bytes, salt, KEY_BYTES, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether `bytes` match a parsed hash, compared in constant time; false for an empty or over-long secret. */
export async function matchesScryptHash(bytes: Buffer, parsed: ParsedScryptHash): Promise<boolean> {
  if (secretInputProblem(bytes)) return false;
  const key = await derive(bytes, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(key, parsed.hash);
}

/** A random secret: `bytes` random bytes as base64url (32 bytes → 43 characters). */
export function randomSecret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
