/**
 * Registry domain types. Every time is milliseconds since the Unix epoch (the unit of the wire format and
 * the rules engine); `null` means "not yet" or "unknown". JSON bodies owned by other modules (prescription,
 * report) come back as `unknown`: parse them with their owner's zod schema.
 */

import type {
  AlertEventKind,
  AlertState,
  DeviceKind,
  RoleName as Role,
  SessionKind,
  SessionPhase,
  SessionStatus,
  Severity,
} from '@zonewatch/protocol';

/** The vocabulary (roles, device kinds, severities, alert events and states, session kinds) is protocol's. */
export {
  ALERT_EVENT_KINDS as ALERT_EVENTS,
  type AlertEventKind,
  type AlertState,
  DEVICE_KIND_NAMES as DEVICE_KINDS,
  type DeviceKind,
  ROLE_NAMES as ROLES,
  type RoleName as Role,
  SEVERITIES,
  type SessionKind,
  type SessionStatus,
  type Severity,
} from '@zonewatch/protocol';

export type Sex = 'female' | 'male' | 'other';

export interface Site {
  id: string;
  name: string;
  /** IANA zone for reports and schedules, e.g. `Europe/Berlin`. */
  timezone: string;
  createdAt: number;
}

/** A staff account. The password hash is never part of it. */
export interface User {
  id: string;
  /** Lower-case login name. */
  username: string;
  displayName: string;
  roles: Role[];
  /** Sites the user works at, sorted. */
  siteIds: string[];
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** What a shared screen may show about a participant. */
export interface Participant {
  id: string;
  siteId: string;
  /** Display name for shared screens (alias or initials). */
  alias: string;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

/** Clinical details, behind login only; read by {@link ParticipantsRepo.getClinical} and nothing else. */
export interface ClinicalDetails {
  participantId: string;
  fullName: string | null;
  /** `YYYY-MM-DD`. */
  dateOfBirth: string | null;
  /** Age when no date of birth is recorded (years). */
  ageYears: number | null;
  sex: Sex | null;
  conditions: string[];
  medications: string[];
  betaBlocker: boolean;
  notes: string | null;
  updatedAt: number;
}

/** Input for clinical details; omitted fields keep their value on update (null clears). */
export interface ClinicalInput {
  fullName?: string | null;
  dateOfBirth?: string | null;
  ageYears?: number | null;
  sex?: Sex | null;
  conditions?: string[];
  medications?: string[];
  betaBlocker?: boolean;
  notes?: string | null;
}

/** One version of a participant's prescription. */
export interface PrescriptionRecord {
  id: string;
  participantId: string;
  /** 1, 2, 3… per participant. */
  version: number;
  effectiveFrom: number;
  /** When the next version took over; null for the current open-ended version. */
  effectiveTo: number | null;
  authorId: string;
  /** The prescription document; its schema belongs to the rules engine (`@zonewatch/clinical`). */
  body: unknown;
  note: string | null;
  createdAt: number;
}

export interface Device {
  /** BLE address or serial, as on the wire. */
  id: string;
  siteId: string;
  kind: DeviceKind;
  model: string | null;
  label: string | null;
  createdAt: number;
  retiredAt: number | null;
  /** Assigned to this participant ahead of time: bound automatically when a class starts and it is seen. */
  ownerParticipantId: string | null;
}

export interface Gateway {
  id: string;
  siteId: string;
  name: string | null;
  createdAt: number;
  lastSeen: number | null;
  revokedAt: number | null;
}

/** What the broker's CredentialStore needs for a gateway (username = gateway id). */
export interface GatewayCredential {
  username: string;
  siteId: string;
  gatewayId: string;
  /** `scrypt$N$r$p$salt$hash`. */
  secretHash: string;
}

export interface ClassRecord {
  id: string;
  siteId: string;
  name: string;
  instructorId: string | null;
  schedule: string | null;
  archived: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface SessionRecord {
  id: string;
  siteId: string;
  kind: SessionKind;
  classId: string | null;
  name: string;
  coachId: string | null;
  status: SessionStatus;
  scheduledAt: number | null;
  startedAt: number | null;
  endedAt: number | null;
  createdAt: number;
  /** Current class phase (null: none yet) and when it started (issue 14). */
  phase: SessionPhase | null;
  phaseStartedAt: number | null;
  /** Start of each phase reached so far (ms). */
  phaseStarts: Partial<Record<SessionPhase, number>>;
  /** Planned phase lengths (s), fixed at the first phase move; empty before. */
  phasePlan: Partial<Record<SessionPhase, number>>;
  /** The server made the name up (`name` is its English form): consoles word it from this code. */
  nameCode?: SessionNameCode | null;
  /** The alias of a `homeOf` name. */
  nameAlias?: string | null;
}

/** Names the server makes up: "Home session", "Class session", "Home session — {alias}" (migration 0010). */
export type SessionNameCode = 'home' | 'class' | 'homeOf';

/** One device → participant binding of a session. */
export interface RosterBinding {
  id: string;
  sessionId: string;
  participantId: string;
  deviceId: string;
  boundAt: number;
  unboundAt: number | null;
  boundBy: string | null;
}

/** A live binding of an active session: what ingest needs to route a sample (site, device → participant). */
export interface ActiveBinding {
  siteId: string;
  deviceId: string;
  sessionId: string;
  participantId: string;
  /** Display alias, for console frames. */
  alias: string;
  boundAt: number;
}

/** An alert's current state (the protocol's alert minus the alias). */
export interface AlertRecord {
  id: string;
  sessionId: string;
  participantId: string;
  rule: string;
  severity: Severity;
  unconfirmed: boolean;
  state: AlertState;
  conditionCleared: boolean;
  raisedAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  closedAt: number | null;
  escalationLevel: number;
  updatedAt: number;
}

/** One lifecycle transition of an alert. */
export interface AlertEventRecord {
  alertId: string;
  /** 1 for `raised`, then 2, 3… */
  seq: number;
  event: AlertEventKind;
  /** The alert's severity after the event. */
  severity: Severity;
  at: number;
  /** The user who acted; null for the system (rules engine, escalation timer). */
  actorId: string | null;
  note: string | null;
}

export interface SessionReport {
  sessionId: string;
  participantId: string;
  /** The report document (CLINICAL-RULES.md section 6); its schema belongs to its writer. */
  body: unknown;
  createdAt: number;
  updatedAt: number;
}

export interface AuditEntry {
  /** Increasing id (as a string: Postgres bigint). */
  id: string;
  at: number;
  /** `user:{id}`, `system:{component}`… */
  actor: string;
  /** Verb, e.g. `participant.view-clinical`, `prescription.create`. */
  action: string;
  entity: string;
  entityId: string | null;
  siteId: string | null;
  detail: Record<string, unknown>;
}
