/**
 * The demo exercise-health record (issue 15): ten weeks of sessions whose reports the real rules engine
 * computed from simulated wearables, a baseline and a re-assessment, an enrolment and an open proposal;
 * seeded once.
 */
import { savedReportBodySchema } from '@zonewatch/protocol';
import { describe, expect, it } from 'vitest';
import { buildRecord } from '../../src/api/record/build.js';
import { RECORD_DEMO_PARTICIPANT, seedRecordDemo } from '../../src/demo-record.js';
import { demoTraceSource } from '../../src/platform.js';
import { seedDemo } from '../../src/registry/index.js';
import { ENGINES, useRegistry } from './fixtures.js';

// Monday 2026-12-07 09:00 UTC.
const NOW = Date.UTC(2026, 11, 7, 9);

describe('demo exercise-health record', () => {
  const ctx = useRegistry(ENGINES[0]!);

  it('seeds a populated record once', { timeout: 120_000 }, async () => {
    const reg = ctx.registry;
    const seed = await seedDemo(reg, { site: { id: 'demo-rec', name: 'Demo' }, participants: [], atMs: NOW });
    const user = (role: string) => seed.users.find((u) => u.role === role)!.userId;
    const opts = {
      siteId: 'demo-rec',
      clinicianId: user('clinician'),
      coachId: user('coach'),
      now: NOW,
      traces: demoTraceSource,
    };
    expect(await seedRecordDemo(reg, opts)).toEqual({ seeded: true, participantId: RECORD_DEMO_PARTICIPANT });

    const reports = await reg.reports.listByParticipant(RECORD_DEMO_PARTICIPANT);
    expect(reports).toHaveLength(30);
    for (const r of reports) {
      // The engine's report as the live service saves it, with a trace of the simulated session.
      const body = savedReportBodySchema.parse(r.body);
      expect(body.trace.length).toBeGreaterThan(10);
      expect(body.completeness).toBeGreaterThan(50);
    }
    const minutes = reports.map((r) => savedReportBodySchema.parse(r.body).adherence.minutesInZone);
    expect(new Set(minutes).size).toBeGreaterThan(5); // simulated, not copied numbers

    const p = (await reg.participants.get(RECORD_DEMO_PARTICIPANT))!;
    const record = await buildRecord(reg, p, NOW);
    expect(record.assessments.map((a) => a.kind)).toEqual(['baseline', 'reassessment']);
    expect(record.enrolment).toMatchObject({
      sessionsDone: 30,
      week: 11,
      programme: { preset: 'cardiac-rehab' },
    });
    expect(record.proposals[0]).toMatchObject({ status: 'proposed' });
    expect(record.trends.weeks.filter((w) => w.sessions === 3)).toHaveLength(10);
    expect(record.trends.sessions.some((s) => s.hrRecovery60 !== null)).toBe(true);
    // The home sessions' names are the server's own, so the timeline carries them by code: a zh-CN
    // console words them in Chinese instead of showing "Home session — …".
    const sessions = record.timeline.filter((i) => i.type === 'session');
    expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) expect(s).toMatchObject({ nameCode: 'homeOf', nameAlias: 'Chen 07' });
    expect(record.comparison?.rows.find((r) => r.measure === 'sixMinuteWalk.distanceM')).toMatchObject({
      change: 49,
      meaningful: true,
    });

    expect(await seedRecordDemo(reg, opts)).toEqual({
      seeded: false,
      participantId: RECORD_DEMO_PARTICIPANT,
    });
    expect(await reg.reports.listByParticipant(RECORD_DEMO_PARTICIPANT)).toHaveLength(30);
  });
});
