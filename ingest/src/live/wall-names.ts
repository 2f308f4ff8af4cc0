import type { Alert, AlertEvent, ParticipantLive, SessionFrame, Unnamed } from '@zonewatch/protocol';

/**
 * Who a shared screen (the class wall, its roster and alert strip) must show without a name: participant id →
 * how it shows them instead. Issue 16: the alias of a participant without wall-name consent never leaves the
 * server towards a wall; coach and clinician views of one person keep it.
 */
export type WallHidden = ReadonlyMap<string, Unnamed>;

/** The neutral alias a shared screen gets instead of the participant's own (the console words it by `unnamed`). */
export const unnamedAlias = (u: Unnamed): string => `#${u.seat}`;

function nameless<T extends { participantId: string; alias: string }>(x: T, hidden: WallHidden): T {
  const u = hidden.get(x.participantId);
  return u ? { ...x, alias: unnamedAlias(u), unnamed: u } : x;
}

/** A frame or snapshot as a shared screen may see it. */
export function wallFrame<F extends SessionFrame & { alerts?: Alert[] }>(f: F, hidden: WallHidden): F {
  if (hidden.size === 0) return f;
  const out: F = { ...f, participants: f.participants.map((p: ParticipantLive) => nameless(p, hidden)) };
  if (f.alerts) out.alerts = f.alerts.map((a) => nameless(a, hidden));
  // A made-up home session name carries its participant's alias ("Home session — {alias}").
  if (f.session?.nameCode === 'homeOf')
    out.session = { ...f.session, name: 'Home session', nameCode: 'home', nameAlias: null };
  return out;
}

/** An alert event as a shared screen may see it. */
export function wallAlertEvent(ev: AlertEvent, hidden: WallHidden): AlertEvent {
  return hidden.has(ev.alert.participantId) ? { ...ev, alert: nameless(ev.alert, hidden) } : ev;
}

/** The Socket.IO room of a session's shared screens (walls); one person's consoles join `session:<id>`. */
export const wallRoom = (sessionId: string): string => `wall:${sessionId}`;
/** The Socket.IO room of a session's private consoles (names shown). */
export const namedRoom = (sessionId: string): string => `session:${sessionId}`;
