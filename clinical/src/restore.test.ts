import { describe, expect, it } from 'vitest';
import { ParticipantMonitor, resolvePrescription } from './index.js';

const rx = resolvePrescription({
  age: 60,
  hrRest: 70,
  hrMax: { source: 'measured', bpm: 160 },
  zone: { method: 'bpm', low: 100, high: 120 },
  ceilingBpm: 135,
});

describe('restoreAlert (ingest restart)', () => {
  it('a restored active alert is not raised twice and clears by hysteresis', () => {
    const st = new ParticipantMonitor(rx, undefined, 0, { participantId: 'p' });
    st.restoreAlert(
      {
        alertId: 'al-1',
        rule: 'HR_ABOVE_ZONE',
        severity: 'advisory',
        unconfirmed: false,
        raisedAt: 0,
        conditionCleared: false,
        acknowledgedAt: null,
        acknowledgedBy: null,
        escalationLevel: 0,
      },
      1_000,
    );
    const events = [];
    for (let t = 1_000; t <= 40_000; t += 1_000) events.push(...st.evaluate({ t, hr: 125 }));
    expect(events.filter((e) => e.event === 'raised')).toEqual([]);
    for (let t = 41_000; t <= 52_000; t += 1_000) events.push(...st.evaluate({ t, hr: 110 }));
    expect(events.map((e) => [e.alertId, e.event])).toContainEqual(['al-1', 'cleared']);
  });

  it('a restored latched critical still needs acknowledgement, then closes', () => {
    const st = new ParticipantMonitor(rx, undefined, 0);
    st.restoreAlert(
      {
        alertId: 'al-2',
        rule: 'HR_OVER_CEILING',
        severity: 'critical',
        unconfirmed: false,
        raisedAt: 0,
        conditionCleared: true,
        acknowledgedAt: null,
        acknowledgedBy: null,
        escalationLevel: 1,
      },
      5_000,
    );
    expect(st.view(6_000).alerts).toMatchObject([
      { alertId: 'al-2', status: 'open', conditionActive: false },
    ]);
    const r = st.acknowledge('al-2', 'u1', 7_000);
    expect(r.events.map((e) => e.event)).toEqual(['acknowledged', 'closed']);
    expect(st.view(8_000).alerts).toEqual([]);
  });
});

describe('changePrescription (a prescription corrected mid-session)', () => {
  const wider = resolvePrescription({
    age: 60,
    hrRest: 70,
    hrMax: { source: 'measured', bpm: 160 },
    zone: { method: 'bpm', low: 100, high: 132 },
    ceilingBpm: 145,
  });

  it('keeps the open alert (no second raise) and clears it by the new zone', () => {
    const st = new ParticipantMonitor(rx, undefined, 0, { participantId: 'p' });
    const events = [];
    for (let t = 0; t <= 30_000; t += 1_000) events.push(...st.evaluate({ t, hr: 126 }));
    expect(events.map((e) => [e.rule, e.event])).toEqual([['HR_ABOVE_ZONE', 'raised']]);
    st.changePrescription(wider);
    expect(st.view(31_000)).toMatchObject({
      zoneState: 'in',
      alerts: [{ rule: 'HR_ABOVE_ZONE', conditionActive: true }],
    });
    const after = [];
    for (let t = 31_000; t <= 45_000; t += 1_000) after.push(...st.evaluate({ t, hr: 126 }));
    // 126 ≤ 132 − 5 held 10 s: the same alert clears; nothing new is raised.
    expect(after.map((e) => [e.alertId, e.event])).toEqual([
      [events[0]!.alertId, 'cleared'],
      [events[0]!.alertId, 'closed'],
    ]);
    expect(st.metrics(45_000).secondsAbove).toBeGreaterThan(25);
  });
});
