import type { Alert } from '@zonewatch/protocol';

/**
 * The seam between the REST API and the live service (`ingest/src/live`, owned by the lead). Routes that
 * change live state call it after their registry write has committed.
 */
export interface LiveControl {
  /** After registry.sessions.start: load roster + prescriptions, create rule states, open the live room. */
  sessionStarted(sessionId: string): Promise<void>;
  /** After registry.sessions.end: final rules tick, write session reports, close alerts, close the room. */
  sessionEnded(sessionId: string): Promise<void>;
  /** After the class moved to another phase (issue 14). */
  phaseChanged(sessionId: string): Promise<void>;
  /** After a roster bind/unbind. */
  rosterChanged(sessionId: string): Promise<void>;
  /** After a new prescription version (live sessions pick it up). */
  prescriptionChanged(participantId: string): Promise<void>;
  /** After a participant's alias changed (running walls and new snapshots show the new one at once). */
  participantChanged(participantId: string): Promise<void>;
  /**
   * The session an alert belongs to: the live state first (a just-raised alert may not be committed yet),
   * then the registry; undefined for an unknown alert.
   */
  alertSession(alertId: string): Promise<{ id: string; siteId: string; kind: 'class' | 'home' } | undefined>;
  /**
   * Acknowledge an alert: records it in the registry, updates rule state, broadcasts. No access check: call
   * it through `acknowledgeAs` (`acknowledge.ts`), which applies the role rule and writes the audit entry.
   */
  acknowledge(
    alertId: string,
    actor: { userId: string; username: string },
    note?: string,
  ): Promise<
    { ok: true; alert: Alert } | { ok: false; code: 'not-found' | 'already-closed' | 'already-acknowledged' }
  >;
  /**
   * Each participant's down-sampled trace of the last `withinMs` of a live session (empty when the session
   * is not live here): what a live chart opened mid-session starts with.
   */
  recentTrace(
    sessionId: string,
    withinMs: number,
  ): { participantId: string; points: { at: number; hr: number | null; spo2: number | null }[] }[];
  /**
   * Devices of a site seen on the wire in the last `withinMs` that no active session binds (pairing: "tap the
   * strap"): the newest `limit`, and how many more matched.
   */
  unboundDevices(
    siteId: string,
    withinMs: number,
    limit?: number,
  ): {
    devices: {
      deviceId: string;
      kind: string | null;
      lastSeenAt: number;
      /** Delivered data for this participant in the last 5 minutes (pairing it to someone else warns). */
      recentlyWornBy?: { participantId: string; alias: string; lastDataAt: number } | null;
    }[];
    omitted: number;
  };
}
