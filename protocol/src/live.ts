import { z } from 'zod';
import { FITT_PHASE_DEFAULTS, type Fitt } from './prescription.js';
import {
  alertEventKindSchema,
  alertStateSchema,
  freshnessSchema,
  hrModeSchema,
  ruleIdSchema,
  SESSION_PHASES,
  type SessionPhase,
  sessionKindSchema,
  sessionPhaseSchema,
  sessionStatusSchema,
  severitySchema,
  zoneStateSchema,
} from './vocabulary.js';

const id = z.string().min(1).max(128);

/**
 * On a shared screen (the class wall), a participant without wall-name consent is shown without their alias
 * (issue 16): `alias` then holds a neutral `#seat` and this says which seat (their place in the session's
 * roster, 1-based) and device, so the console can word it in its language and the instructor can still tell
 * who it is in the room.
 */
export const unnamedSchema = z.object({
  kind: z.literal('unnamed'),
  seat: z.number().int().positive(),
  deviceId: z.string().max(128).nullable(),
});
export type Unnamed = z.infer<typeof unnamedSchema>;

/** One participant's latest state as a console shows it; carries the display alias, never a real name. */
export const participantLiveSchema = z.object({
  participantId: id,
  alias: z.string().max(64),
  /** Shown without a name on a shared screen (no wall-name consent; see {@link unnamedSchema}). */
  unnamed: unnamedSchema.optional(),
  hr: z.number().nullable(),
  spo2: z.number().nullable(),
  steps: z.number().nullable(),
  cadence: z.number().nullable(),
  battery: z.number().nullable(),
  contact: z.boolean().nullable(),
  zone: zoneStateSchema.nullable(),
  freshness: freshnessSchema,
  /** Measurement time of the latest usable sample (ms since epoch). */
  lastSampleAt: z.number().nullable(),
  zoneLowBpm: z.number().nullable(),
  zoneHighBpm: z.number().nullable(),
  ceilingBpm: z.number().nullable(),
  hrMode: hrModeSchema,
  /** Minutes in zone this session so far (the engine's time-in-zone); null without a prescription. */
  minutesInZone: z.number().nonnegative().nullable(),
  /** The prescription's FITT target of minutes in zone per session; null when it sets none. */
  targetMinutesInZone: z.number().positive().nullable(),
  /**
   * A device of the participant sent a sample stamped further ahead of ingest's clock than the allowed
   * skew within the last minute: the tile shows a clock fault (such samples are never used as current).
   */
  clockFault: z.boolean().optional(),
  /**
   * A device is bound to the participant now. False: nobody monitors them (an UNMONITORED alert is open
   * or due); the tile must not look live. Absent from servers before issue 14 (read as true).
   */
  bound: z.boolean().optional(),
});

export const alertSchema = z.object({
  id,
  sessionId: id,
  participantId: id,
  alias: z.string().max(64),
  /** Shown without a name on a shared screen (no wall-name consent; see {@link unnamedSchema}). */
  unnamed: unnamedSchema.optional(),
  rule: ruleIdSchema,
  severity: severitySchema,
  /** Raised on doubtful data (contact false or an artefact neighbour): shown as warning, labelled. */
  unconfirmed: z.boolean().optional(),
  state: alertStateSchema,
  /** The condition has cleared (a latched critical alert stays open until acknowledged). */
  conditionCleared: z.boolean(),
  raisedAt: z.number(),
  acknowledgedAt: z.number().nullable(),
  /** Username of whoever acknowledged it first. */
  acknowledgedBy: z.string().nullable(),
  closedAt: z.number().nullable(),
  /** 0 = not escalated; 1, 2… the escalation steps reached. */
  escalationLevel: z.number().int().nonnegative(),
});

/** One phase of a class: its planned length and when it started (null: not reached yet). */
export const phasePlanSchema = z.object({
  phase: sessionPhaseSchema,
  /** Planned length (s), from the participants' prescriptions' FITT (largest), else the defaults. */
  plannedS: z.number().int().nonnegative(),
  startedAt: z.number().nullable(),
});

/** Names the server makes up, by code (issue 14): consoles word them in their language. */
export const SESSION_NAME_CODES = ['home', 'class', 'homeOf'] as const;

