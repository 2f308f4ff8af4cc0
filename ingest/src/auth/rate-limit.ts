/**
 * Counts failed logins and locks a key out for a while after too many (OWASP "account lockout"), at three
 * scopes:
 * - username + client address (tight): someone guessing from one place; a colleague elsewhere keeps working;
 * - address alone (looser): password spraying across usernames;
 * - username alone (loosest): guessing one account from many addresses, or with a forged
 *   `X-Forwarded-For` when the proxy setting trusts it. This one can be used to lock an account out on
 *   purpose, so its threshold is high; an open session is never affected.
 * Pure bookkeeping over an injected clock; bounded memory.
 */

/** Limits of {@link LoginLimiter}. */
export interface LoginLimitOptions {
  /** Failures of one username from one address before it is locked (default 5). */
  maxFailuresPerUser?: number;
  /** Failures from one address over every username before it is locked (default 50). */
  maxFailuresPerAddress?: number;
  /** Failures of one username from every address before it is locked (default 25). */
  maxFailuresPerUsername?: number;
  /** Window in which failures are counted, ms (default 15 min). */
  windowMs?: number;
  /** How long a lock lasts, ms (default 15 min). */
  lockoutMs?: number;
  /** Bound on tracked keys (default 10 000); the oldest go first. */
  maxKeys?: number;
}

interface Entry {
  failures: number;
  firstAt: number;
  lockedUntil: number;
}

/** Failed-login counter with lock-out; see the module comment. */
export class LoginLimiter {
  readonly #entries = new Map<string, Entry>();
  readonly #o: Required<LoginLimitOptions>;

  constructor(options: LoginLimitOptions = {}) {
    this.#o = {
      maxFailuresPerUser: options.maxFailuresPerUser ?? 5,
      maxFailuresPerAddress: options.maxFailuresPerAddress ?? 50,
      maxFailuresPerUsername: options.maxFailuresPerUsername ?? 25,
      windowMs: options.windowMs ?? 15 * 60_000,
      lockoutMs: options.lockoutMs ?? 15 * 60_000,
      maxKeys: options.maxKeys ?? 10_000,
    };
  }

  /** Keys tracked (tests, metrics). */
  get size(): number {
    return this.#entries.size;
  }

  /** Remaining lock time (ms) for this username and address, 0 when a login may be tried. */
  lockedFor(username: string, address: string, now: number): number {
    let ms = 0;
    for (const key of keys(username, address)) {
      const e = this.#entries.get(key);
      if (e && e.lockedUntil > now) ms = Math.max(ms, e.lockedUntil - now);
    }
    return ms;
  }

  /** Counts a failure; returns the lock time (ms) it caused, 0 if none. */
  fail(username: string, address: string, now: number): number {
    const [pairKey, addrKey, userKey] = keys(username, address);
    const a = this.#count(pairKey, now, this.#o.maxFailuresPerUser);
    const b = this.#count(addrKey, now, this.#o.maxFailuresPerAddress);
    const c = this.#count(userKey, now, this.#o.maxFailuresPerUsername);
    return Math.max(a, b, c);
  }

  /** A successful login clears the username + address counter (the wider counters keep counting). */
  succeed(username: string, address: string): void {
    this.#entries.delete(keys(username, address)[0]);
  }

  #count(key: string, now: number, max: number): number {
    let e = this.#entries.get(key);
    if (!e || now - e.firstAt > this.#o.windowMs) {
      if (!e && this.#entries.size >= this.#o.maxKeys) this.#prune(now);
      e = { failures: 0, firstAt: now, lockedUntil: 0 };
    }
    e.failures++;
    if (e.failures >= max) {
      e.lockedUntil = now + this.#o.lockoutMs;
      // A new window starts after the lock, so the next failures are counted afresh.
      e.failures = 0;
      e.firstAt = e.lockedUntil;
    }
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return e.lockedUntil > now ? e.lockedUntil - now : 0;
  }

  #prune(now: number): void {
    for (const [k, e] of this.#entries) {
      if (e.lockedUntil <= now && now - e.firstAt > this.#o.windowMs) this.#entries.delete(k);
    }
    while (this.#entries.size >= this.#o.maxKeys) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}

function keys(username: string, address: string): [string, string, string] {
  const user = username.trim().toLowerCase();
  return [`p:${user}|${address}`, `a:${address}`, `u:${user}`];
}
