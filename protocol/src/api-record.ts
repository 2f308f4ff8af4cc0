import { z } from 'zod';
import { participantSchema, prescriptionRecordSchema } from './api.js';
import {
  type Assessment,
  assessmentKindSchema,
  assessmentSourceSchema,
  riskClassSchema,
  riskResultSchema,
} from './assessment.js';
import {
  enrolmentStatusSchema,
  type ProgressionProposal,
  programmeDefinitionSchema,
  progressionKindSchema,
  reassessmentPointSchema,
} from './programme.js';
import { severitySchema } from './vocabulary.js';

/**
 * REST shapes of the exercise-health record (issue 15): assessments, programmes, enrolments, progression
 * proposals, the home-session override and `GET /api/participants/:id/record`. Request documents are
 * protocol's (`assessmentInputSchema`, `programmeDefinitionSchema`, `enrolmentInputSchema`,
 * `proposalDecisionSchema`); these are the envelopes the server answers with. Times are ms since the epoch,
 * calendar dates `YYYY-MM-DD` (site time zone).
 */

const id = z.string().min(1).max(128);
const epochMs = z.number().int().nonnegative();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

// ---------------------------------------------------------------------------------------------- assessments

/**
 * A stored assessment. `document` is the {@link Assessment} as it was recorded (read it with
 * `assessmentInputSchema`; it may predate today's fields); `bmi` is derived from it when height and weight
 * are known.
 */
export const assessmentRecordSchema = z.object({
  id,
  participantId: id,
  kind: assessmentKindSchema,
  date: isoDate,
  source: assessmentSourceSchema,
  device: z.string().nullable(),
  authorId: id,
  authorName: z.string().nullable(),
  createdAt: epochMs,
  bmi: z.number().nullable(),
  document: z.record(z.string(), z.unknown()),
});
export type AssessmentRecordView = Omit<z.infer<typeof assessmentRecordSchema>, 'document'> & {
  document: Assessment;
};

// ---------------------------------------------------------------------------------------------- risk

/** The risk class and the criteria that decided it; null `result` when nothing is recorded to judge from. */
export const riskViewSchema = z.object({
  riskClass: riskClassSchema.nullable(),
  result: riskResultSchema.nullable(),
  /** The assessment it was computed from. */
  assessmentId: id.nullable(),
  /** A clinician's override in force that lets a high-risk participant exercise in home sessions. */
  homeOverride: z
    .object({ id, authorId: id, authorName: z.string().nullable(), reason: z.string(), createdAt: epochMs })
    .nullable(),
});
/**
 * `GET /api/risk-classes`: each active participant's risk class for staff screens (an icon on the roster;
 * never text on the shared wall), without the criteria or any value behind it.
 */
export const riskClassesQuerySchema = z.object({ siteId: z.string().min(1).max(64).optional() });
export const riskClassItemSchema = z.object({
  participantId: id,
  riskClass: riskClassSchema.nullable(),
  /** A clinician's override lets them exercise in home sessions despite a high class. */
  homeOverride: z.boolean(),
});
export type RiskClassItem = z.infer<typeof riskClassItemSchema>;
export const homeOverrideBodySchema = z.strictObject({
  reason: z.string().trim().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters'),
});

// ---------------------------------------------------------------------------------------------- programmes

/** A programme: a centre's own (`siteId`) or a shipped preset (`preset`, no site; the console words its name). */
export const programmeSchema = z.object({
  id,
  siteId: z.string().nullable(),
  preset: z.string().nullable(),
  name: z.string(),
  totalSessions: z.number().int(),
  weeks: z.number().int(),
  reassessAt: z.array(reassessmentPointSchema),
  archived: z.boolean(),
  createdAt: epochMs,
});
export const programmesQuerySchema = z.object({
  siteId: z.string().min(1).max(64).optional(),
  includeArchived: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1')
    .optional(),
});
/** `POST /api/programmes`: a centre's programme at one of the user's sites. */
export const createProgrammeBodySchema = z.strictObject({
  siteId: z.string().min(1).max(64),
  definition: programmeDefinitionSchema,
});
export const patchProgrammeBodySchema = z
  .strictObject({ definition: programmeDefinitionSchema.optional(), archived: z.boolean().optional() })
  .refine((v) => v.definition !== undefined || v.archived !== undefined, {
    message: 'must change definition or archived',
  });

// ---------------------------------------------------------------------------------------------- enrolments

