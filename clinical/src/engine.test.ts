// Alert lifecycle (section 4), the tile view (section 2) and session metrics (sections 3a, 6), driven by an
// injected clock: every call gets its time as an argument.
import { describe, expect, it } from 'vitest';
import { ParticipantMonitor } from './monitor.js';
import { weeklyAdherence } from './reports.js';
import { defaultRuleSettings } from './settings.js';
import { every, rx } from './test-helpers.js';
import type { EngineEvent, Sample } from './types.js';

/** Compact lifecycle-aware event form: `40s escalated HR_LOW critical site-consoles`. */
function fmt(e: EngineEvent): string {
  const base = `${e.t / 1000}s ${e.event} ${e.rule} ${e.severity}`;
  if (e.event === 'escalated') return `${base} ${e.target}`;
  if (e.event === 'acknowledged' || e.event === 'closed') return `${base} by ${e.actor}`;
  return base;
}

/** Live-style driver: for each second from..to, the sample (if any) then the tick. */
function drive(
  st: ParticipantMonitor,
  fromS: number,
  toS: number,
  sample: (s: number) => Omit<Sample, 't'> | null,
) {
  const out: string[] = [];
  for (let s = fromS; s <= toS; s++) {
    const fields = sample(s);
    if (fields) out.push(...st.evaluate({ t: s * 1000, ...fields }).map(fmt));
    out.push(...st.tick(s * 1000).map(fmt));
  }
  return out;
}

function alertId(st: ParticipantMonitor, rule: string): string {
  const a = st.report(st.lastSampleT).alerts.find((x) => x.rule === rule);
  if (!a) throw new Error(`no ${rule} alert`);
  return a.alertId;
}

