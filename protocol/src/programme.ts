import { z } from 'zod';
import { prescriptionBaseSchema } from './prescription.js';
import { ruleIdSchema } from './vocabulary.js';

/**
 * Programmes, enrolments and prescription proposals of the exercise-health record (issue 15, 导/练):
 * a programme is the centre's own definition (sessions, weeks, re-assessment points); an enrolment puts a
 * participant in one; a proposal (from an assessment or from a week of sessions) is shown to a clinician
 * and never applied by itself — accepting it saves its `proposed` document as a new prescription version.
 */

const text = (max: number) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);
const oneOf = (names: readonly string[]) => ({ error: `must be one of ${names.join(', ')}` });
const whole = (what: string, min: number, max: number) =>
  z
    .number({ error: (iss) => (iss.input === undefined ? 'is required' : `must be a number (${what})`) })
    .int({ error: `must be a whole number (${what})` })
    .min(min, { error: (iss) => `must be ${min}–${max} ${what} (got ${String(iss.input)})` })
    .max(max, { error: (iss) => `must be ${min}–${max} ${what} (got ${String(iss.input)})` });

// ---------------------------------------------------------------------------------------------- programmes

/** A re-assessment point: after a session number, or at the end of a programme week. */
export const reassessmentPointSchema = z.union(
  [
    z.strictObject({ atSession: whole('sessions', 1, 400) }),
    z.strictObject({ atWeek: whole('weeks', 1, 104) }),
  ],
  { error: 'must be { atSession } or { atWeek }' },
);
export type ReassessmentPoint = z.infer<typeof reassessmentPointSchema>;

export const PROGRAMME_PRESET_NAMES = ['cardiac-rehab', 'pulmonary-rehab'] as const;
export const programmePresetNameSchema = z.enum(PROGRAMME_PRESET_NAMES, oneOf(PROGRAMME_PRESET_NAMES));
export type ProgrammePresetName = z.infer<typeof programmePresetNameSchema>;

/** A centre's programme definition; `preset` names the shipped one it started from (for wording only). */
export const programmeDefinitionSchema = z
  .strictObject({
    name: text(100),
    preset: programmePresetNameSchema.optional(),
    totalSessions: whole('sessions', 1, 400),
    weeks: whole('weeks', 1, 104),
    reassessAt: z.array(reassessmentPointSchema).max(20).default([]),
  })
  .superRefine((v, ctx) => {
    v.reassessAt.forEach((p, i) => {
      if ('atSession' in p && p.atSession > v.totalSessions)
        ctx.addIssue({
          code: 'custom',
          path: ['reassessAt', i, 'atSession'],
          message: `must not be after totalSessions (${p.atSession} > ${v.totalSessions})`,
        });
      if ('atWeek' in p && p.atWeek > v.weeks)
        ctx.addIssue({
          code: 'custom',
          path: ['reassessAt', i, 'atWeek'],
          message: `must not be after weeks (${p.atWeek} > ${v.weeks})`,
        });
    });
  });
export type ProgrammeDefinitionInput = z.input<typeof programmeDefinitionSchema>;
export type ProgrammeDefinition = z.output<typeof programmeDefinitionSchema>;

/**
 * The shipped presets (issue 15): cardiac rehabilitation 36 sessions over 12 weeks (3 a week), re-assessed
 * mid-programme and at discharge; pulmonary rehabilitation 24 sessions over 8 weeks (3 a week), re-assessed
 * at discharge. `name` is the English default; the console words the preset by its key.
 */
export const PROGRAMME_PRESETS: Readonly<Record<ProgrammePresetName, ProgrammeDefinition>> = Object.freeze({
  'cardiac-rehab': {
    name: 'Cardiac rehabilitation',
    preset: 'cardiac-rehab',
    totalSessions: 36,
    weeks: 12,
    reassessAt: [{ atWeek: 6 }, { atSession: 36 }],
  },
  'pulmonary-rehab': {
    name: 'Pulmonary rehabilitation',
    preset: 'pulmonary-rehab',
    totalSessions: 24,
    weeks: 8,
    reassessAt: [{ atSession: 24 }],
  },
});

