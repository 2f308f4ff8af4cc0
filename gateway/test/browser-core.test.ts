import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');
/** Packages the browser entry may import at run time (type-only imports are erased and not checked). */
const BROWSER_SAFE = new Set(['@zonewatch/protocol', 'zod']);

/** Every run-time import of `file` and the relative files it reaches, transitively. */
async function runtimeImports(file: string, seen = new Set<string>()): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (seen.has(file)) return found;
  seen.add(file);
  const text = await readFile(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
    const spec = m[1]!;
    if (spec.startsWith('.')) {
      const next = path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'));
      for (const [k, v] of await runtimeImports(next, seen)) found.set(k, v);
    } else found.set(spec, path.relative(SRC, file));
  }
  return found;
}

describe('@zonewatch/gateway/browser (issue 17: one gateway core for Node and the phone)', () => {
  it('reaches no Node-only module at run time', async () => {
    const imports = await runtimeImports(path.join(SRC, 'browser.ts'));
    const bad = [...imports].filter(([spec]) => !BROWSER_SAFE.has(spec)).map(([s, f]) => `${s} (from ${f})`);
    expect(bad).toEqual([]);
    expect(imports.has('@zonewatch/protocol')).toBe(true);
  });

  it('is the core the Node gateway runs', async () => {
    const node = await readFile(path.join(SRC, 'gateway.ts'), 'utf8');
    expect(node).toMatch(/return createGatewayCore\(config,/);
  });
});
