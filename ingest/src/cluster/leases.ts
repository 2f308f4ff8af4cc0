import type { Db } from '../registry/db.js';

/**
 * Site leases in the registry's Postgres (migration 0007): who holds each site, with a fencing token that
 * grows at every change of holder. Every time is the database server's (`now()`), so a node whose clock or
 * process stalls cannot extend a lease it lost. SQL only; timers and decisions live in `ownership.ts`.
 */

/** A lease as the database has it now. */
export interface LeaseRow {
  siteId: string;
  holder: string | null;
  token: number;
  /** The lease has not expired (database clock). */
  valid: boolean;
  /** Milliseconds since the holder last renewed it (database clock); null when never held. */
  silentMs: number | null;
  /** When the holder last renewed it (ms since epoch), null when never held. */
  renewedAt: number | null;
}

/** A lease taken: its fencing token, and the gap it closed when another holder had it before. */
export interface Acquired {
  token: number;
  /** When the site was last held before (previous holder's last renewal) and by whom; null when first. */
  gap: { from: number; to: number; previousHolder: string } | null;
}

/** Thrown by a fenced write whose lease is not (or no longer) this node's. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  readonly code = 'ZW_ERR_LEASE_LOST';
  constructor(
    readonly siteId: string,
    readonly token: number,
  ) {
    super(`site ${siteId}: lease ${token} is no longer held by this node; write refused`);
  }
}

const ms = (v: Date | string | number | null): number | null => (v === null ? null : new Date(v).getTime());
const interval = "$2::int * interval '1 millisecond'";

export class SiteLeases {
  constructor(private readonly db: Db) {}

  /** Every site with its lease (never-held sites too), database clock. */
  async list(): Promise<LeaseRow[]> {
    const rows = await this.db.query<{
      site_id: string;
      holder: string | null;
      token: string | number | null;
      valid: boolean | null;
      silent_ms: string | number | null;
      renewed_at: Date | null;
    }>(
      `SELECT s.id AS site_id, l.holder, l.token, l.expires_at > now() AS valid,
              (EXTRACT(EPOCH FROM (now() - l.renewed_at)) * 1000)::bigint AS silent_ms, l.renewed_at
         FROM sites s LEFT JOIN site_leases l ON l.site_id = s.id ORDER BY s.id`,
    );
    return rows.map((r) => ({
      siteId: r.site_id,
      holder: r.holder,
      token: Number(r.token ?? 0),
      valid: r.valid === true,
      silentMs: r.silent_ms === null ? null : Number(r.silent_ms),
      renewedAt: ms(r.renewed_at),
    }));
  }

  /**
   * Takes the site for `holder` for `ttlMs` when nobody holds a valid lease on it: a new token (the old
   * one + 1), and the gap since the previous holder's last renewal is recorded. Undefined when held.
   */
  acquire(siteId: string, holder: string, ttlMs: number): Promise<Acquired | undefined> {
    return this.db.transaction(async (tx) => {
      const [prev] = await tx.query<{
        holder: string;
        token: string | number;
        expired: boolean;
        renewed_at: Date;
        now: Date;
      }>(
        `SELECT holder, token, expires_at <= now() AS expired, renewed_at, now() AS now
           FROM site_leases WHERE site_id = $1 FOR UPDATE`,
        [siteId],
      );
      if (!prev) {
        const [row] = await tx.query<{ token: string | number }>(
          `INSERT INTO site_leases (site_id, holder, token, acquired_at, renewed_at, expires_at)
           VALUES ($1, $3, 1, now(), now(), now() + ${interval})
           ON CONFLICT (site_id) DO NOTHING RETURNING token`,
          [siteId, ttlMs, holder],
        );
        return row ? { token: Number(row.token), gap: null } : undefined;
      }
      if (!prev.expired) return undefined;
      const [row] = await tx.query<{ token: string | number }>(
        `UPDATE site_leases SET holder = $3, token = token + 1, acquired_at = now(), renewed_at = now(),
                expires_at = now() + ${interval}
          WHERE site_id = $1 RETURNING token`,
        [siteId, ttlMs, holder],
      );
      const token = Number(row!.token);
      await tx.query(
        `INSERT INTO monitoring_gaps (site_id, started_at, ended_at, previous_holder, holder, token)
         VALUES ($1, $2, now(), $3, $4, $5)`,
        [siteId, prev.renewed_at, prev.holder, holder, token],
      );
      return {
        token,
        gap: { from: ms(prev.renewed_at)!, to: ms(prev.now)!, previousHolder: prev.holder },
      };
    });
  }

  /** Extends every lease of `held` (site → token) still valid for `holder`; the sites still held. */
  async renew(holder: string, held: ReadonlyMap<string, number>, ttlMs: number): Promise<Set<string>> {
    if (held.size === 0) return new Set();
    const rows = await this.db.query<{ site_id: string; token: string | number }>(
      `UPDATE site_leases SET renewed_at = now(), expires_at = now() + ${interval}
        WHERE holder = $1 AND expires_at > now() AND site_id = ANY ($3::text[]) RETURNING site_id, token`,
      [holder, ttlMs, [...held.keys()]],
    );
    return new Set(rows.filter((r) => held.get(r.site_id) === Number(r.token)).map((r) => r.site_id));
  }

  /** Gives the lease up at once (it expires now): another node may take the site immediately. */
  async release(siteId: string, holder: string, token: number): Promise<void> {
    await this.db.query(
      `UPDATE site_leases SET expires_at = now(), renewed_at = now()
        WHERE site_id = $1 AND holder = $2 AND token = $3 AND expires_at > now()`,
      [siteId, holder, token],
    );
  }

  /**
   * Inside a transaction (`tx`), checks under a key-share lock on the lease row that `holder` still holds
   * `siteId` with `token`: a takeover (which locks that row FOR UPDATE first, in {@link acquire}) waits until
   * the transaction commits, and a write after the lease expired or changed hands is refused with
   * {@link LeaseLostError}. A key-share lock, not a share lock: the holder's own renewal (an UPDATE of no key
   * column) must not wait for its writes — with FOR SHARE it queued behind every write transaction of every
   * site it holds, and under a burst of alert writes a node lost its leases while renewing them (measured at
   * 7,000 participants: sites bouncing between the nodes every lease time).
   */
  async check(tx: Db, siteId: string, holder: string, token: number): Promise<void> {
    const rows = await tx.query(
      `SELECT 1 FROM site_leases WHERE site_id = $1 AND holder = $2 AND token = $3 AND expires_at > now()
         FOR KEY SHARE`,
      [siteId, holder, token],
    );
    if (rows.length === 0) throw new LeaseLostError(siteId, token);
  }

  /** Gaps of a site overlapping [fromMs, toMs] (session reports). */
  async gaps(siteId: string, fromMs: number, toMs: number): Promise<{ from: number; to: number }[]> {
    const rows = await this.db.query<{ started_at: Date; ended_at: Date }>(
      `SELECT started_at, ended_at FROM monitoring_gaps
        WHERE site_id = $1 AND ended_at >= $2 AND started_at <= $3 ORDER BY started_at`,
      [siteId, new Date(fromMs), new Date(toMs)],
    );
    return rows.map((r) => ({ from: ms(r.started_at)!, to: ms(r.ended_at)! }));
  }
}
