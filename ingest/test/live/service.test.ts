// The live service with a real registry (PGlite in memory), the in-memory telemetry writer and an injected
// clock: what reaches the consoles and the registry is what the rules engine decided.
import {
  alertEventSchema,
  type TelemetryBatch,
  type AlertEvent as WireAlertEvent,
} from '@zonewatch/protocol';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveService } from '../../src/live/service.js';
import { createRegistry, type Db, migrate, openPglite, type Registry } from '../../src/registry/index.js';
import { createMemoryWriter } from '../../src/telemetry/index.js';
import { FAST_SCRYPT, T0, world } from '../registry/fixtures.js';

const DAY_MS = 24 * 3600 * 1000;

let db: Db;
let registry: Registry;
const clock = { now: T0 };

beforeAll(async () => {
  db = await openPglite('memory');
  await migrate(db);
  registry = createRegistry(db, { clock: () => clock.now, passwordParams: FAST_SCRYPT });
});
afterAll(async () => {
  await db.close();
});

/** A world whose session is active (since `startedAt`) with Ann wearing a strap: zone 100–120 bpm, ceiling 140. */
async function annOnStrap(startedAt: number, fitt?: { sessionsPerWeek: number; minutesInZone: number }) {
  clock.now = T0;
  const w = await world(registry);
  await registry.prescriptions.create({
    participantId: w.ann.id,
    authorId: w.clinician.id,
    body: {
      hrRest: 60,
      hrMax: { source: 'measured', bpm: 170 },
      zone: { method: 'bpm', low: 100, high: 120 },
      ceilingBpm: 140,
      ...(fitt ? { fitt } : {}),
    },
    effectiveFrom: T0 - 1000,
  });
  await registry.rosters.bind({ sessionId: w.session.id, participantId: w.ann.id, deviceId: w.strapA.id });
  await registry.sessions.start(w.session.id, startedAt);
  return w;
}

/** {@link annOnStrap} since T0, live. */
async function liveSession(fitt?: { sessionsPerWeek: number; minutesInZone: number }) {
  const w = await annOnStrap(T0, fitt);
  const broadcast: WireAlertEvent[] = [];
  const live = new LiveService({
    registry,
    writer: createMemoryWriter(),
    logger: pino({ level: 'silent' }),
    clock: () => clock.now,
  });
  live.setBroadcaster({ alert: (e) => broadcast.push(e) });
  await live.sessionStarted(w.session.id);
  let seq = 0;
  /** One HR reading at `t`, then a tick at `t` (a row before the tick of the same time), as live. */
  const hr = (t: number, bpm: number) => {
    clock.now = t;
    const batch: TelemetryBatch = {
      v: 1,
      gatewayId: 'gw-1',
      seq: seq++,
      sentAt: t,
      samples: [{ kind: 'hr', device: w.strapA.id, t, bpm }],
    };
    live.onBatch(w.site.id, batch);
    live.tick(t);
  };
  return { ...w, live, broadcast, hr };
}

