import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import {
  applyPreset,
  type ClinicalSuggestion,
  EMPTY_FORM,
  formToPrescription,
  fromClinical,
  HR_MAX_SOURCES,
  HR_MODES,
  PRESETS,
  type PrescriptionForm,
  prescriptionToForm,
  ZONE_METHODS,
} from '../../admin/prescriptionForm.js';
import { endpoints } from '../../api/endpoints.js';
import { storedPrescription } from '../../api/normalize.js';
import type { PrescriptionBody, PrescriptionRecordView, ResolvedPrescriptionView } from '../../api/types.js';
import { formatDateTime, formatNumber } from '../../format.js';
import type { MessageKey } from '../../i18n/i18n.js';
import { language, t } from '../../i18n/store.js';
import { AccessLinks } from '../../participant/AccessLinks.js';
import { href } from '../../router.js';
import { Data } from '../Msg.js';
import { me } from '../session.js';
import { ClinicalFields, type ClinicalForm, EMPTY_CLINICAL } from './ClinicalFields.js';
import { ConsentPanel } from './ConsentPanel.js';
import { ErrorLine, errorFields, errorText, Field, useLoad } from './common.js';
import { OwnedDevices } from './OwnedDevices.js';
import { PairPhone } from './PairPhone.js';
import { RxFromClinical, rxRefusal, warningLines } from './RxFromClinical.js';

/** Wait after the last keystroke before asking the server for a preview (ms). */
const PREVIEW_DEBOUNCE_MS = 300;

const SOURCE_KEY: Readonly<Record<(typeof HR_MAX_SOURCES)[number], MessageKey>> = {
  measured: 'rx.source.measured',
  tanaka: 'rx.source.tanaka',
  gulati: 'rx.source.gulati',
  brawner: 'rx.source.brawner',
  hunt: 'rx.source.hunt',
  fox: 'rx.source.fox',
  override: 'rx.source.override',
};
const METHOD_KEY: Readonly<Record<(typeof ZONE_METHODS)[number], MessageKey>> = {
  hrr: 'rx.method.hrr',
  hrmax: 'rx.method.hrmax',
  bpm: 'rx.method.bpm',
};
const MODE_KEY: Readonly<Record<(typeof HR_MODES)[number], MessageKey>> = {
  enforce: 'rx.mode.enforce',
  advisory: 'rx.mode.advisory',
  off: 'rx.mode.off',
};
const PRESET_KEY: Readonly<Record<keyof typeof PRESETS, MessageKey>> = {
  'cardiac-rehab': 'rx.preset.cardiac-rehab',
  'heart-failure': 'rx.preset.heart-failure',
  copd: 'rx.preset.copd',
  diabetes: 'rx.preset.diabetes',
  hypertension: 'rx.preset.hypertension',
  obesity: 'rx.preset.obesity',
  'older-adults': 'rx.preset.older-adults',
};

function Clinical({ participantId }: { participantId: string }) {
  const shown = useSignal(false);
  const data = useSignal<ClinicalForm | null>(null);
  const error = useSignal<string | null>(null);
  const fieldErrs = useSignal<Record<string, string>>({});
  const saved = useSignal(false);
  const reveal = async () => {
    shown.value = true;
    try {
      const c = await endpoints.clinical(participantId);
      data.value = c
        ? {
            fullName: c.fullName,
            dateOfBirth: c.dateOfBirth,
            ageYears: c.ageYears,
            sex: c.sex,
            conditions: c.conditions,
            medications: c.medications,
            betaBlocker: c.betaBlocker,
            notes: c.notes,
          }
        : EMPTY_CLINICAL;
    } catch (e) {
      error.value = errorText(e);
    }
  };
  const save = async (e: Event) => {
    e.preventDefault();
    if (!data.value) return;
    try {
      await endpoints.saveClinical(participantId, data.value);
      saved.value = true;
      error.value = null;
      fieldErrs.value = {};
    } catch (err) {
      error.value = errorText(err);
      fieldErrs.value = errorFields(err);
    }
  };
  if (!shown.value)
    return (
      <div>
        <p class="muted">{t('clinical.hidden')}</p>
        <button type="button" class="btn" onClick={() => void reveal()}>
          {t('clinical.show')}
        </button>
      </div>
    );
  const d = data.value;
  const set = (patch: Partial<ClinicalForm>) => {
    if (data.value) data.value = { ...data.value, ...patch };
    saved.value = false;
  };
  return (
    <form class="form-grid" onSubmit={save}>
      <ErrorLine error={error.value} />
      {d && (
        <>
          <ClinicalFields value={d} onChange={set} errors={fieldErrs.value} />
          <div>
            <button type="submit" class="btn btn-primary">
              {t('common.save')}
            </button>{' '}
            {saved.value && <span class="ok">{t('common.saved')}</span>}
          </div>
        </>
      )}
    </form>
  );
}

