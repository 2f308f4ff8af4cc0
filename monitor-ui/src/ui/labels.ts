import type { RuleId, Severity, ZoneState } from '@zonewatch/protocol';
import type { MessageKey } from '../i18n/i18n.js';
import type { EscalationReach } from '../live/alerts.js';

/** Dictionary keys of enumerations from the wire, so every one of them is translated. */
export const ZONE_KEY: Readonly<Record<ZoneState, MessageKey>> = {
  below: 'zone.below',
  in: 'zone.in',
  above: 'zone.above',
  overCeiling: 'zone.overCeiling',
};

export const SEVERITY_KEY: Readonly<Record<Severity, MessageKey>> = {
  critical: 'severity.critical',
  warning: 'severity.warning',
  advisory: 'severity.advisory',
};

export const RULE_KEY: Readonly<Record<RuleId, MessageKey>> = {
  HR_ABOVE_ZONE: 'rule.HR_ABOVE_ZONE',
  HR_OVER_CEILING: 'rule.HR_OVER_CEILING',
  HR_LOW: 'rule.HR_LOW',
  SPO2_LOW: 'rule.SPO2_LOW',
  SPO2_DROP: 'rule.SPO2_DROP',
  SIGNAL_LOST: 'rule.SIGNAL_LOST',
  NO_CONTACT: 'rule.NO_CONTACT',
  UNMONITORED: 'rule.UNMONITORED',
};

/** Short rule names for the tiles (the alert list and reports use the full ones). */
export const RULE_SHORT_KEY: Readonly<Record<RuleId, MessageKey>> = {
  HR_ABOVE_ZONE: 'ruleShort.HR_ABOVE_ZONE',
  HR_OVER_CEILING: 'ruleShort.HR_OVER_CEILING',
  HR_LOW: 'ruleShort.HR_LOW',
  SPO2_LOW: 'ruleShort.SPO2_LOW',
  SPO2_DROP: 'ruleShort.SPO2_DROP',
  SIGNAL_LOST: 'ruleShort.SIGNAL_LOST',
  NO_CONTACT: 'ruleShort.NO_CONTACT',
  UNMONITORED: 'ruleShort.UNMONITORED',
};

export function ruleShortKey(rule: string): MessageKey {
  return (RULE_SHORT_KEY as Record<string, MessageKey>)[rule] ?? 'rule.unknown';
}

/**
 * The qualifier shown next to an alert raised or upgraded on doubtful data (contact lost, artefact): a
 * warning marked unconfirmed is a critical-strength condition the sensor could not confirm (CLINICAL-RULES.md
 * section 3, issue 12 ruling 1), so it reads "possible critical — check the sensor", never a plain warning.
 */
export function alertQualifierKey(a: {
  severity: Severity;
  unconfirmed?: boolean | undefined;
}): MessageKey | null {
  if (!a.unconfirmed) return null;
  return a.severity === 'warning' ? 'alert.possibleCritical' : 'alert.unconfirmed';
}

export function ruleKey(rule: string): MessageKey {
  return (RULE_KEY as Record<string, MessageKey>)[rule] ?? 'rule.unknown';
}

export const REACH_KEY: Readonly<Record<Exclude<EscalationReach, 'none'>, MessageKey>> = {
  siteConsoles: 'escalation.siteConsoles',
  siteStaff: 'escalation.siteStaff',
  repeated: 'escalation.repeated',
  supervisor: 'escalation.supervisor',
  further: 'escalation.further',
};

export const ROLE_KEY = {
  admin: 'role.admin',
  clinician: 'role.clinician',
  instructor: 'role.instructor',
  coach: 'role.coach',
  ops: 'role.ops',
} as const satisfies Record<string, MessageKey>;

export const STATUS_KEY = {
  scheduled: 'status.scheduled',
  active: 'status.active',
  ended: 'status.ended',
} as const satisfies Record<string, MessageKey>;

export const DEVICE_KIND_KEY: Readonly<Record<string, MessageKey>> = {
  'hr-strap': 'device.kind.hr-strap',
  oximeter: 'device.kind.oximeter',
  pedometer: 'device.kind.pedometer',
  footpod: 'device.kind.footpod',
  watch: 'device.kind.watch',
};

export function deviceKindKey(kind: string | null): MessageKey {
  return (kind && DEVICE_KIND_KEY[kind]) || 'device.kind.unknown';
}

/** Battery at or below this (%) is flagged on the tile. */
export const BATTERY_LOW_PCT = 20;

/** A session's name as the server sends it: the name, and the code of a name the server made up. */
export interface SessionNameInfo {
  name: string;
  nameCode?: 'home' | 'class' | 'homeOf' | null | undefined;
  nameAlias?: string | null | undefined;
}

/**
 * A session's name as shown: a name the server made up is marked by its `nameCode` ("Home session",
 * "Class session", the demo seed's "Home session — {alias}") and worded in the language shown (issue 14:
 * zh-CN pages showed "Home session — Walker 142"); a name someone typed is shown as typed, whatever it says.
 */
export function sessionDisplayName(
  session: SessionNameInfo | null | undefined,
  fallback: string,
  tr: (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string,
): string {
  if (!session?.name) return fallback;
  if (session.nameCode === 'home') return tr('lobby.kindHome');
  if (session.nameCode === 'class') return tr('lobby.kindClass');
  if (session.nameCode === 'homeOf' && session.nameAlias)
    return tr('session.homeOf', { alias: session.nameAlias });
  return session.name;
}
