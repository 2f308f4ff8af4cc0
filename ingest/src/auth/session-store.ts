/**
 * Server-side login sessions. A store only ever sees the sha256 of a token, so a dump of it (or of Redis)
 * cannot be replayed as a cookie. Expiry is decided by the auth service with its clock; stores just keep
 * records and may drop ones past `expiresAt`.
 */

/** One login session. */
export interface StoredSession {
  /** sha256 (hex) of the bearer/cookie token. */
  tokenHash: string;
  userId: string;
  /** ms since epoch. */
  createdAt: number;
  /** Last authenticated request (ms); idle expiry counts from here. */
  lastSeenAt: number;
  /** Absolute expiry (ms): the session ends then whatever the activity. */
  expiresAt: number;
}

/** Where sessions live: memory for one node; a shared store (Redis, database) when several nodes serve consoles. */
export interface SessionStore {
  create(session: StoredSession): Promise<void>;
  get(tokenHash: string): Promise<StoredSession | undefined>;
  /** Records activity; a no-op for an unknown hash. */
  touch(tokenHash: string, atMs: number): Promise<void>;
  delete(tokenHash: string): Promise<void>;
  /** Ends every session of a user (password changed, account disabled). Returns how many ended. */
  deleteByUser(userId: string): Promise<number>;
}

/** The in-memory store (one ingest node). Bounded: past `maxSessions` the least recently used one goes. */
export class InMemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, StoredSession>();
  readonly #maxSessions: number;
  readonly #clock: () => number;

  /** @param options.maxSessions bound on concurrent sessions (default 10 000). */
  constructor(options: { maxSessions?: number; clock?: () => number } = {}) {
    this.#maxSessions = options.maxSessions ?? 10_000;
    this.#clock = options.clock ?? Date.now;
  }

  /** Number of sessions held (tests, metrics). */
  get size(): number {
    return this.#sessions.size;
  }

  async create(session: StoredSession): Promise<void> {
    if (this.#sessions.size >= this.#maxSessions) this.#prune();
    this.#sessions.set(session.tokenHash, { ...session });
  }

  async get(tokenHash: string): Promise<StoredSession | undefined> {
    const s = this.#sessions.get(tokenHash);
    return s && { ...s };
  }

  async touch(tokenHash: string, atMs: number): Promise<void> {
    const s = this.#sessions.get(tokenHash);
    if (!s) return;
    s.lastSeenAt = Math.max(s.lastSeenAt, atMs);
    // Map order doubles as recency order for eviction.
    this.#sessions.delete(tokenHash);
    this.#sessions.set(tokenHash, s);
  }

  async delete(tokenHash: string): Promise<void> {
    this.#sessions.delete(tokenHash);
  }

  async deleteByUser(userId: string): Promise<number> {
    let n = 0;
    for (const [k, s] of this.#sessions) {
      if (s.userId === userId) {
        this.#sessions.delete(k);
        n++;
      }
    }
    return n;
  }

  #prune(): void {
    const now = this.#clock();
    for (const [k, s] of this.#sessions) if (s.expiresAt <= now) this.#sessions.delete(k);
    while (this.#sessions.size >= this.#maxSessions) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.#sessions.delete(oldest);
    }
  }
}
