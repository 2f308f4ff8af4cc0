import { PROGRAMME_PRESETS, reassessmentDueSchema } from '@zonewatch/protocol';
import { describe, expect, it } from 'vitest';
import { programmeProgress } from './programme.js';

const cardiac = PROGRAMME_PRESETS['cardiac-rehab']; // 36 sessions / 12 weeks; week 6 and session 36
const START = '2026-09-07'; // a Monday

/** Mon/Wed/Fri sessions from the start, `n` of them. */
function sessions(n: number): string[] {
  const out: string[] = [];
  const offsets = [0, 2, 4];
  for (let i = 0; i < n; i++) {
    const day = Math.floor(i / 3) * 7 + (offsets[i % 3] ?? 0);
    out.push(new Date(Date.parse(`${START}T00:00:00Z`) + day * 86_400_000).toISOString().slice(0, 10));
  }
  return out;
}

const progress = (today: string, done: number, reassessed: string[] = []) =>
  programmeProgress({
    programme: cardiac,
    startDate: START,
    today,
    sessionDates: sessions(done),
    assessments: [
      { date: '2026-09-01', kind: 'baseline' },
      ...reassessed.map((date) => ({ date, kind: 'reassessment' as const })),
    ],
  });

describe('programmeProgress', () => {
  it('session n of N and the programme week', () => {
    const p = progress('2026-09-23', 7); // day 16: week 3
    expect(p).toMatchObject({ sessionsDone: 7, totalSessions: 36, week: 3, weeks: 12 });
    expect(progress('2026-09-06', 0).week).toBe(0);
    expect(progress('2026-09-07', 0).week).toBe(1);
    expect(progress('2026-09-13', 0).week).toBe(1);
    expect(progress('2026-09-14', 0).week).toBe(2);
  });

  it('week 6: not yet due in week 4, due during week 6, overdue a week after, answered by a re-assessment', () => {
    // Week 6 ends on 2026-10-18 (start + 41 days).
    expect(progress('2026-09-30', 10).nextReassessment).toEqual({
      point: { atWeek: 6 },
      dueDate: '2026-10-18',
      due: false,
      overdue: false,
    });
    expect(progress('2026-10-12', 16).nextReassessment).toMatchObject({ due: true, overdue: false });
    expect(progress('2026-10-25', 20).nextReassessment).toMatchObject({ due: true, overdue: false });
    expect(progress('2026-10-26', 21).nextReassessment).toMatchObject({
      point: { atWeek: 6 },
      overdue: true,
    });
    const answered = progress('2026-10-26', 21, ['2026-10-16']).nextReassessment;
    expect(answered).toMatchObject({ point: { atSession: 36 }, due: false });
    expect(reassessmentDueSchema.parse(answered)).toEqual(answered);
  });

  it('session 36: estimated by the plan until done, then due on the day of the 36th session', () => {
    const before = progress('2026-11-20', 30, ['2026-10-16']).nextReassessment;
    // 36 sessions at 3 a week: 12 weeks → start + 83 days.
    expect(before).toEqual({ point: { atSession: 36 }, dueDate: '2026-11-29', due: false, overdue: false });
    const done = progress('2026-12-01', 36, ['2026-10-16']).nextReassessment;
    expect(done).toEqual({ point: { atSession: 36 }, dueDate: '2026-11-27', due: true, overdue: false });
    expect(progress('2026-12-05', 36, ['2026-10-16', '2026-12-02']).nextReassessment).toBeNull();
  });

  it('a slower participant: the session point follows the sessions actually done', () => {
    const p = programmeProgress({
      programme: cardiac,
      startDate: START,
      today: '2026-12-20',
      sessionDates: sessions(30),
      assessments: [{ date: '2026-10-17', kind: 'reassessment' }],
    });
    expect(p.sessionsDone).toBe(30);
    expect(p.week).toBe(15);
    expect(p.nextReassessment).toMatchObject({ point: { atSession: 36 }, due: false, overdue: false });
  });

  it('a missed mid-programme point is superseded once the next point comes near', () => {
    const p = progress('2026-11-28', 36);
    expect(p.nextReassessment).toMatchObject({ point: { atSession: 36 }, due: true });
  });

  it('a re-assessment long before a point does not answer it; a programme without points has none', () => {
    expect(progress('2026-10-12', 16, ['2026-09-20']).nextReassessment).toMatchObject({
      point: { atWeek: 6 },
    });
    expect(
      programmeProgress({
        programme: { totalSessions: 10, weeks: 5, reassessAt: [] },
        startDate: START,
        today: '2026-10-01',
        sessionDates: [],
        assessments: [],
      }).nextReassessment,
    ).toBeNull();
  });
});
