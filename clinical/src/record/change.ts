import type { Assessment } from '@zonewatch/protocol';
import { bodyMassIndex } from './derive.js';

/**
 * Baseline versus latest (issue 15, the record's comparison table): each figure measured in both, its
 * change, and whether the change is clinically meaningful by a published threshold. A figure without an
 * established threshold is shown with `meaningful: null`, never guessed.
 */

/** Sources of the thresholds, as codes the console can cite. */
export const MEANINGFUL_CHANGE_SOURCES = [
  /** Holland AE et al., ERS/ATS technical standard: field walking tests, Eur Respir J 2014 (6MWT MCID 30 m). */
  'holland-2014',
  /** Zanini A et al., Respir Care 2019;64(10):1261: 30-s sit-to-stand MCID 2 repetitions (COPD, pulmonary rehab). */
  'zanini-2019',
  /** Bohannon RW, J Hand Ther 2019: grip strength MCID 5.0–6.5 kg (lower bound used). */
  'bohannon-2019',
  /** Whelton PK et al., JAMA 2002: a 5 mmHg fall in systolic BP lowers stroke mortality by ~14 %. */
  'whelton-2002',
  /** Cook NR et al., Arch Intern Med 1995: a 2 mmHg fall in diastolic BP lowers stroke risk by ~15 %. */
  'cook-1995',
  /** Jensen MD et al., AHA/ACC/TOS obesity guideline 2013: ≥ 5 % weight loss is clinically meaningful. */
  'jensen-2013',
  /** Kodama S et al., JAMA 2009: each 1-MET higher fitness, ~13 % lower all-cause mortality. */
  'kodama-2009',
  /** Ries AL, COPD 2005: MCID of the Borg dyspnoea scale ~1 unit. */
  'ries-2005',
] as const;
export type MeaningfulChangeSource = (typeof MEANINGFUL_CHANGE_SOURCES)[number];

export const COMPARED_MEASURES = [
  'sixMinuteWalk.distanceM',
  'exerciseTest.peakMets',
  'chairStand30sReps',
  'gripStrengthKg',
  'sitAndReachCm',
  'singleLegStanceS',
  'restingHrBpm',
  'restingBp.systolicMmHg',
  'restingBp.diastolicMmHg',
  'anthropometrics.weightKg',
  'anthropometrics.bmi',
  'anthropometrics.waistCm',
  'sixMinuteWalk.borgDyspnoea',
] as const;
export type ComparedMeasure = (typeof COMPARED_MEASURES)[number];

interface Threshold {
  /** Which way is better. */
  better: 'higher' | 'lower';
  /** Smallest meaningful change (absolute in `unit`, or % of baseline when `relative`); null: none established. */
  threshold: number | null;
  relative?: boolean;
  unit: string;
  source?: MeaningfulChangeSource;
}

export const MEANINGFUL_CHANGE: Readonly<Record<ComparedMeasure, Threshold>> = Object.freeze({
  'sixMinuteWalk.distanceM': { better: 'higher', threshold: 30, unit: 'm', source: 'holland-2014' },
  'exerciseTest.peakMets': { better: 'higher', threshold: 1, unit: 'METs', source: 'kodama-2009' },
  chairStand30sReps: { better: 'higher', threshold: 2, unit: 'reps', source: 'zanini-2019' },
  gripStrengthKg: { better: 'higher', threshold: 5, unit: 'kg', source: 'bohannon-2019' },
  sitAndReachCm: { better: 'higher', threshold: null, unit: 'cm' },
  singleLegStanceS: { better: 'higher', threshold: null, unit: 's' },
  restingHrBpm: { better: 'lower', threshold: null, unit: 'bpm' },
  'restingBp.systolicMmHg': { better: 'lower', threshold: 5, unit: 'mmHg', source: 'whelton-2002' },
  'restingBp.diastolicMmHg': { better: 'lower', threshold: 2, unit: 'mmHg', source: 'cook-1995' },
  'anthropometrics.weightKg': {
    better: 'lower',
    threshold: 5,
    relative: true,
    unit: 'kg',
    source: 'jensen-2013',
  },
  'anthropometrics.bmi': { better: 'lower', threshold: null, unit: 'kg/m²' },
  'anthropometrics.waistCm': { better: 'lower', threshold: null, unit: 'cm' },
  'sixMinuteWalk.borgDyspnoea': { better: 'lower', threshold: 1, unit: 'Borg CR10', source: 'ries-2005' },
});

export interface ChangeRow {
  measure: ComparedMeasure;
  unit: string;
  baseline: number;
  latest: number;
  /** latest − baseline (one decimal). */
  change: number;
  /** Change as % of baseline (one decimal); null when the baseline is 0. */
  changePercent: number | null;
  direction: 'improved' | 'worsened' | 'unchanged';
  /** |change| reaches the threshold (either way); null: no established threshold. */
  meaningful: boolean | null;
  threshold: number | null;
  thresholdRelative: boolean;
  source: MeaningfulChangeSource | null;
}

function measureValue(a: Assessment, m: ComparedMeasure): number | undefined {
  switch (m) {
    case 'sixMinuteWalk.distanceM':
      return a.sixMinuteWalk?.distanceM;
    case 'sixMinuteWalk.borgDyspnoea':
      return a.sixMinuteWalk?.borgDyspnoea;
    case 'exerciseTest.peakMets':
      return a.exerciseTest?.peakMets;
    case 'restingBp.systolicMmHg':
      return a.restingBp?.systolicMmHg;
    case 'restingBp.diastolicMmHg':
      return a.restingBp?.diastolicMmHg;
    case 'anthropometrics.weightKg':
      return a.anthropometrics?.weightKg;
    case 'anthropometrics.waistCm':
      return a.anthropometrics?.waistCm;
    case 'anthropometrics.bmi': {
      const h = a.anthropometrics?.heightCm;
      const w = a.anthropometrics?.weightKg;
      return h !== undefined && w !== undefined ? bodyMassIndex(h, w) : undefined;
    }
    default:
      return a[m];
  }
}

const oneDecimal = (x: number) => Math.round(x * 10) / 10;

/**
 * The comparison table between a baseline and the latest assessment, one row per figure measured in both
 * (in {@link COMPARED_MEASURES} order). BMI uses each assessment's own height and weight.
 */
export function meaningfulChange(baseline: Assessment, latest: Assessment): ChangeRow[] {
  const rows: ChangeRow[] = [];
  for (const measure of COMPARED_MEASURES) {
    const b = measureValue(baseline, measure);
    const l = measureValue(latest, measure);
    if (b === undefined || l === undefined) continue;
    const t = MEANINGFUL_CHANGE[measure];
    const change = oneDecimal(l - b);
    const changePercent = b === 0 ? null : oneDecimal(((l - b) / Math.abs(b)) * 100);
    const size = t.relative ? Math.abs(changePercent ?? 0) : Math.abs(change);
    const direction =
      change === 0 ? 'unchanged' : change > 0 === (t.better === 'higher') ? 'improved' : 'worsened';
    rows.push({
      measure,
      unit: t.unit,
      baseline: b,
      latest: l,
      change,
      changePercent,
      direction,
      meaningful: t.threshold === null ? null : size >= t.threshold - 1e-9,
      threshold: t.threshold,
      thresholdRelative: t.relative === true,
      source: t.source ?? null,
    });
  }
  return rows;
}
