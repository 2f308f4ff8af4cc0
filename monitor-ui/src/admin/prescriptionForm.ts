import { PRESCRIPTION_REFUSAL_CODES, type PrescriptionRefusalCode } from '@zonewatch/clinical';
import {
  type HR_MAX_SOURCES,
  type HR_MODES,
  PRESETS,
  type PresetName,
  type ZONE_METHODS,
} from '@zonewatch/protocol';
import type { PrescriptionBody } from '../api/types.js';

/** Sources, methods, modes and presets are the vocabulary of `@zonewatch/protocol`, shared with the engine. */
export { HR_MAX_SOURCES, HR_MODES, PRESETS, type PresetName, ZONE_METHODS } from '@zonewatch/protocol';

/** A preset's zone in percent of HRR, as clinicians write it (40 for 0.4). */
export function presetPercent(p: PresetName): { low: number; high: number; spo2Floor?: number } {
  const { zone, spo2Floor } = PRESETS[p];
  return { low: percent(zone.low), high: percent(zone.high), ...(spo2Floor !== undefined && { spo2Floor }) };
}

/** Fraction → percent with no floating-point noise (0.59 → 59). */
function percent(x: number): number {
  return Math.round(x * 10_000) / 100;
}

/**
 * The prescription form as typed: strings, so a half-typed number is not lost. Zone bounds are in percent
 * for `hrr`/`hrmax` (what clinicians write) and bpm for `bpm`.
 */
export interface PrescriptionForm {
  preset: PresetName | '';
  age: string;
  sex: string;
  hrRest: string;
  hrMaxSource: (typeof HR_MAX_SOURCES)[number];
  hrMaxBpm: string;
  zoneMethod: (typeof ZONE_METHODS)[number];
  zoneLow: string;
  zoneHigh: string;
  ceilingBpm: string;
  ischaemicThresholdBpm: string;
  hrMode: (typeof HR_MODES)[number];
  spo2Floor: string;
  spo2FloorSecondClinician: string;
  betaBlocker: boolean;
  fittSessionsPerWeek: string;
  fittMinutesInZone: string;
}

export const EMPTY_FORM: PrescriptionForm = {
  preset: '',
  age: '',
  sex: '',
  hrRest: '',
  hrMaxSource: 'tanaka',
  hrMaxBpm: '',
  zoneMethod: 'hrr',
  zoneLow: '40',
  zoneHigh: '59',
  ceilingBpm: '',
  ischaemicThresholdBpm: '',
  hrMode: 'enforce',
  spo2Floor: '90',
  spo2FloorSecondClinician: '',
  betaBlocker: false,
  fittSessionsPerWeek: '3',
  fittMinutesInZone: '30',
};

function n(s: string): number | undefined {
  const v = s.trim().replace(',', '.');
  if (v === '') return undefined;
  const x = Number(v);
  return Number.isFinite(x) ? x : Number.NaN;
}

/** Percent → fraction with no floating-point noise (40 → 0.4, 59 → 0.59). */
function fraction(pct: number | undefined): number | undefined {
  return pct === undefined ? undefined : Math.round(pct * 100) / 10_000;
}

/**
 * The body the server validates (`prescriptionSchema`). Empty optional fields are left out; a value that
 * is not a number is sent as NaN's JSON (null) so the server names the field.
 */
export function formToPrescription(f: PrescriptionForm): PrescriptionBody {
  const body: PrescriptionBody = {};
  if (f.preset) body.preset = f.preset;
  const age = n(f.age);
  if (age !== undefined) body.age = age;
  if (f.sex.trim()) body.sex = f.sex.trim();
  const hrRest = n(f.hrRest);
  if (hrRest !== undefined) body.hrRest = hrRest;
  const bpm = n(f.hrMaxBpm);
  body.hrMax =
    (f.hrMaxSource === 'measured' || f.hrMaxSource === 'override') && bpm !== undefined
      ? { source: f.hrMaxSource, bpm }
      : { source: f.hrMaxSource };
  const low = n(f.zoneLow);
  const high = n(f.zoneHigh);
  if (low !== undefined && high !== undefined) {
    body.zone =
      f.zoneMethod === 'bpm'
        ? { method: 'bpm', low, high }
        : { method: f.zoneMethod, low: fraction(low) as number, high: fraction(high) as number };
  }
  const ceiling = n(f.ceilingBpm);
  if (ceiling !== undefined) body.ceilingBpm = ceiling;
  const isch = n(f.ischaemicThresholdBpm);
  if (isch !== undefined) body.ischaemicThresholdBpm = isch;
  body.hrMode = f.hrMode;
  const floor = n(f.spo2Floor);
  if (floor !== undefined) body.spo2Floor = floor;
  if (f.spo2FloorSecondClinician.trim()) body.spo2FloorSecondClinician = f.spo2FloorSecondClinician.trim();
  if (f.betaBlocker) body.betaBlocker = true;
  const spw = n(f.fittSessionsPerWeek);
  const miz = n(f.fittMinutesInZone);
  if (spw !== undefined && miz !== undefined) body.fitt = { sessionsPerWeek: spw, minutesInZone: miz };
  return body;
}

