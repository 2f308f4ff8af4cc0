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
/** A queued registry write and who waits for its result. */
interface QueuedWrite {
  fn: (reg: Registry) => Promise<unknown>;
  done(result: unknown): void;
  /** The site's lease token when the write was queued (leases only; `null`: the site was not held). */
  token: number | null | undefined;
  /** What the write stores, for the log should it fail (ids and an event name: never health data). */
  what?: { alertId: string; event: string };
}

/** Most writes of one site stored in one transaction. */
const WRITE_BATCH = 200;

export class AlertProjection {
  /** Registry writes waiting, per site, in the order they were queued. */
  private readonly queues = new Map<string, QueuedWrite[]>();
  /** The site's writer while it has writes to do (one per site: a site's writes stay in order). */
  private readonly pumps = new Map<string, Promise<void>>();
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
    while (this.pumps.size) await Promise.all(this.pumps.values());
  }

  /**
   * Queues a registry write for `siteId` behind every earlier one of the site, fenced by the site's lease (a
   * write of a node that lost the site is refused by the database); a failure is counted and logged, never
   * thrown. What queued up meanwhile is stored together, in one transaction of at most {@link WRITE_BATCH}:
   * a burst (every participant's signal lost and back, on a restart of a big class) costs a few commits, not
   * thousands, and a node that lost the site refuses its whole queue at once.
   */
  registryWrite<T>(
    siteId: string,
    fn: (reg: Registry) => Promise<T>,
    what?: QueuedWrite['what'],
  ): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve) => {
      const queue = this.queues.get(siteId) ?? [];
      this.queues.set(siteId, queue);
      const o = this.core.deps.ownership;
      queue.push({
        fn,
        done: resolve as (result: unknown) => void,
        token: o ? (o.token(siteId) ?? null) : undefined,
        what,
      });
      if (!this.pumps.has(siteId)) {
        const pump = this.pump(siteId).finally(() => this.pumps.delete(siteId));
        this.pumps.set(siteId, pump);
      }
    });
  }

  private async pump(siteId: string): Promise<void> {
    for (;;) {
      const queue = this.queues.get(siteId);
      if (!queue?.length) {
        this.queues.delete(siteId);
        return;
      }
      // A batch holds writes of one lease only: those of an earlier lease are refused, not stored under this one.
      let n = 1;
      while (n < queue.length && n < WRITE_BATCH && queue[n]!.token === queue[0]!.token) n++;
      await this.writeBatch(siteId, queue.splice(0, n));
    }
  }

  private async writeBatch(siteId: string, batch: QueuedWrite[]): Promise<void> {
    const token = batch[0]!.token;
    try {
      if (token === null) throw new LeaseLostError(siteId, 0);
      const results = await siteWrite(
        this.core,
        siteId,
        (reg) =>
          reg.transaction(async (tx) => {
            const out: unknown[] = [];
            for (const w of batch) out.push(await w.fn(tx));
            return out;
          }),
        token,
      );
      for (const [i, w] of batch.entries()) w.done(results[i]);
    } catch (e) {
      if (e instanceof LeaseLostError) {
        // Everything queued under the same lease goes with it (a later lease's writes stay queued).
        const queue = this.queues.get(siteId) ?? [];
        const same = queue.filter((w) => w.token === token);
        this.queues.set(
          siteId,
          queue.filter((w) => w.token !== token),
        );
        const refused = [...batch, ...same];
        this.core.counters.fencedWrites += refused.length;
        this.core.log.warn(
          { siteId, token: e.token, writes: refused.length },
          'registry writes refused: this node lost the site',
        );
        for (const w of refused) w.done(undefined);
        return;
      }
      // One bad write must not take the others with it: the batch was rolled back, so each goes again alone.
      if (batch.length > 1) {
        for (const w of batch) await this.writeBatch(siteId, [w]);
        return;
      }
      this.core.counters.registryErrors++;
      this.core.log.error(
        { err: (e as Error).message, code: (e as { code?: string }).code, ...batch[0]?.what },
        'registry write failed',
      );
      batch[0]?.done(undefined);
    }
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
        last = this.registryWrite(
          site,
          (reg) =>
            reg.alerts.raise({
              id: e.alertId,
              sessionId: rt.info.id,
              participantId: p.participantId,
              rule: e.rule,
              severity: s.severity,
              unconfirmed: s.unconfirmed,
              atMs: e.t,
            }),
          { alertId: e.alertId, event: 'raised' },
        );
        continue;
      }
      const event = e.event;
      const actorId = 'actor' in e && e.actor !== SYSTEM_ACTOR ? e.actor : null;
      const note = 'note' in e ? (e.note ?? null) : null;
      last = this.registryWrite(
        site,
        (reg) => reg.alerts.persist({ alertId: e.alertId, event, atMs: e.t, actorId, note, after: s }),
        { alertId: e.alertId, event },
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
