import { minutesInZone, readReportBody } from '../api/report-body.js';
import { localMidnight } from '../api/time.js';
import { tryResolve } from '../api/views.js';
import type { Participant, Registry } from '../registry/index.js';
import {
  type AssessmentFigures,
  assessmentObservations,
  carePlanResource,
  type FhirContext,
  type PatientIdentity,
  patientResource,
  type Resource,
  sessionObservations,
} from './resources.js';
import type { Range } from './search.js';

/** An Observation or CarePlan with the time range it covers (for date searches). */
export interface Dated {
  resource: Resource;
  effective: Range;
}

/** The Patient resource, with identity only when `allowIdentity`. */
export async function loadPatient(registry: Registry, p: Participant, allowIdentity: boolean) {
  let identity: PatientIdentity | null = null;
  if (allowIdentity) {
    const c = await registry.participants.getClinical(p.id);
    identity = { fullName: c?.fullName ?? null, dateOfBirth: c?.dateOfBirth ?? null, sex: c?.sex ?? null };
  }
  return patientResource(p, identity);
}

/** Observations of every session summary (saved reports of ended sessions) and of every assessment value. */
export async function loadObservations(
  ctx: FhirContext,
  registry: Registry,
  p: Participant,
  tz: string,
): Promise<Dated[]> {
  const out: Dated[] = [];
  for (const r of await registry.reports.listByParticipant(p.id, { limit: 10_000 })) {
    const s = await registry.sessions.get(r.sessionId);
    if (!s || s.startedAt === null) continue;
    const body = readReportBody(r.body);
    const endedAt = s.endedAt ?? s.startedAt + (body.durationS ?? 0) * 1000;
    const effective = { start: s.startedAt, end: Math.max(endedAt, s.startedAt + 1) };
    const resources = sessionObservations(ctx, {
      sessionId: s.id,
      participantId: p.id,
      kind: s.kind,
      startedAt: s.startedAt,
      endedAt,
      hrMean: body.hrMean ?? null,
      hrPeak: body.hrPeak ?? null,
      spo2Mean: body.spo2Mean ?? null,
      spo2Min: body.spo2Min ?? null,
      steps: body.steps ?? null,
      minutesInZone: body.adherence || typeof body.secondsIn === 'number' ? minutesInZone(body) : null,
    });
    for (const resource of resources) out.push({ resource, effective });
  }
  for (const a of await assessmentsOf(registry, p.id)) {
    const [y, m, d] = a.date.split('-').map(Number) as [number, number, number];
    // A date-only assessment covers its whole day at the site (as a date search value does).
    const effective = { start: localMidnight(y, m, d, tz), end: localMidnight(y, m, d + 1, tz) };
    for (const resource of assessmentObservations(a)) out.push({ resource, effective });
  }
  return out;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * Figures of a participant's assessments (issue 15). The stored document was validated by protocol's
 * assessment schema when it was written; read leniently here (a figure that is not a number is left out).
 */
async function assessmentsOf(registry: Registry, participantId: string): Promise<AssessmentFigures[]> {
  const repo = (registry as Partial<Pick<Registry, 'assessments'>>).assessments;
  if (!repo) return [];
  return (await repo.list(participantId)).map((rec) => {
    const v = obj(rec.document);
    return {
      id: rec.id,
      participantId,
      date: rec.date,
      weightKg: num(obj(v.anthropometrics).weightKg),
      heightCm: num(obj(v.anthropometrics).heightCm),
      restingHrBpm: num(v.restingHrBpm),
      systolicMmHg: num(obj(v.restingBp).systolicMmHg),
      diastolicMmHg: num(obj(v.restingBp).diastolicMmHg),
      sixMinuteWalkM: num(obj(v.sixMinuteWalk).distanceM),
    };
  });
}

/** Every prescription version as a CarePlan, oldest first. */
export async function loadCarePlans(registry: Registry, p: Participant): Promise<Dated[]> {
  const out: Dated[] = [];
  for (const rx of await registry.prescriptions.history(p.id)) {
    const resolved = tryResolve(rx.body);
    const fitt = resolved?.fitt ?? null;
    out.push({
      resource: carePlanResource({
        id: rx.id,
        participantId: p.id,
        version: rx.version,
        effectiveFrom: rx.effectiveFrom,
        effectiveTo: rx.effectiveTo,
        createdAt: rx.createdAt,
        zoneLowBpm: resolved?.zoneLowBpm ?? null,
        zoneHighBpm: resolved?.zoneHighBpm ?? null,
        ceilingBpm: resolved?.ceilingBpm ?? null,
        spo2Floor: resolved?.spo2Floor ?? null,
        sessionsPerWeek: fitt?.sessionsPerWeek ?? null,
        minutesInZone: fitt?.minutesInZone ?? null,
      }),
      effective: { start: rx.effectiveFrom, end: rx.effectiveTo ?? Number.MAX_SAFE_INTEGER },
    });
  }
  return out;
}
