// The live service's registry writes (alert raises and changes) with a real registry (PGlite in memory) and
// a site gate that fences each write as the leases do: what a burst costs, what one bad write costs, and
// what a node that lost the site does with what it had queued.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../src/cluster/leases.js';
import { AlertProjection } from '../../src/live/alerts.js';
import { createLiveCore, type SiteGate } from '../../src/live/types.js';
import { createRegistry, type Db, migrate, openPglite, type Registry } from '../../src/registry/index.js';
import { createMemoryWriter } from '../../src/telemetry/index.js';
import { FAST_SCRYPT, T0, world } from '../registry/fixtures.js';

let db: Db;
let registry: Registry;

beforeAll(async () => {
  db = await openPglite('memory');
  await migrate(db);
  registry = createRegistry(db, { clock: () => T0, passwordParams: FAST_SCRYPT });
});
afterAll(async () => {
  await db.close();
});

/** A gate holding every site until `lose()`, counting the fenced transactions (each one commit). */
interface CountingGate extends SiteGate {
  held: boolean;
  /** The lease's token now (a node that lost the site and took it again has a new one). */
  current: number;
  transactions: number;
}

/** A gate holding every site until `held` is false, fencing as the leases do and counting transactions. */
function gate(): CountingGate {
  const g: CountingGate = {
    held: true,
    current: 7,
    transactions: 0,
    owns: () => g.held,
    token: () => (g.held ? g.current : undefined),
    fenced<T>(siteId: string, fn: (reg: Registry) => Promise<T>, token?: number): Promise<T> {
      const valid = () => g.held && (token === undefined || token === g.current);
      if (!valid()) return Promise.reject(new LeaseLostError(siteId, token ?? g.current));
      g.transactions++;
      // Checked again inside the transaction, as the database checks the lease row.
      return registry.transaction(async (tx) => {
        if (!valid()) throw new LeaseLostError(siteId, token ?? g.current);
        return fn(tx);
      });
    },
  };
  return g;
}

async function rig() {
  const w = await world(registry);
  const fence = gate();
  const lines: { msg: string; writes?: number }[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const core = createLiveCore({
    registry,
    writer: createMemoryWriter(),
    logger: pino({ level: 'warn' }, sink),
    ownership: fence,
  });
  const alerts = new AlertProjection(core);
  const alertId = `al-${w.session.id}`;
  let t = T0;
  const raise = (participantId: string = w.ann.id) =>
    alerts.registryWrite(w.site.id, (reg) =>
      reg.alerts.raise({
        id: participantId === w.ann.id ? alertId : undefined,
        sessionId: w.session.id,
        participantId,
        rule: 'SIGNAL_LOST',
        severity: 'warning',
        atMs: t++,
      }),
    );
  /** The alert sounding again: one more event of the same alert. */
  const resound = () =>
    alerts.registryWrite(w.site.id, (reg) =>
      reg.alerts.persist({
        alertId,
        event: 'resounded',
        atMs: t++,
        actorId: null,
        note: null,
        after: {
          severity: 'warning',
          unconfirmed: false,
          state: 'open',
          conditionCleared: false,
          escalationLevel: 0,
          acknowledgedAt: null,
          acknowledgedBy: null,
          closedAt: null,
        },
      }),
    );
  return { ...w, fence, lines, core, alerts, raise, resound, alertId };
}

describe('registry writes of a site', () => {
  it('a burst of 1,000 alert writes is stored whole in a handful of transactions, in order', async () => {
    const { fence, alerts, raise, resound, alertId } = await rig();
    // A burst of engine events (a restart under a big class: signals lost, then back): the writes queue up.
    const results = await Promise.all([raise(), ...Array.from({ length: 999 }, () => resound())]);
    await alerts.drain();
    expect(results.every((r) => r !== undefined)).toBe(true);
    const stored = await registry.alerts.events(alertId);
    expect(stored.map((e) => e.event)).toEqual(['raised', ...Array(999).fill('resounded')]);
    expect(stored.map((e) => e.at)).toEqual([...stored.map((e) => e.at)].sort((x, y) => x - y));
    // One commit per transaction: 1,000 of them kept a real node's write queue minutes behind a burst.
    expect(fence.transactions).toBeLessThanOrEqual(6);
  });

  it('one write the database refuses loses only itself: the others of its batch are stored', async () => {
    const { alerts, raise, resound, alertId, core, lines } = await rig();
    const results = await Promise.all([
      raise(),
      resound(),
      raise('no-such-participant'), // a foreign key the database refuses
      resound(),
    ]);
    await alerts.drain();
    expect(results.map((r) => r !== undefined)).toEqual([true, true, false, true]);
    expect((await registry.alerts.events(alertId)).map((e) => e.event)).toEqual([
      'raised',
      'resounded',
      'resounded',
    ]);
    expect(core.counters.registryErrors).toBe(1);
    expect(lines.filter((l) => l.msg === 'registry write failed')).toHaveLength(1);
  });

  it('a node that lost the site refuses everything it had queued for it, and says so once', async () => {
    const { fence, alerts, raise, resound, alertId, core, lines } = await rig();
    const first = raise(); // taken by the writer at once: still in its transaction when the lease runs out
    const queued = Array.from({ length: 500 }, () => resound());
    fence.held = false; // the lease ran out while those waited
    const results = await Promise.all([first, ...queued]);
    await alerts.drain();
    expect(results.filter((r) => r === undefined)).toHaveLength(501);
    expect(await registry.alerts.events(alertId)).toEqual([]);
    expect(core.counters.fencedWrites).toBe(501);
    const refused = lines.filter((l) => l.msg === 'registry writes refused: this node lost the site');
    expect(refused).toEqual([expect.objectContaining({ writes: 501 })]);
  });

  it('writes decided under an earlier lease are not stored under a later one of the same node', async () => {
    const { fence, alerts, raise, resound, alertId, core } = await rig();
    await raise();
    await alerts.drain();
    const stale = Array.from({ length: 20 }, () => resound()); // queued under lease 7
    // Lease 7 ran out and the node took the site again (lease 8): it restored the site from the registry
    // without those queued writes, so storing them now would contradict what it restored.
    fence.current = 8;
    const fresh = Array.from({ length: 5 }, () => resound());
    const results = await Promise.all([...stale, ...fresh]);
    await alerts.drain();
    expect(results.map((r) => r !== undefined)).toEqual([...Array(20).fill(false), ...Array(5).fill(true)]);
    expect(await registry.alerts.events(alertId)).toHaveLength(1 + 5);
    expect(core.counters.fencedWrites).toBe(20);
  });
});
