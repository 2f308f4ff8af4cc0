// Running a class (issue 14) on the live service with a real registry (PGlite in memory) and an injected
// clock: nobody unmonitored silently (UNMONITORED after an unbind, cleared on re-bind or removal, persisted
// and restored after a restart), and the last frame of a session says it ended.
import type { SessionFrame, AlertEvent as WireAlertEvent } from '@zonewatch/protocol';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveService } from '../../src/live/service.js';
import { createRegistry, type Db, migrate, openPglite, type Registry } from '../../src/registry/index.js';
import { createMemoryWriter } from '../../src/telemetry/index.js';
import { FAST_SCRYPT, T0, world } from '../registry/fixtures.js';

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

function service() {
  const alerts: WireAlertEvent[] = [];
  const frames: SessionFrame[] = [];
  const live = new LiveService({
    registry,
    writer: createMemoryWriter(),
    logger: pino({ level: 'silent' }),
    clock: () => clock.now,
  });
  live.setBroadcaster({ alert: (e) => alerts.push(e), frame: (f) => frames.push(f) });
  return { live, alerts, frames };
}

/** An active class with Ann wearing strap A and Bob strap B. */
async function classRunning() {
  clock.now = T0;
  const w = await world(registry);
  await registry.rosters.bind({ sessionId: w.session.id, participantId: w.ann.id, deviceId: w.strapA.id });
  await registry.rosters.bind({ sessionId: w.session.id, participantId: w.bob.id, deviceId: w.strapB.id });
  await registry.sessions.start(w.session.id, T0);
  const s = service();
  await s.live.sessionStarted(w.session.id);
  return { ...w, ...s };
}

const unmonitored = (events: WireAlertEvent[], participantId: string) =>
  events.filter((e) => e.alert.rule === 'UNMONITORED' && e.alert.participantId === participantId);

describe('Monitoring can be lost silently (issue 14): UNMONITORED on the live service', () => {
  it('an unbind raises UNMONITORED for that participant at the next tick; the re-bind clears and closes it', async () => {
    const w = await classRunning();
    clock.now = T0 + 5000;
    await registry.rosters.unbind({ sessionId: w.session.id, deviceId: w.strapA.id });
    await w.live.rosterChanged(w.session.id);
    // Still on the wall, not live: a tile that says it has no device.
    const tile = w.live.frame(w.session.id)?.participants.find((p) => p.participantId === w.ann.id);
    expect(tile?.bound).toBe(false);
    clock.now = T0 + 6000;
    w.live.tick();
    expect(unmonitored(w.alerts, w.ann.id).map((e) => [e.event, e.alert.severity, e.alert.state])).toEqual([
      ['raised', 'warning', 'open'],
    ]);
    expect(unmonitored(w.alerts, w.bob.id)).toEqual([]);
    await w.live.drain();
    const stored = await registry.alerts.open({ sessionId: w.session.id });
    expect(stored.map((a) => [a.participantId, a.rule])).toEqual([[w.ann.id, 'UNMONITORED']]);

    clock.now = T0 + 9000;
    await registry.rosters.bind({ sessionId: w.session.id, participantId: w.ann.id, deviceId: w.strapA.id });
    await w.live.rosterChanged(w.session.id);
    expect(unmonitored(w.alerts, w.ann.id).map((e) => e.event)).toEqual(['raised', 'cleared', 'closed']);
    await w.live.drain();
    expect(await registry.alerts.open({ sessionId: w.session.id })).toEqual([]);
  });

  it('removing the participant from the session clears it and takes their tile off the wall', async () => {
    const w = await classRunning();
    clock.now = T0 + 5000;
    await registry.rosters.unbind({ sessionId: w.session.id, deviceId: w.strapA.id });
    await w.live.rosterChanged(w.session.id);
    w.live.tick(T0 + 5000);
    await registry.rosters.removeParticipant({ sessionId: w.session.id, participantId: w.ann.id });
    await w.live.rosterChanged(w.session.id);
    expect(unmonitored(w.alerts, w.ann.id).map((e) => e.event)).toEqual(['raised', 'cleared', 'closed']);
    expect(w.live.frame(w.session.id)?.participants.map((p) => p.alias)).toEqual(['Bob']);
    w.live.tick(T0 + 60_000);
    expect(unmonitored(w.alerts, w.ann.id)).toHaveLength(3);
  });

  it('after a restart the unbound participant is still in the session, their alert restored, not raised twice', async () => {
    const w = await classRunning();
    clock.now = T0 + 5000;
    await registry.rosters.unbind({ sessionId: w.session.id, deviceId: w.strapA.id });
    await w.live.rosterChanged(w.session.id);
    w.live.tick();
    await w.live.drain();
    const restarted = service();
    clock.now = T0 + 20_000;
    await restarted.live.sessionStarted(w.session.id);
    restarted.live.tick();
    expect(unmonitored(restarted.alerts, w.ann.id)).toEqual([]);
    const snap = restarted.live.snapshot(w.session.id);
    const anns = snap?.alerts.filter((a) => a.participantId === w.ann.id);
    expect(anns?.map((a) => [a.alias, a.rule])).toEqual([['Ann', 'UNMONITORED']]);
    expect(snap?.participants.find((p) => p.alias === 'Ann')?.bound).toBe(false);
    await registry.rosters.bind({ sessionId: w.session.id, participantId: w.ann.id, deviceId: w.strapA.id });
    await restarted.live.rosterChanged(w.session.id);
    expect(unmonitored(restarted.alerts, w.ann.id).map((e) => e.event)).toEqual(['cleared', 'closed']);
  });
});

