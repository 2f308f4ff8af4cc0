import {
  type ParticipantLive,
  parseTelemetry,
  type RosterEntryView,
  type TelemetryBatch,
  telemetryTopic,
} from '@zonewatch/protocol';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Console, connectConsole, publishBatch } from '../integration/stack.js';
import { type FuzzCase, fuzzCases, type Verdict } from './fuzz-payloads.js';
import { closedByBroker, mqttConnect, type SuiteStack, startSuiteStack } from './suite-stack.js';

/** Inputs per run (the issue asks for at least 10,000); ZW_FUZZ_RUNS may raise it, never lower it. */
const FUZZ_RUNS = Math.max(10_000, Number(process.env.ZW_FUZZ_RUNS ?? 0) || 0);
/** Fixed unless ZW_FUZZ_SEED says otherwise; printed, so any failure can be replayed exactly. */
const FUZZ_SEED = Number(process.env.ZW_FUZZ_SEED ?? 20_261_213);
const CLASS_GATEWAY = 'demo-gw-1';
const HOME_GATEWAY = 'phone-hw-0142';
const MAX_PAYLOAD = 256 * 1024;
/** Devices no session binds: accepted fuzz batches carry only these. */
const FREE_DEVICES = Array.from(
  { length: 40 },
  (_, i) => `FZ:00:00:00:00:${i.toString(16).padStart(2, '0')}`,
);

/** What the schema and the topic check say of a payload published by `gatewayId` (the suite's own oracle). */
function schemaVerdict(payload: string | Uint8Array, gatewayId: string): Verdict {
  const r = parseTelemetry(payload);
  if (!r.ok) return 'invalid';
  return r.value.gatewayId === gatewayId ? 'accepted' : 'mismatched';
}

/** Publishes QoS1 with up to `window` messages in flight; fails at once if the broker drops the connection. */
async function publishAll(
  client: MqttClient,
  topic: string,
  payloads: (string | Uint8Array)[],
  window = 200,
) {
  let onClose: () => void = () => {};
  const dropped = new Promise<never>((_, reject) => {
    onClose = () => reject(new Error('the broker closed the gateway connection during the fuzz'));
    client.once('close', onClose);
  });
  try {
    for (let i = 0; i < payloads.length; i += window) {
      const chunk = payloads.slice(i, i + window);
      await Promise.race([
        Promise.all(chunk.map((p) => client.publishAsync(topic, Buffer.from(p), { qos: 1 }))),
        dropped,
      ]);
    }
  } finally {
    client.off('close', onClose);
    dropped.catch(() => {});
  }
}

/**
 * Issue 13, "must show": a session of the demo class keeps raising alerts for every participant after the
 * fuzz and the fault steps, checked in the same test. The real platform (registry, embedded broker over
 * TCP, ingest, Socket.IO) with the demo site seeded and no simulator: the test is the class gateway.
 *
 * The faults of issue 13 each have their own failing-first test next to this file or in their package
 * (see SECURITY.md); this test replays the cheap ones against the running class before the final check.
 */
