import type { PrescriptionInput, RuleId, Severity } from '@zonewatch/protocol';

/**
 * REST types come from the wire contract (`protocol/src/api.ts`); only what the console derives for its
 * views is declared here. The prescription body is the rules engine's input type (type-only import: no
 * ingest code reaches the browser bundle).
 */
export type {
  AdherenceResponse,
  ApiDevice as DeviceRow,
  ApiGateway as GatewayRow,
  ApiParticipant as ParticipantRow,
  ApiUser as UserRow,
  ClinicalDetails,
  ClinicalInput,
  GatewaySecretResponse,
  PrescriptionRecordView,
  ResolvedPrescriptionView,
  RoleName as Role,
  RosterEntryView,
  SessionSummary,
  SessionUser as Me,
  UnboundDevice,
} from '@zonewatch/protocol';
export { ROLE_NAMES as ROLES } from '@zonewatch/protocol';

export type PrescriptionBody = PrescriptionInput;

/** One participant's devices in the session (the roster lists one row per binding). */
export interface RosterParticipant {
  participantId: string;
  alias: string;
  devices: { deviceId: string; kind: string | null }[];
}

export interface ReportMetrics {
  durationS: number | null;
  secondsBelow: number;
  secondsIn: number;
  secondsAbove: number;
  secondsOverCeiling: number;
  hrMean: number | null;
  hrPeak: number | null;
  spo2Mean: number | null;
  spo2Min: number | null;
  steps: number | null;
  cadence: number | null;
  completeness: number | null;
}

export interface HrRecoveryView {
  hrAtEndBpm: number | null;
  hrAfterBpm: number | null;
  dropBpm: number;
  flaggedForReview: boolean;
}

export interface ReportAlert {
  id: string;
  rule: RuleId | string;
  severity: Severity;
  /** Seconds from the session start. */
  raisedS: number;
  raisedAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  closedAt: number | null;
  timeToAckS: number | null;
}

export interface ZoneView {
  lowBpm: number;
  highBpm: number;
  ceilingBpm: number;
}

/** One participant's saved session report, with the trace in uPlot's column layout (x: s from start). */
export interface ParticipantReport {
  participantId: string;
  alias: string;
  metrics: ReportMetrics;
  hrRecovery: HrRecoveryView | null;
  trace: { t: number[]; hr: (number | null)[]; spo2: (number | null)[] };
  alerts: ReportAlert[];
  zone: ZoneView | null;
  /** This session against the FITT minutes-in-zone target. */
  adherence: { minutesInZone: number; targetMinutesInZone: number | null; met: boolean | null } | null;
}

export interface SessionReportView {
  session: { id: string; name: string; startedAt: number | null; endedAt: number | null } | null;
  participants: ParticipantReport[];
}
