import { useSignal } from '@preact/signals';
import { createdLinkSchema, listOf, participantLinkSchema } from '@zonewatch/protocol';
import { api, enc } from '../api/client.js';
import { parseReply } from '../api/normalize.js';
import { formatDateTime } from '../format.js';
import type { MessageKey } from '../i18n/i18n.js';
import { language, t } from '../i18n/store.js';
import { ErrorLine, errorText, useLoad } from '../ui/admin/common.js';

const STATE_KEY: Readonly<Record<'active' | 'expired' | 'revoked', MessageKey>> = {
  active: 'links.active',
  expired: 'links.expired',
  revoked: 'links.revoked',
};

/**
 * On a participant's page (clinicians): issue a link to the participant's own view (shown once, to copy
 * or open on their phone), see the links with their state and last use, revoke one; and the record summary
 * as PDF.
 */
export function AccessLinks({ participantId }: { participantId: string }) {
  const base = `/participants/${enc(participantId)}`;
  const links = useLoad(
    `links-${participantId}`,
    async () => parseReply(listOf(participantLinkSchema), await api.get(`${base}/access-links`)).items,
  );
  const issued = useSignal<string | null>(null);
  const error = useSignal<string | null>(null);
  const days = useSignal(14);
  const issue = async () => {
    try {
      const made = parseReply(
        createdLinkSchema,
        await api.post(`${base}/access-links`, { validDays: days.value }),
      );
      issued.value = new URL(made.path, location.origin).toString();
      error.value = null;
      links.reload();
    } catch (err) {
      error.value = errorText(err);
    }
  };
  const revoke = async (id: string) => {
    try {
      await api.del(`${base}/access-links/${enc(id)}`);
      error.value = null;
      links.reload();
    } catch (err) {
      error.value = errorText(err);
    }
  };
  const lang = language.value;
  return (
    <div class="access-links">
      <p>
        <a class="btn" href={`/api${base}/record.pdf?lang=${enc(lang)}`} download>
          {t('links.recordPdf')}
        </a>
      </p>
      <p class="field-inline">
        <label>
          {t('links.validDays')}{' '}
          <input
            type="number"
            name="validDays"
            min={1}
            max={90}
            value={days.value}
            onInput={(e) => {
              days.value = Number(e.currentTarget.value) || 14;
            }}
          />
        </label>{' '}
        <button type="button" class="btn btn-primary" onClick={issue}>
          {t('links.issue')}
        </button>
      </p>
      {issued.value && (
        <p class="hint" role="status">
          {t('links.issued')} <input class="link-once" readOnly value={issued.value} translate={false} />
        </p>
      )}
      <ErrorLine error={error.value ?? links.error.value} />
      {(links.data.value ?? []).length > 0 && (
        <table class="table">
          <thead>
            <tr>
              <th>{t('links.created')}</th>
              <th>{t('links.expires')}</th>
              <th>{t('links.state')}</th>
              <th>{t('links.uses')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(links.data.value ?? []).map((l) => (
              <tr key={l.id} data-link={l.id} data-state={l.state}>
                <td>{formatDateTime(l.createdAt, lang)}</td>
                <td>{formatDateTime(l.expiresAt, lang)}</td>
                <td>{t(STATE_KEY[l.state])}</td>
                <td>{l.useCount}</td>
                <td>
                  {l.state === 'active' && (
                    <button type="button" class="btn btn-small btn-danger" onClick={() => revoke(l.id)}>
                      {t('links.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
