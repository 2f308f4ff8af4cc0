import { z } from 'zod';
import { fieldCheck } from './field-checks.js';
import { alertSchema, sessionInfoSchema } from './live.js';
import { prescriptionBaseSchema } from './prescription.js';
import { deviceIdSchema } from './telemetry.js';
import { idSchema as wireIdSchema } from './topics.js';
import {
  alertEventKindSchema,
  deviceKindSchema,
  hrModeSchema,
  roleSchema,
  SEVERITIES,
  type Severity,
  sessionKindSchema,
  sessionPhaseSchema,
  sessionStatusSchema,
  severitySchema,
} from './vocabulary.js';

/**
 * REST API of ingest (`/api/...`): request bodies, query strings and responses. The API validates with these
 * schemas (so the UI and the server cannot disagree), serves them as OpenAPI at `/api/openapi.json`, and the
 * UI takes its types from here. Times are ms since the Unix epoch, as everywhere on the wire.
 *
 * Errors: every 4xx/5xx body is {@link apiErrorSchema}; validation failures name the field
 * (`body.zone.high: …`).
 */

/** Path prefix the lead mounts the API under. */
export const API_PREFIX = '/api';
/** Name of the httpOnly session cookie. */
export const SESSION_COOKIE = 'zw_session';

/** A registry id (participant, device, user…). */
export const entityIdSchema = z.string().min(1).max(128);
const id = entityIdSchema;
/** Site ids appear in MQTT topics: `[a-z0-9-]{1,64}`. */
export const siteIdSchema = wireIdSchema;
/** A time on the wire: ms since the Unix epoch. */
export const epochMsSchema = z.number().int().nonnegative();
const epochMs = epochMsSchema;
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

/** `{ items: [...] }`: every list endpoint answers with this shape. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** A query-string boolean: `true`/`false` (also `1`/`0`). */
export const queryBoolSchema = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

// ---------------------------------------------------------------------------------------------- errors

/** One reason a request was refused; `path` is dotted and starts with the request part (`body.zone.high`). */
export const apiIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
  code: z.string().optional(),
  /** Numbers and names a console needs to word a coded refusal itself (e.g. `{ formula: 'tanaka' }`). */
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
/**
 * Body of every error response. `error` is a stable `ZW_ERR_*` code; 4xx messages name the field and the
 * reason; 5xx say `internal error` and nothing else.
 */
export const apiErrorSchema = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(apiIssueSchema).optional(),
});

// ---------------------------------------------------------------------------------------------- auth

export const loginBodySchema = z.strictObject({
  username: z.string().trim().min(1, 'is required').max(64),
  password: z.string().min(1, 'is required').max(1024),
  /** Also return the session token in the body (API clients using `Authorization: Bearer`). */
  returnToken: z.boolean().optional(),
});

/** The logged-in user as the API sees them. */
export const sessionUserSchema = z.object({
  id,
  username: z.string(),
  displayName: z.string(),
  roles: z.array(roleSchema),
  /** Sites the user works at (admins see every site regardless). */
  siteIds: z.array(siteIdSchema),
});

export const loginResponseSchema = z.object({
  user: sessionUserSchema,
  /** Absolute expiry of the session (ms); idle expiry comes earlier without activity. */
  expiresAt: epochMs,
  /** Only when `returnToken` was asked for. */
  token: z.string().optional(),
});
export const meResponseSchema = z.object({ user: sessionUserSchema, expiresAt: epochMs });

// ---------------------------------------------------------------------------------------------- sites

/** IANA time zone name (`Europe/Berlin`, `Asia/Shanghai`, `UTC`). */
export const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be an IANA time zone such as Europe/Berlin', ...fieldCheck('TIME_ZONE_UNKNOWN') },
  );

export const siteSchema = z.object({
  id: siteIdSchema,
  name: z.string(),
  timezone: z.string(),
  createdAt: epochMs,
});
export const createSiteBodySchema = z.strictObject({
  id: siteIdSchema,
  name: text(200),
  timezone: timeZoneSchema.optional(),
});

// ---------------------------------------------------------------------------------------------- users

/** A staff account; never carries a password hash. */
export const userSchema = sessionUserSchema.extend({
  disabled: z.boolean(),
  createdAt: epochMs,
  updatedAt: epochMs,
});
const usernameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{3,64}$/, 'must be 3-64 characters of letters, digits, ".", "_" or "-"');
const passwordSchema = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(1024, 'must be at most 1024 characters');
const rolesSchema = z.array(roleSchema).min(1, 'must contain at least one role');

