import type { ClinicalInput } from '../../api/types.js';
import { t } from '../../i18n/store.js';
import { Field } from './common.js';

/** The editable part of clinical details (what PUT accepts, and what a new participant may carry). */
export type ClinicalForm = Required<Omit<ClinicalInput, never>>;

export const EMPTY_CLINICAL: ClinicalForm = {
  fullName: null,
  dateOfBirth: null,
  ageYears: null,
  sex: null,
  conditions: [],
  medications: [],
  betaBlocker: false,
  notes: null,
};

/** Splits a comma-separated list as typed ("a, b,, c" → ["a", "b", "c"]). */
function list(v: string): string[] {
  return v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

/**
 * The clinical details fields; `errors` are the server's reasons by field name (`ageYears`…), shown next
 * to the field they name.
 */
export function ClinicalFields({
  value: d,
  onChange: set,
  errors,
}: {
  value: ClinicalForm;
  onChange(patch: Partial<ClinicalForm>): void;
  errors: Readonly<Record<string, string>>;
}) {
  return (
    <>
      <Field label={t('clinical.fullName')} error={errors['fullName']}>
        <input value={d.fullName ?? ''} onInput={(e) => set({ fullName: e.currentTarget.value || null })} />
      </Field>
      <Field label={t('clinical.dateOfBirth')} error={errors['dateOfBirth']}>
        <input
          type="date"
          value={d.dateOfBirth ?? ''}
          onInput={(e) => set({ dateOfBirth: e.currentTarget.value || null })}
        />
      </Field>
      <Field label={t('clinical.age')} error={errors['ageYears']}>
        <input
          type="number"
          value={d.ageYears ?? ''}
          onInput={(e) =>
            set({ ageYears: e.currentTarget.value === '' ? null : Number(e.currentTarget.value) })
          }
        />
      </Field>
      <Field label={t('clinical.sex')} error={errors['sex']}>
        <select
          value={d.sex ?? ''}
          onChange={(e) => set({ sex: (e.currentTarget.value || null) as ClinicalForm['sex'] })}
        >
          <option value="">{t('common.unknown')}</option>
          <option value="female">{t('sex.female')}</option>
          <option value="male">{t('sex.male')}</option>
          <option value="other">{t('sex.other')}</option>
        </select>
      </Field>
      <Field label={t('clinical.conditions')} error={errors['conditions']} hint={t('clinical.listHint')}>
        <input
          value={d.conditions.join(', ')}
          // On change (leaving the field), so a comma being typed is not swallowed.
          onChange={(e) => set({ conditions: list(e.currentTarget.value) })}
        />
      </Field>
      <Field label={t('clinical.medications')} error={errors['medications']} hint={t('clinical.listHint')}>
        <input
          value={d.medications.join(', ')}
          onChange={(e) => set({ medications: list(e.currentTarget.value) })}
        />
      </Field>
      <label class="field-check">
        <input
          type="checkbox"
          checked={d.betaBlocker}
          onChange={(e) => set({ betaBlocker: e.currentTarget.checked })}
        />{' '}
        {t('clinical.betaBlocker')}
      </label>
      <Field label={t('clinical.notes')} error={errors['notes']}>
        <textarea
          rows={3}
          value={d.notes ?? ''}
          onInput={(e) => set({ notes: e.currentTarget.value || null })}
        />
      </Field>
    </>
  );
}
