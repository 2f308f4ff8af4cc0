import { z } from 'zod';

/**
 * The clinical vocabulary of zonewatch, declared once (CLINICAL-RULES.md sections 1, 3, 4). Every package —
 * clinical, ingest, gateway, the simulator and the console — takes these names, their order and their
 * types from here; nothing else spells them out.
 */

const oneOf = (names: readonly string[]) => ({ error: `must be one of ${names.join(', ')}` });

// ---------------------------------------------------------------------------------------------- severities

/** Alarm priority (IEC 60601-1-8 style), lowest first: the order IS the rank. */
export const SEVERITIES = ['advisory', 'warning', 'critical'] as const;
export const severitySchema = z.enum(SEVERITIES, oneOf(SEVERITIES));
export type Severity = z.infer<typeof severitySchema>;

/** Numeric rank of a severity: advisory 1 < warning 2 < critical 3 (0 = none). */
export const SEVERITY_RANK: Readonly<Record<Severity, 1 | 2 | 3>> = Object.freeze(
  Object.fromEntries(SEVERITIES.map((s, i) => [s, i + 1])) as Record<Severity, 1 | 2 | 3>,
);

/** Inverse of {@link SEVERITY_RANK}; index 0 (no severity) maps to the lowest. */
export const SEVERITY_BY_RANK: readonly Severity[] = Object.freeze([SEVERITIES[0], ...SEVERITIES]);

/** Orders severities highest first (for sorting alert lists). */
export function bySeverityDesc(a: Severity, b: Severity): number {
  return SEVERITY_RANK[b] - SEVERITY_RANK[a];
}

/** The higher of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;
}

// ---------------------------------------------------------------------------------------------- rules

/** Rule identifiers of CLINICAL-RULES.md section 3, in table order (also the order events of one instant are emitted in). */
export const RULE_IDS = [
  'HR_ABOVE_ZONE',
  'HR_OVER_CEILING',
  'HR_LOW',
  'SPO2_LOW',
  'SPO2_DROP',
  'SIGNAL_LOST',
  'NO_CONTACT',
  'UNMONITORED',
] as const;
export const ruleIdSchema = z.enum(RULE_IDS, oneOf(RULE_IDS));
export type RuleId = z.infer<typeof ruleIdSchema>;

/** Zone state of one HR value: below < low ≤ in ≤ high < above < ceiling ≤ overCeiling (section 5). */
export const ZONE_STATES = ['below', 'in', 'above', 'overCeiling'] as const;
export const zoneStateSchema = z.enum(ZONE_STATES);
export type ZoneState = z.infer<typeof zoneStateSchema>;

/** Tile freshness: live < 5 s, stale 5–15 s, lost ≥ 15 s since the last usable sample (section 2). */
export const FRESHNESS = ['live', 'stale', 'lost'] as const;
export const freshnessSchema = z.enum(FRESHNESS);
export type Freshness = z.infer<typeof freshnessSchema>;

/** Every transition an alert goes through (rule conditions and the section-4 lifecycle). */
export const ALERT_EVENT_KINDS = [
  'raised',
  'upgraded',
  'escalated',
  'acknowledged',
  'cleared',
  'closed',
  'resounded',
] as const;
export const alertEventKindSchema = z.enum(ALERT_EVENT_KINDS);
export type AlertEventKind = z.infer<typeof alertEventKindSchema>;

export const ALERT_STATES = ['open', 'acknowledged', 'closed'] as const;
export const alertStateSchema = z.enum(ALERT_STATES);
export type AlertState = z.infer<typeof alertStateSchema>;

// ---------------------------------------------------------------------------------------------- people and devices

/** Staff roles, least privilege first among the clinical ones (see the API README for the route table). */
export const ROLE_NAMES = ['admin', 'clinician', 'instructor', 'coach', 'ops'] as const;
export const roleSchema = z.enum(ROLE_NAMES, oneOf(ROLE_NAMES));
export type RoleName = z.infer<typeof roleSchema>;

export const DEVICE_KIND_NAMES = ['hr-strap', 'oximeter', 'pedometer', 'footpod', 'watch'] as const;
export const deviceKindSchema = z.enum(DEVICE_KIND_NAMES, oneOf(DEVICE_KIND_NAMES));
export type DeviceKind = z.infer<typeof deviceKindSchema>;