/** Choosing a preset fills its zone (as %HRR) and, for COPD, the SpO2 floor. */
export function applyPreset(f: PrescriptionForm, preset: PresetName | ''): PrescriptionForm {
  if (!preset) return { ...f, preset };
  const p = presetPercent(preset);
  return {
    ...f,
    preset,
    zoneMethod: 'hrr',
    zoneLow: String(p.low),
    zoneHigh: String(p.high),
    spo2Floor: p.spo2Floor !== undefined ? String(p.spo2Floor) : f.spo2Floor,
  };
}

/** The form for an existing prescription body (to start a new version from the current one). */
export function prescriptionToForm(b: PrescriptionBody): PrescriptionForm {
  const pct = (x: number) => String(percent(x));
  const s = (x: number | undefined) => (x === undefined ? '' : String(x));
  const source = b.hrMax?.source ?? 'tanaka';
  const preset = b.preset ?? '';
  const zone = b.zone ?? (preset ? PRESETS[preset].zone : undefined);
  return {
    preset,
    age: s(b.age),
    sex: b.sex ?? '',
    hrRest: s(b.hrRest),
    hrMaxSource: source,
    hrMaxBpm: s(b.hrMax?.bpm),
    zoneMethod: zone?.method ?? 'hrr',
    zoneLow: zone ? (zone.method === 'bpm' ? String(zone.low) : pct(zone.low)) : EMPTY_FORM.zoneLow,
    zoneHigh: zone ? (zone.method === 'bpm' ? String(zone.high) : pct(zone.high)) : EMPTY_FORM.zoneHigh,
    ceilingBpm: s(b.ceilingBpm),
    ischaemicThresholdBpm: s(b.ischaemicThresholdBpm),
    hrMode: b.hrMode ?? 'enforce',
    spo2Floor: s(b.spo2Floor) || EMPTY_FORM.spo2Floor,
    spo2FloorSecondClinician: b.spo2FloorSecondClinician ?? '',
    betaBlocker: b.betaBlocker ?? false,
    fittSessionsPerWeek: s(b.fitt?.sessionsPerWeek) || EMPTY_FORM.fittSessionsPerWeek,
    fittMinutesInZone: s(b.fitt?.minutesInZone) || EMPTY_FORM.fittMinutesInZone,
  };
}

/** What the participant's clinical details say about a new prescription (GET /participants/:id/clinical). */
export interface ClinicalBasis {
  ageYears: number | null;
  sex: 'female' | 'male' | 'other' | null;
  betaBlocker: boolean;
}

/** Why a field was filled from the clinical details (shown next to the form, worded by the console). */
export type ClinicalSuggestion = 'age' | 'sex' | 'brawner' | 'advisory' | 'gulati';

/**
 * Starts the form from the participant's clinical details (CLINICAL-RULES.md section 1): their age and sex;
 * β-blockers without a measured (or clinician-given) maximum → Brawner and hrMode advisory suggested; for
 * a woman on the adult default (Tanaka), Gulati is offered (`gulati` in `offers`), not imposed.
 */
export function fromClinical(
  f: PrescriptionForm,
  c: ClinicalBasis,
): { form: PrescriptionForm; applied: ClinicalSuggestion[]; offers: ClinicalSuggestion[] } {
  const form = { ...f };
  const applied: ClinicalSuggestion[] = [];
  const offers: ClinicalSuggestion[] = [];
  if (c.ageYears !== null && form.age !== String(c.ageYears)) {
    form.age = String(c.ageYears);
    applied.push('age');
  }
  if ((c.sex === 'female' || c.sex === 'male') && form.sex !== c.sex) {
    form.sex = c.sex;
    applied.push('sex');
  }
  const measured = form.hrMaxSource === 'measured' || form.hrMaxSource === 'override';
  if (c.betaBlocker) {
    form.betaBlocker = true;
    if (!measured && form.hrMaxSource !== 'brawner') {
      form.hrMaxSource = 'brawner';
      applied.push('brawner');
    }
    if (!measured && form.hrMode === 'enforce') {
      form.hrMode = 'advisory';
      applied.push('advisory');
    }
  } else if (form.sex === 'female' && form.hrMaxSource === 'tanaka') {
    offers.push('gulati');
  }
  return { form, applied, offers };
}

/** A prescription refusal the console words itself: clinical's refusal codes, declared there once. */
export const REFUSAL_CODES = PRESCRIPTION_REFUSAL_CODES;
export type RefusalCode = PrescriptionRefusalCode;

/** A refusal code with the field it names and the numbers/names its wording needs. */
export interface CodedRefusal {
  field: string;
  code: RefusalCode;
  params: Readonly<Record<string, string | number>>;
}

/** Clinical's warning codes next to a previewed prescription (the console words each). */
export const WARNING_CODES = [
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
export type WarningCode = (typeof WARNING_CODES)[number];

export function isWarningCode(code: string): code is WarningCode {
  return (WARNING_CODES as readonly string[]).includes(code);
}

/**
 * The coded refusals of a 400 (preview or save): the field (`ceilingBpm`, `zone.high`…) and the code. The
 * server's English message is never shown for these.
 */
export function codedRefusals(
  issues: readonly { path: string; code?: string; params?: Readonly<Record<string, string | number>> }[],
): CodedRefusal[] {
  const out: CodedRefusal[] = [];
  for (const i of issues) {
    if (!i.code || !(REFUSAL_CODES as readonly string[]).includes(i.code)) continue;
    const field = i.path.replace(/^body\.(prescription|body)\.?/, '');
    out.push({ field, code: i.code as RefusalCode, params: i.params ?? {} });
  }
  return out;
}
