import { useSignal } from '@preact/signals';
import type { ProgrammeView } from '@zonewatch/protocol';
import { t } from '../../i18n/store.js';
import { PROGRAMME_PRESET_KEY } from '../../record/labels.js';
import { errorFields, errorText, useLoad } from '../admin/common.js';
import { Data } from '../Msg.js';

export function programmeName(p: { preset: string | null; name: string }) {
  const key = p.preset ? PROGRAMME_PRESET_KEY[p.preset] : undefined;
  return key ? t(key) : <Data>{p.name}</Data>;
}

/**
 * Enrols the participant in one of the centre's programmes. Home sessions for a high-risk participant need
 * the clinician's explicit override with a reason (the server audits it and refuses without it).
 */
export function EnrolForm({
  highRisk,
  today,
  programmes,
  enrol,
  onDone,
  onCancel,
}: {
  highRisk: boolean;
  today: string;
  programmes(): Promise<ProgrammeView[]>;
  enrol(body: {
    programmeId: string;
    startDate: string;
    homeSessions: boolean;
    highRiskOverride?: { reason: string };
  }): Promise<void>;
  onDone(): void;
  onCancel(): void;
}) {
  const list = useLoad('programmes', programmes);
  const programmeId = useSignal('');
  const startDate = useSignal(today);
  const home = useSignal(false);
  const override = useSignal('');
  const error = useSignal<string | null>(null);
  const fields = useSignal<Record<string, string>>({});
  const items = list.data.value ?? [];
  const chosen = programmeId.value || items[0]?.id || '';
  const needsOverride = highRisk && home.value;
  const submit = async (e: Event) => {
    e.preventDefault();
    error.value = null;
    try {
      await enrol({
        programmeId: chosen,
        startDate: startDate.value,
        homeSessions: home.value,
        ...(needsOverride && override.value.trim()
          ? { highRiskOverride: { reason: override.value.trim() } }
          : {}),
      });
      onDone();
    } catch (err) {
      error.value = errorText(err);
      fields.value = errorFields(err);
    }
  };
  return (
    <form class="record-card" onSubmit={submit} data-testid="enrol-form">
      <h2>{t('record.enrol.title')}</h2>
      <div class="form-grid">
        <label class="field">
          <span class="field-label">{t('record.enrol.programme')}</span>
          <select
            name="programme"
            value={chosen}
            onChange={(e) => (programmeId.value = e.currentTarget.value)}
          >
            {items.map((p) => (
              <option key={p.id} value={p.id}>
                {p.preset && PROGRAMME_PRESET_KEY[p.preset]
                  ? t(PROGRAMME_PRESET_KEY[p.preset] as never)
                  : p.name}
                {' — '}
                {t('record.enrol.shape', { sessions: p.totalSessions, weeks: p.weeks })}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="field-label">{t('record.enrol.start')}</span>
          <input
            type="date"
            name="startDate"
            value={startDate.value}
            onInput={(e) => (startDate.value = e.currentTarget.value)}
          />
        </label>
        <label class="field-check">
          <input
            type="checkbox"
            name="homeSessions"
            checked={home.value}
            onChange={(e) => (home.value = e.currentTarget.checked)}
          />{' '}
          {t('record.enrol.home')}
        </label>
      </div>
      {needsOverride && (
        <label class={`field${fields.value['highRiskOverride.reason'] ? ' field-invalid' : ''}`}>
          <span class="field-label">{t('record.enrol.override')}</span>
          <span class="field-hint">{t('record.enrol.overrideHint')}</span>
          <input
            name="override"
            value={override.value}
            onInput={(e) => (override.value = e.currentTarget.value)}
          />
        </label>
      )}
      {list.error.value && (
        <p class="error">
          <Data>{list.error.value}</Data>
        </p>
      )}
      {error.value && (
        <p class="error" role="alert">
          <Data>{error.value}</Data>
        </p>
      )}
      <div class="record-actions">
        <button type="submit" class="btn btn-primary" disabled={!chosen}>
          {t('record.enrol.submit')}
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