describe('lifecycle: acknowledge, close, escalate, re-sound (section 4)', () => {
  it('warning: repeat at 60 s and supervisor at 120 s unless acknowledged; closes when the condition clears', () => {
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    expect(drive(st, 0, 130, () => ({ hr: 142 }))).toEqual([
      '10s raised HR_OVER_CEILING warning',
      '15s raised HR_ABOVE_ZONE warning',
      '70s escalated HR_OVER_CEILING warning repeat',
      '75s escalated HR_ABOVE_ZONE warning repeat',
      '130s escalated HR_OVER_CEILING warning supervisor',
    ]);
    const id = alertId(st, 'HR_OVER_CEILING');
    expect(st.acknowledge(id, 'nurse-1', 131_000).events.map(fmt)).toEqual([
      '131s acknowledged HR_OVER_CEILING warning by nurse-1',
    ]);
    expect(st.view(131_000).alerts.find((a) => a.alertId === id)?.status).toBe('acknowledged');
    expect(drive(st, 131, 141, () => ({ hr: 118 }))).toEqual([
      '135s escalated HR_ABOVE_ZONE warning supervisor',
      '141s cleared HR_OVER_CEILING warning',
      '141s closed HR_OVER_CEILING warning by system',
    ]);
    expect(st.view(141_000).alerts.map((a) => a.rule)).toEqual(['HR_ABOVE_ZONE']);
  });

  it('advisory never escalates and closes on clear without acknowledgement', () => {
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    expect(drive(st, 0, 200, (s) => ({ hr: s <= 150 ? 125 : 110 }))).toEqual([
      '30s raised HR_ABOVE_ZONE advisory',
      '161s cleared HR_ABOVE_ZONE advisory',
      '161s closed HR_ABOVE_ZONE advisory by system',
    ]);
  });

  it('critical: consoles at 30 s, all site staff at 60 s; latches after clearing until acknowledged', () => {
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    expect(drive(st, 0, 80, (s) => ({ hr: s <= 10 ? 35 : 50 }))).toEqual([
      '10s raised HR_LOW critical',
      '21s cleared HR_LOW critical',
      '40s escalated HR_LOW critical site-consoles',
      '70s escalated HR_LOW critical site-staff',
    ]);
    const id = alertId(st, 'HR_LOW');
    expect(st.view(80_000).alerts).toEqual([
      expect.objectContaining({ alertId: id, status: 'open', conditionActive: false, severity: 'critical' }),
    ]);
    expect(st.acknowledge(id, 'coach', 90_000, 'checked, fine').events.map(fmt)).toEqual([
      '90s acknowledged HR_LOW critical by coach',
      '90s closed HR_LOW critical by coach',
    ]);
    expect(st.view(90_000).alerts).toEqual([]);
    const report = st.report(100_000);
    expect(report.alerts).toEqual([
      expect.objectContaining({
        rule: 'HR_LOW',
        raisedAt: 10_000,
        clearedAt: 21_000,
        acknowledgedAt: 90_000,
        acknowledgedBy: 'coach',
        timeToAcknowledgeS: 80,
        closedAt: 90_000,
      }),
    ]);
  });

  it('critical acknowledged while active re-sounds 60 s later, escalates again if ignored, closes on clear', () => {
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    drive(st, 0, 20, () => ({ hr: 35 }));
    const id = alertId(st, 'HR_LOW');
    expect(st.acknowledge(id, 'coach', 20_000).events.map(fmt)).toEqual([
      '20s acknowledged HR_LOW critical by coach',
    ]);
    expect(drive(st, 21, 115, () => ({ hr: 35 }))).toEqual([
      '80s resounded HR_LOW critical',
      '110s escalated HR_LOW critical site-consoles',
    ]);
    expect(st.acknowledge(id, 'nurse', 115_000).events.map(fmt)).toEqual([
      '115s acknowledged HR_LOW critical by nurse',
    ]);
    expect(drive(st, 116, 126, () => ({ hr: 50 }))).toEqual([
      '126s cleared HR_LOW critical',
      '126s closed HR_LOW critical by system',
    ]);
    expect(st.report(126_000).alerts[0]).toMatchObject({
      acknowledgedBy: 'coach',
      timeToAcknowledgeS: 10,
    });
  });

  it('an upgrade needs a new acknowledgement and restarts escalation at the new severity', () => {
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    drive(st, 0, 12, () => ({ hr: 145 }));
    const id = alertId(st, 'HR_OVER_CEILING');
    st.acknowledge(id, 'coach', 12_000);
    expect(drive(st, 13, 60, () => ({ hr: 152 }))).toEqual([
      '15s raised HR_ABOVE_ZONE warning',
      '23s upgraded HR_OVER_CEILING critical',
      '53s escalated HR_OVER_CEILING critical site-consoles',
    ]);
  });

  it('acknowledge reports why it did nothing', () => {
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    drive(st, 0, 30, (s) => ({ hr: s <= 15 ? 135 : 110 }));
    const id = alertId(st, 'HR_ABOVE_ZONE');
    expect(st.acknowledge('nope', 'x', 1).error).toBe('unknown-alert');
    expect(st.acknowledge(id, 'x', 31_000)).toMatchObject({ error: 'already-closed', events: [] });
    const st2 = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    drive(st2, 0, 20, () => ({ hr: 135 }));
    const id2 = alertId(st2, 'HR_ABOVE_ZONE');
    expect(st2.acknowledge(id2, 'x', 20_000).error).toBeUndefined();
    expect(st2.acknowledge(id2, 'y', 21_000).error).toBe('already-acknowledged');
  });

  it('SIGNAL_LOST needs a bound participant in an active session', () => {
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 1_000_000);
    st.setBound(false, 1_000_000);
    // Unbound: not SIGNAL_LOST but UNMONITORED (issue 14).
    expect(st.tick(1_020_000).map(fmt)).toEqual(['1020s raised UNMONITORED warning']);
    st.setBound(true, 1_020_000);
    expect(st.tick(1_020_000).map(fmt)).toEqual(['1020s raised SIGNAL_LOST advisory']);
    const ended = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    ended.endSession();
    expect(ended.tick(60_000)).toEqual([]);
    expect(ended.evaluate({ t: 1000, hr: 35 })).toEqual([]);
  });
});

describe('time jumps cost O(1) (issue 12, ruling 4)', () => {
  it('a tick and a sample ten days later take every due step at once, not one per elapsed second', () => {
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    drive(st, 0, 10, () => ({ hr: 35 })); // HR_LOW critical at 10 s, not acknowledged
    const before = st.work;
    const later = 10 * 24 * 3600 * 1000;
    expect(st.tick(later).map(fmt)).toEqual([
      `${later / 1000}s raised SIGNAL_LOST warning`,
      `${later / 1000}s escalated HR_LOW critical site-consoles`,
      `${later / 1000}s escalated HR_LOW critical site-staff`,
    ]);
    expect(st.evaluate({ t: later + 1000, hr: 110 }).map(fmt)).toEqual([
      `${later / 1000 + 1}s cleared SIGNAL_LOST warning`,
      `${later / 1000 + 1}s closed SIGNAL_LOST warning by system`,
    ]);
    expect(st.work - before).toBeLessThanOrEqual(10);
    expect(st.report(later + 1000).trace.at(-1)).toEqual({ tS: later / 1000, hr: 110, spo2: null });
  });
});