describe('security suite: the demo class keeps raising alerts after fuzzing and faults', () => {
  let stack: SuiteStack;
  let wall: Console;
  let roster: RosterEntryView[];
  let participants: ParticipantLive[];

  beforeAll(async () => {
    stack = await startSuiteStack();
    const { token } = await stack.login('instructor');
    const res = await stack.http(`/api/sessions/${stack.classSessionId}/roster`, {
      headers: { authorization: `Bearer ${token}` },
    });
    roster = ((await res.json()) as { items: RosterEntryView[] }).items;
    wall = await connectConsole(stack.origin, token);
    expect(await wall.join(stack.classSessionId)).toMatchObject({ ok: true, live: true });
    participants = (await wall.waitFor(() => wall.snapshots[0], 10_000, 'the snapshot')).participants;
    // Seeding the demo hashes every login and gateway secret with scrypt: slow on a busy 2-core machine.
  }, 180_000);

  afterAll(async () => {
    wall?.close();
    await stack?.close();
  });

  it(`a session of the demo class raises an alert for every participant after ${FUZZ_RUNS} fuzzed payloads and the fault steps`, {
    timeout: 300_000,
  }, async () => {
    // The demo class: five participants, each with a heart-rate strap, all still without data.
    const straps = new Map(
      roster.filter((r) => r.deviceKind === 'hr-strap').map((r) => [r.participantId, r.deviceId]),
    );
    expect(participants.map((p) => p.participantId).sort()).toEqual([
      'demo-p1',
      'demo-p2',
      'demo-p3',
      'demo-p4',
      'demo-p5',
    ]);
    expect([...straps.keys()].sort()).toEqual(participants.map((p) => p.participantId).sort());
    for (const p of participants) expect(p.ceilingBpm).toBeTypeOf('number');
    const boundDevices = roster.map((r) => r.deviceId).sort();

    const creds = stack.gateway(CLASS_GATEWAY);
    const topic = telemetryTopic(creds.siteId, CLASS_GATEWAY);
    let gateway = await mqttConnect(stack.mqttUrl, CLASS_GATEWAY, creds.secret);
    const { consumer } = stack.platform;
    const base = consumer.stats();
    let seq = 1;

    // 1. Fuzz: the class gateway publishes FUZZ_RUNS generated payloads on its own topic.
    const cases: FuzzCase[] = fuzzCases(
      { gatewayId: CLASS_GATEWAY, freeDevices: FREE_DEVICES, boundDevices },
      FUZZ_SEED,
      FUZZ_RUNS,
      seq,
    );
    const want = { accepted: 0, invalid: 0, mismatched: 0 };
    for (const c of cases) want[c.verdict]++;
    seq += want.accepted;
    // Every case is what it was built to be (this also fuzzes the wire schema itself).
    const misjudged = cases.filter((c) => schemaVerdict(c.payload, CLASS_GATEWAY) !== c.verdict);
    expect(
      misjudged
        .slice(0, 5)
        .map((c) => ({ how: c.how, verdict: c.verdict, payload: String(c.payload).slice(0, 300) })),
    ).toEqual([]);
    expect(want.accepted * want.invalid * want.mismatched).toBeGreaterThan(0);

    await publishAll(
      gateway,
      topic,
      cases.map((c) => c.payload),
    );
    const delta = () => {
      const s = consumer.stats();
      return {
        accepted: s.batches - base.batches,
        invalid: s.invalid - base.invalid,
        mismatched: s.mismatched - base.mismatched,
        duplicates: s.duplicates - base.duplicates,
      };
    };
    await expect
      .poll(() => Object.values(delta()).reduce((a, b) => a + b, 0), { timeout: 120_000, interval: 200 })
      .toBe(FUZZ_RUNS);
    expect(delta()).toEqual({ ...want, duplicates: 0 });
    // biome-ignore lint/suspicious/noConsole: issue 13 asks the suite to print how many inputs it tried.
    console.log(
      `fuzz: ${FUZZ_RUNS} telemetry payloads tried (seed ${FUZZ_SEED}; ZW_FUZZ_SEED=${FUZZ_SEED} replays them): ` +
        `${want.accepted} accepted, ${want.invalid} rejected as invalid, ${want.mismatched} rejected as naming another gateway`,
    );

    // 2. Faults, replayed on the running class (each has its own failing-first test; see SECURITY.md).
    // Hole 7: one batch with seq 2^53 − 1 (its later batches must not become duplicates).
    const freeBatch = (s: number): string =>
      JSON.stringify({
        v: 1,
        gatewayId: CLASS_GATEWAY,
        seq: s,
        sentAt: Date.now(),
        samples: [{ kind: 'battery', device: FREE_DEVICES[0]!, t: Date.now(), percent: 50 }],
      } satisfies TelemetryBatch);
    await gateway.publishAsync(topic, freeBatch(Number.MAX_SAFE_INTEGER), { qos: 1 });
    // An over-limit frame from the class gateway: the broker cuts it off; the gateway connects again.
    gateway.publish(topic, Buffer.alloc(MAX_PAYLOAD + 1, 0x20), { qos: 1 }, () => {});
    await closedByBroker(gateway);
    gateway.end(true);
    gateway = await mqttConnect(stack.mqttUrl, CLASS_GATEWAY, creds.secret);
    // Another gateway of the site forging the class's data: on the class gateway's topic (refused by the
    // broker) and on its own topic naming the class gateway (dropped by ingest) — high heart rates that
    // would raise alerts for everyone if either got through.
    const home = stack.gateway(HOME_GATEWAY);
    const forged = (gatewayId: string): string =>
      JSON.stringify({
        v: 1,
        gatewayId,
        seq: 1,
        sentAt: Date.now(),
        samples: [...straps.values()].map((device) => ({ kind: 'hr', device, t: Date.now(), bpm: 210 })),
      } satisfies TelemetryBatch);
    const intruder = await mqttConnect(stack.mqttUrl, HOME_GATEWAY, home.secret);
    intruder.publish(topic, forged(CLASS_GATEWAY), { qos: 1 }, () => {});
    await closedByBroker(intruder);
    intruder.end(true);
    const liar = await mqttConnect(stack.mqttUrl, HOME_GATEWAY, home.secret);
    await liar.publishAsync(telemetryTopic(home.siteId, HOME_GATEWAY), forged(CLASS_GATEWAY), { qos: 1 });
    liar.end(true);
    await gateway.publishAsync(topic, freeBatch(seq++), { qos: 1 });
    await expect
      .poll(() => delta(), { timeout: 20_000 })
      .toEqual({
        accepted: want.accepted + 2,
        invalid: want.invalid,
        mismatched: want.mismatched + 1,
        duplicates: 0,
      });

    // Nothing of that reached a participant: no heart rate, no clinical alert, ingest healthy.
    const afterFaults = Date.now();
    const frame = await wall.waitFor(
      () => wall.frames.find((f) => f.at > afterFaults),
      20_000,
      'a frame after the faults',
    );
    expect(frame.participants.map((p) => [p.participantId, p.hr, p.lastSampleAt])).toEqual(
      participants.map((p) => [p.participantId, null, null]),
    );
    expect(wall.alerts.filter((a) => a.alert.rule !== 'SIGNAL_LOST')).toEqual([]);
    expect((await stack.http('/healthz')).status).toBe(200);

    // Hole 1: a gateway clock gone wrong stamps one of the first participant's samples 30 days ahead (it
    // used to make the engine drop every real sample after it). Real samples follow in step 3.
    const first = participants[0]!.participantId;
    await publishBatch(gateway, creds.siteId, CLASS_GATEWAY, seq++, [
      { kind: 'hr', device: straps.get(first)!, t: Date.now() + 30 * 86_400_000, bpm: 80 },
    ]);
    await expect.poll(() => delta().accepted, { timeout: 20_000 }).toBe(want.accepted + 3);

    // 3. Every participant of the class goes over their own ceiling for 11 s (the 10-s hold of
    // HR_OVER_CEILING), measured up to now; the wall must show an HR_OVER_CEILING alert for each of them.
    const end = Date.now();
    const samples = participants.flatMap((p) =>
      Array.from({ length: 11 }, (_, i) => ({
        kind: 'hr' as const,
        device: straps.get(p.participantId)!,
        t: end - 10_000 + i * 1000,
        bpm: Math.min((p.ceilingBpm ?? 0) + 3, 215),
      })),
    );
    await publishBatch(gateway, creds.siteId, CLASS_GATEWAY, seq++, samples, end);
    const raised = () =>
      new Set(
        wall.alerts
          .filter(
            (a) =>
              a.event === 'raised' &&
              a.alert.rule === 'HR_OVER_CEILING' &&
              a.sessionId === stack.classSessionId,
          )
          .map((a) => a.alert.participantId),
      );
    await wall.waitFor(
      () => (raised().size === participants.length ? true : undefined),
      20_000,
      'an over-ceiling alert for every participant',
    );
    expect([...raised()].sort()).toEqual(participants.map((p) => p.participantId).sort());
    gateway.end(true);
  });
});
