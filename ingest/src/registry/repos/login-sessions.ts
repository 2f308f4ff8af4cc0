import { at, ms, type RepoContext } from '../context.js';

/** One staff login session as the registry keeps it (times in ms since epoch). */
export interface LoginSessionRecord {
  /** sha256 (hex) of the session token; the token itself is never stored. */
  tokenHash: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

interface Row {
  token_hash: string;
  user_id: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}

const toRecord = (r: Row): LoginSessionRecord => ({
  tokenHash: r.token_hash,
  userId: r.user_id,
  createdAt: ms(r.created_at),
  lastSeenAt: ms(r.last_seen_at),
  expiresAt: ms(r.expires_at),
});

/**
 * Activity is written at most this often per session (ms), so a console's every request is not a database
 * write; idle expiry (hours) is off by at most this much.
 */
export const LOGIN_TOUCH_EVERY_MS = 30_000;

/**
 * Staff login sessions (table `login_sessions`, migration 0004): what `ingest/src/auth`'s registry session
 * store keeps, so logins survive an ingest restart. Expiry is the auth service's decision; this repo only
 * stores, finds and deletes, and purges rows past their absolute expiry when a new one is created.
 */
export interface LoginSessionsRepo {
  /** Stores a new session and deletes every session already past its absolute expiry. */
  create(session: LoginSessionRecord): Promise<void>;
  get(tokenHash: string): Promise<LoginSessionRecord | undefined>;
  /** Records activity at `atMs` (written when it is {@link LOGIN_TOUCH_EVERY_MS} past the stored one). */
  touch(tokenHash: string, atMs: number): Promise<void>;
  delete(tokenHash: string): Promise<void>;
  /** Deletes every session of a user; returns how many. */
  deleteByUser(userId: string): Promise<number>;
}

export function loginSessionsRepo(ctx: RepoContext): LoginSessionsRepo {
  const { db } = ctx;
  return {
    async create(s) {
      await db.query('DELETE FROM login_sessions WHERE expires_at <= $1', [at('createdAt', s.createdAt)]);
      await db.query(
        `INSERT INTO login_sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [
          s.tokenHash,
          s.userId,
          at('createdAt', s.createdAt),
          at('lastSeenAt', s.lastSeenAt),
          at('expiresAt', s.expiresAt),
        ],
      );
    },
    async get(tokenHash) {
      const [row] = await db.query<Row>(
        'SELECT token_hash, user_id, created_at, last_seen_at, expires_at FROM login_sessions WHERE token_hash = $1',
        [tokenHash],
      );
      return row && toRecord(row);
    },
    async touch(tokenHash, atMs) {
      await db.query(
        'UPDATE login_sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at <= $3',
        [tokenHash, at('atMs', atMs), at('atMs', atMs - LOGIN_TOUCH_EVERY_MS)],
      );
    },
    async delete(tokenHash) {
      await db.query('DELETE FROM login_sessions WHERE token_hash = $1', [tokenHash]);
    },
    async deleteByUser(userId) {
      const rows = await db.query<{ token_hash: string }>(
        'DELETE FROM login_sessions WHERE user_id = $1 RETURNING token_hash',
        [userId],
      );
      return rows.length;
    },
  };
}