/** The next re-assessment point of an enrolment and when it falls due. */
export const reassessmentDueSchema = z.object({
  point: reassessmentPointSchema,
  /** The date it is due (for `atSession`: today once that session is done, else an estimate by the plan). */
  dueDate: isoDate,
  /** Due now (or overdue): no re-assessment recorded since the point was reached. */
  due: z.boolean(),
  overdue: z.boolean(),
});

export const enrolmentSchema = z.object({
  id,
  participantId: id,
  programme: programmeSchema,
  startDate: isoDate,
  reassessAt: z.array(reassessmentPointSchema),
  homeSessions: z.boolean(),
  status: enrolmentStatusSchema,
  endedAt: epochMs.nullable(),
  enrolledBy: id,
  createdAt: epochMs,
  /** Ended sessions since the start date ("session n of N": n = sessionsDone). */
  sessionsDone: z.number().int(),
  /** Programme weeks elapsed since the start (1 = the first week). */
  week: z.number().int(),
  nextReassessment: reassessmentDueSchema.nullable(),
});
export const endEnrolmentBodySchema = z.strictObject({
  status: z.enum(['completed', 'withdrawn'], { error: 'must be completed or withdrawn' }),
});

/** `GET /api/reassessments/due`: who is due a re-assessment (never the values: instructors read it). */
export const reassessmentsDueQuerySchema = z.object({ siteId: z.string().min(1).max(64).optional() });
export const reassessmentDueItemSchema = z.object({
  participantId: id,
  alias: z.string(),
  siteId: z.string(),
  enrolmentId: id,
  programmeName: z.string(),
  preset: z.string().nullable(),
  next: reassessmentDueSchema,
});

// ---------------------------------------------------------------------------------------------- proposals

/** A weekly progression proposal as stored, with its decision (`superseded`: a newer week replaced it). */
export const progressionProposalRecordSchema = z.object({
  id,
  participantId: id,
  enrolmentId: id.nullable(),
  weekStart: epochMs,
  weekEnd: epochMs,
  /** The prescription version it starts from. */
  prescriptionId: id,
  kind: progressionKindSchema,
  status: z.enum(['proposed', 'accepted', 'rejected', 'superseded']),
  decidedBy: id.nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: epochMs.nullable(),
  reason: z.string().nullable(),
  /** The version accepting it created. */
  resultPrescriptionId: id.nullable(),
  createdAt: epochMs,
  /** The proposal document (`progressionProposalSchema`): proposed prescription, changes, reasons, evidence. */
  proposal: z.record(z.string(), z.unknown()),
});
export type ProgressionProposalRecordView = Omit<
  z.infer<typeof progressionProposalRecordSchema>,
  'proposal'
> & { proposal: ProgressionProposal };

/** `POST /api/participants/:id/proposals`: judge a week now (default: the last complete calendar week). */
export const generateProposalBodySchema = z.strictObject({ weekStart: epochMs.optional() });
export const generateProposalResponseSchema = z.object({
  /** The proposal written (or the one that already existed for that week); null when none could be made. */
  proposal: progressionProposalRecordSchema.nullable(),
  /** Why none was made: `no-prescription`, `no-enrolment`… */
  skipped: z.string().nullable(),
});

// ---------------------------------------------------------------------------------------------- record

export const timelineItemSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('assessment'), at: epochMs, id, kind: assessmentKindSchema, date: isoDate }),
  z.object({
    type: z.literal('prescription'),
    at: epochMs,
    id,
    version: z.number().int(),
    note: z.string().nullable(),
  }),
  z.object({
    type: z.literal('session'),
    at: epochMs,
    id,
    sessionKind: z.enum(['class', 'home']),
    name: z.string(),
    /** A name the server made up, by code (as on sessions: `sessionInfoSchema.nameCode`). */
    nameCode: z.enum(['home', 'class', 'homeOf']).nullable().optional(),
    nameAlias: z.string().nullable().optional(),
    minutesInZone: z.number().nullable(),
    alerts: z.number().int(),
  }),
  z.object({
    type: z.literal('alert'),
    at: epochMs,
    id,
    sessionId: id,
    rule: z.string(),
    severity: severitySchema,
  }),
  z.object({ type: z.literal('enrolment'), at: epochMs, id, programmeName: z.string(), startDate: isoDate }),
  z.object({
    type: z.literal('proposal'),
    at: epochMs,
    id,
    kind: progressionKindSchema,
    status: z.enum(['proposed', 'accepted', 'rejected', 'superseded']),
  }),
]);
export type TimelineItem = z.infer<typeof timelineItemSchema>;

