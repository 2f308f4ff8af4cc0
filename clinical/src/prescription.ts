import {
  HR_MAX_SOURCES,
  HR_MODES,
  type HrMaxFormula,
  type HrMaxSource,
  type HrMode,
  PRESET_NAMES,
  PRESETS,
  ZONE_METHODS,
} from '@zonewatch/protocol';
import { z } from 'zod';
import { defaultRuleSettings, type RuleSettings, ruleSettingsOverrideSchema } from './settings.js';

/**
 * Age-predicted maximum heart rate (bpm, fractional — never rounded, section 3a).
 * tanaka 208 − 0.7·age (adult default); gulati 206 − 0.88·age (women); brawner 164 − 0.7·age (β-blockers,
 * SEE ±18 bpm); hunt 211 − 0.64·age; fox 220 − age (legacy).
 */
export const HR_MAX_FORMULAS: Readonly<Record<HrMaxFormula, (age: number) => number>> = Object.freeze({
  tanaka: (age: number) => 208 - 0.7 * age,
  gulati: (age: number) => 206 - 0.88 * age,
  brawner: (age: number) => 164 - 0.7 * age,
  hunt: (age: number) => 211 - 0.64 * age,
  fox: (age: number) => 220 - age,
});

const finite = (what: string) =>
  z.number({ error: (iss) => (iss.input === undefined ? 'is required' : `must be a number (${what})`) });

const hrMaxSchema = z
  .object({
    source: z.enum(HR_MAX_SOURCES, { error: `must be one of ${HR_MAX_SOURCES.join(', ')}` }),
    /** Measured or clinician-given maximum (bpm); required for `measured` and `override`. */
    bpm: finite('bpm').min(60, 'must be at least 60 bpm').max(250, 'must be at most 250 bpm').optional(),
    /** Date of the stress test (ISO), informational. */
    measuredOn: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.source === 'measured' || v.source === 'override') && v.bpm === undefined)
      ctx.addIssue({ code: 'custom', path: ['bpm'], message: `is required when source is "${v.source}"` });
  });

const zoneSchema = z
  .object({
    method: z.enum(ZONE_METHODS, { error: `must be one of ${ZONE_METHODS.join(', ')}` }),
    /** Lower bound: a fraction in (0, 1] for `hrr`/`hrmax`, bpm for `bpm`. */
    low: finite('zone fraction or bpm'),
    /** Upper bound, same unit as `low`. */
    high: finite('zone fraction or bpm'),
  })
  .superRefine((v, ctx) => {
    for (const k of ['low', 'high'] as const) {
      const x = v[k];
      if (v.method === 'bpm') {
        if (x < 30 || x > 250)
          ctx.addIssue({ code: 'custom', path: [k], message: `must be 30–250 bpm (got ${x})` });
      } else if (!(x > 0 && x <= 1)) {
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `must be a fraction in (0, 1] for method "${v.method}" (got ${x})`,
        });
      }
    }
    if (v.low >= v.high)
      ctx.addIssue({
        code: 'custom',
        path: ['low'],
        message: `must be below zone.high (${v.low} ≥ ${v.high})`,
      });
  });

const fittSchema = z.object({
  /** Prescribed sessions per week. */
  sessionsPerWeek: z.number().int().min(1).max(14),
  /** Prescribed minutes in zone per session. */
  minutesInZone: z.number().positive().max(600),
});
export type Fitt = z.infer<typeof fittSchema>;

/**
 * Clinical content of a prescription. Accepts the portable form of CLINICAL-RULES.md section 7 as is
 * (unknown keys are ignored); cross-field rules (hrRest < hrMax, ceiling ≥ zone high, required fields per
 * method/source) are checked by {@link prescriptionSchema}.
 */
