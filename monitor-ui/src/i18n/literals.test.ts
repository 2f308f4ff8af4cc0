import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSync, Visitor } from 'vite';
import { describe, expect, it } from 'vitest';
import { en } from './en.js';

const SRC = path.resolve(import.meta.dirname, '..');

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return files(p, ext);
    return ext.test(d.name) && !d.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Attributes a person reads (or a screen reader says): never a literal with words in it. */
const READ_ATTRS = new Set(['title', 'aria-label', 'placeholder', 'alt', 'label', 'aria-description']);
const HAS_WORDS = /\p{L}{2,}/u;

describe('every visible string goes through the dictionary', () => {
  const tsx = files(SRC, /\.tsx$/);

  it('finds the views', () => {
    expect(tsx.length).toBeGreaterThan(10);
  });

  it('no JSX text or readable attribute is a literal with words (brand name excepted)', () => {
    const found: string[] = [];
    for (const file of tsx) {
      const code = readFileSync(file, 'utf8');
      const ast = parseSync(file, code, { lang: 'tsx' });
      expect(ast.errors, file).toEqual([]);
      new Visitor({
        JSXText(n) {
          const text = n.value.trim();
          if (HAS_WORDS.test(text) && text !== 'zonewatch')
            found.push(`${path.relative(SRC, file)}: text "${text}"`);
        },
        JSXAttribute(n) {
          const name = n.name.type === 'JSXIdentifier' ? n.name.name : '';
          if (READ_ATTRS.has(name) && n.value?.type === 'Literal' && HAS_WORDS.test(String(n.value.value)))
            found.push(`${path.relative(SRC, file)}: ${name}="${n.value.value}"`);
        },
      }).visit(ast.program);
    }
    expect(found).toEqual([]);
  });

  it('every key passed to t() or <Msg k=…> exists', () => {
    const missing: string[] = [];
    for (const file of files(SRC, /\.tsx?$/)) {
      const code = readFileSync(file, 'utf8');
      for (const m of code.matchAll(/\bt\(\s*'([^']+)'|\bk="([^"]+)"/g)) {
        const key = m[1] ?? m[2] ?? '';
        if (!(key in en)) missing.push(`${path.relative(SRC, file)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every dictionary key is used somewhere (no dead strings to translate)', () => {
    const code = files(SRC, /\.tsx?$/)
      .filter((f) => !/[\\/]i18n[\\/](en|zh-CN)\.ts$/.test(f))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unused = Object.keys(en).filter((k) => !code.includes(`'${k}'`) && !code.includes(`"${k}"`));
    expect(unused).toEqual([]);
  });
});
