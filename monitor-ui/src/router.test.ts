import { describe, expect, it } from 'vitest';
import { canUse, homeFor, href, parseRoute, type Route } from './router.js';

describe('routes', () => {
  it('round-trips every route through the hash', () => {
    const routes: Route[] = [
      { name: 'login' },
      { name: 'wall-lobby' },
      { name: 'wall', sessionId: 's 1/x' },
      { name: 'coach' },
      { name: 'coach-live', sessionId: 'h-1' },
      { name: 'report', sessionId: 'r-1' },
      { name: 'admin', section: 'participants' },
      { name: 'admin', section: 'participants', id: 'p-1' },
      { name: 'admin', section: 'users' },
      { name: 'records' },
      { name: 'record', participantId: 'p 1/x' },
    ];
    for (const r of routes) expect(parseRoute(href(r))).toEqual(r);
    expect(parseRoute('')).toEqual({ name: 'home' });
    expect(parseRoute('#/nope')).toEqual({ name: 'not-found' });
    expect(parseRoute('#/admin/secrets')).toEqual({ name: 'not-found' });
  });

  it('lands each role on its own start page', () => {
    expect(homeFor(['instructor'])).toEqual({ name: 'wall-lobby' });
    expect(homeFor(['coach'])).toEqual({ name: 'coach' });
    expect(homeFor(['clinician'])).toEqual({ name: 'admin', section: 'participants' });
    expect(homeFor(['ops'])).toEqual({ name: 'admin', section: 'gateways' });
    expect(homeFor(['admin'])).toEqual({ name: 'admin', section: 'users' });
  });

  it('hides areas the server would refuse (admins hold every role)', () => {
    expect(canUse('wall', ['coach'])).toBe(false);
    expect(canUse('coach', ['coach'])).toBe(true);
    expect(canUse('gateways', ['instructor'])).toBe(false);
    expect(canUse('users', ['admin'])).toBe(true);
    expect(canUse('gateways', ['admin'])).toBe(true);
    // The exercise-health record: clinicians and coaches, never an instructor (who sees only the due notice).
    expect(canUse('record', ['clinician'])).toBe(true);
    expect(canUse('record', ['coach'])).toBe(true);
    expect(canUse('record', ['instructor'])).toBe(false);
  });
});
