import { describe, expect, it } from 'vitest';
import { participant } from './fixtures.js';
import { appendPoint, EMPTY_TRACE } from './trace.js';

describe('rolling trace', () => {
  it('keeps the last window, drops repeats, and stores non-live values as gaps', () => {
    let tr = EMPTY_TRACE;
    for (let s = 0; s < 20; s++) tr = appendPoint(tr, s * 1000, participant('p', { hr: 100 + s }), 10_000);
    expect(tr.t).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(tr.hr[0]).toBe(109);
    expect(appendPoint(tr, 19_000, participant('p'), 10_000)).toBe(tr);
    const gap = appendPoint(tr, 20_000, participant('p', { freshness: 'stale' }), 10_000);
    expect(gap.hr[gap.hr.length - 1]).toBeNull();
    expect(gap.spo2[gap.spo2.length - 1]).toBeNull();
  });
});
