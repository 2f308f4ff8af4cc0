import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/platform.js';
import { type Console, connectConsole, login, startTwoNodes, type TwoNodes } from './stack.js';

/**
 * Two ingest nodes sharing a real Postgres registry and a real Redis: node B owns the site and its rule
 * state; a console connected to node A still gets the session's snapshot, frames and alerts, and its
 * acknowledgement reaches node B.
 */
describe('two ingest nodes with Redis', () => {
  let nodes: TwoNodes;
  let nodeA: Platform;
  let nodeB: Platform;
  let consoleA: Console;

  beforeAll(async () => {
    nodes = await startTwoNodes('cluster', 'test-site', 'node');
    ({ nodeA, nodeB } = nodes);
  }, 120_000);

  afterAll(async () => {
    consoleA?.close();
    await nodes?.close();
  });

  it('a login on one node is valid on the other, and a logout ends it on both', async () => {
    const clinician = nodeB.demo!.seed.users.find((u) => u.role === 'clinician')!;
    const token = await login(nodeB.url, clinician.username, clinician.password);
    const me = (url: string) =>
      fetch(new URL('/api/auth/me', url), { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.status,
      );
    expect(await me(nodeA.url)).toBe(200);
    const out = await fetch(new URL('/api/auth/logout', nodeA.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(out.status).toBeLessThan(300);
    expect(await me(nodeB.url)).toBe(401);
  });

  it('a console on node A follows a session owned by node B, and acknowledges its alert there', {
    timeout: 120_000,
  }, async () => {
    const sessionId = nodeB.demo!.seed.sessionId;
    expect(nodeA.live.session(sessionId)).toBeUndefined(); // node A holds no rule state of that site
    const instructor = nodeB.demo!.seed.users.find((u) => u.role === 'instructor')!;
    consoleA = await connectConsole(
      nodeA.url,
      await login(nodeA.url, instructor.username, instructor.password),
    );
    expect(await consoleA.join(sessionId)).toEqual({ ok: true, live: true });
    const snap = await consoleA.waitFor(() => consoleA.snapshots[0], 5_000, 'snapshot from node B');
    expect(snap.participants.map((p) => p.alias).sort()).toEqual(['Calm', 'Over']);
    await consoleA.waitFor(
      () =>
        consoleA.frames.find((f) => f.sessionId === sessionId && f.participants.some((p) => p.hr !== null)),
      20_000,
      'frames of node B',
    );
    const critical = await consoleA.waitFor(
      () => consoleA.alerts.find((a) => a.alert.severity === 'critical')?.alert,
      60_000,
      'a critical alert raised on node B',
    );
    expect(await consoleA.ack(critical.id, 'seen from node A')).toMatchObject({ ok: true });
    await nodeB.live.drain();
    const stored = await nodeB.registry.alerts.get(critical.id);
    expect(stored).toMatchObject({ state: 'acknowledged', acknowledgedBy: instructor.userId });
    await consoleA.waitFor(
      () => consoleA.alerts.find((a) => a.alert.id === critical.id && a.event === 'acknowledged'),
      5_000,
      'the acknowledgement echoed back through Redis',
    );
  });

  it("hole 10: an alias renamed through node A (not the owner) reaches node B's frames and snapshots", {
    timeout: 60_000,
  }, async () => {
    const sessionId = nodeB.demo!.seed.sessionId;
    const clinician = nodeB.demo!.seed.users.find((u) => u.role === 'clinician')!;
    const token = await login(nodeA.url, clinician.username, clinician.password);
    const res = await fetch(new URL('/api/participants/t-calm', nodeA.url), {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ alias: 'Renamed' }),
    });
    expect(res.status).toBe(200);
    const answeredAt = Date.now();
    const alias = (ps: { participantId: string; alias: string }[]) =>
      ps.find((p) => p.participantId === 't-calm')?.alias;
    // Node B applies it when the lifecycle event crosses Redis: a frame built after that shows it.
    await consoleA.waitFor(
      () => consoleA.frames.find((f) => f.at > answeredAt && alias(f.participants) === 'Renamed'),
      5_000,
      'a frame of node B with the new alias',
    );
    const instructor = nodeB.demo!.seed.users.find((u) => u.role === 'instructor')!;
    const fresh = await connectConsole(
      nodeA.url,
      await login(nodeA.url, instructor.username, instructor.password),
    );
    try {
      expect(await fresh.join(sessionId)).toEqual({ ok: true, live: true });
      const snap = await fresh.waitFor(() => fresh.snapshots[0], 5_000, 'snapshot from node B');
      expect(alias(snap.participants)).toBe('Renamed');
    } finally {
      fresh.close();
    }
  });
});
