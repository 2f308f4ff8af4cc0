import { useSignal } from '@preact/signals';
import { endpoints } from '../../api/endpoints.js';
import type { Me } from '../../api/types.js';
import { t } from '../../i18n/store.js';
import { href } from '../../router.js';
import { Data } from '../Msg.js';
import { ClinicalFields, type ClinicalForm, EMPTY_CLINICAL } from './ClinicalFields.js';
import { ErrorLine, errorFields, errorText, Field, SitePicker, useLoad } from './common.js';

/** Only the clinical fields someone filled in (the API keeps omitted ones unset). */
function filledClinical(c: ClinicalForm): Partial<ClinicalForm> | undefined {
  const out: Partial<ClinicalForm> = {};
  if (c.fullName?.trim()) out.fullName = c.fullName.trim();
  if (c.dateOfBirth) out.dateOfBirth = c.dateOfBirth;
  if (c.ageYears !== null) out.ageYears = c.ageYears;
  if (c.sex) out.sex = c.sex;
  if (c.conditions.length) out.conditions = c.conditions;
  if (c.medications.length) out.medications = c.medications;
  if (c.betaBlocker) out.betaBlocker = true;
  if (c.notes?.trim()) out.notes = c.notes;
  return Object.keys(out).length ? out : undefined;
}

/** A new participant: site, alias, and (on request) clinical details. Clinicians and administrators. */
function CreateParticipant({ me, siteId, onCreated }: { me: Me; siteId: string; onCreated(): void }) {
  const site = useSignal(siteId);
  const alias = useSignal('');
  const withClinical = useSignal(false);
  const clinical = useSignal<ClinicalForm>(EMPTY_CLINICAL);
  const error = useSignal<string | null>(null);
  const fields = useSignal<Record<string, string>>({});
  const done = useSignal(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    done.value = false;
    try {
      await endpoints.createParticipant(
        site.value,
        alias.value,
        withClinical.value ? filledClinical(clinical.value) : undefined,
      );
      alias.value = '';
      clinical.value = EMPTY_CLINICAL;
      withClinical.value = false;
      error.value = null;
      fields.value = {};
      done.value = true;
      onCreated();
    } catch (err) {
      error.value = errorText(err);
      fields.value = errorFields(err);
    }
  };
  // `clinical.ageYears` → `ageYears` for the clinical fields.
  const clinicalErrors = Object.fromEntries(
    Object.entries(fields.value)
      .filter(([k]) => k.startsWith('clinical.'))
      .map(([k, v]) => [k.slice('clinical.'.length).split('.')[0] ?? k, v]),
  );
  return (
    <form class="form-grid" onSubmit={submit} data-testid="create-participant">
      <SitePicker sites={me.siteIds} value={site.value} onChange={(v) => (site.value = v)} />
      <Field label={t('participants.alias')} hint={t('participants.aliasHint')} error={fields.value['alias']}>
        <input
          name="alias"
          required
          maxLength={64}
          autocomplete="off"
          aria-invalid={fields.value['alias'] ? 'true' : undefined}
          value={alias.value}
          onInput={(e) => (alias.value = e.currentTarget.value)}
        />
      </Field>
      <label class="field-check">
        <input
          type="checkbox"
          checked={withClinical.value}
          onChange={(e) => (withClinical.value = e.currentTarget.checked)}
        />{' '}
        {t('participants.addClinical')}
      </label>
      {withClinical.value && (
        <ClinicalFields
          value={clinical.value}
          onChange={(patch) => (clinical.value = { ...clinical.value, ...patch })}
          errors={clinicalErrors}
        />
      )}
      <div>
        <button type="submit" class="btn btn-primary">
          {t('participants.addButton')}
        </button>{' '}
        {done.value && (
          <span class="ok" role="status">
            {t('participants.created')}
          </span>
        )}
      </div>
      <ErrorLine error={error.value} />
    </form>
  );
}

export function Participants({ me }: { me: Me }) {
  const site = useSignal(me.siteIds[0] ?? '');
  const { data, error, reload } = useLoad(site.value || null, () => endpoints.participants(site.value));
  // POST /participants: clinicians and administrators (instructors only read the list).
  const canCreate = me.roles.includes('admin') || me.roles.includes('clinician');
  return (
    <section>
      <h2>{t('admin.participants')}</h2>
      <p class="muted">{t('participants.privacy')}</p>
      <SitePicker sites={me.siteIds} value={site.value} onChange={(v) => (site.value = v)} />
      <ErrorLine error={error.value} />
      {data.value === null ? (
        !error.value && <p>{t('common.loading')}</p>
      ) : data.value.length === 0 ? (
        <p class="muted">{t('participants.none')}</p>
      ) : (
        <table class="table" data-testid="participants">
          <thead>
            <tr>
              <th>{t('participants.alias')}</th>
              <th>{t('participants.active')}</th>
              <th>
                <span class="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.value.map((p) => (
              <tr key={p.id} data-participant-row={p.id}>
                <td>
                  <Data>{p.alias}</Data>
                </td>
                <td>{p.active === false ? t('common.no') : t('common.yes')}</td>
                <td>
                  <a class="btn" href={href({ name: 'admin', section: 'participants', id: p.id })}>
                    {t('participants.open')}
                  </a>{' '}
                  <a class="btn" href={href({ name: 'record', participantId: p.id })}>
                    {t('record.open')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canCreate && (
        <>
          <h3>{t('participants.add')}</h3>
          <CreateParticipant me={me} siteId={site.value} onCreated={reload} />
        </>
      )}
    </section>
  );
}
