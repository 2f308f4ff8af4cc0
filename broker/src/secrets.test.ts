import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, secretHashSchema, verifySecret } from './secrets.js';

describe('hashSecret / verifySecret', () => {
  it('round-trips and refuses a wrong secret', async () => {
    const hash = await hashSecret('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(await verifySecret('correct horse battery staple', hash)).toBe(true);
    expect(await verifySecret(Buffer.from('correct horse battery staple'), hash)).toBe(true);
    expect(await verifySecret('correct horse battery stapl', hash)).toBe(false);
    expect(await verifySecret('', hash)).toBe(false);
  });

  it('salts: the same secret hashes differently each time', async () => {
    const [a, b] = await Promise.all([hashSecret('same-secret-123'), hashSecret('same-secret-123')]);
    expect(a).not.toBe(b);
    expect(await verifySecret('same-secret-123', b)).toBe(true);
  });

  it('honours the parameters stored in the hash', async () => {
    const hash = await hashSecret('cheap-params-secret', { N: 1024, r: 1, p: 1 });
    expect(hash.startsWith('scrypt$1024$1$1$')).toBe(true);
    expect(await verifySecret('cheap-params-secret', hash)).toBe(true);
  });

  it('rejects empty and over-long secrets with ZW_ERR_SECRET_INPUT', async () => {
    await expect(hashSecret('')).rejects.toMatchObject({ code: 'ZW_ERR_SECRET_INPUT' });
    await expect(hashSecret('x'.repeat(1025))).rejects.toMatchObject({ code: 'ZW_ERR_SECRET_INPUT' });
  });

  it.each([
    ['not a hash', 'expected scrypt'],
    ['bcrypt$10$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', 'expected scrypt'],
    ['scrypt$1000$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', 'power of two'],
    ['scrypt$2097152$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', 'power of two'],
    ['scrypt$16384$64$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', 'r must'],
    ['scrypt$16384$8$1$***$aGFzaGhhc2hoYXNoaGFzaA==', 'base64'],
    ['scrypt$16384$8$1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==', 'salt must be at least 8 bytes'],
    ['scrypt$16384$8$1$c2FsdHNhbHQ=$c2hvcnQ=', 'hash must be'],
  ])('verifySecret throws ZW_ERR_SECRET_HASH on %s', async (hash, message) => {
    await expect(verifySecret('whatever', hash)).rejects.toMatchObject({
      code: 'ZW_ERR_SECRET_HASH',
      message: expect.stringContaining(message),
    });
    expect(secretHashSchema.safeParse(hash).success).toBe(false);
  });

  it('generates 256-bit url-safe secrets', () => {
    const s = generateSecret();
    expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(s);
  });
});