describe('Ended sessions look live (issue 14): the last frame says the session ended', () => {
  it('ending a session sends one more frame with status ended to its consoles', async () => {
    const w = await classRunning();
    expect(w.live.frame(w.session.id)?.session?.status).toBe('active');
    clock.now = T0 + 30_000;
    await registry.sessions.end(w.session.id, clock.now);
    await w.live.sessionEnded(w.session.id);
    const last = w.frames.at(-1);
    expect(last?.session).toMatchObject({ status: 'ended', endedAt: T0 + 30_000 });
    expect(last?.participants.map((p) => p.alias).sort()).toEqual(['Ann', 'Bob']);
    // An ended session never raises UNMONITORED for the devices its end unbound.
    expect(w.alerts.filter((e) => e.alert.rule === 'UNMONITORED')).toEqual([]);
  });
});

describe('No structure in time (issue 14): phases drive HR recovery into the report', () => {
  it('the start of recovery is "exercise ended": HR recovery at 60 s is in the report of everyone with data', async () => {
    const w = await classRunning();
    let seq = 0;
    const hr = (t: number, ann: number, bob: number | null) => {
      clock.now = t;
      const samples = [{ kind: 'hr' as const, device: w.strapA.id, t, bpm: ann }];
      if (bob !== null) samples.push({ kind: 'hr' as const, device: w.strapB.id, t, bpm: bob });
      w.live.onBatch(w.site.id, { v: 1, gatewayId: 'gw-1', seq: seq++, sentAt: t, samples });
      w.live.tick(t);
    };
    for (let s = 0; s <= 120; s++) hr(T0 + s * 1000, 130, null);
    await registry.sessions.setPhase(w.session.id, 'recovery', T0 + 120_000, {});
    await w.live.phaseChanged(w.session.id);
    expect(w.live.frame(w.session.id)?.session).toMatchObject({
      phase: 'recovery',
      phaseStartedAt: T0 + 120_000,
    });
    for (let s = 121; s <= 185; s++) hr(T0 + s * 1000, 105, null);
    await registry.sessions.end(w.session.id, T0 + 185_000);
    await w.live.sessionEnded(w.session.id);
    const reports = await registry.reports.listBySession(w.session.id);
    const ann = reports.find((r) => r.participantId === w.ann.id)?.body as { hrRecovery: unknown };
    expect(ann.hrRecovery).toMatchObject({ exerciseEndMs: T0 + 120_000, dropBpm: 25 });
    // Bob sent nothing: no usable data, no recovery to report.
    const bob = reports.find((r) => r.participantId === w.bob.id)?.body as { hrRecovery: unknown };
    expect(bob.hrRecovery).toBeNull();
  });
});

describe('Reports disagree with themselves (issue 14): the peak HR is in the trace', () => {
  it("each bucket's usable HR extremes reach the saved report and the live trace, so a chart shows the peak", async () => {
    const w = await classRunning();
    let seq = 0;
    const hr = (s: number, bpm: number) => {
      const t = T0 + s * 1000;
      clock.now = t;
      const samples = [{ kind: 'hr' as const, device: w.strapA.id, t, bpm }];
      w.live.onBatch(w.site.id, { v: 1, gatewayId: 'gw-1', seq: seq++, sentAt: t, samples });
      w.live.tick(t);
    };
    // A two-reading spike: 162 is an artefact, 163 (2 s after the last usable 120) is usable.
    const bpm = (s: number) => (s === 11 ? 162 : s === 12 ? 163 : 120);
    for (let s = 0; s <= 30; s++) hr(s, bpm(s));
    const live = w.live.recentTrace(w.session.id, 600_000)?.find((x) => x.participantId === w.ann.id);
    const spiked = live?.points.find((p) => p.hrMax === 163);
    expect(spiked?.hr).toBeLessThan(140);
    await registry.sessions.end(w.session.id, T0 + 30_000);
    await w.live.sessionEnded(w.session.id);
    const reports = await registry.reports.listBySession(w.session.id);
    const ann = reports.find((r) => r.participantId === w.ann.id)?.body as {
      hrPeak: number;
      trace: { hr: number | null; hrMin: number | null; hrMax: number | null }[];
    };
    expect(ann.hrPeak).toBe(163);
    expect(Math.max(...ann.trace.map((p) => p.hrMax ?? 0))).toBe(163);
    expect(Math.max(...ann.trace.map((p) => p.hr ?? 0))).toBeLessThan(140);
    expect(Math.min(...ann.trace.map((p) => p.hrMin ?? 999))).toBe(120);
  });
});
