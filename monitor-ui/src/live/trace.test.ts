import { describe, expect, it } from 'vitest';
import { participant } from './fixtures.js';
import { appendPoint, EMPTY_TRACE, rollingRange } from './trace.js';

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

describe('rolling chart range', () => {
  it('shows what there is (at least a minute) until the window is full, then slides', () => {
    expect(rollingRange(1_000, 1_010, 600)).toEqual([950, 1_010]);
    expect(rollingRange(1_000, 1_300, 600)).toEqual([1_000, 1_300]);
    expect(rollingRange(1_000, 2_000, 600)).toEqual([1_400, 2_000]);
    expect(rollingRange(null, null, 600)).toEqual([-60, 0]);
  });
});
