/** Per-key token bucket settings. */
export interface RateLimitOptions {
  /** Tokens added per second per key (new connections per second per IP); 0 disables the limit. */
  perSecond: number;
  /** Bucket size: connections a key may open at once before the rate applies. */
  burst: number;
  /** Most keys tracked at once; past it idle (full) buckets are dropped, then the oldest. Default 10 000. */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * Token bucket per key (remote IP). Pure apart from the injected clock, so tests drive time.
 * Memory is bounded by `maxKeys`: under an address-spraying flood the oldest buckets are forgotten, which
 * fails open for those addresses rather than growing without bound.
 */
export class TokenBucketLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxKeys: number;

  constructor(
    private readonly opts: RateLimitOptions,
    private readonly now: () => number,
  ) {
    this.#maxKeys = opts.maxKeys ?? 10_000;
  }

  /** Takes one token for `key`; false means the caller should refuse the connection. */
  tryAcquire(key: string): boolean {
    if (this.opts.perSecond <= 0) return true;
    const now = this.now();
    let bucket = this.#buckets.get(key);
    if (bucket) {
      this.#refill(bucket, now);
    } else {
      if (this.#buckets.size >= this.#maxKeys) this.#evict(now);
      bucket = { tokens: this.opts.burst, updatedMs: now };
      this.#buckets.set(key, bucket);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  get trackedKeys(): number {
    return this.#buckets.size;
  }

  #refill(bucket: Bucket, now: number): void {
    const elapsedMs = Math.max(0, now - bucket.updatedMs);
    bucket.tokens = Math.min(this.opts.burst, bucket.tokens + (elapsedMs * this.opts.perSecond) / 1000);
    bucket.updatedMs = now;
  }

  #evict(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      this.#refill(bucket, now);
      if (bucket.tokens >= this.opts.burst) this.#buckets.delete(key);
    }
    // Map iteration is insertion order: drop the oldest down to 90 % so the scan is amortised.
    const target = Math.floor(this.#maxKeys * 0.9);
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= target) break;
      this.#buckets.delete(key);
    }
  }
}
