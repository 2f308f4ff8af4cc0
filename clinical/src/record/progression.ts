import {
  FITT_PHASE_DEFAULTS,
  PRESETS,
  type Prescription,
  type PrescriptionChange,
  type ProgressionKind,
  type ProgressionProposal,
  type ProgressionReason,
  type RuleId,
  type SavedReportRead,
} from '@zonewatch/protocol';
import { PrescriptionError, resolvePrescription } from '../prescription.js';
import { defaultRuleSettings, type RuleSettings } from '../settings.js';

/**
 * The weekly progression proposal (issue 15, 练 → 导): from one week of session summaries, propose to
 * progress, hold or step back the prescription, naming the sessions and figures it rests on. A proposal
 * only: the clinician accepts it (a new prescription version) or rejects it with a reason.
 */

/** What the proposal reads of one session (from its saved report: {@link summariseReport}). */
export interface SessionSummary {
  sessionId: string;
  /** Session start, epoch ms. */
  startMs: number;
  minutesInZone: number;
  /** The FITT target of the day (null: the prescription's `fitt.minutesInZone` is used). */
  targetMinutesInZone: number | null;
  /** Share of the session covered by usable HR (%). */
  completeness: number;
  secondsOverCeiling: number;
  /** Lowest usable SpO2 (%), null without SpO2. */
  spo2Min: number | null;
  /** Alerts raised in the session, counted by rule. */
  alertsByRule: Partial<Record<RuleId, number>>;
}

/** A saved session report read back ({@link SavedReportRead}) as a {@link SessionSummary}. */
export function summariseReport(sessionId: string, startMs: number, report: SavedReportRead): SessionSummary {
  const alertsByRule: Partial<Record<RuleId, number>> = {};
  for (const a of report.alerts) {
    const rule = a.rule as RuleId;
    alertsByRule[rule] = (alertsByRule[rule] ?? 0) + 1;
  }
  return {
    sessionId,
    startMs,
    minutesInZone: report.adherence?.minutesInZone ?? Math.round(((report.secondsIn ?? 0) / 60) * 10) / 10,
    targetMinutesInZone: report.adherence?.targetMinutesInZone ?? null,
    completeness: report.completeness ?? 0,
    secondsOverCeiling: report.secondsOverCeiling ?? 0,
    spo2Min: report.spo2Min,
    alertsByRule,
  };
}

/**
 * The proposal's thresholds, each a [default] a clinician may change (not guideline values). Progression
 * lengthens the conditioning phase before it raises intensity (ACSM GETP 11th ed., ch. 5/9: progress
 * duration first, then intensity, gradually).
 */
export const PROGRESSION_DEFAULTS = Object.freeze({
  /** Length of the week judged (ms before `now`). */
  windowMs: 7 * 24 * 3_600_000,
  /** A session below this HR completeness (%) is not evidence of tolerance. */
  minCompletenessPercent: 80,
  /** Usable sessions needed to judge, when the prescription has no `fitt.sessionsPerWeek`. */
  minSessions: 2,
  /** A session counts as over the ceiling with an HR_OVER_CEILING alert or this much time over it (s). */
  overCeilingSeconds: 60,
  /** Over-ceiling or SpO2-low sessions in the week that make a step back (fewer, but one: hold). */
  stepBackSessions: 2,
  /** Conditioning phase step and its limits (min). */
  conditioningStepMinutes: 5,
  maxConditioningMinutes: 45,
  minConditioningMinutes: 10,
  /** Zone step: a fraction of HRR / HRmax, or bpm for absolute zones. */
  zoneStepFraction: 0.05,
  zoneStepBpm: 5,
  /** Zone high never stepped above this (%HRR; %HRmax for method hrmax), nor above the preset's high. */
  maxZoneHighHrr: 0.8,
  maxZoneHighHrmax: 0.9,
  /** Zone low never stepped below this fraction. */
  minZoneLow: 0.3,
});
export type ProgressionSettings = typeof PROGRESSION_DEFAULTS;

/** Rules whose alerts keep a week from progressing (technical alerts only lower completeness). */
const HOLD_RULES: readonly RuleId[] = ['HR_ABOVE_ZONE', 'HR_LOW', 'SPO2_DROP'];

const round2 = (x: number) => Math.round(x * 100) / 100;
const ids = (xs: readonly SessionSummary[]) => xs.map((s) => s.sessionId);

/**
 * The proposal for the week ending at `now` (sessions with now − window ≤ start < now):
 *
 * - **step back** when ≥ `stepBackSessions` usable sessions went over the ceiling (an HR_OVER_CEILING alert
 *   or ≥ `overCeilingSeconds` over it) or had SPO2_LOW alerts: the zone one step down (or, at its lowest,
 *   a shorter conditioning phase; at both minima: hold, `at-minimum`);
 * - **progress** when at least the prescribed sessions per week were usable (completeness ≥ the
 *   threshold), each met its minutes in zone, and none had an over-ceiling, SpO2-low, above-zone, low-HR
 *   or SpO2-drop alert: first a longer conditioning phase, at its maximum the next zone step (never above
 *   the preset's high end or the ceiling: then hold, `at-maximum`);
 * - **hold** otherwise, with every reason found.
 */
