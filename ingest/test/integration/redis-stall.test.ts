import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTER_COMMAND_TIMEOUT_MS } from '../../src/plugins/external/redis-adapter.js';
import {
  type ClassGateway,
  type FailoverStack,
  holds,
  type IngestNode,
  SITE,
  startClassGateway,
  startFailoverStack,
  until,
} from './failover-stack.js';
import { type Console, connectConsole, login } from './stack.js';

/**
 * Redis going away must not end an ingest node. The Socket.IO Redis adapter publishes every frame without
 * awaiting it, and node-redis rejects a command that could not be sent within its timeout (5 s then, 30 s
 * now: while it reconnects, or while its socket is backed up); unhandled, those rejections ended the node with exit code 1 (seen in the
 * failover benchmark at 10,000 participants), leaving its sites unmonitored until another node took them.
 * The fault is real: the redis-server process is killed. The node's own consoles keep their frames (the
 * adapter broadcasts locally first) and it keeps its site (leases live in Postgres).
 */
describe('Redis goes away during a class', () => {
  let stack: FailoverStack;
  let a: IngestNode;
  let gateway: ClassGateway | undefined;
  let onA: Console | undefined;

  beforeAll(async () => {
    stack = await startFailoverStack('mosquitto', 4000);
    a = await stack.startNode('a', { SITES: SITE });
    await until('node A to hold the site', holds(a));
  }, 400_000);

  afterAll(async () => {
    onA?.close();
    await gateway?.close().catch(() => undefined);
    await stack?.close();
  }, 60_000);

  it('the node lives on, keeps its site, and its own console keeps getting frames', {
    timeout: 240_000,
  }, async () => {
    const instructor = stack.seed.users.find((u) => u.role === 'instructor')!;
    onA = await connectConsole(a.url, await login(a.url, instructor.username, instructor.password));
    expect(await onA.join(stack.seed.sessionId)).toEqual({ ok: true, live: true });
    gateway = await startClassGateway(stack);
    await onA.waitFor(
      () => onA!.frames.find((f) => f.participants.some((p) => p.hr !== null)),
      30_000,
      'frames',
    );

    process.kill(stack.redis.pid, 'SIGKILL');
    // Every frame broadcast from now on waits for a connection that does not come back, until node-redis
    // gives it up (ADAPTER_COMMAND_TIMEOUT_MS): those rejections are what ended the node.
    const deadline = Date.now() + ADAPTER_COMMAND_TIMEOUT_MS + 30_000;
    while (!a.output().includes('redis command for the Socket.IO adapter failed')) {
      if (Date.now() > deadline) throw new Error('no adapter command was given up');
      await new Promise((r) => setTimeout(r, 250));
    }
    const resumedAt = Date.now();

    await onA.waitFor(
      () => onA!.frames.find((f) => f.at > resumedAt + 1000 && f.participants.some((p) => p.hr !== null)),
      30_000,
      'a frame after the adapter gave its commands up',
    );
    expect(a.child.exitCode, a.output().slice(-3000)).toBeNull();
    expect(a.child.signalCode).toBeNull();
    expect((await a.health())?.sites.map((s) => s.siteId)).toContain(SITE);
    expect(a.output()).toContain('redis command for the Socket.IO adapter failed');
  });
});
