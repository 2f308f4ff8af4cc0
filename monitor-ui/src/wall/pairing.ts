import type { UnboundDevice } from '@zonewatch/protocol';

export interface TapResult {
  /** The device that appeared since pairing started (the most recently seen, if several did). */
  candidate: UnboundDevice | null;
  /** Other devices that appeared too: the instructor must choose, nothing is guessed. */
  alsoNew: UnboundDevice[];
}

/**
 * "Tap the strap": a strap starts transmitting when it is put on or tapped, so it appears in the server's
 * list of unbound devices. Devices already listed when pairing started (`baseline`) are ignored — a strap
 * that streams all along cannot be told apart by a tap. Among what is new, the most recent is proposed;
 * registered devices first, since only those can be bound.
 */
export function tappedDevice(baseline: ReadonlySet<string>, current: readonly UnboundDevice[]): TapResult {
  const fresh = current.filter((d) => !baseline.has(d.deviceId));
  fresh.sort(
    (a, b) =>
      Number(b.registered) - Number(a.registered) ||
      b.lastSeenAt - a.lastSeenAt ||
      a.deviceId.localeCompare(b.deviceId),
  );
  return { candidate: fresh[0] ?? null, alsoNew: fresh.slice(1) };
}
