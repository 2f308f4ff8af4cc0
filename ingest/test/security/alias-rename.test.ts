import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/platform.js';
import { type Console, connectConsole, loginAs } from '../integration/stack.js';
import { type DemoPlatform, startDemoPlatform } from './web-stack.js';

/**
 * Issue 13, hole 10: a participant's alias renamed over REST (a real name typed by mistake) stayed on the
 * running wall and in every new snapshot until ingest restarted. Real ingest (registry, live service,
 * Socket.IO), a real console over a WebSocket, the real PATCH route.
 */
describe('hole 10: a renamed alias does not reach a running wall or snapshot', () => {
  let stack: DemoPlatform;
  let platform: Platform;
  let wall: Console;
  let fresh: Console | undefined;
  let sessionId: string;
  let clinicianToken: string;
  let instructorToken: string;

  beforeAll(async () => {
    stack = await startDemoPlatform('alias', { FRAME_INTERVAL_MS: '200' });
    platform = stack.platform;
    sessionId = platform.demo!.seed.sessionId;
    clinicianToken = await loginAs(platform, 'clinician');
    instructorToken = await loginAs(platform, 'instructor');
    wall = await connectConsole(platform.url, instructorToken);
    expect(await wall.join(sessionId)).toEqual({ ok: true, live: true });
  }, 180_000);

  afterAll(async () => {
    wall?.close();
    fresh?.close();
    await stack?.close();
  });

  it('the next frame after the PATCH and every new snapshot show the new alias', async () => {
    await wall.waitFor(() => wall.frames[0], 5_000, 'a first frame');
    const aliasIn = (ps: { participantId: string; alias: string }[]) =>
      ps.find((p) => p.participantId === 't-over')?.alias;
    expect(aliasIn(wall.frames[0]!.participants)).toBe('Over');

    const res = await fetch(new URL('/api/participants/t-over', platform.url), {
      method: 'PATCH',
      headers: { authorization: `Bearer ${clinicianToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ alias: 'Walker 7' }),
    });
    expect(res.status).toBe(200);
    const answeredAt = Date.now();

    // The first frame the server built after the PATCH was answered.
    const next = await wall.waitFor(
      () => wall.frames.find((f) => f.at > answeredAt),
      5_000,
      'a frame after the PATCH',
    );
    expect(aliasIn(next.participants)).toBe('Walker 7');

    fresh = await connectConsole(platform.url, instructorToken);
    expect(await fresh.join(sessionId)).toEqual({ ok: true, live: true });
    const snap = await fresh.waitFor(() => fresh!.snapshots[0], 5_000, 'the snapshot of a fresh join');
    expect(aliasIn(snap.participants)).toBe('Walker 7');
    expect(snap.participants.map((p) => p.alias)).not.toContain('Over');
  });
});
