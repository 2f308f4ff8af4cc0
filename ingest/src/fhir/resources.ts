import { createHash } from 'node:crypto';
import {
  CODES,
  EXERCISE_THERAPY,
  LOINC,
  type LoincCode,
  OBSERVATION_CATEGORY,
  PARTICIPANT_ID_SYSTEM,
  SESSION_METRICS,
  type SessionMetric,
  UCUM,
  V3_OBSERVATION_VALUE,
} from './codes.js';

/**
 * Pure builders of the FHIR R4 resources the facade serves, from registry records. No I/O: `plugin.ts`
 * loads, these shape. Every resource here is validated against the R4 structure definitions in the tests.
 */

/** A FHIR resource as JSON. */
export type Resource = { resourceType: string; id?: string } & Record<string, unknown>;

/** The facade's base URL (`https://host/fhir`), for fullUrls and our code systems. */
export interface FhirContext {
  base: string;
}

const instant = (ms: number) => new Date(ms).toISOString();
const sessionMetricSystem = (ctx: FhirContext) => `${ctx.base}/CodeSystem/session-metric`;

/** A FHIR id (`[A-Za-z0-9\-.]{1,64}`) that is stable for the same parts. */
export function stableId(prefix: string, ...parts: string[]): string {
  return `${prefix}-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40)}`;
}

const quantity = (value: number, c: Pick<LoincCode, 'unit' | 'ucum'>) => ({
  value,
  unit: c.unit,
  system: UCUM,
  code: c.ucum,
});
const loinc = (c: LoincCode) => ({ system: LOINC, code: c.code, display: c.display });
const category = (code: 'activity' | 'vital-signs' | 'exam') => [
  {
    coding: [
      {
        system: OBSERVATION_CATEGORY,
        code,
        display: { activity: 'Activity', 'vital-signs': 'Vital Signs', exam: 'Exam' }[code],
      },
    ],
  },
];

/** Identity of a participant, given only to clients allowed to see it. */
export interface PatientIdentity {
  fullName: string | null;
  dateOfBirth: string | null;
  sex: 'female' | 'male' | 'other' | null;
}

/**
 * The Patient: pseudonymous (our random participant id only, marked `PSEUDED`) unless the client may see
 * identity, then also name, birth date and gender. The display alias never leaves: it is a nickname for the
 * class wall, and often a real name.
 */
export function patientResource(
  p: { id: string; active: boolean; updatedAt: number },
  identity: PatientIdentity | null,
): Resource {
  const out: Resource = {
    resourceType: 'Patient',
    id: p.id,
    meta: {
      lastUpdated: instant(p.updatedAt),
      ...(identity
        ? {}
        : { security: [{ system: V3_OBSERVATION_VALUE, code: 'PSEUDED', display: 'pseudonymized' }] }),
    },
    identifier: [{ system: PARTICIPANT_ID_SYSTEM, value: p.id }],
    active: p.active,
  };
  if (identity) {
    if (identity.fullName) out.name = [{ text: identity.fullName }];
    if (identity.sex) out.gender = identity.sex;
    if (identity.dateOfBirth) out.birthDate = identity.dateOfBirth;
  }
  return out;
}

/** A session summary as the facade reads it from a saved report (null: not measured). */
export interface SessionSummary {
  sessionId: string;
  participantId: string;
  kind: 'class' | 'home';
  startedAt: number;
  endedAt: number;
  hrMean: number | null;
  hrPeak: number | null;
  spo2Mean: number | null;
  spo2Min: number | null;
  steps: number | null;
  minutesInZone: number | null;
}

/**
 * One Observation per figure of a session summary (mean and peak HR, mean and lowest SpO2, steps, minutes
 * in zone), effective over the session, coded in LOINC where a code exists plus our session-metric code that
 * says which statistic it is.
 */