export const createUserBodySchema = z.strictObject({
  username: usernameSchema,
  displayName: text(200),
  password: passwordSchema,
  roles: rolesSchema,
  siteIds: z.array(siteIdSchema).default([]),
});
export const patchUserBodySchema = z
  .strictObject({
    displayName: text(200).optional(),
    roles: rolesSchema.optional(),
    /** Replaces the site memberships. */
    siteIds: z.array(siteIdSchema).optional(),
    /** A disabled user cannot log in and their sessions end at once. */
    disabled: z.boolean().optional(),
    /** A new password; the user's sessions end at once. */
    password: passwordSchema.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), {
    message: 'must change at least one field',
    ...fieldCheck('NO_CHANGE'),
  });

// ---------------------------------------------------------------------------------------------- participants

/** What a shared screen may show about a participant: an alias, never a real name. */
export const participantSchema = z.object({
  id,
  siteId: siteIdSchema,
  alias: z.string(),
  active: z.boolean(),
  createdAt: epochMs,
  updatedAt: epochMs,
});
const aliasSchema = text(64);
const shortList = z.array(z.string().trim().min(1).max(200)).max(50);

/** Clinical details (clinician and admin only; every read and change is audited). */
export const clinicalInputSchema = z.strictObject({
  fullName: z.string().trim().max(200).nullable().optional(),
  dateOfBirth: z.iso.date({ error: 'must be a date YYYY-MM-DD' }).nullable().optional(),
  ageYears: z.number().int().min(0).max(130).nullable().optional(),
  sex: z.enum(['female', 'male', 'other'], { error: 'must be female, male or other' }).nullable().optional(),
  conditions: shortList.optional(),
  medications: shortList.optional(),
  betaBlocker: z.boolean().optional(),
  notes: z.string().max(5000).nullable().optional(),
});
export const clinicalDetailsSchema = z.object({
  participantId: id,
  fullName: z.string().nullable(),
  dateOfBirth: z.string().nullable(),
  ageYears: z.number().nullable(),
  sex: z.enum(['female', 'male', 'other']).nullable(),
  conditions: z.array(z.string()),
  medications: z.array(z.string()),
  betaBlocker: z.boolean(),
  notes: z.string().nullable(),
  updatedAt: epochMs,
});
/** `clinical` is null when none are recorded yet. */
export const clinicalResponseSchema = z.object({ clinical: clinicalDetailsSchema.nullable() });

export const createParticipantBodySchema = z.strictObject({
  siteId: siteIdSchema,
  alias: aliasSchema,
  clinical: clinicalInputSchema.optional(),
});
export const patchParticipantBodySchema = z
  .strictObject({ alias: aliasSchema.optional(), active: z.boolean().optional() })
  .refine((v) => v.alias !== undefined || v.active !== undefined, {
    message: 'must change alias or active',
    ...fieldCheck('NO_CHANGE'),
  });
export const participantsQuerySchema = z.object({
  siteId: siteIdSchema.optional(),
  includeInactive: queryBoolSchema.optional(),
});

// ---------------------------------------------------------------------------------------------- prescriptions

/**
 * A prescription as stored: the document a clinician saved, returned as it was written. Parse it with
 * {@link prescriptionBaseSchema} to read its fields; it may predate today's rules (its `summary` is then null).
 */
export const prescriptionBodySchema = z.record(z.string(), z.unknown());

/** What instructors see of a prescription: the zone in bpm, not the clinical inputs behind it. */
export const zoneSummarySchema = z.object({
  zoneLowBpm: z.number(),
  zoneHighBpm: z.number(),
  ceilingBpm: z.number(),
  hrMode: hrModeSchema,
  spo2Floor: z.number(),
});

/** The numbers the rules engine runs on: the live preview of a prescription being edited. */
export const resolvedPrescriptionSchema = zoneSummarySchema.extend({
  /** Maximum HR (bpm), fractional for formula sources. */
  hrMax: z.number(),
  hrMaxSource: z.string(),
  hrRest: z.number().nullable(),
  ceilingSource: z.enum(['given', 'default', 'ischaemic']),
  fitt: z.object({ sessionsPerWeek: z.number(), minutesInZone: z.number() }).nullable(),
  /** To show next to the prescription (legacy formula, estimate error, HR alerts capped…). */
  warnings: z.array(z.string()),
  /** The same warnings as stable codes with parameters, for the console to word in its language. */
  warningCodes: z.array(
    z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) }),
  ),
});

/**
 * One version of a prescription. `body` and `note` only for clinicians and admins; `summary` for everyone
 * allowed to see the prescription (null if the stored body no longer resolves).
 */