/** Changing the alias shown on shared screens (PATCH /participants/:id). */
function AliasEditor({
  participantId,
  alias,
  onSaved,
}: {
  participantId: string;
  alias: string;
  onSaved(): void;
}) {
  const value = useSignal(alias);
  const error = useSignal<string | null>(null);
  const fields = useSignal<Record<string, string>>({});
  const saved = useSignal(false);
  useEffect(() => {
    value.value = alias;
  }, [alias]);
  const save = async (e: Event) => {
    e.preventDefault();
    saved.value = false;
    try {
      await endpoints.patchParticipant(participantId, { alias: value.value });
      error.value = null;
      fields.value = {};
      saved.value = true;
      onSaved();
    } catch (err) {
      error.value = errorText(err);
      fields.value = errorFields(err);
    }
  };
  return (
    <form class="form-grid" onSubmit={save} data-testid="alias-form">
      <Field label={t('participants.alias')} hint={t('participants.aliasHint')} error={fields.value['alias']}>
        <input
          name="alias"
          required
          maxLength={64}
          autocomplete="off"
          aria-invalid={fields.value['alias'] ? 'true' : undefined}
          value={value.value}
          onInput={(e) => {
            value.value = e.currentTarget.value;
            saved.value = false;
          }}
        />
      </Field>
      <div>
        <button type="submit" class="btn" disabled={value.value === alias}>
          {t('participants.editAlias')}
        </button>{' '}
        {saved.value && (
          <span class="ok" role="status">
            {t('participants.aliasSaved')}
          </span>
        )}
      </div>
      <ErrorLine error={error.value} />
    </form>
  );
}

function zoneSummary(v: PrescriptionRecordView): string {
  if (!v.summary) return '--';
  const bpm = t('rx.summaryBpm', {
    low: v.summary.zoneLowBpm,
    high: v.summary.zoneHighBpm,
    ceiling: v.summary.ceilingBpm,
  });
  const z = storedPrescription(v.body)?.zone;
  if (!z || z.method === 'bpm') return bpm;
  const pct = t(z.method === 'hrr' ? 'rx.zonePctHrr' : 'rx.zonePctHrmax', {
    low: Math.round(z.low * 100),
    high: Math.round(z.high * 100),
  });
  return `${pct} · ${bpm}`;
}

