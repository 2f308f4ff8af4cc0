import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PASSWORD_PARAMS,
  generatePassword,
  hashPassword,
  isPasswordHash,
  needsRehash,
  SECRET_PARAMS,
  verifyPassword,
} from '../../src/registry/passwords.js';

describe('passwords', () => {
  it('hashes with memory-hard scrypt defaults and a random salt; verifies in constant time', async () => {
    const h1 = await hashPassword('correct horse battery');
    const h2 = await hashPassword('correct horse battery');
    expect(h1).toMatch(/^scrypt\$65536\$8\$2\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(h1).not.toBe(h2);
    // 128 · N · r bytes: at least 64 MiB per guess.
    expect(128 * DEFAULT_PASSWORD_PARAMS.N * DEFAULT_PASSWORD_PARAMS.r).toBeGreaterThanOrEqual(
      64 * 1024 * 1024,
    );
    expect(await verifyPassword('correct horse battery', h1)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h1)).toBe(false);
    expect(await verifyPassword('', h1)).toBe(false);
    expect(await verifyPassword('x'.repeat(2000), h1)).toBe(false);
    expect(isPasswordHash(h1)).toBe(true);
    expect(needsRehash(h1)).toBe(false);
    expect(needsRehash(h1, SECRET_PARAMS)).toBe(true);
  });

  it('refuses empty and over-long passwords, bad params and malformed hashes with typed errors', async () => {
    await expect(hashPassword('')).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_INPUT' });
    await expect(hashPassword('x'.repeat(1025))).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_INPUT' });
    await expect(hashPassword('long enough', { N: 1000, r: 8, p: 1 })).rejects.toMatchObject({
      code: 'ZW_ERR_INVALID_INPUT',
      message: expect.stringContaining('power of two'),
    });
    for (const bad of [
      'plain',
      'scrypt$1024$8$1$c2FsdA==',
      'scrypt$4194304$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==',
    ]) {
      expect(isPasswordHash(bad)).toBe(false);
      expect(needsRehash(bad)).toBe(true);
      await expect(verifyPassword('x', bad)).rejects.toMatchObject({
        code: 'ZW_ERR_PASSWORD_HASH',
        statusCode: 500,
      });
    }
  });

  it('generates random URL-safe passwords', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(generatePassword(32)).toHaveLength(43);
    expect(new Set(Array.from({ length: 50 }, () => generatePassword())).size).toBe(50);
  });

  // Gateway secrets are stored by the registry and checked by the broker: both must read one format.
  const brokerSecrets = new URL('../../../broker/src/secrets.ts', import.meta.url);
  it.runIf(existsSync(brokerSecrets))(
    'hashes are interchangeable with the broker’s hashSecret/verifySecret',
    async () => {
      const broker = (await import(brokerSecrets.href)) as {
        hashSecret(s: string): Promise<string>;
        verifySecret(s: string, h: string): Promise<boolean>;
      };
      const secret = generatePassword(32);
      expect(await broker.verifySecret(secret, await hashPassword(secret, SECRET_PARAMS))).toBe(true);
      expect(await verifyPassword(secret, await broker.hashSecret(secret))).toBe(true);
      expect(await verifyPassword(`${secret}x`, await broker.hashSecret(secret))).toBe(false);
    },
  );
});