export const prescriptionBaseSchema = z.object({
  /** Population preset; supplies `zone` (and the COPD SpO2 floor) when those are not given. */
  preset: z.enum(PRESET_NAMES, { error: `must be one of ${PRESET_NAMES.join(', ')}` }).optional(),
  /** Age (years); required when hrMax comes from a formula. */
  age: finite('years').min(1, 'must be at least 1 year').max(120, 'must be at most 120 years').optional(),
  /** Free text (e.g. `male`, `female`); only used to warn about a formula derived in the other sex. */
  sex: z.string().optional(),
  /** Measured resting HR (bpm); required for method `hrr`. */
  hrRest: finite('bpm').min(25, 'must be at least 25 bpm').max(150, 'must be at most 150 bpm').optional(),
  /** Max HR source; default `{ source: 'tanaka' }`. */
  hrMax: hrMaxSchema.optional(),
  /** Prescribed intensity zone; may come from `preset`. */
  zone: zoneSchema.optional(),
  /** Safety ceiling (bpm), used as given; default derived (section 1, 3a). */
  ceilingBpm: finite('bpm').min(40, 'must be at least 40 bpm').max(250, 'must be at most 250 bpm').optional(),
  /** Known ischaemic-threshold HR (bpm): ceiling ≤ threshold − 10 [guideline]. */
  ischaemicThresholdBpm: finite('bpm')
    .min(40, 'must be at least 40 bpm')
    .max(250, 'must be at most 250 bpm')
    .optional(),
  hrMode: z.enum(HR_MODES, { error: `must be one of ${HR_MODES.join(', ')}` }).optional(),
  /** SpO2 floor (%), 70–100; default 90 (88 for the COPD preset). */
  spo2Floor: finite('%').optional(),
  /** Name of the second clinician who approved a floor below 85 %. */
  spo2FloorSecondClinician: z.string().min(1).optional(),
  /** Participant takes β-blockers (used for warnings only). */
  betaBlocker: z.boolean().optional(),
  fitt: fittSchema.optional(),
  /** Per-prescription rule-settings override (merged over the site's settings). */
  settings: ruleSettingsOverrideSchema.optional(),
});
export type PrescriptionInput = z.input<typeof prescriptionBaseSchema>;
export type Prescription = z.output<typeof prescriptionBaseSchema>;

/** The numbers the engine runs on (section 1, 3a). */
export interface ResolvedPrescription {
  /** Maximum HR (bpm), fractional for formula sources. */
  hrMax: number;
  hrMaxSource: HrMaxSource;
  hrRest: number | null;
  /** Zone bounds (whole bpm, halves rounded up). */
  zoneLowBpm: number;
  zoneHighBpm: number;
  /** Safety ceiling (bpm): as given, or min(zoneHigh + 15, floor(0.95·hrMax)), or ischaemic − 10. */
  ceilingBpm: number;
  ceilingSource: 'given' | 'default' | 'ischaemic';
  hrMode: HrMode;
  /** SpO2 floor (%). */
  spo2Floor: number;
  fitt: Fitt | null;
  /** Things a clinician should see next to the prescription (legacy formula, estimate error, ...). */
  warnings: string[];
}

/** One refusal reason: `field` is the dotted path (e.g. `zone.high`). */
export interface PrescriptionIssue {
  path: (string | number)[];
  field: string;
  message: string;
}