describe('ordering and determinism', () => {
  it('drops a sample older than the latest one and counts it', () => {
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    st.evaluate({ t: 5000, hr: 110 });
    expect(st.evaluate({ t: 4000, hr: 180 })).toEqual([]);
    expect(st.outOfOrderDropped).toBe(1);
    expect(st.view(5000).hr?.value).toBe(110);
  });

  it('evaluateAll sorts a batch by t (stable) before evaluating', () => {
    const samples = every(0, 40, { hr: 125 });
    const shuffled = [...samples].reverse();
    const a = new ParticipantMonitor(rx(), defaultRuleSettings, 0).evaluateAll(samples);
    const b = new ParticipantMonitor(rx(), defaultRuleSettings, 0).evaluateAll(shuffled);
    expect(b).toEqual(a);
    expect(a.map(fmt)).toEqual(['30s raised HR_ABOVE_ZONE advisory']);
  });
});

describe('view: tile freshness and zone state (section 2, 5)', () => {
  it('live < 5 s ≤ stale < 15 s ≤ lost, by the last usable sample', () => {
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    st.evaluate({ t: 1000, hr: 110, spo2: 97 });
    expect(st.view(5999).freshness).toBe('live');
    expect(st.view(6000).freshness).toBe('stale');
    expect(st.view(15_999).hr?.freshness).toBe('stale');
    expect(st.view(16_000)).toMatchObject({
      freshness: 'lost',
      zoneState: null,
      hr: { value: 110, freshness: 'lost' },
    });
  });

  it('zone state by the prescription: below < low ≤ in ≤ high < above < ceiling ≤ overCeiling', () => {
    const cases: [number, string][] = [
      [99, 'below'],
      [100, 'in'],
      [120, 'in'],
      [121, 'above'],
      [139, 'above'],
      [140, 'overCeiling'],
    ];
    for (const [hr, zone] of cases) {
      const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
      st.evaluate({ t: 0, hr, steps: 12, cadence: 100, contact: true });
      expect(st.view(0)).toMatchObject({
        zoneState: zone,
        steps: 12,
        cadence: 100,
        contact: true,
        hrMode: 'enforce',
      });
    }
  });

  it('shows an artefact as such without counting it', () => {
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    st.evaluate({ t: 0, hr: 110 });
    st.evaluate({ t: 500, hr: 170 });
    expect(st.view(600)).toMatchObject({
      hr: { value: 110 },
      hrArtefact: { value: 170, t: 500 },
      zoneState: 'in',
    });
  });
});

