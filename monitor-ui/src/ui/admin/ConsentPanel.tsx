import { useSignal } from '@preact/signals';
import { CONSENT_PURPOSES, type ConsentPurpose, type ConsentRecordView } from '@zonewatch/protocol';
import { endpoints } from '../../api/endpoints.js';
import { formatDateTime } from '../../format.js';
import type { MessageKey } from '../../i18n/i18n.js';
import { language, t } from '../../i18n/store.js';
import { Data } from '../Msg.js';
import { me } from '../session.js';
import { ErrorLine, errorText, useLoad } from './common.js';

const PURPOSE_KEY: Readonly<Record<ConsentPurpose, MessageKey>> = {
  'wall-name': 'consent.purpose.wall-name',
  'home-monitoring': 'consent.purpose.home-monitoring',
  'hospital-sharing': 'consent.purpose.hospital-sharing',
};

function stateText(r: ConsentRecordView | null): string {
  if (!r) return t('consent.never');
  return t(r.granted ? 'consent.granted' : 'consent.withdrawn');
}

function who(r: ConsentRecordView): string {
  return r.recordedByName ?? r.recordedBy ?? t('consent.bySystem');
}

/**
 * A participant's consent per purpose (issue 16): what is in force (granted or withdrawn, under which notice
 * version, when, by whom) and every decision recorded; a clinician or admin records a grant or a withdrawal
 * with the notice version the participant was shown. Without home-monitoring consent no home session
 * starts; without wall-name consent the class wall shows them by seat.
 */
export function ConsentPanel({ participantId }: { participantId: string }) {
  const consent = useLoad(participantId, () => endpoints.consent(participantId));
  const notice = useSignal('');
  const note = useSignal('');
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const canRecord = me.value?.roles.some((r) => r === 'clinician' || r === 'admin') ?? false;
  const lang = language.value;
  const record = async (purpose: ConsentPurpose, granted: boolean) => {
    if (!notice.value.trim()) {
      error.value = t('consent.noticeRequired');
      return;
    }
    busy.value = true;
    try {
      await endpoints.recordConsent(participantId, {
        purpose,
        granted,
        noticeVersion: notice.value.trim(),
        ...(note.value.trim() ? { note: note.value.trim() } : {}),
      });
      error.value = null;
      note.value = '';
      consent.reload();
    } catch (e) {
      error.value = errorText(e);
    } finally {
      busy.value = false;
    }
  };
  const data = consent.data.value;
  return (
    <div data-testid="consent">
      <p class="muted">{t('consent.help')}</p>
      <ErrorLine error={consent.error.value} />
      {data && (
        <table class="table" data-testid="consent-current">
          <thead>
            <tr>
              <th>{t('consent.purpose')}</th>
              <th>{t('consent.state')}</th>
              <th>{t('consent.notice')}</th>
              <th>{t('consent.when')}</th>
              <th>{t('consent.by')}</th>
              {canRecord && <th>{t('consent.change')}</th>}
            </tr>
          </thead>
          <tbody>
            {CONSENT_PURPOSES.map((purpose) => {
              const r = data.current[purpose];
              return (
                <tr key={purpose} data-purpose={purpose} data-granted={r ? String(r.granted) : 'never'}>
                  <td>{t(PURPOSE_KEY[purpose])}</td>
                  <td>{stateText(r)}</td>
                  <td>{r ? <Data>{r.noticeVersion}</Data> : '--'}</td>
                  <td>{r ? <Data>{formatDateTime(r.recordedAt, lang)}</Data> : '--'}</td>
                  <td>{r ? <Data>{who(r)}</Data> : '--'}</td>
                  {canRecord && (
                    <td>
                      {r?.granted ? (
                        <button
                          type="button"
                          class="btn btn-small"
                          name={`withdraw-${purpose}`}
                          disabled={busy.value}
                          onClick={() => void record(purpose, false)}
                        >
                          {t('consent.withdraw')}
                        </button>
                      ) : (
                        <button
                          type="button"
                          class="btn btn-small"
                          name={`grant-${purpose}`}
                          disabled={busy.value}
                          onClick={() => void record(purpose, true)}
                        >
                          {t('consent.grant')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {canRecord && (
        <p class="row">
          <label>
            {t('consent.noticeVersion')}{' '}
            <input
              name="consent-notice"
              value={notice.value}
              maxLength={64}
              placeholder={data?.history.at(-1)?.noticeVersion ?? ''}
              onInput={(e) => (notice.value = e.currentTarget.value)}
            />
          </label>{' '}
          <label>
            {t('consent.note')}{' '}
            <input
              name="consent-note"
              value={note.value}
              maxLength={1000}
              onInput={(e) => (note.value = e.currentTarget.value)}
            />
          </label>
        </p>
      )}
      <ErrorLine error={error.value} />
      {data && data.history.length > 0 && (
        <details>
          <summary>{t('consent.history')}</summary>
          <ul class="plain" data-testid="consent-history">
            {[...data.history].reverse().map((r) => (
              <li key={r.id}>
                <Data>{formatDateTime(r.recordedAt, lang)}</Data> · {t(PURPOSE_KEY[r.purpose])} ·{' '}
                {stateText(r)} · {t('consent.noticeShort')} <Data>{r.noticeVersion}</Data> ·{' '}
                <Data>{who(r)}</Data>
                {r.note && (
                  <>
                    {' '}
                    · <Data>{r.note}</Data>
                  </>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
