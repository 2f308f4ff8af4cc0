import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from './rate-limit.js';

describe('TokenBucketLimiter', () => {
  it('allows a burst, then the refill rate, per key', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ perSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3, 4].map(() => limiter.tryAcquire('10.0.0.1'))).toEqual([true, true, true, false]);
    expect(limiter.tryAcquire('10.0.0.2')).toBe(true);
    now = 499;
    expect(limiter.tryAcquire('10.0.0.1')).toBe(false);
    now = 500;
    expect(limiter.tryAcquire('10.0.0.1')).toBe(true);
    expect(limiter.tryAcquire('10.0.0.1')).toBe(false);
    now = 60_000;
    expect([1, 2, 3, 4].map(() => limiter.tryAcquire('10.0.0.1'))).toEqual([true, true, true, false]);
  });

  it('is disabled at 0 per second', () => {
    const limiter = new TokenBucketLimiter({ perSecond: 0, burst: 1 }, () => 0);
    for (let i = 0; i < 100; i++) expect(limiter.tryAcquire('a')).toBe(true);
  });

  it('bounds memory: forgets full buckets first, then the oldest', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ perSecond: 1, burst: 2, maxKeys: 10 }, () => now);
    for (let i = 0; i < 10; i++) limiter.tryAcquire(`ip-${i}`);
    expect(limiter.trackedKeys).toBe(10);
    limiter.tryAcquire('ip-new');
    expect(limiter.trackedKeys).toBeLessThanOrEqual(10);
    now = 10_000; // every bucket full again
    limiter.tryAcquire('ip-newer');
    expect(limiter.trackedKeys).toBeLessThanOrEqual(2);
  });
});
