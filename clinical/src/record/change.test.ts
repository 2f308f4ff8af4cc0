import type { Assessment } from '@zonewatch/protocol';
import { ASSESSMENT_MEASURES } from '@zonewatch/protocol';
import { describe, expect, it } from 'vitest';
import { COMPARED_MEASURES, MEANINGFUL_CHANGE, meaningfulChange } from './change.js';

const at = (date: string, over: Partial<Assessment>): Assessment => ({
  participantId: 'p-1',
  date,
  kind: date === '2026-09-01' ? 'baseline' : 'reassessment',
  source: 'manual',
  ...over,
});

describe('meaningfulChange (baseline versus latest)', () => {
  it('6MWT +35 m is meaningful (≥ 30 m), +25 m is not', () => {
    const b = at('2026-09-01', { sixMinuteWalk: { distanceM: 400 } });
    expect(meaningfulChange(b, at('2026-12-01', { sixMinuteWalk: { distanceM: 435 } }))).toEqual([
      {
        measure: 'sixMinuteWalk.distanceM',
        unit: 'm',
        baseline: 400,
        latest: 435,
        change: 35,
        changePercent: 8.8,
        direction: 'improved',
        meaningful: true,
        threshold: 30,
        thresholdRelative: false,
        source: 'holland-2014',
      },
    ]);
    const small = meaningfulChange(b, at('2026-12-01', { sixMinuteWalk: { distanceM: 425 } }))[0];
    expect(small).toMatchObject({ change: 25, meaningful: false, direction: 'improved' });
    // Exactly the threshold counts; a fall of the same size is meaningful and worse.
    expect(meaningfulChange(b, at('2026-12-01', { sixMinuteWalk: { distanceM: 430 } }))[0]?.meaningful).toBe(
      true,
    );
    expect(meaningfulChange(b, at('2026-12-01', { sixMinuteWalk: { distanceM: 360 } }))[0]).toMatchObject({
      change: -40,
      direction: 'worsened',
      meaningful: true,
    });
  });

  it('lower is better for blood pressure and weight; weight is judged relative to baseline (5 %)', () => {
    const b = at('2026-09-01', {
      restingBp: { systolicMmHg: 142, diastolicMmHg: 88 },
      anthropometrics: { heightCm: 170, weightKg: 90 },
    });
    const l = at('2026-12-01', {
      restingBp: { systolicMmHg: 138, diastolicMmHg: 85 },
      anthropometrics: { heightCm: 170, weightKg: 85 },
    });
    const rows = meaningfulChange(b, l);
    expect(rows.map((r) => [r.measure, r.change, r.direction, r.meaningful])).toEqual([
      ['restingBp.systolicMmHg', -4, 'improved', false],
      ['restingBp.diastolicMmHg', -3, 'improved', true],
      ['anthropometrics.weightKg', -5, 'improved', true],
      ['anthropometrics.bmi', -1.7, 'improved', null],
    ]);
    expect(rows[2]?.changePercent).toBe(-5.6);
  });

  it('figures measured only once are left out; figures without a threshold say so', () => {
    const b = at('2026-09-01', { gripStrengthKg: 30, sitAndReachCm: -8, chairStand30sReps: 10 });
    const l = at('2026-12-01', { gripStrengthKg: 33, sitAndReachCm: -2, singleLegStanceS: 20 });
    expect(meaningfulChange(b, l).map((r) => [r.measure, r.change, r.meaningful, r.source])).toEqual([
      ['gripStrengthKg', 3, false, 'bohannon-2019'],
      ['sitAndReachCm', 6, null, null],
    ]);
  });

  it('unchanged is neither better nor worse', () => {
    const b = at('2026-09-01', { restingHrBpm: 70, chairStand30sReps: 12 });
    expect(meaningfulChange(b, at('2026-12-01', { restingHrBpm: 70, chairStand30sReps: 14 }))).toMatchObject([
      { measure: 'chairStand30sReps', change: 2, meaningful: true, direction: 'improved' },
      { measure: 'restingHrBpm', change: 0, meaningful: null, direction: 'unchanged' },
    ]);
  });

  it('every compared measure has its unit from the assessment schema (BMI aside)', () => {
    for (const m of COMPARED_MEASURES) {
      if (m === 'anthropometrics.bmi') continue;
      expect(MEANINGFUL_CHANGE[m].unit, m).toBe(ASSESSMENT_MEASURES[m].unit);
    }
  });
});
