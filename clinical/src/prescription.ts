import {
  type Fitt,
  type HrMaxFormula,
  type HrMaxSource,
  type HrMode,
  PRESETS,
  type Prescription,
  prescriptionBaseSchema,
  prescriptionVersionFieldsSchema,
} from '@zonewatch/protocol';
import type { z } from 'zod';
import { defaultRuleSettings, type RuleSettings } from './settings.js';

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

/** The document schemas are protocol's; this module resolves a prescription to the numbers the engine runs on. */
export {
  type Fitt,
  isoInstantSchema,
  type Prescription,
  type PrescriptionInput,
  prescriptionBaseSchema,
  prescriptionVersionFieldsSchema,
} from '@zonewatch/protocol';

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
  /** The same warnings, in the same order, as stable codes with parameters for consoles to word. */
  warningCodes: PrescriptionWarning[];
}

/** Parameters of a coded refusal or warning (numbers in bpm or %, formula names). */
export type PrescriptionParams = Readonly<Record<string, string | number>>;

/**
 * Stable codes of the warnings next to a resolved prescription (the English `warnings` stay for logs and
 * the replay CLI): see {@link ResolvedPrescription.warningCodes}.
 */
export const PRESCRIPTION_WARNING_CODES = [
  'HRMAX_FOX',
  'HRMAX_BRAWNER',
  'HRMAX_GULATI_NOT_FEMALE',
  'HRMAX_OVERRIDE',
  'SPO2_FLOOR_SECOND_CLINICIAN',
  'HRMODE_ADVISORY',
  'HRMODE_OFF',
  'BETA_BLOCKER_CONSIDER_ADVISORY',
  'CEILING_ABOVE_FRACTION',
] as const;
export type PrescriptionWarningCode = (typeof PRESCRIPTION_WARNING_CODES)[number];
export interface PrescriptionWarning {
  code: PrescriptionWarningCode;
  params: PrescriptionParams;
}

/**
 * Stable codes of the ceiling refusals, for consoles that word them in their own language (the message is
 * English for logs and the replay CLI): `CEILING_ABOVE_HRMAX` (a given ceiling above hrMax, strict form
 * only, see {@link ResolveOptions}), `ZONE_ABOVE_CEILING` (zone high above the ceiling, always).
 */
export const PRESCRIPTION_REFUSAL_CODES = [
  'CEILING_ABOVE_HRMAX',
  'ZONE_ABOVE_CEILING',
  'ZONE_REQUIRED',
  'AGE_REQUIRED',
  'AGE_IMPLAUSIBLE_HRMAX',
  'HRREST_REQUIRED',
  'HRREST_NOT_BELOW_HRMAX',
  'SPO2_FLOOR_OUT_OF_RANGE',
  'SPO2_FLOOR_SECOND_CLINICIAN',
  'ZONE_NO_WIDTH',
  'CEILING_ABOVE_ISCHAEMIC',
] as const;
export type PrescriptionRefusalCode = (typeof PRESCRIPTION_REFUSAL_CODES)[number];

/** One refusal reason: `field` is the dotted path (e.g. `zone.high`). */
export interface PrescriptionIssue {
  path: (string | number)[];
  field: string;
  message: string;
  /** Set for the refusals a console words itself ({@link PRESCRIPTION_REFUSAL_CODES}). */
  code?: PrescriptionRefusalCode;
  /** The numbers and names the console's wording of `code` needs. */
  params?: PrescriptionParams;
}

/**
 * How strictly {@link resolvePrescription} judges. The portable replay form (section 7) uses a given
 * ceiling "as given" (section 3a), so it keeps accepting a ceiling above hrMax with a warning; what a
 * clinician saves through the API (and its preview) is `strict`: such a ceiling is refused naming
 * `ceilingBpm` (issue 14: a ceiling of 150 against an HRmax of 119 was saved with only a warning).
 */