describe('live service: alerts as the engine decided them', () => {
  it('a doubtful critical on an open warning reaches the console as upgraded, warning, unconfirmed (ruling 1)', async () => {
    const { live, broadcast, hr } = await liveSession();
    for (let s = 0; s <= 10; s++) hr(T0 + s * 1000, 145); // ≥ ceiling 140 for 10 s → warning at 10 s
    for (let s = 11; s <= 20; s++) hr(T0 + s * 1000, 150); // ≥ ceiling + 10 from 11 s: critical held at 21 s
    hr(T0 + 20_500, 200); // an artefact: 50 bpm from 150 half a second earlier
    hr(T0 + 21_000, 150); // artefact neighbour: doubtful, critical hold complete → possible critical
    hr(T0 + 22_000, 150); // confirmed → critical
    await live.drain();
    const ceiling = broadcast.filter((e) => e.alert.rule === 'HR_OVER_CEILING');
    expect(ceiling.map((e) => [e.at - T0, e.event, e.alert.severity, e.alert.unconfirmed ?? false])).toEqual([
      [10_000, 'raised', 'warning', false],
      [21_000, 'upgraded', 'warning', true],
      [22_000, 'upgraded', 'critical', false],
    ]);
    // What the Socket.IO room receives (the live-router plugin emits these events as they are) and the
    // console parses with the protocol schema: the possible critical keeps its label.
    expect(alertEventSchema.parse(ceiling[1]).alert).toMatchObject({
      severity: 'warning',
      unconfirmed: true,
    });
    const id = ceiling[0]!.alert.id;
    const stored = await registry.alerts.events(id);
    expect(stored.map((e) => [e.event, e.severity])).toEqual([
      ['raised', 'warning'],
      ['upgraded', 'warning'],
      ['upgraded', 'critical'],
    ]);
    expect(await registry.alerts.get(id)).toMatchObject({ severity: 'critical', unconfirmed: false });
  });

  it('a clock jump of ten days costs the engine a bounded number of steps, with the right outcome (ruling 4)', async () => {
    const { live, broadcast, hr, session } = await liveSession();
    hr(T0, 110);
    hr(T0 + 1000, 110);
    const before = live.engineWork();
    const later = T0 + 10 * DAY_MS;
    clock.now = later;
    live.tick(later); // ten days without a sample
    hr(later + 1000, 110); // and a sample after it
    const spent = live.engineWork() - before;
    // One step per signal-lost level and escalation step, one trace bucket: never one per elapsed second
    // (864 000) or per 5-s bucket (172 800).
    expect(spent).toBeLessThanOrEqual(20);
    await live.drain();
    const lost = broadcast.filter((e) => e.alert.rule === 'SIGNAL_LOST');
    // Held past both levels at once: one raise at warning (section 3), then the first usable sample clears it.
    expect(lost.map((e) => [e.at - later, e.event, e.alert.severity])).toEqual([
      [0, 'raised', 'warning'],
      [1000, 'cleared', 'warning'],
      [1000, 'closed', 'warning'],
    ]);
    expect(live.frame(session.id, later + 1000)?.participants[0]).toMatchObject({
      hr: 110,
      freshness: 'live',
    });
  });
});

describe('live service: zone minutes in the frame (issue 14)', () => {
  it("each tile carries the participant's minutes in zone this session and the FITT target", async () => {
    const { live, hr, session } = await liveSession({ sessionsPerWeek: 3, minutesInZone: 20 });
    expect(live.frame(session.id, T0)?.participants[0]).toMatchObject({
      minutesInZone: 0,
      targetMinutesInZone: 20,
    });
    for (let s = 0; s <= 90; s++) hr(T0 + s * 1000, 110); // in zone (100–120) for 90 s
    for (let s = 91; s <= 120; s++) hr(T0 + s * 1000, 90); // below the zone for 30 s: not counted
    expect(live.frame(session.id, T0 + 120_000)?.participants[0]).toMatchObject({
      minutesInZone: 1.5,
      targetMinutesInZone: 20,
    });
  });

  it('a prescription without FITT sends no target', async () => {
    const { live, hr, session } = await liveSession();
    hr(T0, 110);
    expect(live.frame(session.id, T0)?.participants[0]?.targetMinutesInZone).toBeNull();
  });
});

describe('live service: a session restored under load (restart, takeover)', () => {
  it('a monitor is not ticked before its open alerts are back: a slow restore raises nothing twice', async () => {
    const w = await annOnStrap(T0 - 120_000);
    // The previous owner raised it (no data yet) and died before it stored the clearing.
    const previous = 'al-previous-owner:SIGNAL_LOST:1';
    await registry.alerts.raise({
      id: previous,
      sessionId: w.session.id,
      participantId: w.ann.id,
      rule: 'SIGNAL_LOST',
      severity: 'warning',
      atMs: T0 - 60_000,
    });
    // A registry under load: the open alerts take a while to come back.
    let release!: () => void;
    const slow = new Promise<void>((r) => {
      release = r;
    });
    const loaded: Registry = {
      ...registry,
      alerts: { ...registry.alerts, open: (f) => slow.then(() => registry.alerts.open(f)) },
    };
    const live = new LiveService({
      registry: loaded,
      writer: createMemoryWriter(),
      logger: pino({ level: 'silent' }),
      clock: () => clock.now,
    });
    const restoring = live.sessionStarted(w.session.id);
    // The frame timer ticks on meanwhile, long past the signal-lost time.
    for (let s = 1; s <= 60; s++) {
      clock.now = T0 + s * 1000;
      live.tick(clock.now);
      await new Promise((r) => setImmediate(r));
    }
    release();
    await restoring;
    for (let s = 61; s <= 70; s++) live.tick(T0 + s * 1000);
    await live.drain();
    expect(live.stats()).toMatchObject({ registryErrors: 0 });
    const live_ = (await registry.alerts.listBySession(w.session.id)).filter((a) => a.state !== 'closed');
    expect(live_.map((a) => a.id)).toEqual([previous]);
  });
});