export function sessionObservations(ctx: FhirContext, s: SessionSummary): Resource[] {
  const values: Record<SessionMetric, number | null> = {
    'hr-mean': s.hrMean,
    'hr-peak': s.hrPeak,
    'spo2-mean': s.spo2Mean,
    'spo2-min': s.spo2Min,
    steps: s.steps,
    'minutes-in-zone': s.minutesInZone,
  };
  const out: Resource[] = [];
  for (const [metric, value] of Object.entries(values) as [SessionMetric, number | null][]) {
    if (value === null || !Number.isFinite(value)) continue;
    const m = SESSION_METRICS[metric];
    out.push({
      resourceType: 'Observation',
      id: stableId('ses', s.sessionId, s.participantId, metric),
      status: 'final',
      category: category('activity'),
      code: {
        coding: [
          ...(m.loinc ? [loinc(m.loinc)] : []),
          { system: sessionMetricSystem(ctx), code: metric, display: m.display },
        ],
        text: m.display,
      },
      subject: { reference: `Patient/${s.participantId}` },
      effectivePeriod: { start: instant(s.startedAt), end: instant(s.endedAt) },
      valueQuantity: m.loinc ? quantity(value, m.loinc) : quantity(value, { unit: 'min', ucum: 'min' }),
      note: [{ text: `${s.kind === 'home' ? 'Home' : 'Class'} exercise session ${s.sessionId}` }],
    });
  }
  return out;
}

/** The figures of an assessment the facade shares (issue 15's document, as far as LOINC codes them). */
export interface AssessmentFigures {
  id: string;
  participantId: string;
  /** `YYYY-MM-DD`. */
  date: string;
  weightKg?: number | undefined;
  heightCm?: number | undefined;
  restingHrBpm?: number | undefined;
  systolicMmHg?: number | undefined;
  diastolicMmHg?: number | undefined;
  sixMinuteWalkM?: number | undefined;
}

/** Body mass index (kg/m², one decimal) from weight and height; undefined without both. */
export function bmiOf(weightKg: number | undefined, heightCm: number | undefined): number | undefined {
  if (weightKg === undefined || heightCm === undefined || heightCm <= 0) return undefined;
  return Math.round((weightKg / (heightCm / 100) ** 2) * 10) / 10;
}

/**
 * One Observation per assessment value: weight, height, BMI (derived), resting HR, resting BP (a panel with
 * systolic and diastolic components), six-minute walk distance.
 */
export function assessmentObservations(a: AssessmentFigures): Resource[] {
  const out: Resource[] = [];
  const base = (key: string, code: LoincCode, cat: 'vital-signs' | 'exam') => ({
    resourceType: 'Observation',
    id: stableId('asm', a.id, key),
    status: 'final',
    category: category(cat),
    code: { coding: [loinc(code)], text: code.display },
    subject: { reference: `Patient/${a.participantId}` },
    effectiveDateTime: a.date,
  });
  const single = (key: string, code: LoincCode, value: number | undefined, cat: 'vital-signs' | 'exam') => {
    if (value !== undefined) out.push({ ...base(key, code, cat), valueQuantity: quantity(value, code) });
  };
  single('weight', CODES.weight, a.weightKg, 'vital-signs');
  single('height', CODES.height, a.heightCm, 'vital-signs');
  single('bmi', CODES.bmi, bmiOf(a.weightKg, a.heightCm), 'vital-signs');
  single('resting-hr', CODES.heartRate, a.restingHrBpm, 'vital-signs');
  if (a.systolicMmHg !== undefined && a.diastolicMmHg !== undefined) {
    out.push({
      ...base('bp', CODES.bpPanel, 'vital-signs'),
      component: [
        {
          code: { coding: [loinc(CODES.systolic)] },
          valueQuantity: quantity(a.systolicMmHg, CODES.systolic),
        },
        {
          code: { coding: [loinc(CODES.diastolic)] },
          valueQuantity: quantity(a.diastolicMmHg, CODES.diastolic),
        },
      ],
    });
  }
  single('6mwt', CODES.sixMinuteWalk, a.sixMinuteWalkM, 'exam');
  return out;
}

/** A prescription version as the facade shares it. */
export interface PrescriptionSummary {
  id: string;
  participantId: string;
  version: number;
  effectiveFrom: number;
  effectiveTo: number | null;
  createdAt: number;
  zoneLowBpm: number | null;
  zoneHighBpm: number | null;
  ceilingBpm: number | null;
  spo2Floor: number | null;
  sessionsPerWeek: number | null;
  minutesInZone: number | null;
}

