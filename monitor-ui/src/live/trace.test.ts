import { describe, expect, it } from 'vitest';
import { participant } from './fixtures.js';
import { appendPoint, backfill, EMPTY_TRACE, rollingRange, TraceStore } from './trace.js';

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

describe('backfill of a chart opened mid-session', () => {
  it("puts the server's older points in front, inside the window, and keeps what the frames brought", () => {
    const fromFrames = appendPoint(EMPTY_TRACE, 100_000, participant('p', { hr: 120 }));
    const server = [
      { at: 10_000, hr: 90, spo2: null }, // outside a 60 s window ending at 101 s
      { at: 50_000, hr: 110, spo2: 97 },
      { at: 45_000, hr: 105, spo2: null },
      { at: 100_000, hr: 999, spo2: null }, // the frames' own time: theirs wins
    ];
    const tr = backfill(fromFrames, server, 101_000, 60_000);
    expect(tr.t).toEqual([45, 50, 100]);
    expect(tr.hr).toEqual([105, 110, 120]);
    expect(tr.spo2).toEqual([null, 97, fromFrames.spo2[0]]);
    expect(backfill(EMPTY_TRACE, [], 0)).toBe(EMPTY_TRACE);
  });
});

describe("backfill keeps each bucket's extremes (issue 14)", () => {
  it("a 5-s mean that flattens a spike still carries the spike's peak, so the chart reaches it", () => {
    const server = [
      { at: 40_000, hr: 122, spo2: null, hrMin: 120, hrMax: 124 },
      { at: 45_000, hr: 132.8, spo2: null, hrMin: 120, hrMax: 163 },
      { at: 50_000, hr: 126, spo2: null }, // an older server: the mean stands in for the extremes
    ];
    const fromFrames = appendPoint(EMPTY_TRACE, 55_000, participant('p', { hr: 127 }));
    const tr = backfill(fromFrames, server, 56_000, 60_000);
    expect(tr.hr).toEqual([122, 132.8, 126, 127]);
    expect(tr.hrMax).toEqual([124, 163, 126, 127]);
    expect(tr.hrMin).toEqual([120, 120, 126, 127]);
    expect(Math.max(...tr.hrMax.map((v) => v ?? 0))).toBe(163);
    // The store gives the extremes back with the rest.
    const store = new TraceStore();
    store.remember('s', new Map([['p', tr]]));
    expect(store.recall('s', 56_000, 60_000).get('p')?.hrMax).toEqual([124, 163, 126, 127]);
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

describe('TraceStore', () => {
  const live = { hr: 100, spo2: 97, freshness: 'live' as const };
  it('gives back what a live view received, without points that left the window', () => {
    const store = new TraceStore();
    let tr = EMPTY_TRACE;
    for (let s = 0; s <= 700; s += 100) tr = appendPoint(tr, s * 1000, live);
    store.remember('s-1', new Map([['p-1', tr]]));
    const back = store.recall('s-1', 700_000, 600_000).get('p-1');
    expect(back?.t).toEqual([100, 200, 300, 400, 500, 600, 700]);
    expect(back?.hr.length).toBe(7);
    expect(store.recall('s-2', 700_000).size).toBe(0);
    // All points too old: nothing for that participant.
    expect(store.recall('s-1', 2_000_000, 600_000).size).toBe(0);
  });

  it('keeps the most recently used sessions only', () => {
    const store = new TraceStore(2);
    const one = new Map([['p', appendPoint(EMPTY_TRACE, 1000, live)]]);
    store.remember('a', one);
    store.remember('b', one);
    store.remember('a', one);
    store.remember('c', one);
    expect(store.recall('b', 1000).size).toBe(0);
    expect(store.recall('a', 1000).size).toBe(1);
    expect(store.recall('c', 1000).size).toBe(1);
    store.forget('c');
    expect(store.recall('c', 1000).size).toBe(0);
  });
});
