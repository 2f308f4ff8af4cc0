import { SOCKET_EVENTS } from '@zonewatch/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/platform.js';
import { type Console, connectConsole, loginAs } from '../integration/stack.js';
import { type DemoPlatform, startDemoPlatform } from './web-stack.js';

/**
 * Issue 16: the alias of a participant without wall-name consent never reaches a shared screen (the class
 * wall: its frames, snapshots and alert events), while one person's private console keeps it; granting the
 * consent shows the alias on the running wall from the next frame on. Real ingest, registry, live service,
 * Socket.IO and the real consent and PATCH routes.
 */
describe('wall-name consent on the shared wall', () => {
  let stack: DemoPlatform;
  let platform: Platform;
  let sessionId: string;
  let clinicianToken: string;
  let instructorToken: string;
  const consoles: Console[] = [];
  const ALIAS = 'Quokka Nine';

  const api = (path: string, method: string, body: unknown) =>
    fetch(new URL(path, platform.url), {
      method,
      headers: { authorization: `Bearer ${clinicianToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    stack = await startDemoPlatform('wallname', { FRAME_INTERVAL_MS: '200' });
    platform = stack.platform;
    sessionId = platform.demo!.seed.sessionId;
    clinicianToken = await loginAs(platform, 'clinician');
    instructorToken = await loginAs(platform, 'instructor');
  }, 180_000);

  afterAll(async () => {
    for (const c of consoles) c.close();
    await stack?.close();
  });

  it('a wall never receives the alias without consent; granting it shows the alias on the running wall', async () => {
    const running = await connectConsole(platform.url, instructorToken);
    consoles.push(running);
    expect(await running.join(sessionId)).toEqual({ ok: true, live: true });
    await running.waitFor(() => running.frames[0], 5_000, 'a first frame');

    // Withdrawn first, renamed after: the new alias was never shown under consent anywhere.
    const withdrawn = await api('/api/participants/t-over/consent', 'POST', {
      purpose: 'wall-name',
      granted: false,
      noticeVersion: '2026-12',
    });
    expect(withdrawn.status).toBe(201);
    expect((await api('/api/participants/t-over', 'PATCH', { alias: ALIAS })).status).toBe(200);
    const answeredAt = Date.now();

    // The running wall: from the next frame on, t-over by seat, not by name.
    const next = await running.waitFor(
      () => running.frames.find((f) => f.at > answeredAt),
      5_000,
      'a frame after the withdrawal',
    );
    const over = next.participants.find((p) => p.participantId === 't-over')!;
    expect(over.alias).not.toBe(ALIAS);
    expect(over.unnamed).toMatchObject({ kind: 'unnamed', seat: expect.any(Number) });
    expect(over.alias).toBe(`#${over.unnamed!.seat}`);

    // A wall joining now: nothing it receives, of any event, carries the alias.
    const wall = await connectConsole(platform.url, instructorToken);
    consoles.push(wall);
    const received: string[] = [];
    wall.socket.onAny((event: string, ...args: unknown[]) =>
      received.push(`${event} ${JSON.stringify(args)}`),
    );
    expect(await wall.join(sessionId)).toEqual({ ok: true, live: true });
    await wall.waitFor(() => (wall.frames.length >= 3 ? true : undefined), 5_000, 'three frames');
    expect(wall.snapshots[0]!.participants.find((p) => p.participantId === 't-over')?.unnamed).toBeDefined();
    expect(received.length).toBeGreaterThan(3);
    expect(received.filter((m) => m.includes(ALIAS))).toEqual([]);

    // One person's private console (a coach's view) keeps the alias.
    const own = await connectConsole(platform.url, instructorToken);
    consoles.push(own);
    await new Promise((resolve) =>
      own.socket.emit(SOCKET_EVENTS.join, { sessionId, view: 'private' }, resolve),
    );
    const ownSnap = await own.waitFor(() => own.snapshots[0], 5_000, 'a private snapshot');
    expect(ownSnap.participants.find((p) => p.participantId === 't-over')).toMatchObject({ alias: ALIAS });
    expect(ownSnap.participants.find((p) => p.participantId === 't-over')?.unnamed).toBeUndefined();

    // Granted again: the running wall shows the alias from the next frame on.
    const granted = await api('/api/participants/t-over/consent', 'POST', {
      purpose: 'wall-name',
      granted: true,
      noticeVersion: '2026-12',
    });
    expect(granted.status).toBe(201);
    const grantedAt = Date.now();
    const after = await wall.waitFor(
      () => wall.frames.find((f) => f.at > grantedAt),
      5_000,
      'a frame after the grant',
    );
    expect(after.participants.find((p) => p.participantId === 't-over')).toMatchObject({ alias: ALIAS });
    expect(after.participants.find((p) => p.participantId === 't-over')?.unnamed).toBeUndefined();
  });
});
