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

describe('hole 7: sequence poisoning (SeqDeduper)', () => {
  it('one absurd seq takes one slot of the window and leaves with it; later seqs are new', () => {
    const d = new SeqDeduper(4);
    expect([1, 2, Number.MAX_SAFE_INTEGER, 3, 4].map((s) => d.check('a', s))).toEqual([
      'new',
      'new',
      'new',
      'new',
      'new',
    ]);
    // The window (4 seqs, by arrival) is now {2, max, 3, 4}.
    expect(d.check('a', 4)).toBe('duplicate');
    expect(d.check('a', 2)).toBe('duplicate');
    expect(d.check('a', 1)).toBe('stale'); // below everything the full window remembers
    expect(d.check('a', 5)).toBe('new');
    expect(d.check('a', 6)).toBe('new'); // {3, 4, 5, 6}
    // The poison has left the window: its seq would be new again, and nothing else is blocked.
    expect(d.check('a', Number.MAX_SAFE_INTEGER)).toBe('new');
  });
  it('a low seq alone is dropped as stale; a counter that restarts from below is followed after a few batches', () => {
    const d = new SeqDeduper(8, 3);
    for (let s = 1000; s < 1010; s++) d.check('a', s);
    expect(d.check('a', 0)).toBe('stale');
    expect(d.check('a', 1005)).toBe('duplicate');
    expect([1, 2, 3, 4].map((s) => d.check('a', s))).toEqual(['stale', 'stale', 'reset', 'new']);
    expect(d.check('a', 3)).toBe('duplicate');
    expect(d.check('b', 1)).toBe('new');
  });
  it('stale seqs that do not rise one after another never reset the window', () => {
    const d = new SeqDeduper(4, 2);
    for (let s = 100; s < 110; s++) d.check('a', s);
    expect([50, 40, 30, 20].map((s) => d.check('a', s))).toEqual(['stale', 'stale', 'stale', 'stale']);
    expect(d.check('a', 110)).toBe('new');
  });
  it('keeps the window minimum right over many evictions (out-of-order arrivals included)', () => {
    const d = new SeqDeduper(16);
    const seqs = Array.from({ length: 5000 }, (_, i) => i + ((i * 7919) % 5) - 2);
    const accepted = new Set<number>();
    for (const s of seqs) if (d.accept('a', s)) accepted.add(s);
    // Every distinct seq is accepted once (small reorderings stay within the window).
    expect(accepted.size).toBe(new Set(seqs).size);
    expect(d.accept('a', seqs.at(-1)!)).toBe(false);
  });
});
