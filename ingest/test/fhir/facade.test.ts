/**
 * The FHIR R4 facade (issue 16): a hospital client created by an admin pulls a demo participant's
 * `$everything`; every resource validates against the R4 structure definitions; LOINC codes and values
 * match the registry; without sharing consent the Bundle is empty; another site's token gets 403; invalid
 * searches get an OperationOutcome with a 4xx.
 */
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/registry/index.js';
import { RX, T0 } from '../api/helpers.js';
import { useFhir, validateR4 } from './harness.js';

// biome-ignore lint/suspicious/noExplicitAny: FHIR JSON, read by the assertions
type Json = Record<string, any>;
const MIN = 60_000;
const SITE = 'fhir-demo';
const P1 = 'fhir-demo-p1';
const P2 = 'fhir-demo-p2';
const REPORT = {
  durationS: 1800,
  secondsBelow: 200,
  secondsIn: 1440,
  secondsAbove: 160,
  secondsOverCeiling: 0,
  hrMean: 112.4,
  hrPeak: 131,
  spo2Mean: 96.1,
  spo2Min: 93,
  completeness: 98.2,
  steps: 2100,
  cadence: 70,
  hrRecovery: null,
  trace: [],
  alerts: [],
  adherence: { minutesInZone: 24, targetMinutesInZone: 20, met: true },
  alias: 'Demo Du',
  zone: null,
};
const ASSESSMENT = {
  anthropometrics: { heightCm: 170, weightKg: 72.3 },
  restingHrBpm: 64,
  restingBp: { systolicMmHg: 132, diastolicMmHg: 84 },
  sixMinuteWalk: { distanceM: 452 },
};

const body = (res: LightMyRequestResponse): Json => res.json();
const loincOf = (r: Json): string[] =>
  (r.code?.coding ?? []).filter((c: Json) => c.system === 'http://loinc.org').map((c: Json) => c.code);

function expectOutcome(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
  const oo = body(res);
  expect(oo).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code }] });
  validateR4(oo);
  return oo;
}

