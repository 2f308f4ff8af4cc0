import type { Unnamed } from '@zonewatch/protocol';
import type { MessageKey, MessageParams } from '../i18n/i18n.js';
import type { AlertEntry, LiveState } from './state.js';

type Translate = (key: MessageKey, params?: MessageParams) => string;

/**
 * A participant the server sends to a shared screen without their alias (no wall-name consent, issue 16)
 * gets a label in the console's language instead: their seat in the session and the device they wear.
 */
export function labelUnnamed<T extends { alias: string; unnamed?: Unnamed | undefined }>(
  x: T,
  t: Translate,
): T {
  const u = x.unnamed;
  if (!u) return x;
  const alias = u.deviceId
    ? t('live.unnamedDevice', { seat: u.seat, device: u.deviceId })
    : t('live.unnamed', { seat: u.seat });
  return { ...x, alias };
}

/**
 * The alerts of a state shown under the name the latest frame gives their participant: a wall-name consent
 * withdrawn (or an alias renamed) during a session reaches the alert strip with the next frame, not only the
 * tiles.
 */
export function alertsNamedAsFrame(s: LiveState): LiveState {
  const names = new Map(s.participants.map((p) => [p.participantId, p]));
  let alerts: Record<string, AlertEntry> | null = null;
  for (const [id, e] of Object.entries(s.alerts)) {
    const p = names.get(e.alert.participantId);
    if (!p || p.alias === e.alert.alias) continue;
    alerts ??= { ...s.alerts };
    const { unnamed: _, ...alert } = e.alert;
    alerts[id] = { ...e, alert: { ...alert, alias: p.alias, ...(p.unnamed ? { unnamed: p.unnamed } : {}) } };
  }
  return alerts ? { ...s, alerts } : s;
}
