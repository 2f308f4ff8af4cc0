import type { ReassessmentDueItem } from '@zonewatch/protocol';
import { endpoints } from '../../api/endpoints.js';
import { formatDate } from '../../format.js';
import { language, t } from '../../i18n/store.js';
import { recordApi } from '../../record/api.js';
import { dateMs } from '../../record/programme.js';
import { href } from '../../router.js';
import { useLoad } from '../admin/common.js';
import { Data } from '../Msg.js';
import { programmeName } from './Enrol.js';
import './record.css';

/**
 * The participants whose records the reader may open (the API filters: a coach sees their own), with the
 * programme and a re-assessment that is due.
 */
export function RecordList() {
  const { data, error } = useLoad('records', async () => {
    const [participants, due] = await Promise.all([
      endpoints.participants(),
      recordApi.due().catch((): ReassessmentDueItem[] => []),
    ]);
    return participants.map((p) => ({ p, due: due.find((d) => d.participantId === p.id) ?? null }));
  });
  const items = data.value;
  return (
    <main class="page record-list">
      <h1>{t('record.listTitle')}</h1>
      <p class="muted">{t('record.listHint')}</p>
      {error.value && (
        <p class="error" role="alert">
          <Data>{error.value}</Data>
        </p>
      )}
      {items === null ? (
        !error.value && <p>{t('common.loading')}</p>
      ) : items.length === 0 ? (
        <p class="muted">{t('participants.none')}</p>
      ) : (
        <table class="table" data-testid="record-list">
          <thead>
            <tr>
              <th>{t('participants.alias')}</th>
              <th>{t('record.enrol.programme')}</th>
              <th>{t('record.reassessment')}</th>
              <th>
                <span class="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map(({ p, due }) => (
              <tr key={p.id} data-participant-row={p.id}>
                <td>
                  <Data>{p.alias}</Data>
                </td>
                <td>{due ? programmeName({ preset: due.preset, name: due.programmeName }) : '--'}</td>
                <td>
                  {due ? (
                    <span class="notice-chip" data-testid="due">
                      {t('record.reassessmentDue')} {formatDate(dateMs(due.next.dueDate), language.value)}
                    </span>
                  ) : (
                    '--'
                  )}
                </td>
                <td class="actions">
                  <a class="btn" href={href({ name: 'record', participantId: p.id })}>
                    {t('record.open')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
