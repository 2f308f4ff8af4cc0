import type { Freshness } from '@zonewatch/protocol';

/** Console-side timing (CLINICAL-RULES.md sections 2 and 4). */
export const LINK_SETTINGS = {
  /** Without any live message for this long the console raises its own "live link lost" alarm (ms). */
  lostAfterMs: 10_000,
  /** Values older than this (by the console's clock since the frame arrived) are shown greyed (ms). */
  staleAfterMs: 5_000,
  /** Values older than this are not shown at all ("--") (ms). */
  goneAfterMs: 15_000,
} as const;

/**
 * `connecting`: no snapshot yet and not yet overdue; `live`: frames arriving; `interrupted`: the socket
 * dropped or frames stopped, still within the grace time; `lost`: the technical alarm is on.
 */
export type LinkState = 'connecting' | 'live' | 'interrupted' | 'lost' | 'ended';

export interface LinkInput {
  /** The socket is connected and the session joined. */
  joined: boolean;
  /** Console clock of the last snapshot or frame, null before the first. */
  lastMessageAt: number | null;
  /** Console clock when this view started listening. */
  startedAt: number;
  now: number;
  /** The session has ended: nothing more will come, and that is no fault of the link (issue 14). */
  ended?: boolean;
}

/** The link state; "lost" after `lostAfterMs` without a snapshot or frame, whatever the socket says. */
export function linkState(i: LinkInput, settings: { lostAfterMs: number } = LINK_SETTINGS): LinkState {
  if (i.ended) return 'ended';
  const silentFor = i.now - (i.lastMessageAt ?? i.startedAt);
  if (silentFor >= settings.lostAfterMs) return 'lost';
  if (i.lastMessageAt === null) return 'connecting';
  // Frames come every second: two missed ones mean the link is in trouble even if the socket looks up.
  return i.joined && silentFor < 2_500 ? 'live' : 'interrupted';
}

const ORDER: Readonly<Record<Freshness, number>> = { live: 0, stale: 1, lost: 2 };

/**
 * Freshness to display: the server's verdict at frame time, aged by the time since the frame arrived, so
 * frozen values never look live when frames stop coming.
 */
export function displayFreshness(
  server: Freshness,
  frameAgeMs: number,
  settings: { staleAfterMs: number; goneAfterMs: number } = LINK_SETTINGS,
): Freshness {
  const local: Freshness =
    frameAgeMs >= settings.goneAfterMs ? 'lost' : frameAgeMs >= settings.staleAfterMs ? 'stale' : 'live';
  return ORDER[local] > ORDER[server] ? local : server;
}