const num = z.number().nullable();

/** One calendar week of the programme (Monday, site time zone) against the prescription's FITT. */
export const recordWeekSchema = z.object({
  weekStart: epochMs,
  sessions: z.number().int(),
  minutesInZone: z.number(),
  /** FITT sessions per week × minutes in zone (null without FITT). */
  targetMinutes: num,
  targetSessions: z.number().int().nullable(),
});

/** Per-session figures from the saved session reports (the rules engine's), oldest first. */
export const recordSessionPointSchema = z.object({
  sessionId: id,
  at: epochMs,
  sessionKind: z.enum(['class', 'home']),
  minutesInZone: num,
  /** Mean HR of the trace points inside the zone of the day (bpm). */
  meanHrInZone: num,
  /** HR drop 60 s after the marked end of exercise (bpm); null when the session did not mark it. */
  hrRecovery60: num,
  completeness: num,
  alerts: z.number().int(),
});

/** Per-assessment figures, oldest first. */
export const recordAssessmentPointSchema = z.object({
  assessmentId: id,
  date: isoDate,
  kind: assessmentKindSchema,
  restingHrBpm: num,
  systolicMmHg: num,
  diastolicMmHg: num,
  sixMinuteWalkM: num,
  weightKg: num,
});

/** One row of the baseline-versus-latest table (clinical `meaningfulChange`). */
export const comparisonRowSchema = z.object({
  /** Dotted measure path (`sixMinuteWalk.distanceM`, `anthropometrics.bmi`). */
  measure: z.string(),
  unit: z.string(),
  baseline: z.number(),
  latest: z.number(),
  /** latest − baseline. */
  change: z.number(),
  /** Change as % of baseline; null when the baseline is 0. */
  changePercent: num,
  direction: z.enum(['improved', 'worsened', 'unchanged']),
  /** `direction` as a flag: true improved, false worsened, null unchanged. */
  improved: z.boolean().nullable(),
  /** |change| reaches the minimal clinically important difference; null: none established. */
  meaningful: z.boolean().nullable(),
  /** The threshold (in `unit`, or % of baseline when `thresholdRelative`). */
  threshold: num,
  thresholdRelative: z.boolean(),
  /** Where the threshold comes from (a key of clinical's MEANINGFUL_CHANGE_SOURCES). */
  source: z.string().nullable(),
});

export const recordResponseSchema = z.object({
  participant: participantSchema,
  /** The site's time zone (weeks and dates are in it). */
  timezone: z.string(),
  risk: riskViewSchema,
  enrolment: enrolmentSchema.nullable(),
  /** The prescription in force now (clinician view) and its FITT targets. */
  prescription: prescriptionRecordSchema.nullable(),
  fitt: z.object({ sessionsPerWeek: z.number(), minutesInZone: z.number() }).nullable(),
  /** Sessions done against sessions planned by FITT since the enrolment start (or the last 4 weeks). */
  adherence: z.object({
    sessionsDone: z.number().int(),
    sessionsPlanned: z.number().int().nullable(),
    sessionsMeetingTarget: z.number().int(),
    percent: num,
  }),
  timeline: z.array(timelineItemSchema),
  trends: z.object({
    weeks: z.array(recordWeekSchema),
    sessions: z.array(recordSessionPointSchema),
    assessments: z.array(recordAssessmentPointSchema),
  }),
  comparison: z.object({ baselineId: id, latestId: id, rows: z.array(comparisonRowSchema) }).nullable(),
  assessments: z.array(assessmentRecordSchema),
  /** The open proposal, if any, then the decided ones (newest first). */
  proposals: z.array(progressionProposalRecordSchema),
});
export type RecordResponse = z.infer<typeof recordResponseSchema>;
export type ProgrammeView = z.infer<typeof programmeSchema>;
export type EnrolmentView = z.infer<typeof enrolmentSchema>;
export type ReassessmentDueItem = z.infer<typeof reassessmentDueItemSchema>;
export type RiskView = z.infer<typeof riskViewSchema>;
export type CreateProgrammeBody = z.input<typeof createProgrammeBodySchema>;
export type PatchProgrammeBody = z.input<typeof patchProgrammeBodySchema>;
export type HomeOverrideBody = z.input<typeof homeOverrideBodySchema>;
