import { useSignal } from '@preact/signals';
import type { ApiDevice } from '@zonewatch/protocol';
import { useEffect } from 'preact/hooks';
import { endpoints } from '../../api/endpoints.js';
import { t } from '../../i18n/store.js';
import { deviceKindKey } from '../labels.js';
import { Data } from '../Msg.js';
import { errorText } from './common.js';

/**
 * Devices assigned to this participant ahead of class (issue 14): bound to them automatically when a class
 * session starts and the device is on the wire. Assign a free device of the site, or free an assigned one.
 */
export function OwnedDevices({ participantId, siteId }: { participantId: string; siteId: string }) {
  const devices = useSignal<ApiDevice[] | null>(null);
  const choice = useSignal('');
  const error = useSignal<string | null>(null);
  const load = async () => {
    try {
      devices.value = (await endpoints.devices()).filter((d) => d.siteId === siteId && d.retiredAt === null);
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    }
  };
  useEffect(() => void load(), [participantId, siteId]);
  const setOwner = async (deviceId: string, owner: string | null) => {
    try {
      await endpoints.setDeviceOwner(deviceId, owner);
      choice.value = '';
      await load();
    } catch (e) {
      error.value = errorText(e);
    }
  };
  const mine = (devices.value ?? []).filter((d) => d.ownerParticipantId === participantId);
  const free = (devices.value ?? []).filter((d) => !d.ownerParticipantId);
  return (
    <div data-testid="owned-devices">
      <p class="muted">{t('owned.help')}</p>
      {mine.length === 0 ? (
        <p class="muted">{t('owned.none')}</p>
      ) : (
        <ul class="plain">
          {mine.map((d) => (
            <li key={d.id} data-device={d.id}>
              <Data>{d.id}</Data> · {t(deviceKindKey(d.kind))}{' '}
              <button type="button" class="btn btn-small" onClick={() => void setOwner(d.id, null)}>
                {t('owned.free')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {free.length > 0 && (
        <p class="row">
          <label>
            {t('owned.assignLabel')}{' '}
            <select
              name="owned-device"
              value={choice.value}
              onChange={(e) => (choice.value = e.currentTarget.value)}
            >
              <option value="">{t('roster.choose')}</option>
              {free.map((d) => (
                <option key={d.id} value={d.id} translate={false}>
                  {d.id}
                </option>
              ))}
            </select>
          </label>{' '}
          <button
            type="button"
            class="btn"
            disabled={!choice.value}
            onClick={() => void setOwner(choice.value, participantId)}
          >
            {t('owned.assign')}
          </button>
        </p>
      )}
      {error.value && (
        <p class="error" role="alert">
          <Data>{error.value}</Data>
        </p>
      )}
    </div>
  );
}