describe('session metrics (section 3a "Metrics", 6)', () => {
  it('credits each usable HR sample up to the next one, at most 5 s, the last one up to the session end', () => {
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    st.evaluateAll([
      { t: 0, hr: 105 },
      { t: 1000, hr: 125 },
      { t: 10_000, hr: 145 },
      { t: 12_000, steps: 5 },
    ]);
    expect(st.metrics(12_000)).toEqual({
      durationS: 12,
      secondsBelow: 0,
      secondsIn: 1,
      secondsAbove: 5,
      secondsOverCeiling: 2,
      hrMean: 125,
      hrPeak: 145,
      spo2Mean: null,
      spo2Min: null,
      completeness: 66.7,
      steps: 0,
      cadence: null,
    });
    expect(st.metrics(30_000)).toMatchObject({ secondsOverCeiling: 5, completeness: 36.7 });
  });

  it('hrMean/spo2Mean to one decimal; artefacts and unusable values excluded', () => {
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    st.evaluateAll([
      { t: 0, hr: 100, spo2: 97 },
      { t: 1000, hr: 101, spo2: 96 },
      { t: 1500, hr: 160, spo2: 40 }, // HR artefact, SpO2 unusable
      { t: 2000, hr: 101, spo2: 96, contact: false }, // HR unusable (contact), SpO2 usable
      { t: 3000, hr: 101 },
    ]);
    expect(st.metrics(3000)).toMatchObject({
      hrMean: 100.7,
      hrPeak: 101,
      spo2Mean: 96.3,
      spo2Min: 96,
    });
  });

  it('steps from a cumulative counter (a decrease is a reset) and cadence', () => {
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    st.evaluateAll([
      { t: 0, steps: 100 },
      { t: 30_000, steps: 110 },
      { t: 40_000, steps: 5 },
      { t: 60_000, steps: 15 },
    ]);
    expect(st.metrics(60_000)).toMatchObject({ steps: 25, cadence: 25 });
    const withCadence = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    withCadence.evaluateAll([
      { t: 0, cadence: 100 },
      { t: 1000, cadence: 111 },
    ]);
    expect(withCadence.metrics(1000).cadence).toBe(105.5);
  });

  it('5-s down-sampled HR and SpO2 trace, with empty buckets as null', () => {
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    st.evaluateAll([
      { t: 0, hr: 100, spo2: 97 },
      { t: 4000, hr: 103 },
      { t: 5000, hr: 110 },
      { t: 16_000, spo2: 95 },
    ]);
    expect(st.report(16_000).trace).toEqual([
      { tS: 0, hr: 101.5, spo2: 97 },
      { tS: 5, hr: 110, spo2: null },
      { tS: 10, hr: null, spo2: null },
      { tS: 15, hr: null, spo2: 95 },
    ]);
  });

  it("each trace bucket's usable HR extremes keep a 2-s spike's peak that the bucket mean flattens", () => {
    // The demo home walk's spike (issue 14): 162 is an artefact (a jump < 2 s after 123), 163 comes exactly
    // 2 000 ms after the last usable 123, so it is usable (section 2) and is the session's hrPeak.
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    st.evaluateAll([
      { t: 0, hr: 120 },
      { t: 1000, hr: 123 },
      { t: 2000, hr: 162, rrMs: [506, 496] },
      { t: 3000, hr: 163, rrMs: [495, 508] },
      { t: 4000, hr: 125, rrMs: [485, 483, 502] },
      { t: 5000, hr: 126 },
      { t: 11_000, hr: 127 },
    ]);
    const report = st.report(11_000);
    expect(report.hrPeak).toBe(163);
    expect(report.trace.map((p) => p.hr)).toEqual([132.8, 126, 127]);
    const ext = st.traceHrExtremes();
    expect(ext).toEqual([
      { hrMin: 120, hrMax: 163 },
      { hrMin: 126, hrMax: 126 },
      { hrMin: 127, hrMax: 127 },
    ]);
    expect(ext.length).toBe(st.trace().points.length);
    expect(Math.max(...ext.map((b) => b.hrMax ?? 0))).toBe(report.hrPeak);
  });

  it('HR recovery 60 s after exercise end; a drop ≤ 12 bpm is flagged for review', () => {
    const samples = (after: number) => [...every(0, 60, { hr: 150 }), ...every(61, 130, { hr: after })];
    const st = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    st.evaluateAll(samples(130));
    expect(st.report(130_000, { exerciseEndMs: 60_000 }).hrRecovery).toEqual({
      exerciseEndMs: 60_000,
      hrAtEndBpm: 150,
      hrAfterBpm: 130,
      dropBpm: 20,
      flaggedForReview: false,
    });
    const slow = new ParticipantMonitor(rx(), defaultRuleSettings, 0);
    slow.markExerciseEnd(60_000);
    slow.evaluateAll(samples(138));
    expect(slow.report(130_000).hrRecovery).toMatchObject({ dropBpm: 12, flaggedForReview: true });
    expect(slow.report(130_000, { exerciseEndMs: 125_000 }).hrRecovery).toBeNull();
  });

  it('adherence: minutes in zone against FITT, and sessions per week', () => {
    const st = new ParticipantMonitor(
      rx({ fitt: { sessionsPerWeek: 3, minutesInZone: 1 } }),
      defaultRuleSettings,
      0,
    );
    st.evaluateAll(every(0, 90, { hr: 110 }));
    expect(st.report(90_000).adherence).toEqual({
      minutesInZone: 1.5,
      targetMinutesInZone: 1,
      met: true,
    });
    const week = Date.parse('2025-03-03T00:00:00Z');
    const day = 86_400_000;
    expect(
      weeklyAdherence(
        [
          { startMs: week + day, minutesInZone: 30 },
          { startMs: week + 2 * day, minutesInZone: 10 },
          { startMs: week + 8 * day, minutesInZone: 30 },
        ],
        { sessionsPerWeek: 2, minutesInZone: 20 },
        week,
      ),
    ).toEqual({ sessions: 2, sessionsMeetingTarget: 1, targetSessions: 2, met: false });
  });
});