describe('FHIR facade', () => {
  const h = useFhir();
  const t = { pseudo: '', identity: '', otherSite: '', pseudoId: '' };

  beforeAll(async () => {
    const participant = (id: string, alias: string) => ({
      id,
      alias,
      age: 64,
      sex: 'male' as const,
      condition: 'cad',
      betaBlocker: false,
      hrRest: 70,
      deviceIds: [`C8:4F:16:00:00:0${id.at(-1)}`],
      prescription: { ...RX, fitt: { sessionsPerWeek: 3, minutesInZone: 20 } },
    });
    const seed = await seedDemo(h.registry, {
      site: { id: SITE, name: 'FHIR demo centre', timezone: 'Asia/Shanghai' },
      usernamePrefix: 'fhir-demo',
      participants: [participant(P1, 'Demo Du'), participant(P2, 'Demo Er')],
    });
    const clinician = seed.users.find((u) => u.role === 'clinician')!.userId;
    await h.registry.participants.setClinical(P1, { fullName: '杜明', dateOfBirth: '1961-04-02' });
    // P2 withdrew sharing with the hospital.
    await h.registry.consent.record({
      participantId: P2,
      purpose: 'hospital-sharing',
      granted: false,
      noticeVersion: 'demo',
      atMs: T0 + 1,
    });
    h.clock.now = T0 + 30 * MIN;
    await h.registry.sessions.end(seed.sessionId);
    for (const p of [P1, P2])
      await h.registry.reports.save({ sessionId: seed.sessionId, participantId: p, body: REPORT });
    for (const p of [P1, P2])
      await h.registry.assessments.create({
        participantId: p,
        kind: 'baseline',
        date: '2025-01-03',
        authorId: clinician,
        document: ASSESSMENT,
      });
    const admin = await h.staff('admin');
    const create = async (payload: object) => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/fhir-clients',
        headers: { authorization: `Bearer ${admin}` },
        payload,
      });
      expect(res.statusCode).toBe(201);
      return res.json<{ client: { id: string }; token: string }>();
    };
    const pseudo = await create({ name: 'City hospital', siteId: SITE });
    t.pseudo = pseudo.token;
    t.pseudoId = pseudo.client.id;
    t.identity = (
      await create({ name: 'City hospital (identified)', siteId: SITE, allowIdentity: true })
    ).token;
    t.otherSite = (await create({ name: 'Lung hospital', siteId: h.world.siteB })).token;
  });

  it('serves a valid CapabilityStatement at /fhir/metadata without a token', async () => {
    const res = await h.fhir('/fhir/metadata');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    const cs = body(res);
    validateR4(cs);
    expect(cs).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance' });
    expect(cs.rest[0].resource.map((r: Json) => r.type)).toEqual(['Patient', 'Observation', 'CarePlan']);
  });

  it("pulls a demo participant's $everything: valid resources, LOINC codes and values of the registry", async () => {
    const res = await h.fhir(`/fhir/Patient/${P1}/$everything`, t.pseudo);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    const bundle = body(res);
    validateR4(bundle);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    expect(bundle.total).toBe(bundle.entry.length);
    const resources: Json[] = bundle.entry.map((e: Json) => e.resource);
    for (const e of bundle.entry) {
      validateR4(e.resource);
      expect(e.fullUrl).toBe(`http://localhost:80/fhir/${e.resource.resourceType}/${e.resource.id}`);
      expect(e.search).toEqual({ mode: 'match' });
    }
    expect(new Set(bundle.entry.map((e: Json) => e.fullUrl)).size).toBe(bundle.entry.length);
    // Every reference resolves to an entry of the Bundle.
    const ids = new Set(resources.map((r) => `${r.resourceType}/${r.id}`));
    for (const r of resources.filter((x) => x.subject)) expect(ids.has(r.subject.reference)).toBe(true);

    // Pseudonymous: our id only, marked as such; no name, alias or birth date.
    const patient = resources.find((r) => r.resourceType === 'Patient')!;
    expect(patient).toMatchObject({ id: P1, meta: { security: [{ code: 'PSEUDED' }] } });
    expect(patient.name).toBeUndefined();
    expect(patient.birthDate).toBeUndefined();
    expect(res.body).not.toContain('Demo Du');
    expect(res.body).not.toContain('杜明');

    // Values against the registry.
    const report = (await h.registry.reports.get(
      (
        await h.registry.reports.listByParticipant(P1)
      )[0]!.sessionId,
      P1,
    ))!.body as typeof REPORT;
    const [assessment] = await h.registry.assessments.list(P1);
    const doc = assessment!.document as typeof ASSESSMENT;
    const obs = resources.filter((r) => r.resourceType === 'Observation');
    const byMetric = (m: string) =>
      obs.find((o) => o.code.coding.some((c: Json) => c.code === m && c.system.endsWith('/session-metric')))!;
    const byLoinc = (code: string, cat: string) =>
      obs.filter((o) => loincOf(o).includes(code) && o.category[0].coding[0].code === cat);
    expect(loincOf(byMetric('hr-mean'))).toEqual(['8867-4']);
    expect(byMetric('hr-mean').valueQuantity).toEqual({
      value: report.hrMean,
      unit: 'beats/minute',
      system: 'http://unitsofmeasure.org',
      code: '/min',
    });
    expect(byMetric('hr-peak').valueQuantity.value).toBe(report.hrPeak);
    expect(loincOf(byMetric('spo2-min'))).toEqual(['59408-5']);
    expect(byMetric('spo2-min').valueQuantity.value).toBe(report.spo2Min);
    expect(byMetric('spo2-mean').valueQuantity.value).toBe(report.spo2Mean);
    expect(loincOf(byMetric('steps'))).toEqual(['55423-8']);
    expect(byMetric('steps').valueQuantity.value).toBe(report.steps);
    expect(byMetric('minutes-in-zone').valueQuantity).toMatchObject({ value: 24, code: 'min' });
    expect(byMetric('hr-mean').effectivePeriod).toEqual({
      start: new Date(T0).toISOString(),
      end: new Date(T0 + 30 * MIN).toISOString(),
    });
    const one = (code: string) => {
      const found = byLoinc(code, code === '64098-7' ? 'exam' : 'vital-signs');
      expect(found, code).toHaveLength(1);
      expect(found[0]!.effectiveDateTime).toBe(assessment!.date);
      return found[0]!;
    };
    expect(one('29463-7').valueQuantity).toMatchObject({ value: doc.anthropometrics.weightKg, code: 'kg' });
    expect(one('8302-2').valueQuantity).toMatchObject({ value: doc.anthropometrics.heightCm, code: 'cm' });
    expect(one('39156-5').valueQuantity).toMatchObject({ value: 25, code: 'kg/m2' }); // 72.3 / 1.70²
    expect(one('8867-4').valueQuantity.value).toBe(doc.restingHrBpm);
    expect(one('64098-7').valueQuantity).toMatchObject({ value: doc.sixMinuteWalk.distanceM, code: 'm' });
    const bp = one('85354-9');
    expect(bp.valueQuantity).toBeUndefined();
    expect(
      bp.component.map((c: Json) => [c.code.coding[0].code, c.valueQuantity.value, c.valueQuantity.code]),
    ).toEqual([
      ['8480-6', doc.restingBp.systolicMmHg, 'mm[Hg]'],
      ['8462-4', doc.restingBp.diastolicMmHg, 'mm[Hg]'],
    ]);
    // The prescription as a CarePlan: 3 sessions a week, 20 minutes, the zone in words.
    const [plan] = resources.filter((r) => r.resourceType === 'CarePlan');
    expect(plan).toMatchObject({ status: 'active', intent: 'plan', subject: { reference: `Patient/${P1}` } });
    expect(plan!.activity[0].detail.scheduledTiming.repeat).toEqual({
      frequency: 3,
      period: 1,
      periodUnit: 'wk',
      duration: 20,
      durationUnit: 'min',
    });
    expect(plan!.activity[0].detail.description).toMatch(/heart rate \d+–\d+ bpm/);
    // Audited as the hospital's client.
    const [entry] = await h.registry.audit.list({ entity: 'participant', entityId: P1, limit: 1 });
    expect(entry).toMatchObject({ actor: `fhir-client:${t.pseudoId}`, action: 'fhir.read' });
    expect(entry!.detail).toMatchObject({ interaction: 'Patient/$everything', resources: bundle.total });
  });

  it('gives name and birth date only to a client allowed identity', async () => {
    const res = await h.fhir(`/fhir/Patient/${P1}`, t.identity);
    expect(res.statusCode).toBe(200);
    const patient = body(res);
    validateR4(patient);
    expect(patient).toMatchObject({ name: [{ text: '杜明' }], birthDate: '1961-04-02', gender: 'male' });
    expect(patient.meta.security).toBeUndefined();
    const pseudo = body(await h.fhir(`/fhir/Patient/${P1}`, t.pseudo));
    expect(pseudo.name).toBeUndefined();
  });

  it('returns nothing for a participant without sharing consent', async () => {
    const everything = await h.fhir(`/fhir/Patient/${P2}/$everything`, t.identity);
    expect(everything.statusCode).toBe(200);
    const b = body(everything);
    validateR4(b);
    expect(b.total).toBe(0);
    expect(b.entry).toEqual([]);
    expectOutcome(await h.fhir(`/fhir/Patient/${P2}`, t.identity), 404, 'not-found');
    const search = body(await h.fhir(`/fhir/Observation?patient=${P2}`, t.identity));
    expect(search.total).toBe(0);
    expect(everything.body).not.toContain('Demo Er');
  });

  it("refuses another site's token with 403, a missing or revoked token with 401", async () => {
    expectOutcome(await h.fhir(`/fhir/Patient/${P1}`, t.otherSite), 403, 'forbidden');
    expectOutcome(await h.fhir(`/fhir/Patient/${P1}/$everything`, t.otherSite), 403, 'forbidden');
    expectOutcome(await h.fhir(`/fhir/Observation?patient=Patient/${P1}`, t.otherSite), 403, 'forbidden');
    const none = expectOutcome(await h.fhir(`/fhir/Patient/${P1}`), 401, 'login');
    expect(none.issue[0].diagnostics).toBe('a valid bearer token of a FHIR client is required');
    expect((await h.fhir(`/fhir/Patient/${P1}`)).headers['www-authenticate']).toMatch(/^Bearer/);
    expectOutcome(await h.fhir(`/fhir/Patient/${P1}`, `${t.pseudo}x`), 401, 'login');
    // A staff login is not a FHIR client.
    expectOutcome(await h.fhir(`/fhir/Patient/${P1}`, await h.staff('admin')), 401, 'login');
    const admin = await h.staff('admin');
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/fhir-clients',
      headers: { authorization: `Bearer ${admin}` },
      payload: { name: 'Short-lived', siteId: SITE },
    });
    const { client, token } = created.json<{ client: { id: string }; token: string }>();
    expect((await h.fhir(`/fhir/Patient/${P1}`, token)).statusCode).toBe(200);
    const revoke = await h.app.inject({
      method: 'DELETE',
      url: `/api/fhir-clients/${client.id}`,
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(revoke.statusCode).toBe(200);
    expectOutcome(await h.fhir(`/fhir/Patient/${P1}`, token), 401, 'login');
    const list = await h.app.inject({
      method: 'GET',
      url: '/api/fhir-clients?includeRevoked=true',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(list.json().items.map((c: Json) => c.name)).toContain('Short-lived');
    expect(list.body).not.toContain(token);
  });

  it('searches Observations by patient and date (site time zone); refuses invalid searches', async () => {
    const search = async (q: string) => {
      const res = await h.fhir(`/fhir/Observation?${q}`, t.pseudo);
      expect(res.statusCode, q).toBe(200);
      const b = body(res);
      validateR4(b);
      expect(b.total).toBe(b.entry.length);
      return b.entry.map((e: Json) => e.resource as Json);
    };
    const all = await search(`patient=${P1}`);
    expect(all).toHaveLength(12); // 6 session figures + weight, height, BMI, resting HR, BP, 6MWT
    const session = await search(`patient=Patient/${P1}&date=ge2025-01-04`);
    expect(session.every((o: Json) => o.effectivePeriod)).toBe(true);
    expect(session).toHaveLength(6);
    const assessed = await search(`patient=${P1}&date=le2025-01-03`);
    expect(assessed.map((o: Json) => o.effectiveDateTime)).toEqual(Array(6).fill('2025-01-03'));
    expect(await search(`patient=${P1}&date=2025-01-03`)).toHaveLength(6);
    expect(await search(`patient=${P1}&date=ge2025-01-04&date=lt2025-01-06`)).toHaveLength(0);
    // 2025-01-06 09:00 UTC is 17:00 in Shanghai: the session is on the 6th there.
    expect(await search(`patient=${P1}&date=2025-01-06`)).toHaveLength(6);
    expect(await search(`patient=${P1}&date=gt2025-01-06T17:30:00%2B08:00`)).toHaveLength(0);
    expect(await search('patient=nobody-here')).toEqual([]);

    const bad = async (q: string, expression: string, diagnostics: RegExp) => {
      const oo = expectOutcome(
        await h.fhir(`/fhir/Observation?${q}`, t.pseudo),
        400,
        expect.any(String) as never,
      );
      expect(oo.issue[0].expression).toEqual([expression]);
      expect(oo.issue[0].diagnostics).toMatch(diagnostics);
    };
    await bad(`patient=${P1}&date=ge2025-13-01`, 'date', /"2025-13-01" is not a FHIR date/);
    await bad(`patient=${P1}&date=2025-01-06T10:00`, 'date', /not a FHIR date/);
    await bad(`patient=${P1}&date=ne2025-01-01`, 'date', /prefix "ne" is not supported/);
    await bad('date=ge2025-01-01', 'patient', /exactly one patient/);
    await bad(`patient=${P1}&patient=${P2}`, 'patient', /exactly one patient/);
    await bad(`patient=${P1}&code=8867-4`, 'code', /search parameter "code" is not supported/);
    await bad(`patient=${P1}&_format=xml`, '_format', /json only/);
    await bad('patient=bad id!', 'id', /is not a FHIR id/);
    expectOutcome(await h.fhir('/fhir/Encounter', t.pseudo), 404, 'not-supported');
  });
});
