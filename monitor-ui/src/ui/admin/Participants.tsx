import { useSignal } from '@preact/signals';
import { endpoints } from '../../api/endpoints.js';
import type { Me } from '../../api/types.js';
import { t } from '../../i18n/store.js';
import { href } from '../../router.js';
import { Data } from '../Msg.js';
import { ErrorLine, SitePicker, useLoad } from './common.js';

export function Participants({ me }: { me: Me }) {
  const site = useSignal(me.siteIds[0] ?? '');
  const { data, error } = useLoad(site.value || null, () => endpoints.participants(site.value));
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
              <tr key={p.id}>
                <td>
                  <Data>{p.alias}</Data>
                </td>
                <td>{p.active === false ? t('common.no') : t('common.yes')}</td>
                <td>
                  <a class="btn" href={href({ name: 'admin', section: 'participants', id: p.id })}>
                    {t('participants.open')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
