import { describe, expect, it } from 'vitest';
import { displayFreshness, linkState } from './link.js';

describe('live link alarm', () => {
  it('connecting, then live with frames, interrupted when they stop, lost after 10 s', () => {
    expect(linkState({ joined: false, lastMessageAt: null, startedAt: 0, now: 3_000 })).toBe('connecting');
    expect(linkState({ joined: false, lastMessageAt: null, startedAt: 0, now: 10_000 })).toBe('lost');
    expect(linkState({ joined: true, lastMessageAt: 20_000, startedAt: 0, now: 21_000 })).toBe('live');
    expect(linkState({ joined: false, lastMessageAt: 20_000, startedAt: 0, now: 21_000 })).toBe(
      'interrupted',
    );
    expect(linkState({ joined: true, lastMessageAt: 20_000, startedAt: 0, now: 23_000 })).toBe('interrupted');
    expect(linkState({ joined: true, lastMessageAt: 20_000, startedAt: 0, now: 29_999 })).toBe('interrupted');
    expect(linkState({ joined: true, lastMessageAt: 20_000, startedAt: 0, now: 30_000 })).toBe('lost');
  });

  it('values age on the console when frames stop: never shown live when they are not', () => {
    expect(displayFreshness('live', 1_000)).toBe('live');
    expect(displayFreshness('live', 5_000)).toBe('stale');
    expect(displayFreshness('live', 15_000)).toBe('lost');
    expect(displayFreshness('stale', 0)).toBe('stale');
    expect(displayFreshness('lost', 0)).toBe('lost');
  });
});