export const SESSION_KINDS = ['class', 'home'] as const;
export const sessionKindSchema = z.enum(SESSION_KINDS);
export type SessionKind = z.infer<typeof sessionKindSchema>;
export const SESSION_STATUSES = ['scheduled', 'active', 'ended'] as const;
export const sessionStatusSchema = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

/**
 * Phases of a class, in order (issue 14). The instructor moves from one to the next; the start of
 * `recovery` is "exercise ended", from which HR recovery at 60 s is measured (CLINICAL-RULES.md section 6).
 */
export const SESSION_PHASES = ['warm-up', 'conditioning', 'cool-down', 'recovery'] as const;
export const sessionPhaseSchema = z.enum(SESSION_PHASES, oneOf(SESSION_PHASES));
export type SessionPhase = z.infer<typeof sessionPhaseSchema>;

// ---------------------------------------------------------------------------------------------- prescriptions

/** HR alerting mode (section 1). */
export const HR_MODES = ['enforce', 'advisory', 'off'] as const;
export const hrModeSchema = z.enum(HR_MODES, oneOf(HR_MODES));
export type HrMode = z.infer<typeof hrModeSchema>;

/** Where hrMax comes from (section 1). `measured` always wins clinically; formulas need `age`. */
export const HR_MAX_SOURCES = ['measured', 'tanaka', 'gulati', 'brawner', 'hunt', 'fox', 'override'] as const;
export const hrMaxSourceSchema = z.enum(HR_MAX_SOURCES, oneOf(HR_MAX_SOURCES));
export type HrMaxSource = z.infer<typeof hrMaxSourceSchema>;
export type HrMaxFormula = Exclude<HrMaxSource, 'measured' | 'override'>;

/** Zone methods: `hrr` Karvonen rest + f·(max − rest); `hrmax` f·max; `bpm` absolute bounds. */
export const ZONE_METHODS = ['hrr', 'hrmax', 'bpm'] as const;
export const zoneMethodSchema = z.enum(ZONE_METHODS, oneOf(ZONE_METHODS));
export type ZoneMethod = z.infer<typeof zoneMethodSchema>;

/** Population presets (section 1). */
export const PRESET_NAMES = [
  'cardiac-rehab',
  'heart-failure',
  'copd',
  'diabetes',
  'hypertension',
  'obesity',
  'older-adults',
] as const;
export const presetNameSchema = z.enum(PRESET_NAMES, oneOf(PRESET_NAMES));
export type PresetName = z.infer<typeof presetNameSchema>;

/** A preset's zone (always %HRR, as fractions) and, for COPD, its SpO2 floor [guideline]. */
export interface Preset {
  zone: { method: 'hrr'; low: number; high: number };
  spo2Floor?: number;
}

/** Population presets: cardiac rehab 40–80 %HRR; HF 40–70; COPD 60–80 with floor 88; others 40–59. */
export const PRESETS: Readonly<Record<PresetName, Preset>> = Object.freeze({
  'cardiac-rehab': { zone: { method: 'hrr', low: 0.4, high: 0.8 } },
  'heart-failure': { zone: { method: 'hrr', low: 0.4, high: 0.7 } },
  copd: { zone: { method: 'hrr', low: 0.6, high: 0.8 }, spo2Floor: 88 },
  diabetes: { zone: { method: 'hrr', low: 0.4, high: 0.59 } },
  hypertension: { zone: { method: 'hrr', low: 0.4, high: 0.59 } },
  obesity: { zone: { method: 'hrr', low: 0.4, high: 0.59 } },
  'older-adults': { zone: { method: 'hrr', low: 0.4, high: 0.59 } },
});

/** A participant's condition: one population preset, or `healthy` (no preset of its own). */
export const CONDITIONS = [...PRESET_NAMES, 'healthy'] as const;
export const conditionSchema = z.enum(CONDITIONS, oneOf(CONDITIONS));
export type Condition = z.infer<typeof conditionSchema>;

/** The preset a condition is prescribed from; `healthy` takes the general `older-adults` zone. */
export function presetForCondition(c: Condition): PresetName {
  return c === 'healthy' ? 'older-adults' : c;
}