export const sessionInfoSchema = z.object({
  id,
  siteId: id,
  name: z.string().max(200),
  /**
   * Set when the server made `name` up (`name` is then its English form): `home` "Home session", `class`
   * "Class session", `homeOf` "Home session — {nameAlias}". Null or absent: a name someone typed.
   */
  nameCode: z.enum(SESSION_NAME_CODES).nullable().optional(),
  /** The alias of a `homeOf` name. */
  nameAlias: z.string().max(200).nullable().optional(),
  kind: sessionKindSchema,
  status: sessionStatusSchema,
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** Current phase of a class (null: not started, or phases not used); absent from older servers. */
  phase: sessionPhaseSchema.nullable().optional(),
  /** When the current phase started (ms since epoch). */
  phaseStartedAt: z.number().nullable().optional(),
  /** Every phase in order with its plan and start (issue 14: class structure). */
  phases: z.array(phasePlanSchema).optional(),
});

/**
 * A technical alarm of the live service, not of a clinical rule (CLINICAL-RULES §7 replay is unaffected):
 * `gateway-clock-ahead` — a gateway serving the session stamps samples further ahead of ingest's clock than
 * the allowed skew (its samples are not used as current until its clock is right).
 */
export const TECHNICAL_ALARM_KINDS = ['gateway-clock-ahead'] as const;
export const technicalAlarmSchema = z.object({
  kind: z.enum(TECHNICAL_ALARM_KINDS),
  gatewayId: id,
  /** Server time the fault was first seen (this episode). */
  since: z.number(),
  /** Server time of the latest sample from the future. */
  lastAt: z.number(),
  /** Samples refused as from the future in this episode. */
  samples: z.number().int().nonnegative(),
});

/** Sent to a console when it joins a session room. */
export const sessionSnapshotSchema = z.object({
  sessionId: id,
  at: z.number(),
  session: sessionInfoSchema,
  participants: z.array(participantLiveSchema),
  alerts: z.array(alertSchema),
  /** Technical alarms of the gateways serving the session (absent: none). */
  technical: z.array(technicalAlarmSchema).optional(),
});

/**
 * Sent once per second per session room, and once more when the session ends (then `session.status` is
 * `ended`: the wall shows "Session ended" and no live badge).
 */
export const sessionFrameSchema = z.object({
  sessionId: id,
  at: z.number(),
  participants: z.array(participantLiveSchema),
  /** Technical alarms of the gateways serving the session (absent: none). */
  technical: z.array(technicalAlarmSchema).optional(),
  /** The session's state now (status, phase, timer); absent from servers before issue 14. */
  session: sessionInfoSchema.optional(),
  /**
   * Fencing token of the sending node's lease on the site (issue 18): a frame with a lower token than one
   * already seen comes from a node that lost the site. Absent on a single node without leases.
   */
  lease: z.number().int().positive().optional(),
});

/** Sent the moment an alert changes. */
export const alertEventSchema = z.object({
  sessionId: id,
  at: z.number(),
  event: alertEventKindSchema,
  alert: alertSchema,
  actor: z.string().optional(),
  /** Fencing token of the sending node's lease on the site (see the frame's `lease`). */
  lease: z.number().int().positive().optional(),
});

/**
 * Server → client: a notice about the session's monitoring itself (issue 18). `monitoring-interrupted`: no
 * ingest node evaluates the session's site now (its owner is gone; every node tells its consoles, about
 * twice a second until a node holds the site again) — a technical alarm with the sound of a warning.
 * `monitoring-restored`: a node holds the site again. `since`: server time the owner was last seen alive.
 */
export const SESSION_NOTICE_CODES = ['monitoring-interrupted', 'monitoring-restored'] as const;
export const sessionNoticeSchema = z.object({
  sessionId: id,
  at: z.number(),
  code: z.enum(SESSION_NOTICE_CODES),
  since: z.number().nullable(),
});
export type SessionNotice = z.infer<typeof sessionNoticeSchema>;

/**
 * Client → server: join a session room. `view`: `wall` (the default) is a shared screen, where participants
 * without wall-name consent never get their alias (issue 16); `private` is one person's console (the coach's
 * view of a home session), which shows aliases.
 */
export const joinSessionSchema = z.strictObject({
  sessionId: id,
  view: z.enum(['wall', 'private']).optional(),
});
/** Client → server: acknowledge an alert. */
export const ackAlertSchema = z.strictObject({ alertId: id, note: z.string().max(500).optional() });

/**
 * Server → client: the Socket.IO acknowledgement of a join. A refusal carries a stable code (an unknown
 * session and one the user may not watch look the same: `not-found`) and a human-readable `message`.
 */