/** Thrown by {@link resolvePrescription} for a prescription that makes no sense. */
export class PrescriptionError extends Error {
  readonly issues: PrescriptionIssue[];
  constructor(issues: PrescriptionIssue[]) {
    super(`prescription refused: ${issues.map((i) => `${i.field || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'PrescriptionError';
    this.issues = issues;
  }
}

/** Rounds to whole bpm, halves up; tolerant of binary noise such as 120.49999999999999 for 120.5. */
export function roundHalfUp(x: number): number {
  return Math.floor(x + 0.5 + 1e-9);
}

function floorTolerant(x: number): number {
  return Math.floor(x + 1e-9);
}

type Issue = { path: (string | number)[]; message: string };

/** Computes the resolved numbers, collecting refusal issues instead of throwing. */
function compute(
  rx: Prescription,
  s: RuleSettings['prescription'],
  requireSecondClinician: boolean,
): { resolved: ResolvedPrescription | null; issues: Issue[] } {
  const issues: Issue[] = [];
  const warnings: string[] = [];
  const preset = rx.preset ? PRESETS[rx.preset] : undefined;
  const zone = rx.zone ?? preset?.zone;
  if (!zone) issues.push({ path: ['zone'], message: 'is required (or give a preset)' });

  // hrMax
  const hrMaxIn = rx.hrMax ?? { source: 'tanaka' as const };
  let hrMax: number | null = null;
  if (hrMaxIn.source === 'measured' || hrMaxIn.source === 'override') {
    hrMax = hrMaxIn.bpm ?? null;
  } else if (rx.age === undefined) {
    issues.push({ path: ['age'], message: `is required to estimate hrMax with "${hrMaxIn.source}"` });
  } else {
    hrMax = HR_MAX_FORMULAS[hrMaxIn.source](rx.age);
    if (hrMax < 60)
      issues.push({
        path: ['age'],
        message: `gives an implausible hrMax (${hrMax} bpm) with "${hrMaxIn.source}"`,
      });
  }
  if (hrMaxIn.source === 'fox')
    warnings.push('hrMax from Fox (220 − age), a legacy estimate: prefer Tanaka or a measured maximum');
  if (hrMaxIn.source === 'brawner')
    warnings.push(
      'hrMax from Brawner (β-blockers), an estimate with SEE ±18 bpm: a stress test is preferred',
    );
  if (hrMaxIn.source === 'gulati' && rx.sex !== undefined && !/^(f|female|woman)$/i.test(rx.sex.trim()))
    warnings.push('hrMax from Gulati, a formula derived in women');
  if (hrMaxIn.source === 'override') warnings.push('hrMax overridden by a clinician');

  // hrRest
  if (zone?.method === 'hrr' && rx.hrRest === undefined)
    issues.push({ path: ['hrRest'], message: 'is required for zone method "hrr"' });
  if (hrMax !== null && rx.hrRest !== undefined && rx.hrRest >= hrMax)
    issues.push({ path: ['hrRest'], message: `must be below hrMax (${rx.hrRest} ≥ ${hrMax} bpm)` });

  // spo2Floor
  const spo2Floor = rx.spo2Floor ?? preset?.spo2Floor ?? s.spo2FloorDefaultPct;
  if (spo2Floor < s.spo2FloorMinPct || spo2Floor > s.spo2FloorMaxPct) {
    issues.push({
      path: ['spo2Floor'],
      message: `must be ${s.spo2FloorMinPct}–${s.spo2FloorMaxPct} % (got ${spo2Floor})`,
    });
  } else if (spo2Floor < s.spo2FloorSecondClinicianBelowPct && !rx.spo2FloorSecondClinician) {
    const msg = `below ${s.spo2FloorSecondClinicianBelowPct} % needs a second clinician (spo2FloorSecondClinician)`;
    if (requireSecondClinician) issues.push({ path: ['spo2Floor'], message: msg });
    else warnings.push(`spo2Floor ${spo2Floor} % ${msg}`);
  }

  const hrMode = rx.hrMode ?? 'enforce';
  if (hrMode === 'advisory') warnings.push('HR alerts are capped at advisory (hrMode advisory)');
  if (hrMode === 'off') warnings.push('HR zone and ceiling alerts are off (hrMode off); HR is still shown');
  if (rx.betaBlocker && hrMaxIn.source !== 'measured' && hrMode === 'enforce')
    warnings.push('β-blockers without a measured hrMax: consider hrMode "advisory"');

  if (issues.length > 0 || hrMax === null || !zone) return { resolved: null, issues };

  const hrRest = rx.hrRest ?? null;
  let lowRaw: number;
  let highRaw: number;
  if (zone.method === 'hrr') {
    const rest = hrRest ?? 0;
    lowRaw = rest + zone.low * (hrMax - rest);
    highRaw = rest + zone.high * (hrMax - rest);
  } else if (zone.method === 'hrmax') {
    lowRaw = zone.low * hrMax;
    highRaw = zone.high * hrMax;
  } else {
    lowRaw = zone.low;
    highRaw = zone.high;
  }
  const zoneLowBpm = roundHalfUp(lowRaw);
  const zoneHighBpm = roundHalfUp(highRaw);
  // Section 3a: low ≥ high is judged on the rounded bpm bounds (the numbers the engine runs on).
  if (zoneLowBpm >= zoneHighBpm)
    issues.push({
      path: ['zone'],
      message: `low and high ${zoneLowBpm === zoneHighBpm ? `both round to ${zoneLowBpm}` : `round to ${zoneLowBpm} and ${zoneHighBpm}`} bpm: the zone has no width (bounds are whole bpm)`,
    });

  let ceilingBpm: number;
  let ceilingSource: ResolvedPrescription['ceilingSource'];
  const ischaemicMax =
    rx.ischaemicThresholdBpm === undefined
      ? undefined
      : roundHalfUp(rx.ischaemicThresholdBpm - s.ischaemicMarginBpm);
  if (rx.ceilingBpm !== undefined) {
    ceilingBpm = rx.ceilingBpm;
    ceilingSource = 'given';
    if (ischaemicMax !== undefined && ceilingBpm > ischaemicMax)
      issues.push({
        path: ['ceilingBpm'],
        message: `must be at most ischaemic threshold − ${s.ischaemicMarginBpm} (${ceilingBpm} > ${ischaemicMax} bpm)`,
      });
    else if (ceilingBpm > s.ceilingMaxFractionOfHrMax * hrMax)
      warnings.push(`ceiling ${ceilingBpm} bpm is above ${s.ceilingMaxFractionOfHrMax}·hrMax`);
  } else if (ischaemicMax !== undefined) {
    ceilingBpm = ischaemicMax;
    ceilingSource = 'ischaemic';
  } else {
    ceilingBpm = Math.min(
      zoneHighBpm + s.ceilingMarginBpm,
      floorTolerant(s.ceilingMaxFractionOfHrMax * hrMax),
    );
    ceilingSource = 'default';
  }
  if (issues.length === 0 && ceilingBpm < zoneHighBpm) {
    issues.push(
      ceilingSource === 'default'
        ? {
            path: ['zone', 'high'],
            message: `gives ${zoneHighBpm} bpm, above the default ceiling ${ceilingBpm} bpm (${s.ceilingMaxFractionOfHrMax}·hrMax)`,
          }
        : {
            path: [ceilingSource === 'given' ? 'ceilingBpm' : 'ischaemicThresholdBpm'],
            message: `puts the ceiling (${ceilingBpm} bpm) below zone high (${zoneHighBpm} bpm)`,
          },
    );
  }
  if (issues.length > 0) return { resolved: null, issues };

  return {
    resolved: {
      hrMax,
      hrMaxSource: hrMaxIn.source,
      hrRest,
      zoneLowBpm,
      zoneHighBpm,
      ceilingBpm,
      ceilingSource,
      hrMode,
      spo2Floor,
      fitt: rx.fitt ?? null,
      warnings,
    },
    issues,
  };
}

function withCrossChecks<T extends z.ZodType<Prescription>>(schema: T, requireSecondClinician: boolean) {
  return schema.superRefine((rx, ctx) => {
    // Cross-field checks only on a well-formed prescription, so one mistake gives one message.
    if (!schema.safeParse(rx).success) return;
    for (const i of compute(rx, defaultRuleSettings.prescription, requireSecondClinician).issues)
      ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
  });
}

/**
 * Full validation of a clinical prescription (portable form accepted as is). A floor below 85 % without a
 * second clinician is accepted here with a warning, because the portable form has no field for it; the
 * versioned registry record ({@link prescriptionVersionSchema}) refuses it.
 */
export const prescriptionSchema = withCrossChecks(prescriptionBaseSchema, false);

const isoInstant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: 'must be an ISO date (YYYY-MM-DD) or date-time with offset',
});

