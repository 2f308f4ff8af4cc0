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

/** Lease time of the nodes in this test (ms): a dead owner's site is taken within this plus one renewal. */
const TTL_MS = 4000;

/**
 * Issue 18, the operator's run: Postgres, Redis, one broker, node A owning the class's site, node B owning
 * nothing, a gateway playing the class and a console on each node — then node A is killed with SIGKILL
 * mid-class. Run with the standalone aedes (its sessions in Redis) and with Mosquitto.
 */
describe.each(['aedes', 'mosquitto'] as const)('failover between ingest nodes (%s)', (broker) => {
  let stack: FailoverStack;
  let a: IngestNode;
  let b: IngestNode;
  let gateway: ClassGateway | undefined;
  const consoles: Console[] = [];

  beforeAll(async () => {
    ({ stack, a, b } = await startOwnerAndStandby(broker, TTL_MS));
  }, 400_000);

  afterAll(async () => {
    for (const c of consoles) c.close();
    await gateway?.close().catch(() => undefined);
    await stack?.close();
  }, 60_000);

  it('kill -9 of the owner: the survivor takes the site within the bound, loses no sample, evaluates none twice, raises the gap episode and acknowledges the earlier alert', {
    timeout: 240_000,
  }, async () => {
    const sessionId = stack.seed.sessionId;
    const instructor = stack.seed.users.find((u) => u.role === 'instructor')!;
    const consoleOn = async (node: IngestNode) => {
      const c = await connectConsole(
        node.url,
        await login(node.url, instructor.username, instructor.password),
      );
      consoles.push(c);
      expect(await c.join(sessionId)).toEqual({ ok: true, live: true });
      return c;
    };
    const onA = await consoleOn(a);
    const onB = await consoleOn(b);

    gateway = await startClassGateway(stack);
    gateway.set({ over: 180, calm: 100 });
    // An alert opened on A before the kill (Over far above the ceiling), seen on B through Redis.
    const before = await onB.waitFor(
      () => onB.alerts.find((e) => e.event === 'raised' && e.alert.participantId === 't-over')?.alert,
      60_000,
      'an alert of node A before the kill',
    );
    expect(onA.alerts.some((e) => e.alert.id === before.id)).toBe(true);
    const tokenA = (await a.health())!.sites.find((s) => s.siteId === SITE)!.token;

    // Quiesce, so the count of what A evaluated is exact, then pull the plug.
    await gateway.pause();
    const publishedBefore = gateway.published();
    const atKill = await until('node A to evaluate everything published so far', async () => {
      const h = await a.health();
      return h && h.live.samples === publishedBefore && h.live.fencedWrites === 0 ? h : undefined;
    });
    const framesBefore = onB.frames.length;
    const killedAt = Date.now();
    await signal(a, 'SIGKILL');
    // The class goes on; Calm starts an over-ceiling episode while nobody holds the site.
    gateway.set({ calm: 195 });
    gateway.resume();

    // Within 5 s the console on the survivor says monitoring is interrupted (no node evaluates the class).
    const interrupted = await onB.waitFor(
      () => onB.notices.find((n) => n.code === 'monitoring-interrupted' && n.receivedAt > killedAt),
      8_000,
      'the monitoring-interrupted alarm on the survivor',
    );
    expect(interrupted.receivedAt - killedAt).toBeLessThanOrEqual(5_000);
    expect(interrupted.sessionId).toBe(sessionId);

    const held = await until(
      'node B to take the site over',
      async () => (await b.health())?.sites.find((s) => s.siteId === SITE),
      20_000,
    );
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThanOrEqual(10_000);
    expect(held.token).toBeGreaterThan(tokenA);

    // The console on B gets live frames again without joining again, from the new owner.
    await onB.waitFor(
      () =>
        onB.frames
          .slice(framesBefore)
          .find((f) => f.lease === held.token && f.participants.some((p) => p.hr !== null)),
      15_000,
      'live frames from node B',
    );
    await onB.waitFor(
      () =>
        onB.notices.find((n) => n.code === 'monitoring-restored' && n.receivedAt > interrupted.receivedAt),
      10_000,
      'monitoring restored on the survivor',
    );
    // The episode that started in the gap raises its alert after the takeover.
    const gapAlert = await onB.waitFor(
      () =>
        onB.alerts.find(
          (e) =>
            e.event === 'raised' && e.alert.participantId === 't-calm' && e.alert.rule === 'HR_OVER_CEILING',
        )?.alert,
      30_000,
      'the over-ceiling alert of the episode that started in the gap',
    );
    expect(gapAlert.raisedAt).toBeGreaterThan(killedAt);
    // The alert raised on A before the kill is acknowledged on the survivor.
    expect(await onB.ack(before.id, 'seen after failover')).toMatchObject({ ok: true });

    // Published = evaluated: nothing lost in the gap, nothing evaluated twice.
    await gateway.pause();
    const published = gateway.published();
    const after = await until(
      'node B to evaluate the rest',
      async () => {
        const h = await b.health();
        return h && h.live.samples >= published - atKill.live.samples ? h : undefined;
      },
      30_000,
    );
    expect(atKill.live.samples + after.live.samples).toBe(published);
    expect(published - publishedBefore).toBeGreaterThan(0);
    expect(after.consumer.late).toBeGreaterThan(0); // the gap's batches were drained late

    // The session report says when nobody evaluated the class: from A's last renewal to B's takeover.
    const token = await login(b.url, instructor.username, instructor.password);
    const auth = { authorization: `Bearer ${token}` };
    const stop = await fetch(new URL(`/api/sessions/${sessionId}/stop`, b.url), {
      method: 'POST',
      headers: auth,
    });
    expect(stop.status).toBe(200);
    const report = await until('the session report', async () => {
      const r = await fetch(new URL(`/api/sessions/${sessionId}/report`, b.url), { headers: auth });
      const body = (await r.json()) as {
        items?: { body: { monitoringGaps?: { from: number; to: number }[] } }[];
      };
      return body.items?.length ? body : undefined;
    });
    for (const item of report.items!) {
      expect(item.body.monitoringGaps).toHaveLength(1);
      const [gap] = item.body.monitoringGaps!;
      expect(gap!.from).toBeLessThanOrEqual(killedAt);
      expect(gap!.to).toBeGreaterThan(killedAt);
      expect(gap!.to - gap!.from).toBeLessThanOrEqual(10_000);
    }
  });
});