/** The prescription form with the computed zone in bpm previewed by the server as the form changes. */
function PrescriptionEditor({
  participantId,
  from,
  onSaved,
}: {
  participantId: string;
  from: PrescriptionBody | null;
  onSaved(): void;
}) {
  const form = useSignal<PrescriptionForm>(from ? prescriptionToForm(from) : EMPTY_FORM);
  const note = useSignal('');
  const preview = useSignal<ResolvedPrescriptionView | null>(null);
  const previewError = useSignal<string | null>(null);
  const saveError = useSignal<string | null>(null);
  const refusedFields = useSignal<Record<string, string>>({});
  const fromDetails = useSignal<{ applied: ClinicalSuggestion[]; offers: ClinicalSuggestion[] }>({
    applied: [],
    offers: [],
  });
  const f = form.value;
  const pctUnit = f.zoneMethod === 'bpm' ? t('unit.bpm') : t('unit.percent');

  // The form starts from the participant's clinical details (age, sex, β-blockers; issue 14).
  useEffect(() => {
    endpoints.clinical(participantId).then(
      (c) => {
        if (!c) return;
        const r = fromClinical(form.value, c);
        form.value = r.form;
        fromDetails.value = { applied: r.applied, offers: r.offers };
      },
      () => undefined, // no clinical details readable: the form starts as before
    );
  }, [participantId]);

  useEffect(() => {
    const body = formToPrescription(f);
    const timer = setTimeout(() => {
      endpoints.previewPrescription(body).then(
        (v) => {
          preview.value = v;
          previewError.value = null;
          refusedFields.value = {};
        },
        (e: unknown) => {
          preview.value = null;
          const r = rxRefusal(e, pctUnit);
          previewError.value = r.text;
          refusedFields.value = r.fields;
        },
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [JSON.stringify(f)]);

  const set = (patch: Partial<PrescriptionForm>) => (form.value = { ...form.value, ...patch });
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      await endpoints.createPrescription(
        participantId,
        formToPrescription(form.value),
        note.value.trim() || undefined,
      );
      saveError.value = null;
      onSaved();
    } catch (err) {
      saveError.value = rxRefusal(err, pctUnit).text;
    }
  };
  const p = preview.value;
  const warnings = p ? warningLines(p.warningCodes) : [];
  return (
    <form class="rx-form" onSubmit={save} data-testid="rx-form">
      <RxFromClinical
        applied={fromDetails.value.applied}
        offers={fromDetails.value.offers}
        onGulati={() => {
          set({ hrMaxSource: 'gulati' });
          fromDetails.value = { ...fromDetails.value, offers: [] };
        }}
      />
      <div class="form-grid">
        <Field label={t('rx.preset')}>
          <select
            value={f.preset}
            onChange={(e) =>
              (form.value = applyPreset(form.value, e.currentTarget.value as PrescriptionForm['preset']))
            }
          >
            <option value="">{t('rx.noPreset')}</option>
            {(Object.keys(PRESETS) as (keyof typeof PRESETS)[]).map((k) => (
              <option key={k} value={k}>
                {t(PRESET_KEY[k])}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('rx.age')}>
          <input inputMode="numeric" value={f.age} onInput={(e) => set({ age: e.currentTarget.value })} />
        </Field>
        <Field label={t('rx.sex')}>
          <select value={f.sex} onChange={(e) => set({ sex: e.currentTarget.value })}>
            <option value="">{t('common.unknown')}</option>
            <option value="female">{t('sex.female')}</option>
            <option value="male">{t('sex.male')}</option>
          </select>
        </Field>
        <Field label={t('rx.hrRest')}>
          <input
            inputMode="numeric"
            value={f.hrRest}
            onInput={(e) => set({ hrRest: e.currentTarget.value })}
          />
        </Field>
        <Field label={t('rx.hrMaxSource')}>
          <select
            value={f.hrMaxSource}
            onChange={(e) => set({ hrMaxSource: e.currentTarget.value as PrescriptionForm['hrMaxSource'] })}
          >
            {HR_MAX_SOURCES.map((s) => (
              <option key={s} value={s}>
                {t(SOURCE_KEY[s])}
              </option>
            ))}
          </select>
        </Field>
        {(f.hrMaxSource === 'measured' || f.hrMaxSource === 'override') && (
          <Field label={t('rx.hrMaxBpm')}>
            <input
              inputMode="numeric"
              value={f.hrMaxBpm}
              onInput={(e) => set({ hrMaxBpm: e.currentTarget.value })}
            />
          </Field>
        )}
        <Field label={t('rx.method')}>
          <select
            value={f.zoneMethod}
            onChange={(e) => set({ zoneMethod: e.currentTarget.value as PrescriptionForm['zoneMethod'] })}
          >
            {ZONE_METHODS.map((m) => (
              <option key={m} value={m}>
                {t(METHOD_KEY[m])}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('rx.zoneLow', { unit: pctUnit })}>
          <input
            inputMode="decimal"
            value={f.zoneLow}
            onInput={(e) => set({ zoneLow: e.currentTarget.value })}
          />
        </Field>
        <Field label={t('rx.zoneHigh', { unit: pctUnit })}>
          <input
            inputMode="decimal"
            value={f.zoneHigh}
            onInput={(e) => set({ zoneHigh: e.currentTarget.value })}
          />
        </Field>
        <Field label={t('rx.ceiling')} hint={t('rx.ceilingHint')} error={refusedFields.value['ceilingBpm']}>
          <input
            inputMode="numeric"
            value={f.ceilingBpm}
            onInput={(e) => set({ ceilingBpm: e.currentTarget.value })}
          />
        </Field>
        <Field label={t('rx.ischaemic')}>
          <input
            inputMode="numeric"
            value={f.ischaemicThresholdBpm}
            onInput={(e) => set({ ischaemicThresholdBpm: e.currentTarget.value })}
          />
        </Field>
        <Field label={t('rx.hrMode')}>
          <select
            value={f.hrMode}
            onChange={(e) => set({ hrMode: e.currentTarget.value as PrescriptionForm['hrMode'] })}
          >
            {HR_MODES.map((m) => (
              <option key={m} value={m}>
                {t(MODE_KEY[m])}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('rx.spo2Floor')}>
          <input
            inputMode="numeric"
            value={f.spo2Floor}
            onInput={(e) => set({ spo2Floor: e.currentTarget.value })}
          />
        </Field>
        {Number(f.spo2Floor) < 85 && (
          <Field label={t('rx.secondClinician')}>
            <input
              value={f.spo2FloorSecondClinician}
              onInput={(e) => set({ spo2FloorSecondClinician: e.currentTarget.value })}
            />
          </Field>
        )}
        <label class="field-check">
          <input
            type="checkbox"
            checked={f.betaBlocker}
            onChange={(e) => set({ betaBlocker: e.currentTarget.checked })}
          />{' '}
          {t('rx.betaBlocker')}
        </label>
        <Field label={t('rx.fittSessions')}>
          <input
            inputMode="numeric"
            value={f.fittSessionsPerWeek}
            onInput={(e) => set({ fittSessionsPerWeek: e.currentTarget.value })}
          />
        </Field>
        <Field label={t('rx.fittMinutes')}>
          <input
            inputMode="numeric"
            value={f.fittMinutesInZone}
            onInput={(e) => set({ fittMinutesInZone: e.currentTarget.value })}
          />
        </Field>
        <Field label={t('rx.note')}>
          <input value={note.value} onInput={(e) => (note.value = e.currentTarget.value)} />
        </Field>
      </div>
      <aside class="rx-preview" aria-live="polite" data-testid="rx-preview">
        <h3>{t('rx.preview')}</h3>
        {previewError.value ? (
          <p class="error">
            <Data>{previewError.value}</Data>
          </p>
        ) : p ? (
          <>
            <p class="rx-zone">
              {t('rx.previewZone', { low: formatNumber(p.zoneLowBpm), high: formatNumber(p.zoneHighBpm) })}
            </p>
            <p>{t('rx.previewCeiling', { ceiling: formatNumber(p.ceilingBpm) })}</p>
            <p class="muted">{t('rx.previewHrMax', { hrMax: formatNumber(p.hrMax, 1) })}</p>
            {f.hrMode === 'advisory' && <p class="warn">{t('hrMode.advisoryLong')}</p>}
            {f.hrMode === 'off' && <p class="warn">{t('hrMode.offLong')}</p>}
            {warnings.length > 0 && (
              <ul class="warn" data-testid="rx-warnings">
                {warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            )}
          </>
        ) : (
          <p class="muted">{t('common.loading')}</p>
        )}
      </aside>
      <div>
        <button type="submit" class="btn btn-primary" disabled={previewError.value !== null}>
          {t('rx.save')}
        </button>
        <ErrorLine error={saveError.value} />
      </div>
    </form>
  );
}

export function ParticipantDetail({ participantId }: { participantId: string }) {
  const participant = useLoad(participantId, () => endpoints.participant(participantId));
  const versions = useLoad(participantId, () => endpoints.prescriptions(participantId));
  const editing = useSignal(false);
  const current = versions.data.value?.reduce<PrescriptionRecordView | null>(
    (best, v) => (best === null || v.version > best.version ? v : best),
    null,
  );
  const sorted = [...(versions.data.value ?? [])].sort((x, y) => y.version - x.version);
  return (
    <section data-participant={participantId}>
      <p>
        <a class="btn" href={href({ name: 'admin', section: 'participants' })}>
          {t('common.back')}
        </a>
      </p>
      <h2>
        {t('participants.detail')} <Data>{participant.data.value?.alias ?? participantId}</Data>
      </h2>
      {participant.data.value && (
        <AliasEditor
          participantId={participantId}
          alias={participant.data.value.alias}
          onSaved={participant.reload}
        />
      )}
      {participant.data.value &&
        me.value?.roles.some((r) => r === 'admin' || r === 'ops' || r === 'instructor') && (
          <>
            <h3>{t('owned.title')}</h3>
            <OwnedDevices participantId={participantId} siteId={participant.data.value.siteId} />
          </>
        )}
      <h3>{t('consent.title')}</h3>
      <ConsentPanel participantId={participantId} />
      <h3>{t('phonePair.title')}</h3>
      <PairPhone participantId={participantId} />
      <h3>{t('clinical.title')}</h3>
      <Clinical participantId={participantId} />
      {me.value?.roles.some((r) => r === 'admin' || r === 'clinician') && (
        <>
          <h3>{t('links.title')}</h3>
          <AccessLinks participantId={participantId} />
        </>
      )}
      <h3>{t('rx.title')}</h3>
      <ErrorLine error={versions.error.value} />
      {versions.data.value && sorted.length === 0 && <p class="muted">{t('rx.none')}</p>}
      {sorted.length > 0 && (
        <table class="table" data-testid="prescriptions">
          <thead>
            <tr>
              <th>{t('rx.version')}</th>
              <th>{t('rx.effective')}</th>
              <th>{t('rx.author')}</th>
              <th>{t('rx.zone')}</th>
              <th>{t('rx.hrMode')}</th>
              <th>{t('rx.note')}</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((v) => (
              <tr key={v.id}>
                <td>{v.version}</td>
                <td>
                  {formatDateTime(v.effectiveFrom, language.value)}
                  {v.effectiveTo ? ` → ${formatDateTime(v.effectiveTo, language.value)}` : ''}
                </td>
                <td>{v.authorName ? <Data>{v.authorName}</Data> : '--'}</td>
                <td>{zoneSummary(v)}</td>
                <td>{v.summary ? t(MODE_KEY[v.summary.hrMode]) : '--'}</td>
                <td>{v.note ? <Data>{v.note}</Data> : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing.value ? (
        <PrescriptionEditor
          participantId={participantId}
          from={storedPrescription(current?.body)}
          onSaved={() => {
            editing.value = false;
            versions.reload();
          }}
        />
      ) : (
        <button type="button" class="btn btn-primary" onClick={() => (editing.value = true)}>
          {current ? t('rx.newVersion') : t('rx.create')}
        </button>
      )}
    </section>
  );
}
