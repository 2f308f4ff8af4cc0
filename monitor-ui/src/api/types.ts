import type { HrMode, PrescriptionInput, RuleId, SavedReportRead, Severity } from '@zonewatch/protocol';

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

/** A stored report as the console reads it (protocol `savedReportReadSchema`): null = not recorded. */
export type ReportMetrics = Omit<
  SavedReportRead,
  'hrRecovery' | 'trace' | 'alerts' | 'zone' | 'adherence' | 'monitoringGaps' | SecondsKey
> &
  Record<SecondsKey, number>;
type SecondsKey = 'secondsBelow' | 'secondsIn' | 'secondsAbove' | 'secondsOverCeiling';

export type HrRecoveryView = NonNullable<SavedReportRead['hrRecovery']>;

export interface ReportAlert {
  id: string;
  /** As written; a rule this console does not know shows as an unknown rule. */
  rule: RuleId | string;
  /** `unknown`: a severity this console does not know, shown as such, never as a lower one. */
  severity: Severity | 'unknown';
  /** Seconds from the session start. */
  raisedS: number;
  raisedAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  closedAt: number | null;
  timeToAckS: number | null;
  /** Acknowledgement notes (from the registry, as in the CSV). */
  ackNote: string | null;
}

export type ZoneView = NonNullable<SavedReportRead['zone']>;

/** One participant's saved session report, with the trace in uPlot's column layout (x: s from start). */
export interface ParticipantReport {
  participantId: string;
  alias: string;
  metrics: ReportMetrics;
  hrRecovery: HrRecoveryView | null;
  trace: { t: number[]; hr: (number | null)[]; spo2: (number | null)[] };
  /** Lowest and highest usable HR of each trace bucket (`trace.hr` is the bucket mean), same length. */
  hrRange: { min: (number | null)[]; max: (number | null)[] };
  alerts: ReportAlert[];
  zone: ZoneView | null;
  /** The prescription's HR alert mode that day (null in reports that do not say). */
  hrMode: HrMode | null;
  /** This session against the FITT minutes-in-zone target. */
  adherence: SavedReportRead['adherence'];
  /** Times no server evaluated the session (issue 18: a failed node until another took over), ms since epoch. */
  monitoringGaps: SavedReportRead['monitoringGaps'];
}

export interface SessionReportView {
  session: {
    id: string;
    name: string;
    kind: 'class' | 'home';
    coachId: string | null;
    startedAt: number | null;
    endedAt: number | null;
  } | null;
  participants: ParticipantReport[];
}
