import { z } from 'zod';
import { hrModeSchema, ruleIdSchema, severitySchema } from './vocabulary.js';

/**
 * The session report (CLINICAL-RULES.md section 6): what the rules engine computes (`@zonewatch/clinical`
 * infers its types from these schemas), what ingest stores when a session ends, and what the console
 * reads back from `GET /api/sessions/:id/report`.
 */

/** One point of the down-sampled trace: bucket start (s from session start) and mean values. */
export const tracePointSchema = z.object({
  tS: z.number(),
  hr: z.number().nullable(),
  spo2: z.number().nullable(),
  /** Lowest and highest usable HR of the bucket (added by the live service, so a chart keeps short peaks). */
  hrMin: z.number().nullable().optional(),
  hrMax: z.number().nullable().optional(),
});

/** Summary metrics of section 6 / 3a "Metrics" (the replay `metrics` object). */
export const sessionMetricsSchema = z.object({
  /** Session length (s): end − start. */
  durationS: z.number(),
  secondsBelow: z.number(),
  secondsIn: z.number(),
  secondsAbove: z.number(),
  secondsOverCeiling: z.number(),
  /** Mean of usable HR samples (bpm, one decimal); null without any. */
  hrMean: z.number().nullable(),
  hrPeak: z.number().nullable(),
  /** Mean of usable SpO2 samples (%, one decimal); null without any. */
  spo2Mean: z.number().nullable(),
  spo2Min: z.number().nullable(),
  /** Share of the session covered by usable HR samples (%, one decimal). */
  completeness: z.number(),
  /** Steps taken during the session (null without step data). */
  steps: z.number().nullable(),
  /** Mean reported cadence, else steps per minute over the span with step data (null if unknown). */
  cadence: z.number().nullable(),
});

/** HR recovery one delay after exercise end (section 6, Cole 1999): flagged for review, never an alarm. */
export const hrRecoverySchema = z.object({
  exerciseEndMs: z.number(),
  /** Last usable HR at or before exercise end (within the tolerance). */
  hrAtEndBpm: z.number(),
  /** First usable HR at or after end + delay (within the tolerance). */
  hrAfterBpm: z.number(),
  /** hrAtEnd − hrAfter (bpm). */
  dropBpm: z.number(),
  /** drop ≤ review threshold: show to a clinician. */
  flaggedForReview: z.boolean(),
});

/** One alert line of the session report. */
export const alertReportSchema = z.object({
  alertId: z.string(),
  rule: ruleIdSchema,
  severity: severitySchema,
  unconfirmed: z.boolean(),
  raisedAt: z.number(),
  clearedAt: z.number().nullable(),
  acknowledgedAt: z.number().nullable(),
  /** The engine records the user id; the stored report names the user. */
  acknowledgedBy: z.string().nullable(),
  /** (first acknowledgement − raise) in seconds; null if never acknowledged. */
  timeToAcknowledgeS: z.number().nullable(),
  closedAt: z.number().nullable(),
});

/** Minutes in zone against the prescription's FITT target. */
export const sessionAdherenceSchema = z.object({
  minutesInZone: z.number(),
  targetMinutesInZone: z.number().nullable(),
  met: z.boolean().nullable(),
});

/** The session report the engine computes. */
export const sessionReportSchema = sessionMetricsSchema.extend({
  hrRecovery: hrRecoverySchema.nullable(),
  trace: z.array(tracePointSchema),
  alerts: z.array(alertReportSchema),
  adherence: sessionAdherenceSchema,
});

/** The zone the report was computed against (bpm). */
export const reportZoneSchema = z.object({
  lowBpm: z.number(),
  highBpm: z.number(),
  ceilingBpm: z.number(),
  hrMode: hrModeSchema,
});

/** What ingest stores when a session ends: the engine's report plus the alias and zone of the day. */
export const savedReportBodySchema = sessionReportSchema.extend({
  alias: z.string(),
  zone: reportZoneSchema.nullable(),
});

// ---------------------------------------------------------------------------------------------- reading

const figure = z.number().nullable().catch(null);
/** Anything that is not an object reads as an empty one (every field then missing). */
const asObject = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {}), schema);

/**
 * An alert line as read back. Its severity is never guessed: one this console does not know reads as
 * `unknown` and is shown as such, never downgraded to `advisory`.
 */
export const alertReportReadSchema = asObject(
  z.object({
    alertId: z.string().catch(''),
    /** Kept as written: a rule this console does not know is shown as an unknown rule. */
    rule: z.string().catch(''),
    severity: z.union([severitySchema, z.literal('unknown')]).catch('unknown'),
    unconfirmed: z.boolean().catch(false),
    raisedAt: figure,
    clearedAt: figure,
    acknowledgedAt: figure,
    acknowledgedBy: z.string().nullable().catch(null),
    timeToAcknowledgeS: figure,
    /** Acknowledgement notes (the report route adds them from the registry; saved bodies have none). */
    ackNote: z.string().nullable().catch(null),
    closedAt: figure,
  }),
);

/**
 * A stored report body read back for display. Stored reports outlive the code that wrote them, so a
 * missing or odd figure reads as null ("--" on screen), never a broken page; only what would hide a safety
 * signal (an alert's severity) is never defaulted.
 */
export const savedReportReadSchema = asObject(
  z.object({
    durationS: figure,
    secondsBelow: figure,
    secondsIn: figure,
    secondsAbove: figure,
    secondsOverCeiling: figure,
    hrMean: figure,
    hrPeak: figure,
    spo2Mean: figure,
    spo2Min: figure,
    completeness: figure,
    steps: figure,
    cadence: figure,
    hrRecovery: z
      .object({
        hrAtEndBpm: figure,
        hrAfterBpm: figure,
        dropBpm: z.number(),
        flaggedForReview: z.boolean().catch(false),
      })
      .nullable()
      .catch(null),
    trace: z
      .array(
        asObject(
          z.object({ tS: z.number().catch(0), hr: figure, spo2: figure, hrMin: figure, hrMax: figure }),
        ),
      )
      .catch([]),
    alerts: z.array(alertReportReadSchema).catch([]),
    adherence: z
      .object({
        minutesInZone: z.number(),
        targetMinutesInZone: figure,
        met: z.boolean().nullable().catch(null),
      })
      .nullable()
      .catch(null),
    zone: z
      .object({ lowBpm: z.number(), highBpm: z.number(), ceilingBpm: z.number() })
      .nullable()
      .catch(null),
    /**
     * Times no ingest node evaluated the session (its owner was gone until another node took the site over,
     * issue 18), ms since epoch; the samples of the gap were evaluated after it. Absent from older reports.
     */
    monitoringGaps: z.array(z.object({ from: z.number(), to: z.number() })).catch([]),
  }),
);

export type TracePoint = z.infer<typeof tracePointSchema>;
export type SessionMetrics = z.infer<typeof sessionMetricsSchema>;
export type HrRecovery = z.infer<typeof hrRecoverySchema>;
export type AlertReport = z.infer<typeof alertReportSchema>;
export type SessionAdherence = z.infer<typeof sessionAdherenceSchema>;
export type SessionReport = z.infer<typeof sessionReportSchema>;
export type SavedReportBody = z.infer<typeof savedReportBodySchema>;
export type AlertReportRead = z.infer<typeof alertReportReadSchema>;
export type SavedReportRead = z.infer<typeof savedReportReadSchema>;
