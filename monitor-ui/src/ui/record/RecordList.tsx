import type { ReassessmentDueItem } from '@zonewatch/protocol';
import { endpoints } from '../../api/endpoints.js';
import { formatDate } from '../../format.js';
import { language, t } from '../../i18n/store.js';
import { recordApi } from '../../record/api.js';
import { dateMs } from '../../record/programme.js';
import { href } from '../../router.js';
import { useLoad } from '../admin/common.js';
import { Data } from '../Msg.js';
import { me } from '../session.js';
import { programmeName } from './Enrol.js';
import './record.css';

/** The participants of the home sessions a coach follows (the API lists only those sessions to them). */
async function followed(): Promise<{ id: string; alias: string }[]> {
  const sessions = (await endpoints.sessions({ kind: 'home' })).slice(0, 50);
  const rosters = await Promise.all(sessions.map((s) => recordApi.everyoneOn(s.id).catch(() => [])));
  const byId = new Map<string, string>();
  for (const r of rosters.flat()) byId.set(r.participantId, r.alias);
  return [...byId].map(([id, alias]) => ({ id, alias })).sort((a, b) => a.alias.localeCompare(b.alias));
}

/**
 * The participants whose records the reader may open (the API filters: a coach sees their own), with the
 * programme and a re-assessment that is due.
 */
export function RecordList() {
  const user = me.value;
  // Clinicians list their sites' participants; a coach (who may not list them) the people of the home
  // sessions they follow, from those sessions' rosters.
  const listsParticipants = !!user && user.roles.some((r) => r === 'clinician' || r === 'admin');
  const { data, error } = useLoad('records', async () => {
    const [participants, due] = await Promise.all([
      listsParticipants ? endpoints.participants() : followed(),
      listsParticipants ? recordApi.due().catch((): ReassessmentDueItem[] => []) : [],
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
