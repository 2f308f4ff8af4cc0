// Site leases on Debian's Postgres server (row locks are the point: PGlite runs one connection at a time).
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLostError, SiteLeases } from '../../src/cluster/leases.js';
import { SiteOwnership } from '../../src/cluster/ownership.js';
import { createRegistry, type Db, migrate, openPostgres } from '../../src/registry/index.js';
import { type PgServer, startPostgres } from '../registry/pg-server.js';

let server: PgServer;
let db: Db;
let leases: SiteLeases;
const TTL = 60_000;

beforeAll(async () => {
  server = await startPostgres();
  db = await openPostgres(await server.createDatabase('leases_test'));
  await migrate(db);
  const registry = createRegistry(db);
  for (const id of ['site-renew', 'site-takeover']) await registry.sites.create({ id, name: id });
  leases = new SiteLeases(db);
});
afterAll(async () => {
  await db?.close();
  await server?.stop();
});

/** A write transaction of `holder` that checked its lease and stays open until `commit()`. */
async function openWrite(siteId: string, holder: string, token: number) {
  let commit!: () => void;
  const held = new Promise<void>((r) => {
    commit = r;
  });
  let checked!: () => void;
  const ready = new Promise<void>((r) => {
    checked = r;
  });
  const done = db.transaction(async (tx) => {
    await leases.check(tx, siteId, holder, token);
    checked();
    await held;
  });
  await ready;
  return { commit, done };
}

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p.then(() => 'done' as const),
    new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), ms)),
  ]);

describe('site leases', () => {
  it("the holder's renewal does not wait for its own open write transaction", async () => {
    const got = await leases.acquire('site-renew', 'node-a', TTL);
    expect(got?.token).toBe(1);
    const write = await openWrite('site-renew', 'node-a', 1);
    try {
      // With a share lock on the lease row the renewal queued behind every write of the site: under a burst
      // of alert writes a node lost its leases while renewing them.
      const renewal = leases.renew('node-a', new Map([['site-renew', 1]]), TTL);
      expect(await within(renewal, 10_000)).toBe('done');
      expect(await renewal).toEqual(new Set(['site-renew']));
    } finally {
      write.commit();
      await write.done;
    }
  });

  it('a takeover waits until the old holder’s open write is committed, then its writes are refused', async () => {
    await leases.acquire('site-takeover', 'node-a', TTL);
    const write = await openWrite('site-takeover', 'node-a', 1);
    await leases.release('site-takeover', 'node-a', 1); // expired (as if node A stalled past it)
    const takeover = leases.acquire('site-takeover', 'node-b', TTL);
    // Fencing: node B restores the site only after what node A is writing has landed.
    expect(await within(takeover, 500)).toBe('waiting');
    write.commit();
    await write.done;
    expect((await takeover)?.token).toBe(2);
    await expect(db.transaction((tx) => leases.check(tx, 'site-takeover', 'node-a', 1))).rejects.toThrow(
      LeaseLostError,
    );
  });
});

describe('site ownership', () => {
  it('a graceful stop keeps renewing its leases while a site’s hand-over takes longer than a lease', async () => {
    const registry = createRegistry(db);
    await registry.sites.create({ id: 'site-handover', name: 'site-handover' });
    const TTL_MS = 1000;
    const ownership = new SiteOwnership({
      leases,
      registry,
      logger: pino({ level: 'silent' }),
      holder: 'node-stopping',
      ttlMs: TTL_MS,
      renewMs: 200,
      preferred: ['site-handover'],
      takeover: false,
      onAcquired: async () => {},
      // Finishing the site's queued writes: three lease times.
      onLost: (_site, _token, graceful) =>
        graceful ? new Promise((r) => setTimeout(r, 3 * TTL_MS)) : Promise.resolve(),
    });
    await ownership.start();
    expect(ownership.owns('site-handover')).toBe(true);
    const lease = async () => (await leases.list()).find((l) => l.siteId === 'site-handover');
    const stopped = ownership.stop();
    await new Promise((r) => setTimeout(r, 2 * TTL_MS));
    // Mid-hand-over: still this node's (its last writes are being stored under it).
    expect(await lease()).toMatchObject({ holder: 'node-stopping', valid: true });
    await stopped;
    expect(await lease()).toMatchObject({ holder: 'node-stopping', valid: false }); // released
  });
});
