import { z } from 'zod';
import { epochMsSchema as epochMs, entityIdSchema as id } from './api.js';

/**
 * REST API of ingest, the participant's own part (issue 16): the access links a clinician issues, and what
 * a participant's phone reads with one (`/api/me`, header {@link PARTICIPANT_LINK_HEADER}). Nothing here
 * names staff, other participants or staff notes.
 */

/** The header a participant's phone sends its link token in (never a cookie: a link is not a login). */
export const PARTICIPANT_LINK_HEADER = 'x-zw-link';

/** An issued link, without its token. */
export const participantLinkSchema = z.object({
  id: z.string(),
  participantId: id,
  createdBy: z.string(),
  createdAt: epochMs,
  expiresAt: epochMs,
  revokedAt: epochMs.nullable(),
  lastUsedAt: epochMs.nullable(),
  useCount: z.number().int().nonnegative(),
  state: z.enum(['active', 'expired', 'revoked']),
});

export const createLinkBodySchema = z
  .object({
    /** How long the link works (days, default 14). */
    validDays: z.number().int().min(1).max(90).default(14),
  })
  .strict();

/** The new link and its token, shown once; `path` is what to open on the phone (after the origin). */
export const createdLinkSchema = z.object({
  link: participantLinkSchema,
  token: z.string(),
  path: z.string(),
});

export const linkParamsSchema = z.object({ id, linkId: z.string().min(1).max(128) });

/** One of the participant's sessions in their own words' figures. */
export const meSessionSchema = z.object({
  sessionId: id,
  kind: z.enum(['class', 'home']),
  startedAt: epochMs,
  durationS: z.number().nullable(),
  minutesInZone: z.number(),
  targetMinutesInZone: z.number().nullable(),
  hrMean: z.number().nullable(),
  hrPeak: z.number().nullable(),
  spo2Min: z.number().nullable(),
  completeness: z.number().nullable(),
  steps: z.number().nullable(),
  /** Beats the HR came down in the first minute after exercise; null when not measured. */
  hrRecoveryDropBpm: z.number().nullable(),
  alertCount: z.number().int().nonnegative(),
});

export const mePrescriptionSchema = z.object({
  zoneLowBpm: z.number(),
  zoneHighBpm: z.number(),
  ceilingBpm: z.number(),
  sessionsPerWeek: z.number().nullable(),
  minutesInZone: z.number().nullable(),
  effectiveFrom: epochMs,
});

/** `GET /api/me`: the participant's own view. */
export const meViewSchema = z.object({
  alias: z.string(),
  centre: z.object({ name: z.string(), timezone: z.string() }),
  generatedAt: epochMs,
  link: z.object({ expiresAt: epochMs }),
  thisWeek: z.object({
    weekStart: epochMs,
    minutesInZone: z.number(),
    sessions: z.number().int(),
    targetMinutes: z.number().nullable(),
    targetSessions: z.number().nullable(),
  }),
  prescription: mePrescriptionSchema.nullable(),
  nextReassessmentAt: epochMs.nullable(),
  weeks: z.array(z.object({ weekStart: epochMs, minutesInZone: z.number(), sessions: z.number().int() })),
  weeklyTargetMinutes: z.number().nullable(),
  sessions: z.array(meSessionSchema),
});

/** `GET /api/me/sessions/:sessionId`: one session's summary for the participant. */
export const meSessionDetailSchema = z.object({
  alias: z.string(),
  centre: z.object({ name: z.string(), timezone: z.string() }),
  session: meSessionSchema,
  zone: z.object({ lowBpm: z.number(), highBpm: z.number(), ceilingBpm: z.number() }).nullable(),
  /** Heart rate over the session: seconds from the start and bpm. */
  trace: z.array(z.object({ tS: z.number(), hr: z.number().nullable() })),
  secondsBelow: z.number().nullable(),
  secondsAbove: z.number().nullable(),
  /** The alerts of the session (what, when) — who handled them and their notes stay with the staff. */
  alerts: z.array(z.object({ rule: z.string(), severity: z.string(), raisedAt: epochMs })),
});

export const meSessionParamsSchema = z.object({ sessionId: id });

/** `?lang=` of the PDF routes. */
export const pdfQuerySchema = z.object({ lang: z.enum(['zh-CN', 'en']).default('zh-CN') });

export type ParticipantLinkView = z.infer<typeof participantLinkSchema>;
export type CreatedLink = z.infer<typeof createdLinkSchema>;
export type MeView = z.infer<typeof meViewSchema>;
export type MeSession = z.infer<typeof meSessionSchema>;
export type MeSessionDetail = z.infer<typeof meSessionDetailSchema>;