/** Epoch ms of an ISO date or date-time (a date alone is midnight UTC). */
export function isoToMs(iso: string): number {
  return Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
}

/** A registry record: one version of one participant's prescription with its effective period. */
export const prescriptionVersionSchema = withCrossChecks(
  prescriptionBaseSchema.extend({
    participantId: z.string().min(1),
    /** Monotonic per participant, starting at 1. */
    version: z.number().int().min(1),
    /** Effective from this instant (inclusive). */
    effectiveFrom: isoInstant,
    /** Effective until this instant (exclusive); open-ended when absent. */
    effectiveTo: isoInstant.optional(),
    /** Prescribing clinician. */
    author: z.string().min(1),
  }),
  true,
).superRefine((v, ctx) => {
  if (v.effectiveTo !== undefined && isoToMs(v.effectiveTo) <= isoToMs(v.effectiveFrom))
    ctx.addIssue({ code: 'custom', path: ['effectiveTo'], message: 'must be after effectiveFrom' });
});
export type PrescriptionVersion = z.output<typeof prescriptionVersionSchema>;

function toIssues(err: z.ZodError): PrescriptionIssue[] {
  return err.issues.map((i) => {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    return { path, field: path.join('.'), message: i.message };
  });
}

/** A top-level `null` means "not given" (JSON writers often emit null for an absent optional field). */
function withoutNulls(input: unknown): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null));
}