// ---------------------------------------------------------------------------------------------- enrolment

export const ENROLMENT_STATUSES = ['active', 'completed', 'withdrawn'] as const;
export const enrolmentStatusSchema = z.enum(ENROLMENT_STATUSES, oneOf(ENROLMENT_STATUSES));
export type EnrolmentStatus = z.infer<typeof enrolmentStatusSchema>;

/**
 * Enrolling a participant in a programme. Home sessions for a participant whose risk class is `high` need
 * `highRiskOverride` (a clinician's reason; the server records who and when, and audits it).
 */
export const enrolmentInputSchema = z.strictObject({
  participantId: text(100),
  programmeId: text(100),
  /** First day of the programme (week 1 starts here). */
  startDate: z.iso.date({ error: 'must be a date YYYY-MM-DD' }),
  homeSessions: z.boolean().default(false),
  highRiskOverride: z.strictObject({ reason: text(1000) }).optional(),
});
export type EnrolmentInput = z.input<typeof enrolmentInputSchema>;
export type Enrolment = z.output<typeof enrolmentInputSchema>;

// ---------------------------------------------------------------------------------------------- proposals

/** One changed prescription field: dotted path, value before and after (null: not set). */
export const prescriptionChangeSchema = z.object({
  field: z.string(),
  from: z.union([z.number(), z.string(), z.boolean(), z.null()]),
  to: z.union([z.number(), z.string(), z.boolean(), z.null()]),
});
export type PrescriptionChange = z.infer<typeof prescriptionChangeSchema>;

/** Figures behind a step, by name (e.g. `{ distanceM: 420, fraction: 0.8, paceMPerMin: 56 }`). */
const figuresSchema = z.record(z.string(), z.number());

/** How an assessment turns into a prescription: one step per code, with its figures (the console words it). */
export const DERIVATION_CODES = [
  /** Measured peak HR of a symptom-limited test becomes hrMax, source measured. */
  'hrMax.measured',
  /** A test not done on current medication: hrMax still measured, but shown with this warning. */
  'hrMax.notOnCurrentMedication',
  /** The assessment's resting HR becomes hrRest. */
  'hrRest.measured',
  /** Ischaemic threshold recorded; ceiling = threshold − 10 bpm [guideline]. */
  'ceiling.ischaemicThreshold',
  /** Zone high lowered to the new ceiling (the zone may not reach above it). */
  'zone.cappedAtCeiling',
  /** hrMode advisory (β-blockers, no measured max) can become enforce now that the max is measured. */
  'hrMode.measuredMax',
  /** Walking pace for home sessions from the 6-minute walk. */
  'walkingPace.sixMinuteWalk',
  /** Nothing in the assessment changes the prescription. */
  'nothing',
] as const;
export const derivationCodeSchema = z.enum(DERIVATION_CODES);
export type DerivationCode = z.infer<typeof derivationCodeSchema>;

export const derivationStepSchema = z.object({ code: derivationCodeSchema, figures: figuresSchema });
export type DerivationStep = z.infer<typeof derivationStepSchema>;

export const PROGRESSION_KINDS = ['progress', 'hold', 'step-back'] as const;
export const progressionKindSchema = z.enum(PROGRESSION_KINDS, oneOf(PROGRESSION_KINDS));
export type ProgressionKind = z.infer<typeof progressionKindSchema>;

