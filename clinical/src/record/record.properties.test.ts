// Property-based tests (fast-check) of the record's rules: what they may never do, whatever the input.
import { type Prescription, progressionProposalSchema } from '@zonewatch/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolvePrescription } from '../prescription.js';
import { defaultRuleSettings } from '../settings.js';
import { deriveFromAssessment } from './derive.js';
import { proposeProgression, type SessionSummary } from './progression.js';
import { stratifyCardiacRisk } from './risk.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-07T00:00:00Z');

const rxArb: fc.Arbitrary<Prescription> = fc
  .record({
    hrRest: fc.integer({ min: 50, max: 90 }),
    hrMaxBpm: fc.integer({ min: 120, max: 190 }),
    low: fc.integer({ min: 30, max: 60 }),
    width: fc.integer({ min: 5, max: 30 }),
    method: fc.constantFrom<'hrr' | 'hrmax'>('hrr', 'hrmax'),
    ceilingMargin: fc.option(fc.integer({ min: 0, max: 25 }), { nil: undefined }),
    sessionsPerWeek: fc.integer({ min: 1, max: 5 }),
    minutesInZone: fc.integer({ min: 10, max: 40 }),
    conditioning: fc.option(fc.integer({ min: 10, max: 50 }), { nil: undefined }),
  })
  .map((r) => {
    const high = Math.min(r.low + r.width, 95) / 100;
    const rx: Prescription = {
      hrRest: r.hrRest,
      hrMax: { source: 'measured', bpm: r.hrMaxBpm },
      zone: { method: r.method, low: r.low / 100, high },
      fitt: {
        sessionsPerWeek: r.sessionsPerWeek,
        minutesInZone: r.minutesInZone,
        ...(r.conditioning === undefined
          ? {}
          : { conditioningMinutes: Math.max(r.conditioning, r.minutesInZone) }),
      },
    };
    if (r.ceilingMargin !== undefined) {
      const base = r.method === 'hrr' ? r.hrRest + high * (r.hrMaxBpm - r.hrRest) : high * r.hrMaxBpm;
      rx.ceilingBpm = Math.min(Math.ceil(base) + r.ceilingMargin, r.hrMaxBpm);
    }
    return rx;
  })
  .filter((rx) => {
    try {
      resolvePrescription(rx, defaultRuleSettings, { strict: true });
      return true;
    } catch {
      return false;
    }
  });

const sessionArb: fc.Arbitrary<SessionSummary> = fc.record({
  sessionId: fc.string({ minLength: 1, maxLength: 6 }),
  startMs: fc.integer({ min: NOW - 10 * DAY, max: NOW + DAY }),
  minutesInZone: fc.integer({ min: 0, max: 60 }),
  targetMinutesInZone: fc.option(fc.integer({ min: 10, max: 40 }), { nil: null }),
  completeness: fc.integer({ min: 40, max: 100 }),
  secondsOverCeiling: fc.constantFrom(0, 0, 0, 20, 90),
  spo2Min: fc.option(fc.integer({ min: 80, max: 99 }), { nil: null }),
  alertsByRule: fc.record(
    {
      HR_OVER_CEILING: fc.integer({ min: 0, max: 2 }),
      SPO2_LOW: fc.integer({ min: 0, max: 2 }),
      HR_ABOVE_ZONE: fc.integer({ min: 0, max: 3 }),
      SIGNAL_LOST: fc.integer({ min: 0, max: 2 }),
    },
    { requiredKeys: [] },
  ),
});

/** Weeks that went well (on target, complete, no alerts): they make progress proposals reachable. */
const goodSessionArb: fc.Arbitrary<SessionSummary> = fc.record({
  sessionId: fc.string({ minLength: 1, maxLength: 6 }),
  startMs: fc.integer({ min: NOW - 7 * DAY, max: NOW - 1 }),
  minutesInZone: fc.integer({ min: 40, max: 60 }),
  targetMinutesInZone: fc.constant(null),
  completeness: fc.integer({ min: 85, max: 100 }),
  secondsOverCeiling: fc.constant(0),
  spo2Min: fc.constant(95),
  alertsByRule: fc.constant({}),
});
const historyArb = fc.oneof(
  fc.array(sessionArb, { maxLength: 8 }),
  fc.array(goodSessionArb, { minLength: 1, maxLength: 6 }),
);

