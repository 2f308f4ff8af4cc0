// Property-based tests (fast-check) over random but physiologically shaped traces.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParticipantMonitor } from './monitor.js';
import { defaultRuleSettings } from './settings.js';
import { rx } from './test-helpers.js';
import { type AlertEvent, isAlertEvent, type Sample, SEVERITY_RANK } from './types.js';

const RX = rx(); // zone 100–120, ceiling 140, floor 90

/**
 * Traces made of regimes (levels held for a while, as in exercise): each segment holds an HR and SpO2 level
 * with a little noise, its own sample interval, contact behaviour, dropouts and occasional spikes, so the
 * holds, clears, gaps, lock-outs and upgrades of every rule are all reached.
 */
const segmentArb = fc.record({
  durationMs: fc.integer({ min: 2000, max: 90_000 }),
  intervalMs: fc.oneof(fc.constantFrom(1000, 1000, 500, 2000), fc.integer({ min: 100, max: 7000 })),
  hr: fc.oneof(fc.integer({ min: 95, max: 160 }), fc.integer({ min: 28, max: 60 })),
  spo2: fc.oneof(fc.integer({ min: 88, max: 99 }), fc.integer({ min: 70, max: 92 })),
  noise: fc.integer({ min: 0, max: 6 }),
  contact: fc.constantFrom<'on' | 'unknown' | 'off' | 'flaky'>('on', 'on', 'unknown', 'off', 'flaky'),
  dropout: fc.constantFrom(0, 0, 0.1, 0.5, 1),
  spikes: fc.constantFrom(0, 0, 0.05, 0.2),
  gapAfterMs: fc.oneof(
    { weight: 5, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 40_000 }) },
  ),
});

const traceArb: fc.Arbitrary<Sample[]> = fc
  .tuple(fc.array(segmentArb, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }))
  .map(([segments, seed]) => {
    let x = seed;
    const rand = () => {
      x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
      return x / 2 ** 32;
    };
    const out: Sample[] = [];
    let t = 0;
    for (const g of segments) {
      const end = t + g.durationMs;
      for (; t < end; t += g.intervalMs) {
        const jitter = () => Math.round((rand() * 2 - 1) * g.noise);
        const hrUp = rand() >= g.dropout;
        let hr: number | null = hrUp ? g.hr + jitter() : null;
        if (hr !== null && rand() < g.spikes) hr += rand() < 0.5 ? -60 : 60;
        const contact =
          g.contact === 'on'
            ? true
            : g.contact === 'unknown'
              ? null
              : g.contact === 'off'
                ? false
                : rand() < 0.5;
        out.push({ t, hr, spo2: rand() < 0.7 ? g.spo2 + jitter() : null, contact });
      }
      t += g.gapAfterMs;
    }
    return out.length > 0 ? out : [{ t: 0, hr: 110 }];
  });

function replayEvents(samples: readonly Sample[]): AlertEvent[] {
  const st = new ParticipantMonitor(RX, defaultRuleSettings, 0);
  return st.run(samples, 1000).events.filter(isAlertEvent);
}

const REARM: Record<string, number> = { advisory: 60_000, warning: 30_000, critical: 0 };

describe('properties', () => {
  it('never re-raises at the same or lower severity faster than the re-arm window after a clear', () => {
    fc.assert(
      fc.property(traceArb, (samples) => {
        const lastClear = new Map<string, AlertEvent>();
        for (const e of replayEvents(samples)) {
          if (e.event === 'cleared') lastClear.set(e.rule, e);
          if (e.event !== 'raised') continue;
          const c = lastClear.get(e.rule);
          if (c && SEVERITY_RANK[e.severity] <= SEVERITY_RANK[c.severity])
            expect(e.t - c.t).toBeGreaterThanOrEqual(REARM[c.severity] as number);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('one open alert per rule, severity never drops while open, cleared carries the open severity', () => {
    fc.assert(
      fc.property(traceArb, (samples) => {
        const open = new Map<string, AlertEvent>();
        for (const e of replayEvents(samples)) {
          const cur = open.get(e.rule);
          if (e.event === 'raised') {
            expect(cur).toBeUndefined();
            open.set(e.rule, e);
          } else {
            expect(cur?.alertId).toBe(e.alertId);
            if (!cur) return;
            if (e.event === 'upgraded') {
              // Stronger, or (issue 12, ruling 1) an unconfirmed critical reported on an alert at warning.
              if (e.unconfirmed && e.severity === 'warning') expect(cur.severity).toBe('warning');
              else expect(SEVERITY_RANK[e.severity]).toBeGreaterThan(SEVERITY_RANK[cur.severity]);
              open.set(e.rule, e);
            } else {
              expect(e.severity).toBe(cur.severity);
              open.delete(e.rule);
            }
          }
          if (e.unconfirmed) expect(e.severity).toBe('warning');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an all-in-zone trace with good signal raises nothing', () => {
    const inZone = fc.array(
      fc.record({
        dt: fc.integer({ min: 1, max: 4000 }),
        hr: fc.integer({ min: 100, max: 120 }),
        spo2: fc.integer({ min: 93, max: 100 }),
        contact: fc.constantFrom<boolean | null>(true, null),
      }),
      { minLength: 1, maxLength: 500 },
    );
    fc.assert(
      fc.property(inZone, (rows) => {
        let t = 0;
        const samples = rows.map((r, i) => {
          if (i > 0) t += r.dt;
          return { t, hr: r.hr, spo2: r.spo2, contact: r.contact };
        });
        expect(replayEvents(samples)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(traceArb, (samples) => {
        const a = new ParticipantMonitor(RX, defaultRuleSettings, 0);
        const b = new ParticipantMonitor(RX, defaultRuleSettings, 0);
        expect(a.run(samples).events).toEqual(b.run(samples).events);
        expect(a.metrics(a.lastSampleT)).toEqual(b.metrics(b.lastSampleT));
      }),
      { numRuns: 100 },
    );
  });

  it('shuffled arrival order gives the same events as time order (samples are sorted by t first)', () => {
    const withDistinctTimes = traceArb.map((s) => s.map((x, i) => ({ ...x, t: x.t + i })));
    fc.assert(
      fc.property(
        withDistinctTimes.chain((s) =>
          fc.tuple(fc.constant(s), fc.shuffledSubarray(s, { minLength: s.length, maxLength: s.length })),
        ),
        ([sorted, shuffled]) => {
          expect(replayEvents(shuffled)).toEqual(replayEvents(sorted));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('metrics: zone seconds cover at most the session and completeness stays within 0–100 %', () => {
    fc.assert(
      fc.property(traceArb, (samples) => {
        const st = new ParticipantMonitor(RX, defaultRuleSettings, 0);
        const { endMs } = st.run(samples);
        const m = st.metrics(endMs);
        const covered = m.secondsBelow + m.secondsIn + m.secondsAbove + m.secondsOverCeiling;
        expect(covered).toBeLessThanOrEqual(m.durationS + 1e-9);
        expect(m.completeness).toBeGreaterThanOrEqual(0);
        expect(m.completeness).toBeLessThanOrEqual(100);
        if (m.hrPeak !== null && m.hrMean !== null) expect(m.hrPeak).toBeGreaterThanOrEqual(m.hrMean - 0.05);
      }),
      { numRuns: 200 },
    );
  });
});
