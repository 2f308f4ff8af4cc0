import {
  checkScryptParams,
  encodeScryptHash,
  matchesScryptHash,
  parseScryptHash,
  randomSecret,
  type ScryptParams,
  scryptHashSchema,
  secretBytes,
  secretInputProblem,
} from '@zonewatch/protocol/secrets';
import { codes } from './errors.js';

export type { ScryptParams };

/**
 * scrypt cost parameters. N = 2^14, r = 8, p = 1 takes about 30 ms and 16 MiB per check on the reference
 * machine: cheap enough for a reconnect storm of a few hundred gateways, and ample for the random
 * 256-bit secrets `hash-secret --generate` produces (low-entropy passwords are not the threat model).
 */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 16384, r: 8, p: 1 });

/** zod schema of a stored secret hash, for provisioning files and registries that keep them. */
export const secretHashSchema = scryptHashSchema;

/**
 * Hashes a gateway or service secret with scrypt and a random 16-byte salt (the codec of
 * `@zonewatch/protocol/secrets`, shared with the registry).
 * @returns `scrypt$N$r$p$saltB64$hashB64`, safe to store in a provisioning file or registry.
 * @throws ZW_ERR_SECRET_INPUT when the secret is empty or longer than 1024 bytes, or the params are out of range.
 */
export async function hashSecret(
  secret: string | Buffer,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<string> {
  const buf = secretBytes(secret);
  const bad = secretInputProblem(buf);
  if (bad) throw new codes.ZW_ERR_SECRET_INPUT(`secret ${bad}`);
  const badParams = checkScryptParams(params);
  if (badParams) throw new codes.ZW_ERR_SECRET_INPUT(`scrypt params: ${badParams}`);
  return encodeScryptHash(buf, params);
}

/**
 * Checks a secret against a hash made by {@link hashSecret}, in constant time.
 * @returns false for a wrong, empty or over-long secret.
 * @throws ZW_ERR_SECRET_HASH when `encoded` is malformed (a provisioning error, not a wrong password).
 */
export async function verifySecret(secret: string | Buffer, encoded: string): Promise<boolean> {
  const parsed = parseScryptHash(encoded);
  if (typeof parsed === 'string') throw new codes.ZW_ERR_SECRET_HASH(parsed);
  return matchesScryptHash(secretBytes(secret), parsed);
}

/** A random secret for a new gateway: 32 bytes, base64url (43 characters). */
export function generateSecret(): string {
  return randomSecret(32);
}
