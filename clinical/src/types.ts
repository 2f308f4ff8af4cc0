import type { AlertState, RuleId, Severity } from '@zonewatch/protocol';

/** The vocabulary (severities and their order, rule ids, zone states, freshness) is declared in protocol. */
export {
  type Freshness,
  RULE_IDS,
  type RuleId,
  SEVERITY_BY_RANK,
  SEVERITY_RANK,
  type Severity,
  type ZoneState,
} from '@zonewatch/protocol';

/**
 * One reading of one participant. `t` is measurement time in ms (epoch ms live, ms from session start in
 * replay). A missing (`undefined`/`null`) value means "not measured in this sample".
 */
export interface Sample {
  /** Measurement time (ms). */
  t: number;
  /** Heart rate (bpm). */
  hr?: number | null;
  /** Oxygen saturation (%). */
  spo2?: number | null;
  /** Cumulative step count. */
  steps?: number | null;
  /** Cadence (steps/min). */
  cadence?: number | null;
  /** Sensor contact as reported by the HR strap; `null`/absent = unknown (HR stays usable). */
  contact?: boolean | null;
  /** RR intervals (ms) that came with this HR reading. */
  rrMs?: readonly number[] | null;
}

/** A rule's condition changed: raised, upgraded in place, or cleared (section 3). */
export interface AlertEvent {
  /** Sample or tick time at which it happened (ms). */
  t: number;
  rule: RuleId;
  /** Severity after the event; `cleared` carries the alert's current (highest) severity. */
  severity: Severity;
  event: 'raised' | 'upgraded' | 'cleared';
  /** A critical-strength condition seen on doubtful data, emitted as a warning. */
  unconfirmed?: true;
  alertId: string;
  /** The alert as the engine left it after this event: what the live shell persists and broadcasts. */
  alert: AlertStatus;
}

/**
 * One alert's lifecycle state as the engine decided it (section 4). The live service and the registry store
 * and show this as given; they never work it out again.
 */
export interface AlertStatus {
  /** `open`: sounding, needs an acknowledgement; `acknowledged`: silenced; `closed`: over. */
  state: AlertState;
  /** Current (highest) severity. */
  severity: Severity;
  /** The current severity came from a critical-strength condition on doubtful data. */
  unconfirmed: boolean;
  /** The condition has cleared (a latched critical may still wait for an acknowledgement). */
  conditionCleared: boolean;
  raisedAt: number;
  /** The acknowledgement in force and its actor (null while the alert needs one). */
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  closedAt: number | null;
  /** Escalation steps taken at the current severity. */
  escalationLevel: number;
}

/** Escalation target names of the default settings (section 4); settings may name others. */
export type EscalationTarget = 'site-consoles' | 'site-staff' | 'repeat' | 'supervisor' | (string & {});

interface LifecycleBase {
  /** Time of the transition (ms). */
  t: number;
  alertId: string;
  rule: RuleId;
  /** The alert's current severity. */
  severity: Severity;
  /** Who caused the transition: the acknowledging user, or `system`. */
  actor: string;
  /** The alert as the engine left it after this event. */
  alert: AlertStatus;
}

/** Alert lifecycle transitions of section 4 (never part of replay output). */
export type LifecycleEvent =
  | (LifecycleBase & { event: 'acknowledged'; note?: string })
  | (LifecycleBase & { event: 'closed'; note?: string })
  | (LifecycleBase & { event: 'escalated'; level: number; target: EscalationTarget })
  | (LifecycleBase & { event: 'resounded' });

/** Everything the engine emits. */
export type EngineEvent = AlertEvent | LifecycleEvent;

/** Type guard: a rule-condition event (the kind replay prints). */
export function isAlertEvent(e: EngineEvent): e is AlertEvent {
  return e.event === 'raised' || e.event === 'upgraded' || e.event === 'cleared';
}
