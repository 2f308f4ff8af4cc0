import { describe, expect, it } from 'vitest';
import { SeqDeduper } from '../src/mqtt/dedupe.js';

describe('SeqDeduper', () => {
  it('accepts each (gateway, seq) once, per gateway', () => {
    const d = new SeqDeduper(8);
    expect([1, 2, 2, 3, 1].map((s) => d.accept('a', s))).toEqual([true, true, false, true, false]);
    expect(d.accept('b', 2)).toBe(true);
  });
  it('treats seqs older than the window as already seen', () => {
    const d = new SeqDeduper(4);
    for (let s = 0; s < 20; s++) d.accept('a', s);
    expect(d.accept('a', 10)).toBe(false);
    expect(d.accept('a', 20)).toBe(true);
  });
});
