import { describe, expect, it } from 'vitest';
import { backoff } from '../src/gateway.js';

describe('backoff', () => {
  it('doubles from the minimum up to the maximum, with half of each delay random', () => {
    const lo = (a: number) => backoff(a, 500, 30_000, () => 0);
    const hi = (a: number) => backoff(a, 500, 30_000, () => 0.999_999);
    expect([0, 1, 2, 3].map(lo)).toEqual([250, 500, 1000, 2000]);
    expect([0, 1, 2, 3].map(hi)).toEqual([500, 1000, 2000, 4000]);
    expect(lo(50)).toBe(15_000);
    expect(hi(1000)).toBe(30_000);
  });
});
