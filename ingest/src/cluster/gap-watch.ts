import type { SessionNotice } from '@zonewatch/protocol';
import type { Logger } from 'pino';
import type { Registry } from '../registry/index.js';
import type { SiteLeases } from './leases.js';

export interface GapWatchOptions {
  leases: SiteLeases;
  registry: Registry;
  logger: Logger;
  /** An owner silent (no renewal) this long is gone (ms): two renewals missed plus slack. */
  gapAfterMs: number;
  /** How often leases are looked at (ms). */
  intervalMs: number;
  /** Sends a notice to this node's consoles of the session. */
  emit(notice: SessionNotice): void;
  clock?: () => number;
}

/**
 * A silent gap is itself an alarm (issue 18). Every node looks at the leases of sites with an active
 * session: one whose owner stopped renewing (or whose lease expired, or that nobody holds) is unmonitored,
 * and every console of its sessions *on this node* is told `monitoring-interrupted` at every look until a
 * node holds the site again, then `monitoring-restored` once. Each node tells only its own consoles, so a
 * console hears it whichever node it is on, even when Redis is what failed.
 */
export class GapWatch {
  /** siteId → since when (owner's last renewal, database clock) it is unmonitored. */
  private readonly interrupted = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private readonly clock: () => number;

  constructor(private readonly o: GapWatchOptions) {
    this.clock = o.clock ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => void this.look(), this.o.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Sites unmonitored now, with since when. */
  gaps(): { siteId: string; since: number }[] {
    return [...this.interrupted].map(([siteId, since]) => ({ siteId, since }));
  }

  async look(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const [leases, sessions] = await Promise.all([this.o.leases.list(), this.o.registry.sessions.active()]);
      const lease = new Map(leases.map((l) => [l.siteId, l]));
      const bySite = new Map<string, string[]>();
      for (const s of sessions) bySite.set(s.siteId, [...(bySite.get(s.siteId) ?? []), s.id]);
      const now = this.clock();
      for (const [siteId, ids] of bySite) {
        const l = lease.get(siteId);
        const gone = !l || l.holder === null || !l.valid || (l.silentMs ?? 0) > this.o.gapAfterMs;
        let since = this.interrupted.get(siteId);
        if (gone) {
          if (since === undefined) {
            since = l?.renewedAt ?? now;
            this.interrupted.set(siteId, since);
            this.o.logger.warn(
              { siteId, since, previousHolder: l?.holder ?? null, sessions: ids.length },
              'site unmonitored: its owner is gone; consoles told until a node holds it again',
            );
          }
          for (const sessionId of ids)
            this.o.emit({ sessionId, at: now, code: 'monitoring-interrupted', since });
        } else if (since !== undefined) {
          this.interrupted.delete(siteId);
          this.o.logger.info({ siteId, since, holder: l?.holder }, 'site monitored again');
          for (const sessionId of ids)
            this.o.emit({ sessionId, at: now, code: 'monitoring-restored', since });
        }
      }
      for (const siteId of [...this.interrupted.keys()])
        if (!bySite.has(siteId)) this.interrupted.delete(siteId);
    } catch (e) {
      this.o.logger.error({ err: (e as Error).message }, 'looking for unmonitored sites failed');
    } finally {
      this.busy = false;
    }
  }
}
