import type { MeSession } from '@zonewatch/protocol';
import type { MessageKey, MessageParams } from '../i18n/i18n.js';

type T = (key: MessageKey, params?: MessageParams) => string;

/**
 * The plain-language sentences of a session, composed from translated templates and the report's figures:
 * "You spent 24 of 30 minutes in your zone. Your heart rate came down 18 beats in the first minute after
 * exercise."
 */
export function sessionSentences(t: T, s: MeSession): string[] {
  const inZone = Math.round(s.minutesInZone);
  const out = [
    s.targetMinutesInZone
      ? t('me.summaryMinutes', { in: inZone, target: Math.round(s.targetMinutesInZone) })
      : t('me.summaryMinutesNoTarget', { in: inZone }),
  ];
  if (s.hrRecoveryDropBpm !== null && s.hrRecoveryDropBpm > 0)
    out.push(t('me.summaryRecovery', { drop: Math.round(s.hrRecoveryDropBpm) }));
  out.push(s.alertCount > 0 ? t('me.summaryAlerts', { n: s.alertCount }) : t('me.summaryNoAlerts'));
  return out;
}

/** A date (and time) in the centre's time zone, in the page's language. */
export function dateIn(ms: number, tz: string, lang: string, withTime = true): string {
  return new Intl.DateTimeFormat(lang, {
    timeZone: tz,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: withTime ? 'short' : undefined,
    ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
  }).format(new Date(ms));
}

/** `MM-DD` in the centre's time zone (chart labels). */
export function shortDate(ms: number, tz: string): string {
  const p = new Intl.DateTimeFormat('en-CA', { timeZone: tz, month: '2-digit', day: '2-digit' }).format(
    new Date(ms),
  );
  return p.replace('/', '-');
}

/** `HH:mm` in the centre's time zone. */
export function timeIn(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(ms));
}