/** The exercise prescription as a CarePlan: exercise therapy, sessions per week, minutes, HR zone in words. */
export function carePlanResource(rx: PrescriptionSummary): Resource {
  const parts = [
    rx.zoneLowBpm !== null && rx.zoneHighBpm !== null
      ? `heart rate ${rx.zoneLowBpm}–${rx.zoneHighBpm} bpm`
      : null,
    rx.ceilingBpm !== null ? `never above ${rx.ceilingBpm} bpm` : null,
    rx.minutesInZone !== null ? `${rx.minutesInZone} min in zone per session` : null,
    rx.sessionsPerWeek !== null ? `${rx.sessionsPerWeek} sessions per week` : null,
    rx.spo2Floor !== null ? `stop if SpO2 falls below ${rx.spo2Floor}%` : null,
  ].filter((x): x is string => x !== null);
  const detail: Record<string, unknown> = {
    kind: 'ServiceRequest',
    code: { coding: [EXERCISE_THERAPY], text: 'Supervised exercise training' },
    status: rx.effectiveTo === null ? 'in-progress' : 'completed',
    description: `Exercise prescription v${rx.version}: ${parts.join('; ') || 'no figures'}`,
  };
  if (rx.sessionsPerWeek !== null) {
    detail.scheduledTiming = {
      repeat: {
        frequency: rx.sessionsPerWeek,
        period: 1,
        periodUnit: 'wk',
        ...(rx.minutesInZone !== null ? { duration: rx.minutesInZone, durationUnit: 'min' } : {}),
      },
    };
  }
  return {
    resourceType: 'CarePlan',
    id: stableId('rx', rx.id),
    status: rx.effectiveTo === null ? 'active' : 'completed',
    intent: 'plan',
    title: `Exercise prescription, version ${rx.version}`,
    subject: { reference: `Patient/${rx.participantId}` },
    period: {
      start: instant(rx.effectiveFrom),
      ...(rx.effectiveTo !== null ? { end: instant(rx.effectiveTo) } : {}),
    },
    created: instant(rx.createdAt),
    activity: [{ detail }],
  };
}

/** A `searchset` Bundle: `total` counts the matches, every entry has its absolute fullUrl. */
export function searchsetBundle(ctx: FhirContext, selfUrl: string, resources: Resource[]): Resource {
  return {
    resourceType: 'Bundle',
    id: stableId('bundle', selfUrl, String(resources.length)),
    type: 'searchset',
    total: resources.length,
    link: [{ relation: 'self', url: selfUrl }],
    entry: resources.map((r) => ({
      fullUrl: `${ctx.base}/${r.resourceType}/${r.id}`,
      resource: r,
      search: { mode: 'match' },
    })),
  };
}

/** An OperationOutcome with one issue (`severity` error unless said). */
export function operationOutcome(
  code: 'invalid' | 'not-found' | 'forbidden' | 'login' | 'not-supported' | 'exception' | 'processing',
  diagnostics: string,
  expression?: string,
): Resource {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code,
        diagnostics,
        ...(expression ? { expression: [expression] } : {}),
      },
    ],
  };
}

/** What the facade can do (`GET /fhir/metadata`). */
export function capabilityStatement(ctx: FhirContext, software: { version: string; date: string }): Resource {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: software.date,
    publisher: 'zonewatch',
    kind: 'instance',
    software: { name: 'zonewatch', version: software.version },
    implementation: {
      description: 'zonewatch read-only FHIR R4 facade: exercise sessions, assessments and prescriptions',
      url: ctx.base,
    },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        security: {
          description:
            'Authorization: Bearer <token> of a hospital client created by a zonewatch admin; one site, ' +
            'pseudonymous unless the client may see identity; only participants who consented to sharing.',
        },
        resource: [
          {
            type: 'Patient',
            interaction: [{ code: 'read' }],
            operation: [
              {
                name: 'everything',
                definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
              },
            ],
          },
          {
            type: 'Observation',
            interaction: [{ code: 'search-type' }],
            searchParam: [
              { name: 'patient', type: 'reference', documentation: 'Required: Patient/{id} or {id}' },
              { name: 'date', type: 'date', documentation: 'Prefixes eq, gt, lt, ge, le; repeatable' },
            ],
          },
          { type: 'CarePlan', documentation: 'The exercise prescription versions, in Patient/$everything' },
        ],
      },
    ],
  };
}