export function proposeProgression(
  history: readonly SessionSummary[],
  prescription: Prescription,
  now: number,
  options: {
    settings?: Partial<ProgressionSettings>;
    ruleSettings?: RuleSettings;
    basedOnVersion?: number;
  } = {},
): ProgressionProposal {
  const cfg = { ...PROGRESSION_DEFAULTS, ...options.settings };
  const weekStartMs = now - cfg.windowMs;
  const week = history
    .filter((s) => s.startMs >= weekStartMs && s.startMs < now)
    .sort((a, b) => a.startMs - b.startMs);
  const reasons: ProgressionReason[] = [];
  const usable = week.filter((s) => s.completeness >= cfg.minCompletenessPercent);
  const poor = week.filter((s) => s.completeness < cfg.minCompletenessPercent);
  if (poor.length > 0)
    reasons.push({
      code: 'low-completeness',
      sessionIds: ids(poor),
      figures: {
        sessions: poor.length,
        lowestPercent: Math.min(...poor.map((s) => s.completeness)),
        thresholdPercent: cfg.minCompletenessPercent,
      },
    });

  const overCeiling = usable.filter(
    (s) => (s.alertsByRule.HR_OVER_CEILING ?? 0) > 0 || s.secondsOverCeiling >= cfg.overCeilingSeconds,
  );
  if (overCeiling.length > 0)
    reasons.push({
      code: 'over-ceiling',
      sessionIds: ids(overCeiling),
      figures: {
        sessions: overCeiling.length,
        seconds: overCeiling.reduce((a, s) => a + s.secondsOverCeiling, 0),
        alerts: overCeiling.reduce((a, s) => a + (s.alertsByRule.HR_OVER_CEILING ?? 0), 0),
      },
    });
  const spo2Low = usable.filter((s) => (s.alertsByRule.SPO2_LOW ?? 0) > 0);
  if (spo2Low.length > 0) {
    const mins = spo2Low.map((s) => s.spo2Min).filter((x): x is number => x !== null);
    reasons.push({
      code: 'spo2-low',
      rule: 'SPO2_LOW',
      sessionIds: ids(spo2Low),
      figures: {
        sessions: spo2Low.length,
        alerts: spo2Low.reduce((a, s) => a + (s.alertsByRule.SPO2_LOW ?? 0), 0),
        ...(mins.length > 0 ? { lowestPercent: Math.min(...mins) } : {}),
      },
    });
  }
  for (const rule of HOLD_RULES) {
    const hit = usable.filter((s) => (s.alertsByRule[rule] ?? 0) > 0);
    if (hit.length > 0)
      reasons.push({
        code: 'alerts',
        rule,
        sessionIds: ids(hit),
        figures: { sessions: hit.length, alerts: hit.reduce((a, s) => a + (s.alertsByRule[rule] ?? 0), 0) },
      });
  }

  const base = { weekStartMs, weekEndMs: now, status: 'proposed' as const };
  const withVersion = options.basedOnVersion === undefined ? {} : { basedOnVersion: options.basedOnVersion };
  const make = (kind: ProgressionKind, proposed: Prescription, changes: PrescriptionChange[]) => ({
    ...base,
    ...withVersion,
    kind,
    proposed,
    changes,
    reasons,
    evidence: { sessionIds: ids(week) },
  });
  const hold = () => make('hold', structuredClone(prescription), []);

  if (overCeiling.length + spo2Low.length > 0) {
    const bad = new Set([...ids(overCeiling), ...ids(spo2Low)]);
    if (bad.size < cfg.stepBackSessions) return hold();
    const step = stepBack(prescription, cfg, options.ruleSettings);
    if (!step) {
      reasons.push({ code: 'at-minimum', sessionIds: [...bad], figures: {} });
      return hold();
    }
    reasons.push(step.reason);
    return make('step-back', step.proposed, step.changes);
  }

  const needed = prescription.fitt?.sessionsPerWeek ?? cfg.minSessions;
  if (usable.length < needed) {
    reasons.push({
      code: 'too-few-sessions',
      sessionIds: ids(usable),
      figures: { sessions: usable.length, needed },
    });
    return hold();
  }
  const targetOf = (s: SessionSummary) => s.targetMinutesInZone ?? prescription.fitt?.minutesInZone ?? null;
  const missed = usable.filter((s) => {
    const t = targetOf(s);
    return t === null || s.minutesInZone < t;
  });
  if (missed.length > 0) {
    reasons.push({
      code: 'target-missed',
      sessionIds: ids(missed),
      figures: {
        sessions: missed.length,
        lowestMinutes: Math.min(...missed.map((s) => s.minutesInZone)),
        ...(prescription.fitt ? { targetMinutes: prescription.fitt.minutesInZone } : {}),
      },
    });
    return hold();
  }
  reasons.push({
    code: 'target-met',
    sessionIds: ids(usable),
    figures: {
      sessions: usable.length,
      lowestMinutes: Math.min(...usable.map((s) => s.minutesInZone)),
      meanCompletenessPercent:
        Math.round((usable.reduce((a, s) => a + s.completeness, 0) / usable.length) * 10) / 10,
    },
  });
  if (reasons.some((r) => r.code === 'alerts')) return hold();
  const step = progress(prescription, cfg, options.ruleSettings);
  if (!step) {
    reasons.push({ code: 'at-maximum', sessionIds: ids(usable), figures: {} });
    return hold();
  }
  reasons.push(step.reason);
  return make('progress', step.proposed, step.changes);
}

