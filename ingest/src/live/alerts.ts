import { type EngineEvent, SYSTEM_ACTOR } from '@zonewatch/clinical';
import type { Alert, SessionFrame, AlertEvent as WireAlertEvent } from '@zonewatch/protocol';
import { LeaseLostError } from '../cluster/leases.js';
import type { Registry } from '../registry/index.js';
import {
  type LiveBroadcaster,
  type LiveCore,
  ownsSite,
  type ParticipantRuntime,
  type SessionRuntime,
  siteWrite,
} from './types.js';

function usernameOf(core: LiveCore, userId: string | null): string | null {
  return userId === null ? null : (core.usernames.get(userId) ?? userId);
}

/** The alert as consoles see it after an engine event (the engine's `AlertStatus` plus who and where). */
export function wireAlert(core: LiveCore, rt: SessionRuntime, p: ParticipantRuntime, e: EngineEvent): Alert {
  const s = e.alert;
  return {
    id: e.alertId,
    sessionId: rt.info.id,
    participantId: p.participantId,
    alias: p.alias,
    rule: e.rule,
    severity: s.severity,
    ...(s.unconfirmed ? { unconfirmed: true } : {}),
    state: s.state,
    conditionCleared: s.conditionCleared,
    raisedAt: s.raisedAt,
    acknowledgedAt: s.acknowledgedAt,
    acknowledgedBy: usernameOf(core, s.acknowledgedBy),
    closedAt: s.closedAt,
    escalationLevel: s.escalationLevel,
  };
}

/**
 * Alert projection: stores and shows what the rules engine decided. Each engine event carries the alert's
 * state after it (`AlertStatus`); that state goes to the registry as given (one ordered write chain), to
 * every console of the session and to InfluxDB. Nothing here decides open/acknowledged/closed, latching or
 * re-sound.
 */
export class AlertProjection {
  private chain: Promise<unknown> = Promise.resolve();
  private broadcaster: LiveBroadcaster | undefined;

  constructor(private readonly core: LiveCore) {}

  setBroadcaster(b: LiveBroadcaster): void {
    this.broadcaster = b;
  }

  /** Sends a frame to the session's consoles at once (outside the frame timer). */
  sendFrame(frame: SessionFrame): void {
    this.broadcaster?.frame?.(frame);
  }

  /** Waits for every registry write queued so far, and for those queued meanwhile (a hand-over loses none). */
  async drain(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.chain;
      await seen;
    } while (seen !== this.chain);
  }

  /**
   * Queues a registry write for `siteId` behind every earlier one, fenced by the site's lease (a write of a
   * node that lost the site is refused by the database); a failure is counted and logged, never thrown.
   */
  registryWrite<T>(siteId: string, fn: (reg: Registry) => Promise<T>): Promise<T | undefined> {
    const run = this.chain
      .then(() => siteWrite(this.core, siteId, fn))
      .catch((e: unknown) => {
        if (e instanceof LeaseLostError) {
          this.core.counters.fencedWrites++;
          this.core.log.warn({ siteId, token: e.token }, 'registry write refused: this node lost the site');
          return undefined;
        }
        this.core.counters.registryErrors++;
        this.core.log.error(
          { err: (e as Error).message, code: (e as { code?: string }).code },
          'registry write failed',
        );
        return undefined;
      });
    this.chain = run;
    return run;
  }

  /** Stores and shows engine events at once (the registry writes follow in order). */
  handle(rt: SessionRuntime, p: ParticipantRuntime, events: readonly EngineEvent[]): void {
    this.persist(rt, p, events);
    this.show(rt, p, events);
  }

  /** Stores engine events, then shows them once the registry has them (an acknowledgement is durable first). */
  async handleDurably(
    rt: SessionRuntime,
    p: ParticipantRuntime,
    events: readonly EngineEvent[],
  ): Promise<void> {
    await this.persist(rt, p, events);
    this.show(rt, p, events);
  }

  private persist(
    rt: SessionRuntime,
    p: ParticipantRuntime,
    events: readonly EngineEvent[],
  ): Promise<unknown> {
    const site = rt.info.siteId;
    let last: Promise<unknown> = Promise.resolve();
    for (const e of events) {
      const s = e.alert;
      if (e.event === 'raised') {
        this.core.alertIndex.set(e.alertId, { session: rt, p });
        last = this.registryWrite(site, (reg) =>
          reg.alerts.raise({
            id: e.alertId,
            sessionId: rt.info.id,
            participantId: p.participantId,
            rule: e.rule,
            severity: s.severity,
            unconfirmed: s.unconfirmed,
            atMs: e.t,
          }),
        );
        continue;
      }
      const event = e.event;
      const actorId = 'actor' in e && e.actor !== SYSTEM_ACTOR ? e.actor : null;
      const note = 'note' in e ? (e.note ?? null) : null;
      last = this.registryWrite(site, (reg) =>
        reg.alerts.persist({ alertId: e.alertId, event, atMs: e.t, actorId, note, after: s }),
      );
    }
    return last;
  }

  private show(rt: SessionRuntime, p: ParticipantRuntime, events: readonly EngineEvent[]): void {
    // A node that lost the site shows nothing more of it (the new owner restored its alerts).
    if (!ownsSite(this.core, rt.info.siteId)) return;
    for (const e of events) {
      const actor = e.event === 'acknowledged' ? (usernameOf(this.core, e.actor) ?? undefined) : undefined;
      this.emit(rt, wireAlert(this.core, rt, p, e), e.event, e.t, actor);
    }
  }

  /** Updates the session's live alerts and sends the change to consoles and InfluxDB. */
  private emit(
    rt: SessionRuntime,
    alert: Alert,
    event: WireAlertEvent['event'],
    at: number,
    actor?: string,
  ): void {
    if (alert.state === 'closed') {
      rt.alerts.delete(alert.id);
      this.core.alertIndex.delete(alert.id);
    } else {
      rt.alerts.set(alert.id, alert);
    }
    const lease = this.core.deps.ownership?.token(rt.info.siteId);
    const ev: WireAlertEvent = {
      sessionId: rt.info.id,
      at,
      event,
      alert,
      ...(actor ? { actor } : {}),
      ...(lease !== undefined ? { lease } : {}),
    };
    this.broadcaster?.alert(ev);
    if (event !== 'resounded') this.core.deps.writer.writeAlertEvent({ ...ev, site: rt.info.siteId });
  }
}
