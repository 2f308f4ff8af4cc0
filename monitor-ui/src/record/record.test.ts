import { describe, expect, it } from 'vitest';
import {
  bmiOf,
  checkAssessment,
  emptyAssessmentForm,
  formToAssessment,
  problemOf,
} from './assessmentForm.js';
import { dateMs, sessionOfN, weekOfN } from './programme.js';
import { assessmentTrend, weeklyMinutes } from './trends.js';

const NOW = Date.UTC(2026, 11, 7, 10);
const DAY = 86_400_000;

function form(values: Record<string, string>, date = '2026-12-01') {
  return { ...emptyAssessmentForm(date), values };
}

describe('the assessment form', () => {
  it('sends only what was filled in, nested as the protocol document', () => {
    const body = formToAssessment(
      'p-1',
      form({
        'sixMinuteWalk.distanceM': '412,5',
        'sixMinuteWalk.hrAfterBpm': '118',
        'exerciseTest.peakHrBpm': '142',
        'exerciseTest.peakMets': '6.5',
        'exerciseTest.stopReason': 'volitional-fatigue',
        'exerciseTest.onCurrentMedication': 'true',
        restingHrBpm: '',
      }),
    );
    expect(body).toEqual({
      participantId: 'p-1',
      date: '2026-12-01',
      kind: 'baseline',
      source: 'manual',
      sixMinuteWalk: { distanceM: 412.5, hrAfterBpm: 118 },
      exerciseTest: {
        peakHrBpm: 142,
        peakMets: 6.5,
        stopReason: 'volitional-fatigue',
        onCurrentMedication: true,
      },
    });
    expect(checkAssessment(body, NOW)).toEqual({});
  });

  it('refuses the issue’s bad inputs naming the field, as codes the console words', () => {
    const body = formToAssessment(
      'p-1',
      form(
        { 'restingBp.systolicMmHg': '400', 'restingBp.diastolicMmHg': '80', 'sixMinuteWalk.distanceM': '-5' },
        '2027-03-01',
      ),
    );
    const problems = checkAssessment(body, NOW);
    expect(problems['restingBp.systolicMmHg']).toEqual({ code: 'range', min: 60, max: 300, unit: 'mmHg' });
    expect(problems['sixMinuteWalk.distanceM']).toEqual({ code: 'range', min: 0, max: 1000, unit: 'm' });
    expect(problems['date']).toEqual({ code: 'future' });
  });

  it('says when nothing was recorded, and words a number that does not parse', () => {
    expect(checkAssessment(formToAssessment('p-1', form({})), NOW)['']).toEqual({ code: 'nothing' });
    const p = checkAssessment(formToAssessment('p-1', form({ restingHrBpm: 'abc' })), NOW);
    expect(p['restingHrBpm']?.code).toBe('number');
  });

  it('reads a server refusal of the other arm against the first arm’s range', () => {
    expect(problemOf('restingBp.otherArm.systolicMmHg', 'must be 60–300 mmHg (got 20)')).toEqual({
      code: 'range',
      min: 60,
      max: 300,
      unit: 'mmHg',
    });
    expect(problemOf('x', 'something new')).toEqual({ code: 'other', message: 'something new' });
  });

  it('derives BMI from height and weight', () => {
    expect(bmiOf(form({ 'anthropometrics.heightCm': '170', 'anthropometrics.weightKg': '80' }))).toBe(27.7);
    expect(bmiOf(form({ 'anthropometrics.heightCm': '170' }))).toBeNull();
  });
});

const enrolment = {
  id: 'e-1',
  participantId: 'p-1',
  programme: {
    id: 'preset-cardiac-rehab',
    siteId: null,
    preset: 'cardiac-rehab',
    name: 'Cardiac rehabilitation',
    totalSessions: 36,
    weeks: 12,
    reassessAt: [{ atWeek: 6 }],
    archived: false,
    createdAt: 0,
  },
  startDate: '2026-11-16',
  reassessAt: [{ atWeek: 6 }],
  homeSessions: false,
  status: 'active' as const,
  endedAt: null,
  enrolledBy: 'u-1',
  createdAt: 0,
  sessionsDone: 9,
  week: 3,
  nextReassessment: null,
};

describe('programme progress and trends', () => {
  it('says session n of N and the week, never past the programme', () => {
    expect(sessionOfN(enrolment)).toEqual({ n: 9, total: 36, complete: false });
    expect(weekOfN(enrolment)).toEqual({ week: 3, total: 12 });
    expect(sessionOfN({ ...enrolment, sessionsDone: 40 })).toEqual({ n: 36, total: 36, complete: true });
    expect(weekOfN({ ...enrolment, week: 15 })).toEqual({ week: 12, total: 12 });
  });

  it('builds weekly minutes against the target, and assessment trends oldest first', () => {
    const trends = {
      weeks: [
        { weekStart: NOW - 7 * DAY, sessions: 3, minutesInZone: 80, targetMinutes: 90, targetSessions: 3 },
        { weekStart: NOW - 14 * DAY, sessions: 2, minutesInZone: 60, targetMinutes: 90, targetSessions: 3 },
      ],
      sessions: [],
      assessments: [
        {
          assessmentId: 'a2',
          date: '2026-12-01',
          kind: 'reassessment' as const,
          restingHrBpm: 64,
          systolicMmHg: null,
          diastolicMmHg: null,
          sixMinuteWalkM: null,
          weightKg: null,
        },
        {
          assessmentId: 'a1',
          date: '2026-10-01',
          kind: 'baseline' as const,
          restingHrBpm: null,
          systolicMmHg: null,
          diastolicMmHg: null,
          sixMinuteWalkM: 400,
          weightKg: null,
        },
      ],
    };
    expect(weeklyMinutes(trends)).toEqual({
      at: [NOW - 14 * DAY, NOW - 7 * DAY],
      columns: [
        [60, 80],
        [90, 90],
      ],
    });
    expect(assessmentTrend(trends, [(a) => a.sixMinuteWalkM])).toEqual({
      at: [dateMs('2026-10-01')],
      columns: [[400]],
    });
    expect(new Date(dateMs('2026-10-01')).getDate()).toBe(1);
  });
});
