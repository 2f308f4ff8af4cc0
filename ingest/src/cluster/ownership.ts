import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { SiteGate } from '../live/types.js';
import type { Registry } from '../registry/index.js';
import { type Acquired, LeaseLostError, type SiteLeases } from './leases.js';

export interface OwnershipOptions {
  leases: SiteLeases;
  registry: Registry;
  logger: Logger;
  /** This process's holder id (unique per process: a restarted node is a new holder). */
  holder: string;
  /** Lease time to live (ms): a dead owner's sites are taken over after at most this plus one round. */
  ttlMs: number;
  /** How often leases are renewed and free sites looked for (ms). */
  renewMs: number;
  /** Sites this node prefers (SITES); empty = every site. */
  preferred: readonly string[];
  /** Take over sites outside `preferred` whose lease expired (false: `preferred` is a restriction). */
  takeover: boolean;
  /** A site was taken: restore its live state and start consuming. A throw gives the lease back. */
  onAcquired(siteId: string, token: number, gap: Acquired['gap']): Promise<void>;
  /**
   * A site is no longer this node's: stop evaluating, showing and consuming it at once. `graceful` when this
   * node gives it up (shutdown), not when the lease was lost.
   */
  onLost(siteId: string, token: number, graceful: boolean): Promise<void>;
  /** This node gave a site back: other nodes may take it now (told through the cluster). */
  onReleased?(siteId: string): void;
  /** Sites restored at the same time (default 4); the others wait for a slot, their leases renewed. */
  restoreSlots?: number;
  /** Monotonic clock (ms); default `performance.now`. */
  monotonic?: () => number;
}

interface Held {
  token: number;
  /** Monotonic time until which the lease is surely still this node's (before the database's expiry). */
  validUntil: number;
}

/**
 * Which sites this node owns, through leases in Postgres (see `leases.ts` and ingest/README.md). Every
 * round (`renewMs`) it renews what it holds and takes free sites: preferred ones at once, others (when
 * `takeover`) once their lease has expired — a dead owner's — or, for a site nobody ever held, once this
 * node has run for a lease time (so a preferring node starting alongside wins).
 *
 * Fencing: a lease counts as held only until `validUntil`, measured on this process's monotonic clock from
 * the moment the renewal was *sent* and less than the database's expiry; a paused or stalled process finds
 * its sites invalid the moment it runs again, before it can emit anything, and every registry write of the
 * live service goes through {@link fenced}, which the database refuses once the token changed.
 */
export class SiteOwnership implements SiteGate {
  private readonly held = new Map<string, Held>();
  private readonly mono: () => number;
  private readonly startedAt: number;
  private readonly marginMs: number;
  private timer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  /**
   * Sites being taken (their state restored, their session opened): outside the rounds, so renewals never
   * wait for a slow restore, and sites taken together are restored together.
   */
  private readonly loading = new Map<string, Promise<void>>();
  private again = false;
  /** Stopping: no site is taken any more (rounds only renew what is still held). */
  private stopped = false;
  /** Stopped: every site handed over, no more rounds. */
  private closed = false;
  /** Restores running now, and the ones waiting for a slot (see {@link restoreSlots}). */
  private restoring = 0;
  private readonly restoreQueue: (() => void)[] = [];
  /** Takeovers so far and the time each took from the previous holder's last renewal (ms). */
  readonly takeovers: { siteId: string; gapMs: number }[] = [];

  constructor(private readonly o: OwnershipOptions) {
    this.mono = o.monotonic ?? (() => performance.now());
    this.startedAt = this.mono();
    this.marginMs = Math.min(500, Math.floor(o.ttlMs / 10));
  }

