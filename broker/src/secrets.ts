import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { codes } from './errors.js';

/**
 * scrypt cost parameters. N = 2^14, r = 8, p = 1 takes about 30 ms and 16 MiB per check on the reference
 * machine: cheap enough for a reconnect storm of a few hundred gateways, and ample for the random
 * 256-bit secrets `hash-secret --generate` produces (low-entropy passwords are not the threat model).
 */
export interface ScryptParams {
  /** CPU/memory cost, a power of two between 2^10 and 2^20. */
  N: number;
  /** Block size, 1-32. */
  r: number;
  /** Parallelisation, 1-16. */
  p: number;
}

export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 16384, r: 8, p: 1 });
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const MAX_SECRET_BYTES = 1024;

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses `scrypt$N$r$p$saltB64$hashB64`; returns an error message instead of throwing. */
function parseHash(encoded: string): ParsedHash | string {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return 'expected scrypt$N$r$p$saltB64$hashB64';
  const [, nS, rS, pS, saltS, hashS] = parts as [string, string, string, string, string, string];
  const N = Number(nS);
  const r = Number(rS);
  const p = Number(pS);
  // Bounds keep a tampered file from making every CONNECT burn seconds or gigabytes.
  if (!Number.isInteger(N) || N < 1024 || N > 1048576 || (N & (N - 1)) !== 0) {
    return 'N must be a power of two between 1024 and 1048576';
  }
  if (!Number.isInteger(r) || r < 1 || r > 32) return 'r must be an integer 1-32';
  if (!Number.isInteger(p) || p < 1 || p > 16) return 'p must be an integer 1-16';
  if (!B64.test(saltS) || !B64.test(hashS)) return 'salt and hash must be base64';
  const salt = Buffer.from(saltS, 'base64');
  const hash = Buffer.from(hashS, 'base64');
  if (salt.length < 8) return 'salt must be at least 8 bytes';
  if (hash.length < 16 || hash.length > 128) return 'hash must be 16-128 bytes';
  return { N, r, p, salt, hash };
}

/** zod schema of a stored secret hash, for provisioning files and registries that keep them. */
export const secretHashSchema = z.string().superRefine((value, ctx) => {
  const parsed = parseHash(value);
  if (typeof parsed === 'string')
    ctx.addIssue({ code: 'custom', message: `malformed secret hash: ${parsed}` });
});

function derive(secret: Buffer, salt: Buffer, keyLen: number, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs 128 * N * r bytes; give it twice that so the default 32 MiB maxmem never trips.
    const maxmem = 256 * params.N * params.r + 1024 * 1024;
    scrypt(secret, salt, keyLen, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

function toBuffer(secret: string | Buffer): Buffer {
  return typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
}

/**
 * Hashes a gateway or service secret with scrypt and a random 16-byte salt.
 * @returns `scrypt$N$r$p$saltB64$hashB64`, safe to store in a provisioning file or registry.
 * @throws ZW_ERR_SECRET_INPUT when the secret is empty or longer than 1024 bytes.
 */
export async function hashSecret(
  secret: string | Buffer,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<string> {
  const buf = toBuffer(secret);
  if (buf.length === 0) throw new codes.ZW_ERR_SECRET_INPUT('secret is empty');
  if (buf.length > MAX_SECRET_BYTES)
    throw new codes.ZW_ERR_SECRET_INPUT(`longer than ${MAX_SECRET_BYTES} bytes`);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(buf, salt, KEY_BYTES, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Checks a secret against a hash made by {@link hashSecret}, in constant time.
 * @returns false for a wrong, empty or over-long secret.
 * @throws ZW_ERR_SECRET_HASH when `encoded` is malformed (a provisioning error, not a wrong password).
 */
export async function verifySecret(secret: string | Buffer, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (typeof parsed === 'string') throw new codes.ZW_ERR_SECRET_HASH(parsed);
  const buf = toBuffer(secret);
  if (buf.length === 0 || buf.length > MAX_SECRET_BYTES) return false;
  const key = await derive(buf, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(key, parsed.hash);
}

/** A random secret for a new gateway: 32 bytes, base64url (43 characters). */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}
