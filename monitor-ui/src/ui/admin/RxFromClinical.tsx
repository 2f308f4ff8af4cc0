import {
  type ClinicalSuggestion,
  codedRefusals,
  isWarningCode,
  type RefusalCode,
  type WarningCode,
} from '../../admin/prescriptionForm.js';
import { ApiError } from '../../api/client.js';
import { fieldIssues } from '../../api/errors.js';
import type { MessageKey } from '../../i18n/i18n.js';
import { t } from '../../i18n/store.js';
import { errorText, issueText } from './common.js';

const REFUSAL_KEY: Readonly<Record<RefusalCode, MessageKey>> = {
  CEILING_ABOVE_HRMAX: 'rx.refused.ceilingAboveHrMax',
  ZONE_ABOVE_CEILING: 'rx.refused.zoneAboveCeiling',
  ZONE_REQUIRED: 'rx.refused.zoneRequired',
  AGE_REQUIRED: 'rx.refused.ageRequired',
  AGE_IMPLAUSIBLE_HRMAX: 'rx.refused.ageImplausible',
  HRREST_REQUIRED: 'rx.refused.hrRestRequired',
  HRREST_NOT_BELOW_HRMAX: 'rx.refused.hrRestNotBelowHrMax',
  SPO2_FLOOR_OUT_OF_RANGE: 'rx.refused.spo2OutOfRange',
  SPO2_FLOOR_SECOND_CLINICIAN: 'rx.refused.spo2SecondClinician',
  ZONE_NO_WIDTH: 'rx.refused.zoneNoWidth',
  CEILING_ABOVE_ISCHAEMIC: 'rx.refused.ceilingAboveIschaemic',
};

const WARNING_KEY: Readonly<Record<WarningCode, MessageKey>> = {
  HRMAX_FOX: 'rx.warn.fox',
  HRMAX_BRAWNER: 'rx.warn.brawner',
  HRMAX_GULATI_NOT_FEMALE: 'rx.warn.gulatiNotFemale',
  HRMAX_OVERRIDE: 'rx.warn.override',
  SPO2_FLOOR_SECOND_CLINICIAN: 'rx.warn.spo2SecondClinician',
  HRMODE_ADVISORY: 'rx.warn.hrModeAdvisory',
  HRMODE_OFF: 'rx.warn.hrModeOff',
  BETA_BLOCKER_CONSIDER_ADVISORY: 'rx.warn.betaBlockerAdvisory',
  CEILING_ABOVE_FRACTION: 'rx.warn.ceilingAboveFraction',
};

const FORMULA_KEY: Readonly<Record<string, MessageKey>> = {
  tanaka: 'rx.formula.tanaka',
  gulati: 'rx.formula.gulati',
  brawner: 'rx.formula.brawner',
  hunt: 'rx.formula.hunt',
  fox: 'rx.formula.fox',
};

/** A code's parameters with the formula name worded in the language shown. */
function worded(params: Readonly<Record<string, string | number>>): Record<string, string | number> {
  const out: Record<string, string | number> = { ...params };
  const formula = params['formula'];
  if (typeof formula === 'string' && FORMULA_KEY[formula]) out['formula'] = t(FORMULA_KEY[formula]);
  return out;
}

/**
 * The preview's warnings worded from their codes (never the server's English). `HRMODE_ADVISORY`/`HRMODE_OFF`
 * are left out: the form states the chosen mode itself. An unknown code (newer server) gets a generic line.
 */
export function warningLines(
  codes: readonly { code: string; params: Readonly<Record<string, string | number>> }[],
) {
  return codes
    .filter((w) => w.code !== 'HRMODE_ADVISORY' && w.code !== 'HRMODE_OFF')
    .map((w) => (isWarningCode(w.code) ? t(WARNING_KEY[w.code], worded(w.params)) : t('rx.warn.other')));
}

const SUGGESTION_KEY: Readonly<Record<ClinicalSuggestion, MessageKey>> = {
  age: 'rx.fromClinical.age',
  sex: 'rx.fromClinical.sex',
  brawner: 'rx.fromClinical.brawner',
  advisory: 'rx.fromClinical.advisory',
  gulati: 'rx.fromClinical.gulati',
};

function fieldLabel(field: string, zoneUnit: string): string {
  if (field === 'ceilingBpm') return t('rx.ceiling');
  if (field === 'zone.high' || field === 'zone') return t('rx.zoneHigh', { unit: zoneUnit });
  if (field === 'zone.low') return t('rx.zoneLow', { unit: zoneUnit });
  if (field === 'hrMax.bpm' || field === 'hrMax') return t('rx.hrMaxBpm');
  if (field === 'ischaemicThresholdBpm') return t('rx.ischaemic');
  if (field === 'age') return t('rx.age');
  if (field === 'hrRest') return t('rx.hrRest');
  if (field === 'spo2Floor') return t('rx.spo2Floor');
  return t('rx.otherField');
}

/**
 * A refused preview or save, worded by the console from the refusal code and naming the field in the
 * language shown (never the server's English sentence); other errors as usual. `fields` maps the refused
 * form field to its message (shown next to it).
 */
export function rxRefusal(e: unknown, zoneUnit: string): { text: string; fields: Record<string, string> } {
  const coded = e instanceof ApiError ? codedRefusals(e.issues) : [];
  if (coded.length === 0) {
    // The contract's own field checks (zone low below high, bpm range…) and zod's: worded from their code,
    // each after the field it names.
    const other = e instanceof ApiError && e.status === 400 ? fieldIssues(e.issues, 'body') : {};
    const entries = Object.entries(other);
    if (entries.length === 0) return { text: errorText(e), fields: {} };
    const fields: Record<string, string> = {};
    const lines = entries.map(([path, issue]) => {
      const field = path.replace(/^(prescription|body)\.?/, '');
      const reason = issueText(issue);
      fields[field] = reason;
      return t('rx.refusedField', { field: fieldLabel(field, zoneUnit), reason });
    });
    return { text: lines.join(' '), fields };
  }
  const fields: Record<string, string> = {};
  const lines = coded.map((c) => {
    const line = t(REFUSAL_KEY[c.code], { ...worded(c.params), field: fieldLabel(c.field, zoneUnit) });
    fields[c.field] = line;
    return line;
  });
  return { text: lines.join(' '), fields };
}

/** What was filled from the clinical details, and Gulati offered for a woman (one click). */
export function RxFromClinical({
  applied,
  offers,
  onGulati,
}: {
  applied: readonly ClinicalSuggestion[];
  offers: readonly ClinicalSuggestion[];
  onGulati(): void;
}) {
  if (applied.length === 0 && offers.length === 0) return null;
  return (
    <div class="rx-from-clinical" data-testid="rx-from-clinical">
      {applied.length > 0 && (
        <p class="muted">
          {t('rx.fromClinical')} {applied.map((a) => t(SUGGESTION_KEY[a])).join(t('common.listSep'))}
        </p>
      )}
      {offers.includes('gulati') && (
        <p>
          {t('rx.fromClinical.gulatiOffer')}{' '}
          <button type="button" class="btn" onClick={onGulati} data-testid="rx-use-gulati">
            {t('rx.fromClinical.useGulati')}
          </button>
        </p>
      )}
    </div>
  );
}