  /** Takes what it can now (awaited), then keeps renewing and looking every `renewMs`. */
  async start(): Promise<void> {
    await this.runRound();
    // Renewals start now, before the sites just taken are restored: restoring many sites can take longer
    // than a lease, and a node that waited for it would lose its own leases (seen at 10,000 participants).
    this.timer = setInterval(() => this.kick(), this.o.renewMs);
    // Expiry is checked on its own timer: a renewal stuck on the database must not keep a site alive here.
    this.expiryTimer = setInterval(() => this.dropExpired(), Math.max(50, Math.floor(this.o.renewMs / 4)));
    // Start-up waits for the sites it took to be restored, but not for ever (a broker slow to answer).
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (this.loading.size)
          this.o.logger.warn({ sites: [...this.loading.keys()] }, 'sites still being taken after 30 s');
        resolve();
      }, 30_000);
    });
    await Promise.race([Promise.all(this.loading.values()), slow]);
    clearTimeout(timer);
  }

  /** Runs a round now (another node released a site, say); rounds never overlap. */
  kick(): void {
    if (this.closed) return;
    if (this.round) {
      this.again = true;
      return;
    }
    void this.runRound();
  }

  private async runRound(): Promise<void> {
    const run = (async () => {
      do {
        this.again = false;
        try {
          await this.renewAll();
          if (!this.stopped) await this.acquireFree();
        } catch (e) {
          this.o.logger.error({ err: (e as Error).message }, 'site lease round failed');
        }
      } while (this.again && !this.closed);
    })();
    this.round = run;
    try {
      await run;
    } finally {
      this.round = undefined;
    }
  }

  // ---- SiteGate --------------------------------------------------------------------------------------

  /** This node holds the site's lease now (locally certain: before the database's expiry). */
  owns(siteId: string): boolean {
    const h = this.held.get(siteId);
    return h !== undefined && this.mono() < h.validUntil;
  }

  token(siteId: string): number | undefined {
    return this.owns(siteId) ? this.held.get(siteId)?.token : undefined;
  }

  /**
   * A registry write for `siteId`, refused (LeaseLostError) unless this node's token is still the lease's —
   * and is `token`, when given: a write decided under an earlier lease of this node is not stored under a
   * later one (the later one restored the site from the registry without it).
   */
  fenced<T>(siteId: string, fn: (reg: Registry) => Promise<T>, token?: number): Promise<T> {
    const h = this.held.get(siteId);
    if (!h || !this.owns(siteId) || (token !== undefined && token !== h.token))
      return Promise.reject(new LeaseLostError(siteId, token ?? h?.token ?? 0));
    return this.o.registry.transaction(async (tx) => {
      await this.o.leases.check(tx.db, siteId, this.o.holder, h.token);
      return fn(tx);
    });
  }

  /** Takes the site now if it is free and wanted (a session just started on a site nobody holds yet). */
  async claim(siteId: string): Promise<void> {
    while (this.round) await this.round.catch(() => undefined);
    if (this.stopped || this.owns(siteId)) return;
    await this.runRound();
    await this.loading.get(siteId);
  }

  /** Sites held now, with their tokens. */
  sites(): { siteId: string; token: number }[] {
    return [...this.held].filter(([id]) => this.owns(id)).map(([siteId, h]) => ({ siteId, token: h.token }));
  }

  // ---- rounds ----------------------------------------------------------------------------------------

  private async renewAll(): Promise<void> {
    if (this.held.size === 0) return;
    const sentAt = this.mono();
    const tokens = new Map([...this.held].map(([id, h]) => [id, h.token]));
    const still = await this.o.leases.renew(this.o.holder, tokens, this.o.ttlMs);
    for (const [siteId, token] of tokens) {
      const h = this.held.get(siteId);
      if (!h || h.token !== token) continue;
      if (still.has(siteId)) h.validUntil = sentAt + this.o.ttlMs - this.marginMs;
      else await this.lose(siteId, 'lease not renewed (expired or taken over)');
    }
  }

  private dropExpired(): void {
    for (const [siteId, h] of this.held)
      if (this.mono() >= h.validUntil) void this.lose(siteId, 'lease expired before it could be renewed');
  }

  private async lose(siteId: string, why: string): Promise<void> {
    const h = this.held.get(siteId);
    if (!h) return;
    this.held.delete(siteId);
    this.o.logger.warn({ siteId, token: h.token, why }, 'site lost: stopped evaluating it');
    await this.o
      .onLost(siteId, h.token, false)
      .catch((e: unknown) =>
        this.o.logger.error({ siteId, err: (e as Error).message }, 'stopping a lost site failed'),
      );
  }

  private wants(siteId: string, everHeld: boolean): boolean {
    if (this.o.preferred.length === 0 || this.o.preferred.includes(siteId)) return true;
    if (!this.o.takeover) return false;
    return everHeld || this.mono() - this.startedAt >= this.o.ttlMs;
  }

  private async acquireFree(): Promise<void> {
    for (const lease of await this.o.leases.list()) {
      if (this.stopped) return;
      if (this.held.has(lease.siteId) || lease.valid) continue;
      if (!this.wants(lease.siteId, lease.holder !== null)) continue;
      const sentAt = this.mono();
      const got = await this.o.leases.acquire(lease.siteId, this.o.holder, this.o.ttlMs);
      if (!got) continue;
      this.held.set(lease.siteId, { token: got.token, validUntil: sentAt + this.o.ttlMs - this.marginMs });
      if (got.gap) this.takeovers.push({ siteId: lease.siteId, gapMs: got.gap.to - got.gap.from });
      this.o.logger.info(
        { siteId: lease.siteId, token: got.token, ...(got.gap ? { gap: got.gap } : {}) },
        got.gap ? 'site taken over' : 'site lease acquired',
      );
      const siteId = lease.siteId;
      const task = this.restoreSlot(() =>
        this.owns(siteId) ? this.o.onAcquired(siteId, got.token, got.gap) : Promise.resolve(),
      )
        .catch(async (e: unknown) => {
          this.o.logger.error({ siteId, err: (e as Error).message }, 'taking a site failed');
          await this.giveBack(siteId);
        })
        .finally(() => this.loading.delete(siteId));
      this.loading.set(siteId, task);
    }
  }

  /**
   * Runs a site's restore when one of `restoreSlots` is free. Many sites taken at once (a start-up, the
   * takeover of a dead node's sites) would otherwise all query the registry together, and this node's own
   * renewals would queue behind them until its leases ran out.
   */
  private async restoreSlot(fn: () => Promise<void>): Promise<void> {
    const slots = this.o.restoreSlots ?? 4;
    if (this.restoring >= slots) await new Promise<void>((resolve) => this.restoreQueue.push(resolve));
    this.restoring++;
    try {
      await fn();
    } finally {
      this.restoring--;
      this.restoreQueue.shift()?.();
    }
  }

  private async giveBack(siteId: string): Promise<void> {
    const h = this.held.get(siteId);
    if (!h) return;
    this.held.delete(siteId);
    await this.o.onLost(siteId, h.token, true).catch(() => undefined);
    await this.o.leases.release(siteId, this.o.holder, h.token).catch(() => undefined);
    this.o.onReleased?.(siteId);
  }

  /**
   * Graceful shutdown: hands every site over at once (stops it here, then releases the lease). The rounds go
   * on renewing what is still held meanwhile, taking nothing new: finishing a site's queued writes can take
   * longer than a lease (seen at 10,000 participants: 3,523 writes refused as the lease ran out during the
   * hand-over).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.round?.catch(() => undefined);
    await Promise.all(this.loading.values());
    try {
      await this.handOverAll();
    } finally {
      this.closed = true;
      clearInterval(this.timer);
      clearInterval(this.expiryTimer);
      await this.round?.catch(() => undefined);
    }
  }

  private async handOverAll(): Promise<void> {
    for (const siteId of [...this.held.keys()]) {
      const token = this.held.get(siteId)?.token;
      if (token === undefined) continue; // lost meanwhile (its lease ran out): already stopped here
      // Stop consuming and let queued writes finish while the lease is still ours, then release it.
      await this.o.onLost(siteId, token, true).catch(() => undefined);
      this.held.delete(siteId);
      await this.o.leases
        .release(siteId, this.o.holder, token)
        .catch((e: unknown) =>
          this.o.logger.error({ siteId, err: (e as Error).message }, 'releasing a lease failed'),
        );
      this.o.onReleased?.(siteId);
      this.o.logger.info({ siteId, token }, 'site handed over');
    }
  }
}
