import { type ClinicalSuggestion, codedRefusals, type RefusalCode } from '../../admin/prescriptionForm.js';
import { ApiError } from '../../api/client.js';
import type { MessageKey } from '../../i18n/i18n.js';
import { t } from '../../i18n/store.js';
import { errorText } from './common.js';

const REFUSAL_KEY: Readonly<Record<RefusalCode, MessageKey>> = {
  CEILING_ABOVE_HRMAX: 'rx.refused.ceilingAboveHrMax',
  ZONE_ABOVE_CEILING: 'rx.refused.zoneAboveCeiling',
};

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
  if (field === 'ischaemicThresholdBpm') return t('rx.ischaemic');
  return field;
}

/**
 * A refused preview or save, worded by the console from the refusal code and naming the field in the
 * language shown (never the server's English sentence); other errors as usual. `fields` maps the refused
 * form field to its message (shown next to it).
 */
export function rxRefusal(e: unknown, zoneUnit: string): { text: string; fields: Record<string, string> } {
  const coded = e instanceof ApiError ? codedRefusals(e.issues) : [];
  if (coded.length === 0) return { text: errorText(e), fields: {} };
  const fields: Record<string, string> = {};
  const lines = coded.map((c) => {
    const line = t(REFUSAL_KEY[c.code], { field: fieldLabel(c.field, zoneUnit) });
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