export interface ResolveOptions {
  strict?: boolean;
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

type Issue = {
  path: (string | number)[];
  message: string;
  code?: PrescriptionRefusalCode;
  params?: PrescriptionParams;
};

/** What {@link compute} refuses beyond the portable form's rules (the versioned record and the API). */
interface Strictness {
  requireSecondClinician: boolean;
  ceilingWithinHrMax: boolean;
}

/** Computes the resolved numbers, collecting refusal issues instead of throwing. */
function compute(
  rx: Prescription,
  s: RuleSettings['prescription'],
  strictness: Strictness,
): { resolved: ResolvedPrescription | null; issues: Issue[] } {
  const { requireSecondClinician } = strictness;
  const issues: Issue[] = [];
  const warnings: string[] = [];
  const warningCodes: PrescriptionWarning[] = [];
  const warn = (code: PrescriptionWarningCode, message: string, params: PrescriptionParams = {}) => {
    warnings.push(message);
    warningCodes.push({ code, params });
  };
  const preset = rx.preset ? PRESETS[rx.preset] : undefined;
  const zone = rx.zone ?? preset?.zone;
  if (!zone)
    issues.push({ path: ['zone'], message: 'is required (or give a preset)', code: 'ZONE_REQUIRED' });

  // hrMax
  const hrMaxIn = rx.hrMax ?? { source: 'tanaka' as const };
  let hrMax: number | null = null;
  if (hrMaxIn.source === 'measured' || hrMaxIn.source === 'override') {
    hrMax = hrMaxIn.bpm ?? null;
  } else if (rx.age === undefined) {
    issues.push({
      path: ['age'],
      message: `is required to estimate hrMax with "${hrMaxIn.source}"`,
      code: 'AGE_REQUIRED',
      params: { formula: hrMaxIn.source },
    });
  } else {
    hrMax = HR_MAX_FORMULAS[hrMaxIn.source](rx.age);
    if (hrMax < 60)
      issues.push({
        path: ['age'],
        message: `gives an implausible hrMax (${hrMax} bpm) with "${hrMaxIn.source}"`,
        code: 'AGE_IMPLAUSIBLE_HRMAX',
        params: { hrMax: Math.round(hrMax * 10) / 10, formula: hrMaxIn.source },
      });
  }
  if (hrMaxIn.source === 'fox')
    warn('HRMAX_FOX', 'hrMax from Fox (220 − age), a legacy estimate: prefer Tanaka or a measured maximum');
  if (hrMaxIn.source === 'brawner')
    warn(
      'HRMAX_BRAWNER',
      'hrMax from Brawner (β-blockers), an estimate with SEE ±18 bpm: a stress test is preferred',
    );
  if (hrMaxIn.source === 'gulati' && rx.sex !== undefined && !/^(f|female|woman)$/i.test(rx.sex.trim()))
    warn('HRMAX_GULATI_NOT_FEMALE', 'hrMax from Gulati, a formula derived in women');
  if (hrMaxIn.source === 'override') warn('HRMAX_OVERRIDE', 'hrMax overridden by a clinician');

  // hrRest
  if (zone?.method === 'hrr' && rx.hrRest === undefined)
    issues.push({ path: ['hrRest'], message: 'is required for zone method "hrr"', code: 'HRREST_REQUIRED' });
  if (hrMax !== null && rx.hrRest !== undefined && rx.hrRest >= hrMax)
    issues.push({
      path: ['hrRest'],
      message: `must be below hrMax (${rx.hrRest} ≥ ${hrMax} bpm)`,
      code: 'HRREST_NOT_BELOW_HRMAX',
      params: { hrRest: rx.hrRest, hrMax: Math.round(hrMax * 10) / 10 },
    });

  // spo2Floor
  const spo2Floor = rx.spo2Floor ?? preset?.spo2Floor ?? s.spo2FloorDefaultPct;
  if (spo2Floor < s.spo2FloorMinPct || spo2Floor > s.spo2FloorMaxPct) {
    issues.push({
      path: ['spo2Floor'],
      message: `must be ${s.spo2FloorMinPct}–${s.spo2FloorMaxPct} % (got ${spo2Floor})`,
      code: 'SPO2_FLOOR_OUT_OF_RANGE',
      params: { min: s.spo2FloorMinPct, max: s.spo2FloorMaxPct, value: spo2Floor },
    });
  } else if (spo2Floor < s.spo2FloorSecondClinicianBelowPct && !rx.spo2FloorSecondClinician) {
    const msg = `below ${s.spo2FloorSecondClinicianBelowPct} % needs a second clinician (spo2FloorSecondClinician)`;
    const params = { value: spo2Floor, threshold: s.spo2FloorSecondClinicianBelowPct };
    if (requireSecondClinician)
      issues.push({ path: ['spo2Floor'], message: msg, code: 'SPO2_FLOOR_SECOND_CLINICIAN', params });
    else warn('SPO2_FLOOR_SECOND_CLINICIAN', `spo2Floor ${spo2Floor} % ${msg}`, params);
  }

  const hrMode = rx.hrMode ?? 'enforce';
  if (hrMode === 'advisory') warn('HRMODE_ADVISORY', 'HR alerts are capped at advisory (hrMode advisory)');
  if (hrMode === 'off')
    warn('HRMODE_OFF', 'HR zone and ceiling alerts are off (hrMode off); HR is still shown');
  if (rx.betaBlocker && hrMaxIn.source !== 'measured' && hrMode === 'enforce')
    warn('BETA_BLOCKER_CONSIDER_ADVISORY', 'β-blockers without a measured hrMax: consider hrMode "advisory"');

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
      code: 'ZONE_NO_WIDTH',
      params: { low: zoneLowBpm, high: zoneHighBpm },
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
        code: 'CEILING_ABOVE_ISCHAEMIC',
        params: { ceiling: ceilingBpm, max: ischaemicMax, margin: s.ischaemicMarginBpm },
      });
    else if (strictness.ceilingWithinHrMax && ceilingBpm > hrMax)
      issues.push({
        path: ['ceilingBpm'],
        code: 'CEILING_ABOVE_HRMAX',
        message: `must not be above hrMax (${ceilingBpm} > ${Math.round(hrMax * 10) / 10} bpm)`,
        params: { ceiling: ceilingBpm, hrMax: Math.round(hrMax * 10) / 10 },
      });
    else if (ceilingBpm > s.ceilingMaxFractionOfHrMax * hrMax)
      warn(
        'CEILING_ABOVE_FRACTION',
        `ceiling ${ceilingBpm} bpm is above ${s.ceilingMaxFractionOfHrMax}·hrMax`,
        {
          ceiling: ceilingBpm,
          fraction: s.ceilingMaxFractionOfHrMax,
        },
      );
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
            code: 'ZONE_ABOVE_CEILING',
            params: { ceiling: ceilingBpm, zoneHigh: zoneHighBpm },
            message: `gives ${zoneHighBpm} bpm, above the default ceiling ${ceilingBpm} bpm (${s.ceilingMaxFractionOfHrMax}·hrMax)`,
          }
        : {
            path: [ceilingSource === 'given' ? 'ceilingBpm' : 'ischaemicThresholdBpm'],
            code: 'ZONE_ABOVE_CEILING',
            params: { ceiling: ceilingBpm, zoneHigh: zoneHighBpm },
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
      warningCodes,
    },
    issues,
  };
}