interface Step {
  proposed: Prescription;
  changes: PrescriptionChange[];
  reason: ProgressionReason;
}

function conditioningOf(rx: Prescription): number {
  return rx.fitt?.conditioningMinutes ?? rx.fitt?.minutesInZone ?? FITT_PHASE_DEFAULTS.conditioningMinutes;
}

/** The prescription with its conditioning phase (and minutes-in-zone target) moved by `delta` minutes. */
function conditioningStep(rx: Prescription, to: number): Step | null {
  if (!rx.fitt) return null;
  const from = conditioningOf(rx);
  const minutesInZone = Math.min(rx.fitt.minutesInZone + (to - from), to);
  if (minutesInZone <= 0) return null;
  const proposed = structuredClone(rx);
  proposed.fitt = { ...rx.fitt, conditioningMinutes: to, minutesInZone };
  const changes: PrescriptionChange[] = [
    { field: 'fitt.conditioningMinutes', from: rx.fitt.conditioningMinutes ?? null, to },
  ];
  if (minutesInZone !== rx.fitt.minutesInZone)
    changes.push({ field: 'fitt.minutesInZone', from: rx.fitt.minutesInZone, to: minutesInZone });
  return {
    proposed,
    changes,
    reason: {
      code: to > from ? 'longer-conditioning' : 'shorter-conditioning',
      sessionIds: [],
      figures: { fromMinutes: from, toMinutes: to },
    },
  };
}

/** True when `rx` resolves (strictly, as the API saves it). */
function valid(rx: Prescription, ruleSettings: RuleSettings | undefined): boolean {
  try {
    resolvePrescription(rx, ruleSettings ?? defaultRuleSettings, { strict: true });
    return true;
  } catch (e) {
    if (e instanceof PrescriptionError) return false;
    throw e;
  }
}

/** The zone moved one step (`dir` +1 up, −1 down) within its limits, or null if it cannot move. */
function zoneStep(rx: Prescription, dir: 1 | -1, cfg: ProgressionSettings, rs?: RuleSettings): Step | null {
  const zone = rx.zone ?? (rx.preset ? PRESETS[rx.preset].zone : undefined);
  if (!zone) return null;
  let low: number;
  let high: number;
  if (zone.method === 'bpm') {
    low = zone.low + dir * cfg.zoneStepBpm;
    high = zone.high + dir * cfg.zoneStepBpm;
    if (low < 30) return null;
  } else {
    const presetHigh = rx.preset ? PRESETS[rx.preset].zone.high : 1;
    const cap = Math.min(zone.method === 'hrr' ? cfg.maxZoneHighHrr : cfg.maxZoneHighHrmax, presetHigh);
    low = round2(zone.low + dir * cfg.zoneStepFraction);
    high = round2(Math.min(zone.high + dir * cfg.zoneStepFraction, dir > 0 ? Math.max(cap, zone.high) : 1));
    if (dir > 0 && high <= zone.high) return null;
    if (dir < 0 && low < cfg.minZoneLow) return null;
  }
  if (low >= high) return null;
  const proposed = { ...structuredClone(rx), zone: { method: zone.method, low, high } };
  if (!valid(proposed, rs)) return null;
  return {
    proposed,
    changes: [
      { field: 'zone.low', from: zone.low, to: low },
      { field: 'zone.high', from: zone.high, to: high },
    ],
    reason: {
      code: dir > 0 ? 'next-zone-step' : 'previous-zone-step',
      sessionIds: [],
      figures: { fromLow: zone.low, fromHigh: zone.high, toLow: low, toHigh: high },
    },
  };
}

function progress(rx: Prescription, cfg: ProgressionSettings, rs?: RuleSettings): Step | null {
  const c = conditioningOf(rx);
  if (rx.fitt && c < cfg.maxConditioningMinutes) {
    const step = conditioningStep(rx, Math.min(c + cfg.conditioningStepMinutes, cfg.maxConditioningMinutes));
    if (step) return step;
  }
  return zoneStep(rx, 1, cfg, rs);
}

function stepBack(rx: Prescription, cfg: ProgressionSettings, rs?: RuleSettings): Step | null {
  const z = zoneStep(rx, -1, cfg, rs);
  if (z) return z;
  const c = conditioningOf(rx);
  if (rx.fitt && c > cfg.minConditioningMinutes)
    return conditioningStep(rx, Math.max(c - cfg.conditioningStepMinutes, cfg.minConditioningMinutes));
  return null;
}
