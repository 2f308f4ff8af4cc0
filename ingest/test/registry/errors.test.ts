import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codes, isRegistryError, translateDbError } from '../../src/registry/errors.js';

describe('registry errors', () => {
  it('documents every code with its HTTP status in registry/README.md', () => {
    const readme = readFileSync(new URL('../../src/registry/README.md', import.meta.url), 'utf8');
    for (const [code, Ctor] of Object.entries(codes)) {
      const err = new Ctor('x');
      expect(err.code).toBe(code);
      expect(err.statusCode).toBeGreaterThanOrEqual(400);
      expect(readme, `${code} missing from README.md`).toMatch(
        new RegExp(`\\| \`${code}\` +\\| ${err.statusCode} +\\|`),
      );
    }
  });

  it('translates driver errors keeping only SQLSTATE and names, never values or parameters', () => {
    const driver = Object.assign(new Error('new row for relation "x" violates check constraint'), {
      code: '23514',
      constraint: 'participant_clinical_age_range',
      detail: 'Failing row contains (p-1, Jane Doe, 1960-01-01, 400).',
      params: ['Jane Doe'],
      query: 'INSERT …',
    });
    const err = translateDbError(driver);
    expect(isRegistryError(err, 'ZW_ERR_INVALID_INPUT')).toBe(true);
    expect(err).toMatchObject({ message: 'Invalid input: age must be 0-130 years', sqlState: '23514' });
    const text = `${err.message} ${err.stack} ${JSON.stringify(err)}`;
    expect(text).not.toContain('Jane Doe');
    expect((err as { cause?: unknown }).cause).toBeUndefined();

    expect(translateDbError({ code: '23505', constraint: 'unlisted_key' })).toMatchObject({
      code: 'ZW_ERR_CONFLICT',
      message: 'Conflict: duplicate value (unlisted_key)',
    });
    expect(translateDbError({ code: '23502', column: 'name', table: 'sites' })).toMatchObject({
      message: 'Invalid input: name is required',
    });
    expect(translateDbError({ code: '40P01' })).toMatchObject({ code: 'ZW_ERR_CONFLICT' });
    expect(
      translateDbError({ code: '53300', message: 'too many connections for role "secret"' }),
    ).toMatchObject({
      code: 'ZW_ERR_DB',
      message: 'Database error (SQLSTATE 53300)',
      statusCode: 500,
    });
    const mine = new codes.ZW_ERR_NOT_FOUND('site x');
    expect(translateDbError(mine)).toBe(mine);
    const plain = new TypeError('bug');
    expect(translateDbError(plain)).toBe(plain);
    expect(isRegistryError(plain)).toBe(false);
  });
});

describe('test Postgres', () => {
  it('names the Debian package when the server binaries are missing', async () => {
    const { findPgBin } = await import('./pg-server.js');
    expect(() => findPgBin('/nonexistent/postgresql')).toThrow(/Debian package `postgresql`/);
    expect(findPgBin().version).toBeGreaterThanOrEqual(13);
  });
});
