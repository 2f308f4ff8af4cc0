import type { Unnamed } from '@zonewatch/protocol';
import { t } from '../i18n/store.js';

/**
 * A participant the server sends to a shared screen without their alias (no wall-name consent, issue 16)
 * gets a label in the console's language instead: their seat in the session and the device they wear.
 */
export function labelUnnamed<T extends { alias: string; unnamed?: Unnamed | undefined }>(x: T): T {
  const u = x.unnamed;
  if (!u) return x;
  const alias = u.deviceId
    ? t('live.unnamedDevice', { seat: u.seat, device: u.deviceId })
    : t('live.unnamed', { seat: u.seat });
  return { ...x, alias };
}