describe('record rules, properties', () => {
  it('a proposal is always savable, changes only what it lists, and rests only on the week judged', () => {
    fc.assert(
      fc.property(rxArb, historyArb, (rx, history) => {
        const before = structuredClone(rx);
        const p = proposeProgression(history, rx, NOW);
        expect(rx).toEqual(before);
        expect(progressionProposalSchema.safeParse(p).success).toBe(true);
        expect(() => resolvePrescription(p.proposed, defaultRuleSettings, { strict: true })).not.toThrow();
        if (p.kind === 'hold') {
          expect(p.proposed).toEqual(rx);
          expect(p.changes).toEqual([]);
        } else {
          expect(p.changes.length).toBeGreaterThan(0);
        }
        const inWeek = new Set(
          history.filter((s) => s.startMs >= NOW - 7 * DAY && s.startMs < NOW).map((s) => s.sessionId),
        );
        for (const id of p.evidence.sessionIds) expect(inWeek.has(id)).toBe(true);
        for (const r of p.reasons) for (const id of r.sessionIds) expect(inWeek.has(id)).toBe(true);
        // Never progress over a week with an over-ceiling or SpO2-low session counted as usable.
        const risky = history.some(
          (s) =>
            inWeek.has(s.sessionId) &&
            s.startMs >= NOW - 7 * DAY &&
            s.startMs < NOW &&
            s.completeness >= 80 &&
            ((s.alertsByRule.HR_OVER_CEILING ?? 0) > 0 || (s.alertsByRule.SPO2_LOW ?? 0) > 0),
        );
        if (risky) expect(p.kind).not.toBe('progress');
      }),
      { numRuns: 300 },
    );
  });

  it('a derived prescription never has a zone above a ceiling derived from an ischaemic threshold', () => {
    fc.assert(
      fc.property(
        rxArb,
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 50, max: 100 }),
        (rx, below, rest) => {
          const peak = (rx.hrMax?.bpm ?? 150) + 5;
          const threshold = Math.max(peak - below, rest + 25);
          const { ceilingBpm: _c, ...open } = rx;
          const r = deriveFromAssessment(
            {
              participantId: 'p',
              date: '2026-12-01',
              kind: 'reassessment',
              source: 'manual',
              restingHrBpm: rest,
              exerciseTest: {
                peakHrBpm: peak,
                peakMets: 7,
                ischaemicThresholdBpm: threshold,
                stopReason: 'angina',
              },
            },
            open,
          );
          expect(r.proposed.ceilingBpm).toBe(threshold - 10);
          if (r.resolved) {
            expect(r.resolved.zoneHighBpm).toBeLessThanOrEqual(threshold - 10);
            expect(r.resolved.hrMax).toBe(peak);
          } else {
            // Refused only because the zone has no room under the ceiling: the clinician is told which field.
            expect(r.issues.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('AACVPR: adding a high-risk finding always gives high; removing every finding never gives low', () => {
    const bool = fc.option(fc.boolean(), { nil: undefined });
    fc.assert(
      fc.property(
        fc.record({
          lvefPercent: fc.option(fc.integer({ min: 15, max: 70 }), { nil: undefined }),
          complexDysrhythmiaAtRest: bool,
          complicatedEvent: bool,
          heartFailure: bool,
          postEventIschaemia: bool,
          clinicalDepression: bool,
        }),
        fc.option(
          fc.record({
            peakMets: fc.integer({ min: 2, max: 14 }),
            stDepressionMm: fc.option(fc.constantFrom(0, 1, 2.5), { nil: undefined }),
            abnormalHaemodynamics: bool,
            complexVentricularDysrhythmia: bool,
            symptomsInRecovery: bool,
          }),
          { nil: null },
        ),
        (history, t) => {
          const test = t && { ...t, peakHrBpm: 140, stopReason: 'volitional-fatigue' as const };
          const r = stratifyCardiacRisk({ cardiacHistory: history, exerciseTest: test });
          const worse = stratifyCardiacRisk({
            cardiacHistory: { ...history, cardiacArrestSurvivor: true },
            exerciseTest: test,
          });
          expect(worse.riskClass).toBe('high');
          expect(worse.decidedBy.map((d) => d.criterion)).toContain('cardiac-arrest-survivor');
          if (r.riskClass === 'low') expect(r.unknown).toEqual([]);
          if (r.riskClass !== 'high')
            expect(r.decidedBy.every((d) => d.riskClass === r.riskClass)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
