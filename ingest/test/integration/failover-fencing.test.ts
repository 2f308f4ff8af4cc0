import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClassGateway,
  type FailoverStack,
  type IngestNode,
  SITE,
  signal,
  startClassGateway,
  startOwnerAndStandby,
  until,
} from './failover-stack.js';
import { type Console, connectConsole, login } from './stack.js';

/**
 * Fencing (issue 18): node A, the owner, is paused with SIGSTOP past its lease; node B takes the site over;
 * A is resumed with SIGCONT. From then on A must not emit a single frame or alert event for the site, nor
 * evaluate or write anything for it — the consoles would otherwise see two owners.
 */
describe('a paused owner resumed after losing its lease', () => {
  let stack: FailoverStack;
  let a: IngestNode;
  let b: IngestNode;
  let gateway: ClassGateway | undefined;
  const consoles: Console[] = [];

  beforeAll(async () => {
    ({ stack, a, b } = await startOwnerAndStandby('aedes', 4000));
  }, 400_000);

  afterAll(async () => {
    for (const c of consoles) c.close();
    await gateway?.close().catch(() => undefined);
    if (a?.child.signalCode === null) a.child.kill('SIGCONT');
    await stack?.close();
  }, 60_000);

  it('emits no frame, alert or write for the site B now holds', { timeout: 240_000 }, async () => {
    const sessionId = stack.seed.sessionId;
    const instructor = stack.seed.users.find((u) => u.role === 'instructor')!;
    const onB = await connectConsole(b.url, await login(b.url, instructor.username, instructor.password));
    consoles.push(onB);
    expect(await onB.join(sessionId)).toEqual({ ok: true, live: true });
    gateway = await startClassGateway(stack);
    // Over climbs far above the ceiling: an alert is due about 10 s later, whoever holds the site.
    gateway.set({ over: 185 });
    const tokenA = (await a.health())!.sites.find((s) => s.siteId === SITE)!.token;
    await onB.waitFor(
      () => onB.frames.find((f) => f.lease === tokenA && f.participants.some((p) => p.hr !== null)),
      20_000,
      'frames of node A',
    );
    // Quiesced, so what A evaluated before the pause is exact; the class goes on during the pause.
    await gateway.pause();
    const published = gateway.published();
    const before = await until('node A to evaluate everything published', async () => {
      const h = await a.health();
      return h && h.live.samples === published ? h : undefined;
    });
    await signal(a, 'SIGSTOP');
    gateway.resume();
    const held = await until(
      'node B to take the site from the paused node',
      async () => (await b.health())?.sites.find((s) => s.siteId === SITE),
      20_000,
    );
    expect(held.token).toBeGreaterThan(tokenA);
    await onB.waitFor(() => onB.frames.find((f) => f.lease === held.token), 10_000, 'frames of node B');
    const frames = onB.frames.length;
    const alerts = onB.alerts.length;

    // Resumed: its timers fire at once (frame timer, ticks) and the socket hands it what the broker sent
    // before the takeover. Its lease time ran out while it was paused: it must stay silent.
    await signal(a, 'SIGCONT');
    const resumedAt = Date.now();
    const after = await until('node A to answer again', () => a.health(), 20_000);
    expect(after.sites.find((s) => s.siteId === SITE)).toBeUndefined();
    // B raises Over's alert (the episode goes on); and three more of B's frames pass after A resumed —
    // anything A sent on resuming would have reached the console before them.
    await onB.waitFor(
      () => onB.alerts.slice(alerts).find((e) => e.event === 'raised' && e.alert.participantId === 't-over'),
      40_000,
      "Over's alert raised by node B",
    );
    await onB.waitFor(
      () =>
        onB.frames.filter((f) => f.at > resumedAt && f.lease === held.token).length >= 3 ? true : undefined,
      20_000,
      'three frames of node B after A resumed',
    );
    expect(onB.frames.slice(frames).filter((f) => f.lease !== held.token)).toEqual([]);
    expect(onB.alerts.slice(alerts).filter((e) => e.lease !== held.token)).toEqual([]);
    // Nothing evaluated or stored by A after it lost the site.
    const last = (await a.health())!;
    expect(last.live.samples).toBe(before.live.samples);
    expect(last.live.sessions).toBe(0);
    const stored = await fetch(new URL(`/api/sessions/${sessionId}/alerts`, b.url), {
      headers: { authorization: `Bearer ${await login(b.url, instructor.username, instructor.password)}` },
    }).then((r) => r.json() as Promise<{ items: { id: string }[] }>);
    const shown = new Set(onB.alerts.map((e) => e.alert.id));
    // Every stored alert is one node B raised and showed: none written by the stale node.
    expect(stored.items.every((x) => shown.has(x.id))).toBe(true);
  });
});