/** Why a weekly proposal says what it says (the console words each code with its figures). */
export const PROGRESSION_REASON_CODES = [
  /** Fewer usable sessions in the week than needed to judge. */
  'too-few-sessions',
  /** A session's data completeness below the threshold (it is not counted as evidence of tolerance). */
  'low-completeness',
  /** Every usable session met its minutes in zone. */
  'target-met',
  /** A usable session fell short of its minutes in zone. */
  'target-missed',
  /** Alerts of a rule in the week (figures: sessions, alerts). */
  'alerts',
  /** Time at or over the ceiling in the week (figures: sessions, seconds). */
  'over-ceiling',
  /** SpO2 below the floor (figures: sessions, lowest). */
  'spo2-low',
  /** Conditioning phase lengthened (figures: fromMinutes, toMinutes). */
  'longer-conditioning',
  /** Zone moved one step up (figures: fromLow, fromHigh, toLow, toHigh). */
  'next-zone-step',
  /** Zone moved one step down. */
  'previous-zone-step',
  /** Conditioning phase shortened. */
  'shorter-conditioning',
  /** Already at the top (zone at the preset's high end or the ceiling, conditioning at its maximum). */
  'at-maximum',
  /** Already at the bottom: step back not possible, hold instead. */
  'at-minimum',
] as const;
export const progressionReasonCodeSchema = z.enum(PROGRESSION_REASON_CODES);
export type ProgressionReasonCode = z.infer<typeof progressionReasonCodeSchema>;

export const progressionReasonSchema = z.object({
  code: progressionReasonCodeSchema,
  /** The rule concerned (for `alerts`). */
  rule: ruleIdSchema.optional(),
  /** The sessions this reason rests on. */
  sessionIds: z.array(z.string()),
  figures: figuresSchema,
});
export type ProgressionReason = z.infer<typeof progressionReasonSchema>;

export const PROPOSAL_STATUSES = ['proposed', 'accepted', 'rejected'] as const;
export const proposalStatusSchema = z.enum(PROPOSAL_STATUSES, oneOf(PROPOSAL_STATUSES));
export type ProposalStatus = z.infer<typeof proposalStatusSchema>;

/**
 * A weekly progression proposal. `proposed` is the whole prescription document to save on acceptance
 * (equal to the current one for `hold`); `changes` lists what differs; `evidence` names every session the
 * proposal rests on. Status `rejected` carries the clinician's reason.
 */
export const progressionProposalSchema = z
  .object({
    kind: progressionKindSchema,
    /** The prescription version judged (a proposal against an older version is stale). */
    basedOnVersion: z.number().int().min(1).optional(),
    /** Start (inclusive) and end (exclusive) of the week judged, epoch ms. */
    weekStartMs: z.number(),
    weekEndMs: z.number(),
    proposed: prescriptionBaseSchema,
    changes: z.array(prescriptionChangeSchema),
    reasons: z.array(progressionReasonSchema),
    evidence: z.object({ sessionIds: z.array(z.string()) }),
    status: proposalStatusSchema.default('proposed'),
    reason: text(2000).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.status === 'rejected' && v.reason === undefined)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'is required when status is "rejected"' });
  });
export type ProgressionProposal = z.output<typeof progressionProposalSchema>;

/** A clinician's decision on a proposal: accept, or reject with a reason. */
export const proposalDecisionSchema = z.discriminatedUnion(
  'status',
  [
    z.strictObject({ status: z.literal('accepted') }),
    z.strictObject({ status: z.literal('rejected'), reason: text(2000) }),
  ],
  { error: 'must be { status: "accepted" } or { status: "rejected", reason }' },
);
export type ProposalDecision = z.infer<typeof proposalDecisionSchema>;

/** A prescription derived from an assessment: the whole document to save, what changed and why. */
export const assessmentDerivationSchema = z.object({
  /** The prescription version it starts from (absent: a first prescription). */
  basedOnVersion: z.number().int().min(1).optional(),
  proposed: prescriptionBaseSchema,
  changes: z.array(prescriptionChangeSchema),
  derivation: z.array(derivationStepSchema),
});
export type AssessmentDerivation = z.infer<typeof assessmentDerivationSchema>;
