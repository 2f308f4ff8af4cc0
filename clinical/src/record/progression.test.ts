import { type Prescription, progressionProposalSchema, savedReportReadSchema } from '@zonewatch/protocol';
import { describe, expect, it } from 'vitest';
import { proposeProgression, type SessionSummary, summariseReport } from './progression.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-07T00:00:00Z');

const rx: Prescription = {
  age: 64,
  hrRest: 70,
  hrMax: { source: 'measured', bpm: 150 },
  zone: { method: 'hrr', low: 0.4, high: 0.6 },
  fitt: { sessionsPerWeek: 3, minutesInZone: 30 },
};

/** A good session `daysAgo` before now: target met, complete, no alerts. */
const session = (id: string, daysAgo: number, over: Partial<SessionSummary> = {}): SessionSummary => ({
  sessionId: id,
  startMs: NOW - daysAgo * DAY,
  minutesInZone: 32,
  targetMinutesInZone: 30,
  completeness: 96,
  secondsOverCeiling: 0,
  spo2Min: 95,
  alertsByRule: {},
  ...over,
});
const goodWeek = () => [session('s1', 6), session('s2', 4), session('s3', 2)];

describe('proposeProgression', () => {
  it('progress: a week on target with no alerts lengthens the conditioning phase first', () => {
    const p = proposeProgression(goodWeek(), rx, NOW, { basedOnVersion: 4 });
    expect(p.kind).toBe('progress');
    expect(p.basedOnVersion).toBe(4);
    expect(p.proposed.fitt).toEqual({ sessionsPerWeek: 3, minutesInZone: 35, conditioningMinutes: 35 });
    expect(p.changes).toEqual([
      { field: 'fitt.conditioningMinutes', from: null, to: 35 },
      { field: 'fitt.minutesInZone', from: 30, to: 35 },
    ]);
    expect(p.reasons).toEqual([
      {
        code: 'target-met',
        sessionIds: ['s1', 's2', 's3'],
        figures: { sessions: 3, lowestMinutes: 32, meanCompletenessPercent: 96 },
      },
      { code: 'longer-conditioning', sessionIds: [], figures: { fromMinutes: 30, toMinutes: 35 } },
    ]);
    expect(p.evidence.sessionIds).toEqual(['s1', 's2', 's3']);
    expect(p.weekStartMs).toBe(NOW - 7 * DAY);
    expect(progressionProposalSchema.parse(p)).toMatchObject({ kind: 'progress', status: 'proposed' });
  });

  it('progress: with the conditioning phase at its maximum, the next zone step', () => {
    const long = { ...rx, fitt: { sessionsPerWeek: 3, minutesInZone: 40, conditioningMinutes: 45 } };
    const p = proposeProgression(
      goodWeek().map((s) => ({ ...s, minutesInZone: 41, targetMinutesInZone: 40 })),
      long,
      NOW,
    );
    expect(p.kind).toBe('progress');
    expect(p.proposed.zone).toEqual({ method: 'hrr', low: 0.45, high: 0.65 });
    expect(p.reasons.at(-1)).toEqual({
      code: 'next-zone-step',
      sessionIds: [],
      figures: { fromLow: 0.4, fromHigh: 0.6, toLow: 0.45, toHigh: 0.65 },
    });
  });

  it('hold at the maximum: the zone at the preset high end and the conditioning at its longest', () => {
    const top = {
      ...rx,
      preset: 'cardiac-rehab' as const,
      zone: { method: 'hrr' as const, low: 0.6, high: 0.8 },
      fitt: { sessionsPerWeek: 3, minutesInZone: 40, conditioningMinutes: 45 },
    };
    const p = proposeProgression(
      goodWeek().map((s) => ({ ...s, minutesInZone: 42, targetMinutesInZone: 40 })),
      top,
      NOW,
    );
    expect(p.kind).toBe('hold');
    expect(p.proposed).toEqual(top);
    expect(p.changes).toEqual([]);
    expect(p.reasons.map((r) => r.code)).toEqual(['target-met', 'at-maximum']);
  });

  it('hold: a zone step that would cross a given ceiling is not proposed', () => {
    // hrMax 150, rest 70: 0.65 HRR = 122 bpm > ceiling 120.
    const capped = {
      ...rx,
      ceilingBpm: 120,
      fitt: { sessionsPerWeek: 3, minutesInZone: 30, conditioningMinutes: 45 },
    };
    expect(proposeProgression(goodWeek(), capped, NOW).reasons.map((r) => r.code)).toEqual([
      'target-met',
      'at-maximum',
    ]);
  });

  it('hold: one session over the ceiling, naming it and the seconds', () => {
    const week = goodWeek();
    week[1] = session('s2', 4, { secondsOverCeiling: 75, alertsByRule: { HR_OVER_CEILING: 1 } });
    const p = proposeProgression(week, rx, NOW);
    expect(p.kind).toBe('hold');
    expect(p.proposed).toEqual(rx);
    expect(p.reasons).toEqual([
      { code: 'over-ceiling', sessionIds: ['s2'], figures: { sessions: 1, seconds: 75, alerts: 1 } },
    ]);
    expect(p.evidence.sessionIds).toEqual(['s1', 's2', 's3']);
  });

  it('step back: over the ceiling in two sessions lowers the zone one step', () => {
    const week = [
      session('s1', 6, { alertsByRule: { HR_OVER_CEILING: 2 }, secondsOverCeiling: 40 }),
      session('s2', 4),
      session('s3', 2, { secondsOverCeiling: 90 }),
    ];
    const p = proposeProgression(week, rx, NOW);
    expect(p.kind).toBe('step-back');
    expect(p.proposed.zone).toEqual({ method: 'hrr', low: 0.35, high: 0.55 });
    expect(p.changes).toEqual([
      { field: 'zone.low', from: 0.4, to: 0.35 },
      { field: 'zone.high', from: 0.6, to: 0.55 },
    ]);
    expect(p.reasons).toEqual([
      { code: 'over-ceiling', sessionIds: ['s1', 's3'], figures: { sessions: 2, seconds: 130, alerts: 2 } },
      {
        code: 'previous-zone-step',
        sessionIds: [],
        figures: { fromLow: 0.4, fromHigh: 0.6, toLow: 0.35, toHigh: 0.55 },
      },
    ]);
  });

  it('step back: SpO2 below the floor in one session and over the ceiling in another', () => {
    const week = [
      session('s1', 6, { alertsByRule: { SPO2_LOW: 1 }, spo2Min: 86 }),
      session('s2', 4, { alertsByRule: { HR_OVER_CEILING: 1 } }),
      session('s3', 2),
    ];
    const p = proposeProgression(week, rx, NOW);
    expect(p.kind).toBe('step-back');
    expect(p.reasons[1]).toEqual({
      code: 'spo2-low',
      rule: 'SPO2_LOW',
      sessionIds: ['s1'],
      figures: { sessions: 1, alerts: 1, lowestPercent: 86 },
    });
  });

  it('step back at the lowest zone shortens the conditioning phase; at both minima it holds', () => {
    const low = { ...rx, zone: { method: 'hrr' as const, low: 0.3, high: 0.5 } };
    const bad = [
      session('s1', 6, { alertsByRule: { SPO2_LOW: 1 } }),
      session('s2', 4, { alertsByRule: { SPO2_LOW: 1 } }),
    ];
    const p = proposeProgression(bad, low, NOW);
    expect(p.kind).toBe('step-back');
    expect(p.proposed.fitt).toEqual({ sessionsPerWeek: 3, minutesInZone: 25, conditioningMinutes: 25 });
    const floor = { ...low, fitt: { sessionsPerWeek: 3, minutesInZone: 10, conditioningMinutes: 10 } };
    const h = proposeProgression(bad, floor, NOW);
    expect(h.kind).toBe('hold');
    expect(h.reasons.at(-1)).toEqual({ code: 'at-minimum', sessionIds: ['s1', 's2'], figures: {} });
  });

  it('hold: a session short of its minutes in zone', () => {
    const week = goodWeek();
    week[2] = session('s3', 2, { minutesInZone: 22 });
    const p = proposeProgression(week, rx, NOW);
    expect(p.kind).toBe('hold');
    expect(p.reasons).toEqual([
      {
        code: 'target-missed',
        sessionIds: ['s3'],
        figures: { sessions: 1, lowestMinutes: 22, targetMinutes: 30 },
      },
    ]);
  });

  it('hold: above-zone alerts keep a week on target from progressing', () => {
    const week = goodWeek();
    week[0] = session('s1', 6, { alertsByRule: { HR_ABOVE_ZONE: 3, SIGNAL_LOST: 1 } });
    const p = proposeProgression(week, rx, NOW);
    expect(p.kind).toBe('hold');
    expect(p.reasons.map((r) => [r.code, r.rule ?? null, r.sessionIds])).toEqual([
      ['alerts', 'HR_ABOVE_ZONE', ['s1']],
      ['target-met', null, ['s1', 's2', 's3']],
    ]);
  });

  it('hold: too few usable sessions (one below the completeness threshold)', () => {
    const week = goodWeek();
    week[1] = session('s2', 4, { completeness: 62 });
    const p = proposeProgression(week, rx, NOW);
    expect(p.kind).toBe('hold');
    expect(p.reasons).toEqual([
      {
        code: 'low-completeness',
        sessionIds: ['s2'],
        figures: { sessions: 1, lowestPercent: 62, thresholdPercent: 80 },
      },
      { code: 'too-few-sessions', sessionIds: ['s1', 's3'], figures: { sessions: 2, needed: 3 } },
    ]);
  });

  it('only the week before now counts: older and later sessions are left out', () => {
    const history = [
      session('old', 9, { alertsByRule: { HR_OVER_CEILING: 1 } }),
      session('old2', 8, { alertsByRule: { HR_OVER_CEILING: 1 } }),
      ...goodWeek(),
      session('future', -1, { alertsByRule: { SPO2_LOW: 2 } }),
    ];
    const p = proposeProgression(history, rx, NOW);
    expect(p.kind).toBe('progress');
    expect(p.evidence.sessionIds).toEqual(['s1', 's2', 's3']);
  });

  it('reads a saved session report into a summary', () => {
    const report = savedReportReadSchema.parse({
      durationS: 2400,
      secondsIn: 1500,
      secondsOverCeiling: 12,
      completeness: 97.5,
      spo2Min: 93,
      alerts: [
        { alertId: 'a', rule: 'HR_OVER_CEILING', severity: 'warning', raisedAt: 1 },
        { alertId: 'b', rule: 'HR_OVER_CEILING', severity: 'critical', raisedAt: 2 },
        { alertId: 'c', rule: 'NO_CONTACT', severity: 'advisory', raisedAt: 3 },
      ],
      adherence: { minutesInZone: 25, targetMinutesInZone: 30, met: false },
    });
    expect(summariseReport('s9', NOW - DAY, report)).toEqual({
      sessionId: 's9',
      startMs: NOW - DAY,
      minutesInZone: 25,
      targetMinutesInZone: 30,
      completeness: 97.5,
      secondsOverCeiling: 12,
      spo2Min: 93,
      alertsByRule: { HR_OVER_CEILING: 2, NO_CONTACT: 1 },
    });
  });
});
