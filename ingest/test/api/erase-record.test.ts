/**
 * Erasure reaches every table a later issue added: the issue-15 demo record (assessments, an enrolment,
 * weekly progression proposals, prescription versions, home sessions with reports) goes completely, by the
 * schema's foreign keys, without a list of tables in the erasure code. No InfluxDB configured: skipped.
 */
import { describe, expect, it } from 'vitest';
import { RECORD_DEMO_PARTICIPANT, seedRecordDemo } from '../../src/demo-record.js';
import { demoTraceSource } from '../../src/platform.js';
import { T0, useApi } from './helpers.js';

describe('erasure of a full exercise-health record', () => {
  const h = useApi();

  it('leaves no row of theirs in any table', async () => {
    const seeded = await seedRecordDemo(h.registry, {
      siteId: h.world.siteA,
      clinicianId: h.world.users.clinician.id,
      coachId: h.world.users.coach.id,
      now: T0,
      traces: demoTraceSource,
    });
    expect(seeded.seeded).toBe(true);
    const id = RECORD_DEMO_PARTICIPANT;
    const alias = (await h.registry.participants.get(id))!.alias;
    const before = await h.registry.personData.collect(id);
    expect(Object.keys(before.tables)).toEqual(
      expect.arrayContaining(['assessments', 'prescriptions', 'session_reports']),
    );
    const res = await h.as('admin', {
      method: 'POST',
      url: `/api/participants/${id}/erase`,
      payload: { confirmAlias: alias },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ participantId: id, telemetry: 'skipped' });
    expect(res.json().sessionIds.length).toBeGreaterThan(0);
    const cols = await h.db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb', 'ARRAY') ORDER BY 1, 2`,
    );
    const hits: string[] = [];
    for (const c of cols) {
      for (const needle of [id, alias]) {
        const [row] = await h.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${c.table_name}" WHERE "${c.column_name}"::text LIKE '%' || $1 || '%'`,
          [needle],
        );
        if (row && row.n > 0) hits.push(`${c.table_name}.${c.column_name}`);
      }
    }
    expect(hits).toEqual(['audit_log.entity_id']);
    expect(await h.registry.participants.get(h.world.ann)).toBeDefined();
  }, 120_000);
});