function withCrossChecks<T extends z.ZodType<Prescription>>(schema: T, strictness: Strictness) {
  return schema.superRefine((rx, ctx) => {
    // Cross-field checks only on a well-formed prescription, so one mistake gives one message.
    if (!schema.safeParse(rx).success) return;
    for (const i of compute(rx, defaultRuleSettings.prescription, strictness).issues)
      ctx.addIssue({
        code: 'custom',
        path: i.path,
        message: i.message,
        ...(i.code ? { params: { refusal: i.code, values: i.params ?? {} } } : {}),
      });
  });
}

const PORTABLE: Strictness = { requireSecondClinician: false, ceilingWithinHrMax: false };
const VERSIONED: Strictness = { requireSecondClinician: true, ceilingWithinHrMax: true };

/**
 * Full validation of a clinical prescription (portable form accepted as is). A floor below 85 % without a
 * second clinician is accepted here with a warning, because the portable form has no field for it; the
 * versioned registry record ({@link prescriptionVersionSchema}) refuses it.
 */
export const prescriptionSchema = withCrossChecks(prescriptionBaseSchema, PORTABLE);

/** Epoch ms of an ISO date or date-time (a date alone is midnight UTC). */
export function isoToMs(iso: string): number {
  return Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
}

/** A registry record: one version of one participant's prescription with its effective period. */
export const prescriptionVersionSchema = withCrossChecks(
  prescriptionVersionFieldsSchema,
  VERSIONED,
).superRefine((v, ctx) => {
  if (v.effectiveTo !== undefined && isoToMs(v.effectiveTo) <= isoToMs(v.effectiveFrom))
    ctx.addIssue({ code: 'custom', path: ['effectiveTo'], message: 'must be after effectiveFrom' });
});
export type PrescriptionVersion = z.output<typeof prescriptionVersionSchema>;

function toIssues(err: z.ZodError): PrescriptionIssue[] {
  return err.issues.map((i) => {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    const refusal =
      i.code === 'custom'
        ? (i.params as { refusal?: PrescriptionRefusalCode; values?: PrescriptionParams } | undefined)
        : undefined;
    return {
      path,
      field: path.join('.'),
      message: i.message,
      ...(refusal?.refusal ? { code: refusal.refusal, params: refusal.values ?? {} } : {}),
    };
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
  options: ResolveOptions = {},
): ResolvedPrescription {
  const parsed = parsePrescription(rx);
  if (!parsed.ok) throw new PrescriptionError(parsed.issues);
  const strictness = { ...PORTABLE, ceilingWithinHrMax: options.strict === true };
  const { resolved, issues } = compute(parsed.value, settings.prescription, strictness);
  if (!resolved) throw new PrescriptionError(toIssuesPlain(issues));
  return resolved;
}

function toIssuesPlain(issues: Issue[]): PrescriptionIssue[] {
  return issues.map((i) => ({
    path: i.path,
    field: i.path.join('.'),
    message: i.message,
    ...(i.code ? { code: i.code, params: i.params ?? {} } : {}),
  }));
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
