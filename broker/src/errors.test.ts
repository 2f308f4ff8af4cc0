import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { codes } from './errors.js';

describe('error registry', () => {
  it('every code is ZW_ERR_*, matches its key and is documented in broker/README.md', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    for (const [key, ErrorClass] of Object.entries(codes)) {
      expect(key).toMatch(/^ZW_ERR_[A-Z_]+$/);
      const Ctor = ErrorClass as unknown as new (...args: unknown[]) => { code: string };
      expect(new Ctor('a', 'b').code).toBe(key);
      expect(readme, `${key} missing from broker/README.md`).toMatch(new RegExp(`\\| \`${key}\` +\\|`));
    }
  });
});