export const prescriptionRecordSchema = z.object({
  id,
  participantId: id,
  version: z.number().int().min(1),
  effectiveFrom: epochMs,
  effectiveTo: epochMs.nullable(),
  authorId: id,
  authorName: z.string().nullable(),
  createdAt: epochMs,
  summary: zoneSummarySchema.nullable(),
  body: prescriptionBodySchema.optional(),
  note: z.string().nullable().optional(),
  warnings: z.array(z.string()).optional(),
});

/** Requests carry the prescription document; the API adds the cross-field checks of `@zonewatch/clinical`. */
export const createPrescriptionBodySchema = z.strictObject({
  body: prescriptionBaseSchema,
  /** When it takes effect (ms); default now. Must be after the latest version's. */
  effectiveFrom: epochMs.optional(),
  /** Why it changed (shown in the history). */
  note: z.string().trim().max(2000).optional(),
});
export const previewPrescriptionBodySchema = z.strictObject({ prescription: prescriptionBaseSchema });

export const adherenceQuerySchema = z.object({
  weeks: z.coerce.number().int().min(1, 'must be 1-52').max(52, 'must be 1-52').default(4),
});
/** One calendar week (Monday 00:00 in the site's time zone). */
export const adherenceWeekSchema = z.object({
  weekStart: epochMs,
  weekEnd: epochMs,
  sessions: z.number().int(),
  minutesInZone: z.number(),
  sessionsMeetingTarget: z.number().int().nullable(),
  targetSessions: z.number().int().nullable(),
  met: z.boolean().nullable(),
});
export const adherenceResponseSchema = z.object({
  participantId: id,
  /** FITT targets of the prescription in force now; null when it has none. */
  fitt: z.object({ sessionsPerWeek: z.number(), minutesInZone: z.number() }).nullable(),
  /** Oldest first; the last is the current week. */
  weeks: z.array(adherenceWeekSchema),
});

// ---------------------------------------------------------------------------------------------- reports

/**
 * A saved session report (CLINICAL-RULES.md section 6). `body` is a {@link savedReportBodySchema} as stored
 * when the session ended (it may predate today's fields): read it with {@link savedReportReadSchema}.
 */
export const sessionReportItemSchema = z.object({
  sessionId: id,
  sessionName: z.string(),
  sessionStartedAt: epochMs.nullable(),
  participantId: id,
  alias: z.string(),
  body: z.record(z.string(), z.unknown()),
  createdAt: epochMs,
  updatedAt: epochMs,
});

// ---------------------------------------------------------------------------------------------- classes

export const classSchema = z.object({
  id,
  siteId: siteIdSchema,
  name: z.string(),
  instructorId: id.nullable(),
  schedule: z.string().nullable(),
  archived: z.boolean(),
  createdAt: epochMs,
  updatedAt: epochMs,
});
export const createClassBodySchema = z.strictObject({
  siteId: siteIdSchema,
  name: text(200),
  /** A user of the class's site. */
  instructorId: id.nullable().optional(),
  /** Free text for people, e.g. "Mon and Thu 10:00". */
  schedule: z.string().trim().max(500).nullable().optional(),
});
export const patchClassBodySchema = z
  .strictObject({
    name: text(200).optional(),
    instructorId: id.nullable().optional(),
    schedule: z.string().trim().max(500).nullable().optional(),
    archived: z.boolean().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), {
    message: 'must change at least one field',
    ...fieldCheck('NO_CHANGE'),
  });
export const classesQuerySchema = z.object({
  siteId: siteIdSchema.optional(),
  includeArchived: queryBoolSchema.optional(),
});

// ---------------------------------------------------------------------------------------------- sessions

export const sessionSchema = sessionInfoSchema.extend({
  classId: id.nullable(),
  coachId: id.nullable(),
  scheduledAt: epochMs.nullable(),
  createdAt: epochMs,
});
/** Open (not closed) alerts of a session by severity. */
export const alertCountsSchema = z.object(
  Object.fromEntries(SEVERITIES.map((s) => [s, z.number().int()])) as Record<Severity, z.ZodNumber>,
);
export const sessionSummarySchema = sessionSchema.extend({
  /** Participants on the roster (bound now; for an ended session, everyone who was bound). */
  participantCount: z.number().int(),
  openAlerts: alertCountsSchema,
});
export const sessionsQuerySchema = z.object({
  siteId: siteIdSchema.optional(),
  status: sessionStatusSchema.optional(),
  kind: sessionKindSchema.optional(),
});
export const createSessionBodySchema = z
  .strictObject({
    siteId: siteIdSchema,
    kind: sessionKindSchema,
    /** Shown on consoles; default: the class name, or "Home session". */
    name: text(200).optional(),
    /** Required for a class session, absent for a home session. */
    classId: id.optional(),
    /** Remote coach (home) or supervising coach: a user of the site. */
    coachId: id.optional(),
    scheduledAt: epochMs.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'class' && !v.classId)
      ctx.addIssue({
        code: 'custom',
        path: ['classId'],
        message: 'is required for a class session',
        ...fieldCheck('CLASS_REQUIRED'),
      });
    if (v.kind === 'home' && v.classId)
      ctx.addIssue({
        code: 'custom',
        path: ['classId'],
        message: 'must be absent for a home session',
        ...fieldCheck('CLASS_NOT_FOR_HOME'),
      });
  });