/** Validates without throwing; `issues` name the field of each refusal. */
export function parsePrescription(
  input: unknown,
): { ok: true; value: Prescription } | { ok: false; issues: PrescriptionIssue[] } {
  const r = prescriptionSchema.safeParse(withoutNulls(input));
  return r.success ? { ok: true, value: r.data } : { ok: false, issues: toIssues(r.error) };
}

/** Validates a versioned registry record without throwing. */
export function parsePrescriptionVersion(
  input: unknown,
): { ok: true; value: PrescriptionVersion } | { ok: false; issues: PrescriptionIssue[] } {
  const r = prescriptionVersionSchema.safeParse(withoutNulls(input));
  return r.success ? { ok: true, value: r.data } : { ok: false, issues: toIssues(r.error) };
}

/**
 * Validates a prescription (any object in the portable or versioned form) and returns the numbers the
 * engine runs on: hrMax (fractional), zone bounds and ceiling (whole bpm), hrMode, spo2Floor, warnings.
 * Throws {@link PrescriptionError} naming each offending field.
 */
export function resolvePrescription(
  rx: unknown,
  settings: RuleSettings = defaultRuleSettings,
): ResolvedPrescription {
  const parsed = parsePrescription(rx);
  if (!parsed.ok) throw new PrescriptionError(parsed.issues);
  const { resolved, issues } = compute(parsed.value, settings.prescription, false);
  if (!resolved) throw new PrescriptionError(toIssuesPlain(issues));
  return resolved;
}

function toIssuesPlain(issues: Issue[]): PrescriptionIssue[] {
  return issues.map((i) => ({ path: i.path, field: i.path.join('.'), message: i.message }));
}

/**
 * The version in force at `atMs`: effectiveFrom ≤ at < effectiveTo; among several, the highest version.
 * Returns null when none is in force.
 */
export function prescriptionInForce<
  T extends Pick<PrescriptionVersion, 'version' | 'effectiveFrom' | 'effectiveTo'>,
>(versions: readonly T[], atMs: number): T | null {
  let best: T | null = null;
  for (const v of versions) {
    if (isoToMs(v.effectiveFrom) > atMs) continue;
    if (v.effectiveTo !== undefined && isoToMs(v.effectiveTo) <= atMs) continue;
    if (best === null || v.version > best.version) best = v;
  }
  return best;
}
