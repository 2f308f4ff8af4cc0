/**
 * A person's data rights (issue 16) on a real registry and a real influxd: the export holds everything
 * about them; erasure leaves nothing of theirs in the registry (every text column of every table searched
 * for their pseudonymous id and alias) nor in InfluxDB (queried by their id), while another participant's
 * data is intact and the audit trail keeps that the erasure happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InfluxQLTarget } from '../../src/telemetry/index.js';
import { type InfluxServer, startInflux } from '../telemetry/influx-server.js';
import { errorOf, RX, useApi } from './helpers.js';

const MIN = 60_000;

describe('data rights: export and erasure', () => {
  let influx: InfluxServer;
  const api: { telemetry?: InfluxQLTarget } = {};
  // Registered before useApi's own hook, so the API is built with the telemetry target.
  beforeAll(async () => {
    influx = await startInflux();
    api.telemetry = { url: influx.url, database: influx.database };
  }, 60_000);
  afterAll(async () => influx?.close());
  const h = useApi({ api });
  const f = { erin: '', classSession: '', homeSession: '', strap: '', annStrap: '' };

  async function write(lines: string[], rp?: string) {
    const res = await fetch(
      `${influx.url}/write?db=${influx.database}&precision=ms${rp ? `&rp=${rp}` : ''}`,
      {
        method: 'POST',
        body: lines.join('\n'),
      },
    );
    expect(res.status).toBe(204);
  }
  const count = async (where: string) => {
    const rows = await influx.query(`SELECT count(*) FROM "hr", "spo2", "steps", "alert" WHERE ${where}`);
    return rows.length;
  };
  const series = async (where: string) => (await influx.query(`SHOW SERIES WHERE ${where}`)).length;

  /** Tables and text/json columns of the registry, to search every one of them. */
  async function occurrences(needle: string): Promise<string[]> {
    const cols = await h.db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb', 'ARRAY', 'character varying')
       ORDER BY 1, 2`,
    );
    const hits: string[] = [];
    for (const c of cols) {
      const [row] = await h.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${c.table_name}" WHERE "${c.column_name}"::text LIKE '%' || $1 || '%'`,
        [needle],
      );
      if (row && row.n > 0) hits.push(`${c.table_name}.${c.column_name}`);
    }
    return hits;
  }

  beforeAll(async () => {
    const r = h.registry;
    const { siteA } = h.world;
    const clinician = h.world.users.clinician.id;
    const erin = await r.participants.create({
      siteId: siteA,
      alias: 'Erin Quist',
      clinical: { fullName: 'Erin Quist-Lindqvist', ageYears: 70, sex: 'female', conditions: ['copd'] },
    });
    f.erin = erin.id;
    for (const purpose of ['home-monitoring', 'hospital-sharing'] as const)
      await r.consent.record({
        participantId: erin.id,
        purpose,
        granted: true,
        noticeVersion: 'v1',
        recordedBy: clinician,
      });
    await r.prescriptions.create({
      participantId: erin.id,
      authorId: clinician,
      body: RX,
      effectiveFrom: h.clock.now,
    });
    await r.assessments.create({
      participantId: erin.id,
      kind: 'baseline',
      date: '2025-01-02',
      authorId: clinician,
      document: { sixMinuteWalk: { distanceM: 388 } },
    });
    // Erin's phone, paired for home sessions (issue 17): a gateway whose name quotes her alias.
    await r.gateways.create({
      id: 'phone-erin',
      siteId: siteA,
      name: 'Home phone — Erin Quist',
      secretHash: 'scrypt$1024$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==',
    });
    await h.db.query(
      'INSERT INTO home_gateways (gateway_id, participant_id, paired_at) VALUES ($1, $2, $3)',
      ['phone-erin', erin.id, new Date(h.clock.now)],
    );
    f.strap = (await r.devices.create({ id: 'C8:4F:E1:00:00:01', siteId: siteA, kind: 'hr-strap' })).id;
    await r.devices.setOwner(f.strap, erin.id);
    // A class with Ann and Erin; a home session of Erin's alone.
    const cls = await r.sessions.create({
      siteId: siteA,
      kind: 'class',
      classId: h.world.classA,
      name: 'Class',
    });
    f.classSession = cls.id;
    await r.sessions.start(cls.id, h.clock.now);
    await r.rosters.bind({ sessionId: cls.id, participantId: erin.id, deviceId: f.strap });
    await r.rosters.bind({ sessionId: cls.id, participantId: h.world.ann, deviceId: h.world.strapA });
    for (const p of [erin.id, h.world.ann]) {
      const a = await r.alerts.raise({
        sessionId: cls.id,
        participantId: p,
        rule: 'HR_ABOVE_ZONE',
        severity: 'warning',
        atMs: h.clock.now,
      });
      await r.alerts.recordEvent({
        alertId: a.alert.id,
        event: 'acknowledged',
        atMs: h.clock.now + 1000,
        actorId: h.world.users.instructor.id,
      });
    }
    await r.sessions.end(cls.id, h.clock.now + 30 * MIN);
    for (const p of [erin.id, h.world.ann])
      await r.reports.save({
        sessionId: cls.id,
        participantId: p,
        body: { hrMean: 110, alias: p === erin.id ? 'Erin Quist' : 'Ann' },
      });
    const home = await r.sessions.create({ siteId: siteA, kind: 'home', name: 'Home session — Erin Quist' });
    f.homeSession = home.id;
    await r.sessions.start(home.id, h.clock.now + 40 * MIN);
    await r.rosters.bind({ sessionId: home.id, participantId: erin.id, deviceId: f.strap });
    await r.sessions.end(home.id, h.clock.now + 70 * MIN);

    const t = h.clock.now;
    const lines: string[] = [];
    for (let i = 0; i < 20; i++) {
      for (const [p, s] of [
        [erin.id, cls.id],
        [h.world.ann, cls.id],
        [erin.id, home.id],
      ] as const) {
        const tags = `site=${siteA},session=${s},participant=${p}`;
        lines.push(`hr,${tags},device_kind=hr-strap bpm=${100 + i},usable=true ${t + i * 1000}`);
        lines.push(`spo2,${tags},device_kind=oximeter spo2=96 ${t + i * 1000}`);
      }
    }
    lines.push(
      `alert,site=${siteA},session=${cls.id},participant=${erin.id},rule=HR_ABOVE_ZONE,severity=warning,event=raised count=1i ${t}`,
    );
    lines.push(
      `alert,site=${siteA},session=${cls.id},participant=${h.world.ann},rule=HR_ABOVE_ZONE,severity=warning,event=raised count=1i ${t}`,
    );
    lines.push(`session,site=${siteA},session=${home.id} participants=1i,completeness=100 ${t}`);
    lines.push(`session,site=${siteA},session=${cls.id} participants=2i,completeness=100 ${t}`);
    await write(lines);
    // 1-minute means in a second retention policy, as the provisioning set-up keeps them.
    await influx.query(
      `CREATE RETENTION POLICY "one_min" ON "${influx.database}" DURATION 730d REPLICATION 1`,
    );
    await write(
      [erin.id, h.world.ann].map(
        (p) =>
          `hr,site=${siteA},session=${cls.id},participant=${p},device_kind=hr-strap bpm=104,samples=20i ${t}`,
      ),
      'one_min',
    );
    expect(await count(`"participant" = '${erin.id}'`)).toBeGreaterThan(0);
  }, 60_000);

  it('exports everything about the person as one JSON archive (audited)', async () => {
    const res = await h.as('clinician', { method: 'GET', url: `/api/participants/${f.erin}/export` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="zonewatch-${f.erin}.json"`);
    const a = res.json();
    expect(a).toMatchObject({ format: 'zonewatch.person-export', version: 1, participantId: f.erin });
    expect(Object.keys(a.registry).sort()).toEqual(
      expect.arrayContaining([
        'alert_events',
        'alerts',
        'assessments',
        'devices',
        'participant_clinical',
        'participant_consents',
        'participants',
        'prescriptions',
        'session_reports',
        'session_roster',
      ]),
    );
    expect(a.registry.participant_clinical[0].full_name).toBe('Erin Quist-Lindqvist');
    expect(a.registry.alert_events).toHaveLength(2);
    expect(a.sessions.map((s: { id: string }) => s.id).sort()).toEqual(
      [f.classSession, f.homeSession].sort(),
    );
    expect(a.telemetry.status).toBe('included');
    expect(a.telemetry.measurements['autogen.hr']).toHaveLength(40);
    expect(
      a.telemetry.measurements['autogen.hr'].every((p: { participant: string }) => p.participant === f.erin),
    ).toBe(true);
    expect(a.telemetry.measurements['autogen.alert']).toHaveLength(1);
    expect(a.telemetry.measurements['one_min.hr']).toEqual([
      expect.objectContaining({ bpm: 104, participant: f.erin }),
    ]);
    // The record summary as PDF in both languages.
    expect(a.pdfs.map((x: { name: string }) => x.name)).toEqual([
      `record-${f.erin}.zh-CN.pdf`,
      `record-${f.erin}.en.pdf`,
    ]);
    for (const pdf of a.pdfs)
      expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    expect(JSON.stringify(a)).not.toContain(h.world.ann);
    const [entry] = await h.registry.audit.list({ entity: 'participant', entityId: f.erin, limit: 1 });
    expect(entry).toMatchObject({
      action: 'participant.export',
      actor: `user:${h.world.users.clinician.id}`,
    });
    // Roles: not instructors, coaches or ops; not another site's clinician.
    for (const who of ['instructor', 'coach', 'ops'] as const)
      expect((await h.as(who, { method: 'GET', url: `/api/participants/${f.erin}/export` })).statusCode).toBe(
        403,
      );
    expect(
      (await h.as('clinicianB', { method: 'GET', url: `/api/participants/${f.erin}/export` })).statusCode,
    ).toBe(404);
  });

  it('erases nothing without the alias typed again, or while InfluxDB is unreachable', async () => {
    const erase = (confirmAlias: string) =>
      h.as('clinician', {
        method: 'POST',
        url: `/api/participants/${f.erin}/erase`,
        payload: { confirmAlias },
      });
    const wrong = await erase('Erin');
    expect(wrong.statusCode).toBe(400);
    expect(errorOf(wrong).message).toContain('confirmAlias');
    await influx.stop();
    try {
      const down = await erase('Erin Quist');
      expect(down.statusCode).toBe(503);
      expect(errorOf(down).error).toBe('ZW_ERR_ERASURE_INCOMPLETE');
    } finally {
      await influx.restart();
    }
    expect(await h.registry.participants.get(f.erin)).toBeDefined();
    expect(await count(`"participant" = '${f.erin}'`)).toBeGreaterThan(0);
  }, 60_000);

  it('erases the person from the registry and InfluxDB; others intact; the audit keeps that it happened', async () => {
    const annSeriesBefore = await series(`"participant" = '${h.world.ann}'`);
    const annPointsBefore = await influx.query(
      `SELECT count(bpm) FROM hr WHERE "participant" = '${h.world.ann}'`,
    );
    const res = await h.as('clinician', {
      method: 'POST',
      url: `/api/participants/${f.erin}/erase`,
      payload: { confirmAlias: 'Erin Quist' },
    });
    expect(res.statusCode).toBe(200);
    const out = res.json();
    expect(out).toMatchObject({ participantId: f.erin, telemetry: 'dropped', sessionIds: [f.homeSession] });
    expect(out.registryRows).toMatchObject({
      participants: 1,
      'devices.owner_participant_id': 1,
      alert_events: 2,
    });

    // Registry: their id and alias are nowhere but in the audit trail (ids only, never the alias).
    expect(await occurrences(f.erin)).toEqual(['audit_log.entity_id']);
    expect(await occurrences('Erin Quist')).toEqual([]);
    const [erased] = await h.registry.audit.list({ entity: 'participant', entityId: f.erin, limit: 1 });
    expect(erased).toMatchObject({
      action: 'participant.erase',
      actor: `user:${h.world.users.clinician.id}`,
    });
    expect(JSON.stringify(erased!.detail)).not.toContain('Erin');
    // InfluxDB: nothing left under their pseudonymous id, nor of their own home session.
    expect(await count(`"participant" = '${f.erin}'`)).toBe(0);
    expect(await series(`"participant" = '${f.erin}'`)).toBe(0);
    expect(await series(`"session" = '${f.homeSession}'`)).toBe(0);
    expect(
      await influx.query(`SELECT count(*) FROM "one_min"."hr" WHERE "participant" = '${f.erin}'`),
    ).toEqual([]);
    expect(
      await influx.query(`SELECT count(*) FROM "one_min"."hr" WHERE "participant" = '${h.world.ann}'`),
    ).toHaveLength(1);
    // Everyone else's data is intact.
    expect(await series(`"participant" = '${h.world.ann}'`)).toBe(annSeriesBefore);
    expect(await influx.query(`SELECT count(bpm) FROM hr WHERE "participant" = '${h.world.ann}'`)).toEqual(
      annPointsBefore,
    );
    expect(await series(`"session" = '${f.classSession}'`)).toBeGreaterThan(0);
    expect(await h.registry.sessions.get(f.classSession)).toBeDefined();
    expect(await h.registry.reports.get(f.classSession, h.world.ann)).toBeDefined();
    expect(
      (await h.registry.rosters.list(f.classSession, { includeUnbound: true })).map((b) => b.participantId),
    ).toEqual([h.world.ann]);
    const annAlerts = await h.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE a.participant_id = $1`,
      [h.world.ann],
    );
    expect(annAlerts[0]?.n).toBe(2);
    expect(await h.registry.devices.get(f.strap)).toMatchObject({ ownerParticipantId: null });
    // Her phone can no longer connect, and its name no longer names her.
    expect(await h.registry.gateways.get('phone-erin')).toMatchObject({ revokedAt: expect.any(Number) });
    expect(await h.registry.participants.get(h.world.ann)).toBeDefined();
    // Gone is gone.
    expect(
      (await h.as('clinician', { method: 'GET', url: `/api/participants/${f.erin}/export` })).statusCode,
    ).toBe(404);
  });
});
