import type { EngineEvent } from '@zonewatch/clinical';
import type { Alert, AlertEvent as WireAlertEvent } from '@zonewatch/protocol';
import type { LiveBroadcaster, LiveCore, ParticipantRuntime, SessionRuntime } from './types.js';

/**
 * Alert projection: turns the rules engine's events into the consoles' view of each alert (broadcast at
 * once), the registry's audit trail (one ordered write chain) and InfluxDB alert events.
 */
export class AlertProjection {
  private chain: Promise<unknown> = Promise.resolve();
  private broadcaster: LiveBroadcaster | undefined;

  constructor(private readonly core: LiveCore) {}

  setBroadcaster(b: LiveBroadcaster): void {
    this.broadcaster = b;
  }

  /** Waits for every registry write queued so far. */
  async drain(): Promise<void> {
    await this.chain;
  }

  /** Queues a registry write behind every earlier one; a failure is counted and logged, never thrown. */
  registryWrite<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const run = this.chain.then(fn).catch((e: unknown) => {
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

  handle(rt: SessionRuntime, p: ParticipantRuntime, events: readonly EngineEvent[]): void {
    const registry = this.core.deps.registry;
    for (const e of events) {
      const prev = rt.alerts.get(e.alertId);
      let next: Alert | undefined;
      switch (e.event) {
        case 'raised':
          next = {
            id: e.alertId,
            sessionId: rt.info.id,
            participantId: p.participantId,
            alias: p.alias,
            rule: e.rule,
            severity: e.severity,
            ...(e.unconfirmed ? { unconfirmed: true } : {}),
            state: 'open',
            conditionCleared: false,
            raisedAt: e.t,
            acknowledgedAt: null,
            acknowledgedBy: null,
            closedAt: null,
            escalationLevel: 0,
          };
          this.core.alertIndex.set(e.alertId, { session: rt, p });
          this.registryWrite(() =>
            registry.alerts.raise({
              id: e.alertId,
              sessionId: rt.info.id,
              participantId: p.participantId,
              rule: e.rule,
              severity: e.severity,
              unconfirmed: e.unconfirmed === true,
              atMs: e.t,
            }),
          );
          break;
        case 'upgraded':
          if (!prev) continue;
          next = {
            ...prev,
            severity: e.severity,
            escalationLevel: 0,
            state: prev.state === 'acknowledged' ? 'open' : prev.state,
          };
          if (e.unconfirmed) next.unconfirmed = true;
          else delete next.unconfirmed;
          this.registryWrite(() =>
            registry.alerts.recordEvent({
              alertId: e.alertId,
              event: 'upgraded',
              atMs: e.t,
              severity: e.severity,
              unconfirmed: e.unconfirmed === true,
            }),
          );
          break;
        case 'cleared':
          if (!prev) continue;
          next = { ...prev, conditionCleared: true };
          this.registryWrite(() =>
            registry.alerts.recordEvent({ alertId: e.alertId, event: 'cleared', atMs: e.t }),
          );
          break;
        case 'escalated':
          if (!prev) continue;
          next = { ...prev, escalationLevel: e.level };
          this.registryWrite(() =>
            registry.alerts.recordEvent({
              alertId: e.alertId,
              event: 'escalated',
              atMs: e.t,
              escalationLevel: e.level,
            }),
          );
          break;
        case 'resounded':
          if (!prev) continue;
          next = { ...prev, state: 'open' };
          this.registryWrite(() =>
            registry.alerts.recordEvent({ alertId: e.alertId, event: 'resounded', atMs: e.t }),
          );
          break;
        case 'acknowledged':
          // Recorded by acknowledge() before the engine sees it.
          if (!prev) continue;
          next = { ...prev, state: 'acknowledged', acknowledgedAt: prev.acknowledgedAt ?? e.t };
          break;
        case 'closed':
          // The registry closes an alert by the same invariant (cleared, and acknowledged if critical).
          if (!prev) continue;
          next = { ...prev, state: 'closed', closedAt: e.t };
          break;
      }
      if (!next) continue;
      this.emit(rt, next, e.event, e.t, e.event === 'acknowledged' ? e.actor : undefined);
    }
  }

  /** Updates the session's live alerts and sends the change to consoles and InfluxDB. */
  emit(rt: SessionRuntime, alert: Alert, event: WireAlertEvent['event'], at: number, actor?: string): void {
    if (alert.state === 'closed') {
      rt.alerts.delete(alert.id);
      this.core.alertIndex.delete(alert.id);
    } else {
      rt.alerts.set(alert.id, alert);
    }
    const ev: WireAlertEvent = { sessionId: rt.info.id, at, event, alert, ...(actor ? { actor } : {}) };
    this.broadcaster?.alert(ev);
    if (event !== 'resounded') this.core.deps.writer.writeAlertEvent({ ...ev, site: rt.info.siteId });
  }
}