export const JOIN_ERROR_CODES = ['invalid-request', 'not-found', 'internal'] as const;
export const joinErrorCodeSchema = z.enum(JOIN_ERROR_CODES);
export const joinReplySchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    /** The session is running on a live service now (false: ended or not started, snapshot from registry). */
    live: z.boolean(),
  }),
  z.object({ ok: z.literal(false), error: joinErrorCodeSchema, message: z.string().optional() }),
]);

/**
 * Server → client: the Socket.IO acknowledgement of `alert:ack`. Refusal codes are the REST API's
 * acknowledge outcomes; `already-acknowledged` and `already-closed` mean someone else got there first.
 */
export const ACK_ERROR_CODES = [
  'invalid-request',
  'unauthenticated',
  'forbidden',
  'not-found',
  'already-acknowledged',
  'already-closed',
  'internal',
] as const;
export const ackErrorCodeSchema = z.enum(ACK_ERROR_CODES);
export const ackReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), alert: alertSchema }),
  z.object({ ok: z.literal(false), error: ackErrorCodeSchema, message: z.string().optional() }),
]);

/** Socket.IO event names, one place. */
export const SOCKET_EVENTS = {
  snapshot: 'session:snapshot',
  frame: 'session:frame',
  alert: 'alert',
  join: 'session:join',
  leave: 'session:leave',
  ack: 'alert:ack',
  notice: 'session:notice',
} as const;

export type ParticipantLive = z.infer<typeof participantLiveSchema>;
export type Alert = z.infer<typeof alertSchema>;
export type SessionInfo = z.infer<typeof sessionInfoSchema>;
export type PhasePlan = z.infer<typeof phasePlanSchema>;

/** Planned phase lengths (s) by phase. */
export type PhasePlanSeconds = Partial<Record<SessionPhase, number>>;

/**
 * A class's planned phase lengths (s) from its participants' FITT: for each phase the largest planned length
 * among them (everyone can reach their minutes), the defaults of {@link FITT_PHASE_DEFAULTS} where nobody
 * sets one (conditioning defaults to the largest minutesInZone).
 */
export function phasePlanOf(fitts: readonly (Fitt | null | undefined)[]): Record<SessionPhase, number> {
  const minutes = (pick: (f: Fitt) => number | undefined, fallback: number) => {
    const given = fitts.flatMap((f) => {
      const v = f ? pick(f) : undefined;
      return v === undefined ? [] : [v];
    });
    return Math.round((given.length ? Math.max(...given) : fallback) * 60);
  };
  return {
    'warm-up': minutes((f) => f.warmUpMinutes, FITT_PHASE_DEFAULTS.warmUpMinutes),
    conditioning: minutes(
      (f) => f.conditioningMinutes ?? f.minutesInZone,
      FITT_PHASE_DEFAULTS.conditioningMinutes,
    ),
    'cool-down': minutes((f) => f.coolDownMinutes, FITT_PHASE_DEFAULTS.coolDownMinutes),
    recovery: minutes((f) => f.recoveryMinutes, FITT_PHASE_DEFAULTS.recoveryMinutes),
  };
}

/** The phases of a session in order with their plan and start times (what frames carry). */
export function phasesOf(plan: PhasePlanSeconds, starts: PhasePlanSeconds): PhasePlan[] {
  return SESSION_PHASES.map((phase) => ({
    phase,
    plannedS: plan[phase] ?? 0,
    startedAt: starts[phase] ?? null,
  }));
}

/** The phase after `current` (the first one before any), or null after the last. */
export function nextPhase(current: SessionPhase | null | undefined): SessionPhase | null {
  if (!current) return SESSION_PHASES[0];
  return SESSION_PHASES[SESSION_PHASES.indexOf(current) + 1] ?? null;
}
export type SessionSnapshot = z.infer<typeof sessionSnapshotSchema>;
export type SessionFrame = z.infer<typeof sessionFrameSchema>;
export type TechnicalAlarm = z.infer<typeof technicalAlarmSchema>;
export type AlertEvent = z.infer<typeof alertEventSchema>;
export type JoinSession = z.infer<typeof joinSessionSchema>;
export type AckAlert = z.infer<typeof ackAlertSchema>;
export type JoinErrorCode = z.infer<typeof joinErrorCodeSchema>;
export type JoinReply = z.infer<typeof joinReplySchema>;
export type AckErrorCode = z.infer<typeof ackErrorCodeSchema>;
export type AckReply = z.infer<typeof ackReplySchema>;