/** One device → participant binding of a session. */
export const rosterEntrySchema = z.object({
  bindingId: id,
  sessionId: id,
  participantId: id,
  alias: z.string(),
  deviceId: deviceIdSchema,
  deviceKind: deviceKindSchema.nullable(),
  boundAt: epochMs,
  unboundAt: epochMs.nullable(),
  boundBy: id.nullable(),
});
export const rosterQuerySchema = z.object({ includeUnbound: queryBoolSchema.optional() });
export const bindDeviceBodySchema = z.strictObject({ participantId: id, deviceId: deviceIdSchema });

/** A device seen on the wire lately that no active session binds ("tap the strap" pairing). */
export const unboundDeviceSchema = z.object({
  deviceId: z.string(),
  kind: z.string().nullable(),
  lastSeenAt: epochMs,
  /** Registered at this session's site (only registered devices can be bound). */
  registered: z.boolean(),
  label: z.string().nullable(),
  /**
   * This device delivered data for a participant within the last 5 minutes (it may still be worn by them):
   * the console warns before pairing it to someone else. Null: not recently worn.
   */
  recentlyWornBy: z
    .object({ participantId: id, alias: z.string(), lastDataAt: epochMs })
    .nullable()
    .optional(),
});

/** `POST /sessions/:id/phase`: move the class to `phase`, or to the next phase when absent. */
export const sessionPhaseBodySchema = z.strictObject({ phase: sessionPhaseSchema.optional() });

