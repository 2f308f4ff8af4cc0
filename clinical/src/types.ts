/** Alarm priority (IEC 60601-1-8 style), lowest first. */
export type Severity = 'advisory' | 'warning' | 'critical';

/** Numeric rank of a severity: advisory 1 < warning 2 < critical 3 (0 = none). */
export const SEVERITY_RANK: Readonly<Record<Severity, 1 | 2 | 3>> = Object.freeze({
  advisory: 1,
  warning: 2,
  critical: 3,
});

/** Inverse of {@link SEVERITY_RANK}; index 0 unused. */
export const SEVERITY_BY_RANK: readonly Severity[] = Object.freeze([
  'advisory',
  'advisory',
  'warning',
  'critical',
]) as readonly Severity[];

/** Rule identifiers of CLINICAL-RULES.md section 3, in table order (also the order events of one instant are emitted in). */
export const RULE_IDS = [
  'HR_ABOVE_ZONE',
  'HR_OVER_CEILING',
  'HR_LOW',
  'SPO2_LOW',
  'SPO2_DROP',
  'SIGNAL_LOST',
  'NO_CONTACT',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

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
}

/** Alert lifecycle transitions of section 4 (never part of replay output). */
export type LifecycleEvent =
  | (LifecycleBase & { event: 'acknowledged'; note?: string })
  | (LifecycleBase & { event: 'closed' })
  | (LifecycleBase & { event: 'escalated'; level: number; target: EscalationTarget })
  | (LifecycleBase & { event: 'resounded' });

/** Everything the engine emits. */
export type EngineEvent = AlertEvent | LifecycleEvent;

/** Type guard: a rule-condition event (the kind replay prints). */
export function isAlertEvent(e: EngineEvent): e is AlertEvent {
  return e.event === 'raised' || e.event === 'upgraded' || e.event === 'cleared';
}

/** Zone state of one HR value: below < low ≤ in ≤ high < above < ceiling ≤ overCeiling. */
export type ZoneState = 'below' | 'in' | 'above' | 'overCeiling';

/** Tile freshness by age of the last usable sample (section 2). */
export type Freshness = 'live' | 'stale' | 'lost';
