import { type Assessment, assessmentDerivationSchema, type Prescription } from '@zonewatch/protocol';
import { describe, expect, it } from 'vitest';
import { bodyMassIndex, deriveFromAssessment, walkingPaceFromSixMinuteWalk } from './derive.js';

const current: Prescription = {
  preset: 'cardiac-rehab',
  age: 64,
  hrRest: 70,
  hrMax: { source: 'tanaka' },
  zone: { method: 'hrr', low: 0.4, high: 0.6 },
  fitt: { sessionsPerWeek: 3, minutesInZone: 30 },
};

const baseline = (over: Partial<Assessment>): Assessment => ({
  participantId: 'p-1',
  date: '2026-12-01',
  kind: 'baseline',
  source: 'manual',
  ...over,
});

describe('deriveFromAssessment', () => {
  it('peak HR → measured hrMax, threshold → ceiling − 10, resting HR → hrRest, 6MWT → walking pace', () => {
    const a = baseline({
      restingHrBpm: 68,
      sixMinuteWalk: { distanceM: 420 },
      exerciseTest: { peakHrBpm: 142, peakMets: 7.5, ischaemicThresholdBpm: 128, stopReason: 'angina' },
    });
    const r = deriveFromAssessment(a, current);
    expect(r.proposed).toEqual({
      ...current,
      hrRest: 68,
      hrMax: { source: 'measured', bpm: 142, measuredOn: '2026-12-01' },
      ischaemicThresholdBpm: 128,
      ceilingBpm: 118,
      fitt: { sessionsPerWeek: 3, minutesInZone: 30, walkingPaceMPerMin: 56 },
    });
    expect(r.changes).toEqual([
      { field: 'hrMax.source', from: 'tanaka', to: 'measured' },
      { field: 'hrMax.bpm', from: null, to: 142 },
      { field: 'hrMax.measuredOn', from: null, to: '2026-12-01' },
      { field: 'hrRest', from: 70, to: 68 },
      { field: 'ischaemicThresholdBpm', from: null, to: 128 },
      { field: 'ceilingBpm', from: null, to: 118 },
      { field: 'fitt.walkingPaceMPerMin', from: null, to: 56 },
    ]);
    expect(r.derivation).toEqual([
      { code: 'hrMax.measured', figures: { peakHrBpm: 142 } },
      { code: 'hrRest.measured', figures: { restingHrBpm: 68 } },
      {
        code: 'ceiling.ischaemicThreshold',
        figures: { ischaemicThresholdBpm: 128, marginBpm: 10, ceilingBpm: 118 },
      },
      {
        code: 'walkingPace.sixMinuteWalk',
        figures: { distanceM: 420, averageMPerMin: 70, fraction: 0.8, paceMPerMin: 56 },
      },
    ]);
    // 68 + 0.4·74 = 97.6 → 98; 68 + 0.6·74 = 112.4 → 112; the ceiling as derived.
    expect(r.resolved).toMatchObject({ hrMax: 142, zoneLowBpm: 98, zoneHighBpm: 112, ceilingBpm: 118 });
    expect(r.issues).toEqual([]);
    expect(assessmentDerivationSchema.parse(r)).toMatchObject({ changes: r.changes });
  });

  it('never changes the prescription it was given', () => {
    const before = structuredClone(current);
    deriveFromAssessment(
      baseline({
        restingHrBpm: 60,
        exerciseTest: { peakHrBpm: 150, peakMets: 8, stopReason: 'volitional-fatigue' },
      }),
      current,
    );
    expect(current).toEqual(before);
  });

  it('a zone reaching above the new ceiling is lowered to it, and says so', () => {
    const a = baseline({
      restingHrBpm: 68,
      exerciseTest: { peakHrBpm: 142, peakMets: 6, ischaemicThresholdBpm: 110, stopReason: 'st-depression' },
    });
    const r = deriveFromAssessment(a, current);
    // ceiling 100; (100 − 68) / 74 = 0.432… → 0.43 → 68 + 31.82 = 99.82 → 100 bpm.
    expect(r.proposed.zone).toEqual({ method: 'hrr', low: 0.4, high: 0.43 });
    expect(r.derivation).toContainEqual({
      code: 'zone.cappedAtCeiling',
      figures: { fromHighBpm: 112, ceilingBpm: 100, fromHigh: 0.6, toHigh: 0.43 },
    });
    expect(r.changes).toContainEqual({ field: 'zone.high', from: 0.6, to: 0.43 });
    expect(r.resolved).toMatchObject({ zoneLowBpm: 98, zoneHighBpm: 100, ceilingBpm: 100 });
  });

  it('a preset zone capped at the ceiling is written out in full', () => {
    const { zone: _z, ...presetOnly } = current;
    const a = baseline({
      restingHrBpm: 70,
      exerciseTest: { peakHrBpm: 150, peakMets: 7, ischaemicThresholdBpm: 140, stopReason: 'angina' },
    });
    // Cardiac preset 40–80 %HRR: 70 + 0.8·80 = 134 > ceiling 130 → (130 − 70) / 80 = 0.75.
    const r = deriveFromAssessment(a, presetOnly);
    expect(r.proposed.zone).toEqual({ method: 'hrr', low: 0.4, high: 0.75 });
    expect(r.changes.filter((c) => c.field.startsWith('zone.'))).toEqual([
      { field: 'zone.method', from: null, to: 'hrr' },
      { field: 'zone.low', from: null, to: 0.4 },
      { field: 'zone.high', from: null, to: 0.75 },
    ]);
    expect(r.resolved?.zoneHighBpm).toBe(130);
  });

  it('β-blockers with advisory HR mode: a measured max on current medication proposes enforce', () => {
    const rx: Prescription = {
      ...current,
      betaBlocker: true,
      hrMax: { source: 'brawner' },
      hrMode: 'advisory',
    };
    const test = { peakHrBpm: 118, peakMets: 6.5, stopReason: 'volitional-fatigue' as const };
    const r = deriveFromAssessment(baseline({ exerciseTest: { ...test, onCurrentMedication: true } }), rx);
    expect(r.proposed.hrMode).toBe('enforce');
    expect(r.derivation.map((d) => d.code)).toEqual(['hrMax.measured', 'hrMode.measuredMax']);
    const off = deriveFromAssessment(baseline({ exerciseTest: { ...test, onCurrentMedication: false } }), rx);
    expect(off.proposed.hrMode).toBe('advisory');
    expect(off.derivation.map((d) => d.code)).toEqual(['hrMax.measured', 'hrMax.notOnCurrentMedication']);
  });

  it('an assessment with nothing that bears on the prescription proposes no change', () => {
    const r = deriveFromAssessment(baseline({ gripStrengthKg: 30 }), current);
    expect(r.changes).toEqual([]);
    expect(r.derivation).toEqual([{ code: 'nothing', figures: {} }]);
    expect(r.proposed).toEqual(current);
  });

  it('a first prescription from an assessment alone lists what it still needs', () => {
    const r = deriveFromAssessment(
      baseline({
        restingHrBpm: 72,
        exerciseTest: { peakHrBpm: 140, peakMets: 7, stopReason: 'volitional-fatigue' },
      }),
      null,
    );
    expect(r.proposed).toEqual({
      hrRest: 72,
      hrMax: { source: 'measured', bpm: 140, measuredOn: '2026-12-01' },
    });
    expect(r.resolved).toBeNull();
    expect(r.issues.map((i) => i.field)).toEqual(['zone']);
    // With a preset it is complete.
    expect(
      deriveFromAssessment(
        baseline({
          restingHrBpm: 72,
          exerciseTest: { peakHrBpm: 140, peakMets: 7, stopReason: 'volitional-fatigue' },
        }),
        { preset: 'copd' },
      ).resolved,
    ).toMatchObject({
      zoneLowBpm: 113, // 72 + 0.6·68 = 112.8
      zoneHighBpm: 126,
      spo2Floor: 88,
    });
  });

  it('the walking pace is listed even without a FITT to put it in', () => {
    const { fitt: _f, ...noFitt } = current;
    const r = deriveFromAssessment(baseline({ sixMinuteWalk: { distanceM: 300 } }), noFitt);
    expect(r.changes).toEqual([]);
    expect(r.derivation).toEqual([
      {
        code: 'walkingPace.sixMinuteWalk',
        figures: { distanceM: 300, averageMPerMin: 50, fraction: 0.8, paceMPerMin: 40 },
      },
      { code: 'nothing', figures: {} },
    ]);
  });

  it('BMI and walking pace arithmetic', () => {
    expect(bodyMassIndex(172, 84.5)).toBe(28.6);
    expect(bodyMassIndex(160, 64)).toBe(25);
    expect(walkingPaceFromSixMinuteWalk(420)).toBe(56);
    expect(walkingPaceFromSixMinuteWalk(333)).toBe(44); // 55.5 · 0.8 = 44.4
  });
});