/** An assigned device at session start: bound automatically when seen, else listed for the instructor. */
export const ownedDeviceStartSchema = z.object({
  deviceId: deviceIdSchema,
  participantId: id,
  alias: z.string(),
  /** `bound`: seen and bound; `not-seen`: not on the wire lately; `conflict`: could not be bound (worn elsewhere). */
  outcome: z.enum(['bound', 'not-seen', 'conflict']),
});
export const startSessionResponseSchema = sessionSchema.extend({
  /** Devices assigned to participants of this site, and what happened to each at start. */
  ownedDevices: z.array(ownedDeviceStartSchema).optional(),
});
export const unboundDevicesQuerySchema = z.object({
  /** Look-back window (s), default 60. */
  withinS: z.coerce.number().int().min(1).max(3600).default(60),
  /** At most this many devices (the most recently seen), default 100. */
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
/** The newest unbound devices, and how many more matched but were left out (issue 13, hole 6). */
export const unboundDevicesListSchema = z.object({
  items: z.array(unboundDeviceSchema),
  omitted: z.number().int().min(0),
});

// ---------------------------------------------------------------------------------------------- alerts

/** One lifecycle transition of an alert; `actorId` null = the system. */
export const alertEventRecordSchema = z.object({
  seq: z.number().int().min(1),
  event: alertEventKindSchema,
  severity: severitySchema,
  at: epochMs,
  actorId: id.nullable(),
  actorName: z.string().nullable(),
  note: z.string().nullable(),
});
export const alertWithEventsSchema = alertSchema.extend({ events: z.array(alertEventRecordSchema) });
export const ackAlertBodySchema = z.strictObject({ note: z.string().trim().max(500).optional() });

export const sessionReportResponseSchema = z.object({
  session: sessionSchema,
  items: z.array(sessionReportItemSchema),
});
/**
 * `GET /sessions/:id/trace`: each participant's down-sampled trace of the last minutes of a live session
 * (the rules engine's bucket means of usable values; `at` = bucket start), to backfill a live chart.
 */
export const sessionTraceQuerySchema = z.object({
  withinS: z.coerce.number().int().min(1).max(3600).default(600),
});
export const sessionTraceResponseSchema = z.object({
  items: z.array(
    z.object({
      participantId: id,
      points: z.array(
        z.object({
          at: epochMs,
          hr: z.number().nullable(),
          spo2: z.number().nullable(),
          /** Lowest and highest usable HR of the bucket (`hr` is its mean). */
          hrMin: z.number().nullable().optional(),
          hrMax: z.number().nullable().optional(),
        }),
      ),
    }),
  ),
});
export type SessionTraceResponse = z.infer<typeof sessionTraceResponseSchema>;

export const reportCsvQuerySchema = z.object({
  /** `participants` (default): one row per participant; `alerts`: one row per alert. */
  kind: z.enum(['participants', 'alerts']).default('participants'),
  /** Language of the headers and labels; default: the request's Accept-Language, else en. */
  lang: z.enum(['zh-CN', 'en']).optional(),
  /** `human` (default): headers and coded values in `lang`; `machine`: stable snake_case headers and codes. */
  header: z.enum(['human', 'machine']).default('human'),
});

// ---------------------------------------------------------------------------------------------- audit

export const auditEntrySchema = z.object({
  id: z.string(),
  at: epochMs,
  actor: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  siteId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export const auditQuerySchema = z.object({
  entity: z.string().max(200).optional(),
  entityId: z.string().max(200).optional(),
  /** `user:{id}`, `system:{component}`… */
  actor: z.string().max(200).optional(),
  siteId: siteIdSchema.optional(),
  since: z.coerce.number().int().nonnegative().optional(),
  until: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

// ---------------------------------------------------------------------------------------------- path params

export const idParamsSchema = z.object({ id });
export const bindingParamsSchema = z.object({ id, deviceId: deviceIdSchema });
export const sessionParticipantParamsSchema = z.object({ id, participantId: id });

export type ApiError = z.infer<typeof apiErrorSchema>;
export type ApiIssue = z.infer<typeof apiIssueSchema>;
export type LoginBody = z.input<typeof loginBodySchema>;
export type SessionUser = z.infer<typeof sessionUserSchema>;
export type LoginResponse = z.infer<typeof loginResponseSchema>;
export type MeResponse = z.infer<typeof meResponseSchema>;
export type ApiSite = z.infer<typeof siteSchema>;
export type CreateSiteBody = z.input<typeof createSiteBodySchema>;
export type ApiUser = z.infer<typeof userSchema>;
export type CreateUserBody = z.input<typeof createUserBodySchema>;
export type PatchUserBody = z.input<typeof patchUserBodySchema>;
export type ApiParticipant = z.infer<typeof participantSchema>;
export type ClinicalInput = z.input<typeof clinicalInputSchema>;
export type ClinicalDetails = z.infer<typeof clinicalDetailsSchema>;
export type ClinicalResponse = z.infer<typeof clinicalResponseSchema>;
export type CreateParticipantBody = z.input<typeof createParticipantBodySchema>;
export type PatchParticipantBody = z.input<typeof patchParticipantBodySchema>;
export type ZoneSummary = z.infer<typeof zoneSummarySchema>;
export type ResolvedPrescriptionView = z.infer<typeof resolvedPrescriptionSchema>;
export type PrescriptionRecordView = z.infer<typeof prescriptionRecordSchema>;
export type CreatePrescriptionBody = z.input<typeof createPrescriptionBodySchema>;
export type PreviewPrescriptionBody = z.input<typeof previewPrescriptionBodySchema>;
export type AdherenceResponse = z.infer<typeof adherenceResponseSchema>;
export type SessionReportItem = z.infer<typeof sessionReportItemSchema>;
export type ApiClass = z.infer<typeof classSchema>;
export type CreateClassBody = z.input<typeof createClassBodySchema>;
export type PatchClassBody = z.input<typeof patchClassBodySchema>;
export type ApiSession = z.infer<typeof sessionSchema>;
export type SessionSummary = z.infer<typeof sessionSummarySchema>;
export type CreateSessionBody = z.input<typeof createSessionBodySchema>;
export type RosterEntryView = z.infer<typeof rosterEntrySchema>;
export type BindDeviceBody = z.input<typeof bindDeviceBodySchema>;
export type UnboundDevice = z.infer<typeof unboundDeviceSchema>;
export type SessionPhaseBody = z.input<typeof sessionPhaseBodySchema>;
export type OwnedDeviceStart = z.infer<typeof ownedDeviceStartSchema>;
export type StartSessionResponse = z.infer<typeof startSessionResponseSchema>;
export type AlertEventRecordView = z.infer<typeof alertEventRecordSchema>;
export type AlertWithEvents = z.infer<typeof alertWithEventsSchema>;
export type AckAlertBody = z.input<typeof ackAlertBodySchema>;
export type SessionReportResponse = z.infer<typeof sessionReportResponseSchema>;
export type AuditEntryView = z.infer<typeof auditEntrySchema>;
