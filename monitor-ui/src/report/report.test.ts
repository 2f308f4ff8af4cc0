import { describe, expect, it } from 'vitest';
import { groupRoster, toParticipantReport } from '../api/normalize.js';
import { adherenceRows, mayReadAdherence, overCeilingWithoutAlert, timeInZone } from './report.js';

describe('session report view', () => {
  it('reads the saved report body (engine SessionReport + alias + zone)', () => {
    const r = toParticipantReport(
      {
        participantId: 'p1',
        alias: 'Ada',
        body: {
          durationS: 600,
          secondsBelow: 60,
          secondsIn: 420,
          secondsAbove: 90,
          secondsOverCeiling: 30,
          hrMean: 121.4,
          hrPeak: 158,
          spo2Mean: null,
          spo2Min: null,
          completeness: 99.5,
          steps: 812,
          cadence: 81.2,
          hrRecovery: {
            exerciseEndMs: 1,
            hrAtEndBpm: 140,
            hrAfterBpm: 130,
            dropBpm: 10,
            flaggedForReview: true,
          },
          trace: [
            { tS: 0, hr: 90, spo2: null },
            { tS: 5, hr: 95.5, spo2: 97 },
          ],
          alerts: [
            {
              alertId: 'a1',
              rule: 'HR_OVER_CEILING',
              severity: 'critical',
              raisedAt: 100_000 + 75_000,
              acknowledgedAt: 100_000 + 80_000,
              acknowledgedBy: 'ann',
              timeToAcknowledgeS: 5,
              closedAt: null,
            },
          ],
          adherence: { minutesInZone: 7, targetMinutesInZone: 30, met: false },
          zone: { lowBpm: 100, highBpm: 118, ceilingBpm: 133, hrMode: 'enforce' },
        },
      },
      100_000,
    );
    expect(r.metrics.hrPeak).toBe(158);
    expect(r.metrics.spo2Mean).toBeNull();
    expect(r.hrRecovery).toMatchObject({ dropBpm: 10, flaggedForReview: true });
    expect(r.trace).toEqual({ t: [0, 5], hr: [90, 95.5], spo2: [null, 97] });
    expect(r.alerts[0]).toMatchObject({
      id: 'a1',
      severity: 'critical',
      raisedS: 75,
      timeToAckS: 5,
      acknowledgedBy: 'ann',
    });
    expect(r.zone).toEqual({ lowBpm: 100, highBpm: 118, ceilingBpm: 133 });
    expect(r.adherence).toEqual({ minutesInZone: 7, targetMinutesInZone: 30, met: false });
  });

  it('reads the acknowledgement note the report route adds from the registry (absent in saved bodies)', () => {
    const p = toParticipantReport(
      {
        participantId: 'p1',
        alias: 'Ada',
        body: {
          alerts: [
            {
              alertId: 'a1',
              rule: 'HR_LOW',
              severity: 'critical',
              raisedAt: 10_000,
              ackNote: 'sat her down',
            },
            { alertId: 'a2', rule: 'HR_LOW', severity: 'warning', raisedAt: 20_000 },
          ],
        },
      },
      0,
    );
    expect(p.alerts.map((a) => a.ackNote)).toEqual(['sat her down', null]);
  });

  it("reads each trace bucket's HR extremes next to its mean; an older body's mean stands in for both", () => {
    const r = toParticipantReport(
      {
        participantId: 'p1',
        alias: 'Walker',
        body: {
          hrPeak: 163,
          trace: [
            { tS: 0, hr: 132.8, spo2: null, hrMin: 120, hrMax: 163 },
            { tS: 5, hr: 126, spo2: null },
            { tS: 10, hr: null, spo2: null, hrMin: null, hrMax: null },
          ],
        },
      },
      0,
    );
    expect(r.trace.hr).toEqual([132.8, 126, null]);
    expect(r.hrRange).toEqual({ min: [120, 126, null], max: [163, 126, null] });
    expect(Math.max(...r.hrRange.max.map((v) => v ?? 0))).toBe(r.metrics.hrPeak);
  });

  it('says why time over the ceiling raised no alert (runs shorter than the hold, or HR alerts off)', () => {
    const base = toParticipantReport(
      {
        participantId: 'p1',
        alias: 'Walker',
        body: {
          secondsOverCeiling: 3,
          alerts: [],
          zone: { lowBpm: 100, highBpm: 118, ceilingBpm: 133, hrMode: 'enforce' },
        },
      },
      0,
    );
    expect(base.hrMode).toBe('enforce');
    expect(overCeilingWithoutAlert(base)).toEqual({ kind: 'shortRuns', seconds: 3, holdS: 10 });
    expect(overCeilingWithoutAlert({ ...base, hrMode: 'off' })).toEqual({ kind: 'hrAlertsOff', seconds: 3 });
    const alert = {
      id: 'a1',
      rule: 'HR_OVER_CEILING',
      severity: 'warning' as const,
      raisedS: 40,
      raisedAt: 40_000,
      acknowledgedAt: null,
      acknowledgedBy: null,
      closedAt: null,
      timeToAckS: null,
      ackNote: null,
    };
    expect(overCeilingWithoutAlert({ ...base, alerts: [alert] })).toBeNull();
    // Another rule's alert does not explain the time over the ceiling.
    expect(overCeilingWithoutAlert({ ...base, alerts: [{ ...alert, rule: 'HR_ABOVE_ZONE' }] })?.kind).toBe(
      'shortRuns',
    );
    expect(
      overCeilingWithoutAlert({ ...base, metrics: { ...base.metrics, secondsOverCeiling: 0 } }),
    ).toBeNull();
  });

  it('an empty or odd body shows as unknowns, never a crash', () => {
    const r = toParticipantReport(
      { participantId: 'p', alias: 'P', body: { trace: 'x', alerts: null } },
      null,
    );
    expect(r.metrics.hrMean).toBeNull();
    expect(r.trace.t).toEqual([]);
    expect(r.zone).toBeNull();
    expect(r.hrRecovery).toBeNull();
  });

  it('an alert severity the console does not know reads as unknown, never as advisory', () => {
    const r = toParticipantReport(
      {
        participantId: 'p',
        alias: 'P',
        body: {
          alerts: [
            { alertId: 'a1', rule: 'HR_LOW', severity: 'emergency', raisedAt: 1_000 },
            { alertId: 'a2', rule: 'HR_LOW', raisedAt: 2_000 },
            { alertId: 'a3', rule: 'SPO2_LOW', severity: 'critical', raisedAt: 3_000 },
          ],
        },
      },
      0,
    );
    expect(r.alerts.map((a) => [a.id, a.severity])).toEqual([
      ['a1', 'unknown'],
      ['a2', 'unknown'],
      ['a3', 'critical'],
    ]);
  });

  it('time-in-zone shares add up to 100 % of the time with usable HR', () => {
    const shares = timeInZone({
      durationS: 700,
      secondsBelow: 60,
      secondsIn: 420,
      secondsAbove: 90,
      secondsOverCeiling: 30,
      hrMean: null,
      hrPeak: null,
      spo2Mean: null,
      spo2Min: null,
      steps: null,
      cadence: null,
      completeness: null,
    });
    expect(shares.map((s) => s.zone)).toEqual(['below', 'in', 'above', 'overCeiling']);
    expect(shares.reduce((a, s) => a + s.pct, 0)).toBeCloseTo(100);
    expect(shares[1]?.pct).toBeCloseTo(70);
  });

  it('weekly adherence progress is the share of target sessions that met their minutes', () => {
    const rows = adherenceRows({
      participantId: 'p',
      fitt: { sessionsPerWeek: 3, minutesInZone: 30 },
      weeks: [
        {
          weekStart: 0,
          weekEnd: 1,
          sessions: 4,
          minutesInZone: 140,
          sessionsMeetingTarget: 3,
          targetSessions: 3,
          met: true,
        },
        {
          weekStart: 1,
          weekEnd: 2,
          sessions: 1,
          minutesInZone: 20,
          sessionsMeetingTarget: 0,
          targetSessions: 3,
          met: false,
        },
        {
          weekStart: 2,
          weekEnd: 3,
          sessions: 0,
          minutesInZone: 0,
          sessionsMeetingTarget: null,
          targetSessions: null,
          met: null,
        },
      ],
    });
    expect(rows.map((r) => r.progress)).toEqual([1, 0, null]);
    expect(rows.map((r) => r.met)).toEqual([true, false, null]);
  });

  it('groups roster bindings per participant and drops ended bindings', () => {
    const b = (participantId: string, deviceId: string, unboundAt: number | null = null) => ({
      bindingId: `${participantId}-${deviceId}`,
      sessionId: 's',
      participantId,
      alias: participantId.toUpperCase(),
      deviceId,
      deviceKind: 'hr-strap' as const,
      boundAt: 0,
      unboundAt,
      boundBy: null,
    });
    expect(groupRoster([b('p1', 'd1'), b('p2', 'd2'), b('p1', 'd3'), b('p2', 'd4', 5)])).toEqual([
      {
        participantId: 'p1',
        alias: 'P1',
        devices: [
          { deviceId: 'd1', kind: 'hr-strap' },
          { deviceId: 'd3', kind: 'hr-strap' },
        ],
      },
      { participantId: 'p2', alias: 'P2', devices: [{ deviceId: 'd2', kind: 'hr-strap' }] },
    ]);
  });
});

describe('who the report asks for adherence', () => {
  const home = { kind: 'home' as const, coachId: 'u-coach' };
  it('clinicians and admins always; coaches on a home session they follow; nobody else', () => {
    expect(mayReadAdherence({ id: 'c', roles: ['clinician'] }, { kind: 'class', coachId: null })).toBe(true);
    expect(mayReadAdherence({ id: 'a', roles: ['admin'] }, home)).toBe(true);
    expect(mayReadAdherence({ id: 'u-coach', roles: ['coach'] }, home)).toBe(true);
    expect(mayReadAdherence({ id: 'x', roles: ['coach'] }, { kind: 'home', coachId: null })).toBe(true);
    expect(mayReadAdherence({ id: 'other', roles: ['coach'] }, home)).toBe(false);
    expect(mayReadAdherence({ id: 'u-coach', roles: ['coach'] }, { kind: 'class', coachId: null })).toBe(
      false,
    );
    expect(mayReadAdherence({ id: 'i', roles: ['instructor'] }, home)).toBe(false);
    expect(mayReadAdherence(null, home)).toBe(false);
  });
});
