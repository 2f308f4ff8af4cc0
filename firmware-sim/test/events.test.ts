import {
  decodeGatt,
  decodeHeartRate,
  decodePlxContinuous,
  PLX_SENSOR_STATUS,
  rrToMs,
} from '@zonewatch/protocol';
import { describe, expect, it } from 'vitest';
import { createSimulation, type Emission, type ScenarioInput } from '../src/index.js';
import { participant, scenario, series, T0 } from './helpers.js';

const quiet = { hrSdBpm: 0, spo2SdPct: 0 };
type Events = NonNullable<ScenarioInput['participants'][number]['events']>;

function runWith(events: Events, over: Parameters<typeof participant>[0] = {}): Emission[] {
  const sim = createSimulation(scenario({ participants: [participant({ noise: quiet, events, ...over })] }));
  return sim.stepWithTruth(Number.POSITIVE_INFINITY);
}

const between = (es: Emission[], fromS: number, toS: number) =>
  es.filter((e) => e.truth.elapsedMs >= fromS * 1000 && e.truth.elapsedMs < toS * 1000);
const hrReadings = (es: Emission[]) =>
  series(es, 'p-1', 'hr-strap').filter((e) => e.notification.characteristic === '0x2A37');
const oxReadings = (es: Emission[]) =>
  series(es, 'p-1', 'oximeter').filter((e) => e.notification.characteristic === '0x2A5F');
const bpm = (e: Emission) => (e.truth.reading.value as { bpm: number }).bpm;

describe('scheduled events', () => {
  const baseline = runWith([]);
  const baseBpmAt = (tS: number) => bpm(hrReadings(between(baseline, tS, tS + 1))[0]!);

  it('drift raises HR by about deltaBpm and lets it return', () => {
    const es = runWith([{ kind: 'drift', at: '5:00', deltaBpm: 20, durationS: 180 }]);
    const hr = (tS: number) => bpm(hrReadings(between(es, tS, tS + 1))[0]!);
    expect(hr(290) - baseBpmAt(290)).toBe(0);
    expect(hr(470) - baseBpmAt(470)).toBeGreaterThanOrEqual(18);
    expect(hr(470) - baseBpmAt(470)).toBeLessThanOrEqual(21);
    expect(Math.abs(hr(650) - baseBpmAt(650))).toBeLessThanOrEqual(1);
  });

  it('overexert drives HR to the target within about 20 s', () => {
    const es = runWith([{ kind: 'overexert', at: 300, toBpm: 165, durationS: 60 }]);
    const hr = (tS: number) => bpm(hrReadings(between(es, tS, tS + 1))[0]!);
    expect(hr(299)).toBeLessThan(150);
    expect(hr(320)).toBeGreaterThanOrEqual(160);
    expect(hr(355)).toBeGreaterThanOrEqual(164);
    expect(hr(420)).toBeLessThan(150);
  });

  it('bradycardia brings HR under 40 with RR intervals that agree', () => {
    const es = runWith([{ kind: 'bradycardia', at: 300, durationS: 40 }]);
    const slow = hrReadings(between(es, 320, 340));
    for (const e of slow) expect(bpm(e)).toBeLessThan(40);
    const rr = slow.flatMap((e) => (e.truth.reading.value as { rrIntervals?: number[] }).rrIntervals ?? []);
    const meanMs = rr.reduce((s, x) => s + rrToMs(x), 0) / rr.length;
    expect(60_000 / meanMs).toBeGreaterThan(34);
    expect(60_000 / meanMs).toBeLessThan(42);
  });

  it('desaturate reaches the target SpO2 and recovers', () => {
    const es = runWith([{ kind: 'desaturate', at: '4:00', toSpo2: 85, durationS: 120 }], {
      condition: 'copd',
    });
    const spo2 = (fromS: number, toS: number) =>
      oxReadings(between(es, fromS, toS)).map((e) => (e.truth.reading.value as { spo2: number }).spo2);
    expect(Math.min(...spo2(200, 240))).toBeGreaterThan(87);
    expect(spo2(300, 360).every((v) => v <= 86)).toBe(true);
    expect(Math.min(...spo2(300, 360))).toBe(85);
    expect(Math.min(...spo2(500, 540))).toBeGreaterThan(87);
  });

  it('contact loss: the strap reports not-detected and the oximeter reports its sensor off', () => {
    const es = runWith([{ kind: 'contactLoss', at: 300, durationS: 20 }]);
    const strap = hrReadings(between(es, 300, 320));
    expect(strap.length).toBeGreaterThanOrEqual(19);
    for (const e of strap) {
      const d = decodeHeartRate(e.notification.bytes);
      expect(d.ok && d.value.sensorContact).toBe('not-detected');
      expect(e.truth.contactLost).toBe(true);
    }
    for (const e of oxReadings(between(es, 300, 320))) {
      const d = decodePlxContinuous(e.notification.bytes);
      if (!d.ok) throw new Error(d.error.message);
      expect(d.value.spo2).toBeNull();
      expect(d.value.deviceAndSensorStatus! & PLX_SENSOR_STATUS.sensorDisconnected).toBeTruthy();
      expect(d.value.deviceAndSensorStatus! & PLX_SENSOR_STATUS.sensorUnconnectedToUser).toBeTruthy();
    }
    const after = decodeHeartRate(hrReadings(between(es, 321, 322))[0]!.notification.bytes);
    expect(after.ok && after.value.sensorContact).toBe('detected');
    const before = decodePlxContinuous(oxReadings(between(es, 298, 300))[0]!.notification.bytes);
    expect(before.ok && before.value.deviceAndSensorStatus).toBe(0);
  });

  it('contact loss can make the oximeter hold its last SpO2, flagged as off the finger', () => {
    const es = runWith([{ kind: 'contactLoss', at: 300, durationS: 20, oximeterValue: 'held' }]);
    const last = oxReadings(between(es, 290, 300)).at(-1)!.truth.reading.value as { spo2: number };
    for (const e of oxReadings(between(es, 300, 320))) {
      const d = decodePlxContinuous(e.notification.bytes);
      if (!d.ok) throw new Error(d.error.message);
      expect(d.value.spo2).toBe(last.spo2);
      expect(d.value.deviceAndSensorStatus! & PLX_SENSOR_STATUS.sensorUnconnectedToUser).toBeTruthy();
    }
  });

  it('contact loss can be limited to one device', () => {
    const es = runWith([{ kind: 'contactLoss', at: 300, durationS: 20, device: 'p-1-oxi' }]);
    expect(hrReadings(between(es, 300, 320)).every((e) => !e.truth.contactLost)).toBe(true);
    expect(oxReadings(between(es, 300, 320)).every((e) => e.truth.contactLost)).toBe(true);
  });

  it('dropout emits nothing at all for its duration, then resumes', () => {
    const es = runWith([{ kind: 'dropout', at: '5:00', durationS: 45 }]);
    expect(between(es, 300, 345)).toHaveLength(0);
    expect(between(es, 345, 347).length).toBeGreaterThanOrEqual(2);
    expect(between(es, 290, 300).length).toBeGreaterThanOrEqual(18);
  });

  it('artefacts spike HR by 30–60 bpm without matching RR intervals', () => {
    const es = runWith([{ kind: 'artefacts', at: 300, count: 5, overS: 60 }]);
    const spikes = hrReadings(es).filter((e) => e.truth.artefact);
    expect(spikes.length).toBeGreaterThanOrEqual(5);
    for (const e of spikes) {
      expect(e.truth.elapsedMs).toBeGreaterThanOrEqual(300_000);
      expect(e.truth.elapsedMs).toBeLessThan(363_000);
      const jump = bpm(e) - e.truth.state.hr;
      expect(jump).toBeGreaterThan(29);
      expect(jump).toBeLessThan(61);
      const rr = (e.truth.reading.value as { rrIntervals?: number[] }).rrIntervals ?? [];
      for (const r of rr) expect(60_000 / rrToMs(r)).toBeLessThan(bpm(e) - 15);
    }
    expect(hrReadings(baseline).some((e) => e.truth.artefact)).toBe(false);
  });

  it('drains batteries and goes silent when one is empty', () => {
    const s = scenario({
      durationS: 1200,
      participants: [
        participant({
          devices: [{ id: 'low-strap', kind: 'hr-strap', batteryStartPercent: 3, batteryDrainPerHour: 20 }],
        }),
      ],
    });
    const es = createSimulation(s).stepWithTruth(Number.POSITIVE_INFINITY);
    const levels = es
      .filter((e) => e.notification.characteristic === '0x2A19')
      .map((e) => e.truth.reading.value);
    expect(levels[0]).toBe(3);
    expect(levels.at(-1)).toBe(1);
    // 3 % at 20 %/h runs out after 9 minutes (rounded: at 7.5 min it reads 0).
    const last = es.at(-1)!.truth.elapsedMs;
    expect(last).toBeGreaterThan(400_000);
    expect(last).toBeLessThan(480_000);
  });
});

describe('bytes on the wire', () => {
  const s = scenario({
    durationS: 600,
    noise: { artefactsPerHour: 120 },
    participants: [
      participant({
        devices: [
          { id: 'AA:00:00:00:00:01', kind: 'hr-strap' },
          { id: 'AA:00:00:00:00:02', kind: 'oximeter', rateHz: 2 },
          { id: 'AA:00:00:00:00:03', kind: 'pedometer' },
          { id: 'AA:00:00:00:00:04', kind: 'footpod' },
        ],
        events: [{ kind: 'contactLoss', at: 100, durationS: 20 }],
      }),
    ],
  });
  const truths: unknown[] = [];
  const es = createSimulation(s, { onTruth: (t) => truths.push(t) }).stepWithTruth(Number.POSITIVE_INFINITY);

  it('decode with protocol decoders back to exactly the truth', () => {
    expect(es.length).toBeGreaterThan(1500);
    const kinds = new Set<string>();
    for (const e of es) {
      const d = decodeGatt(e.notification.characteristic, e.notification.bytes);
      if (!d.ok) throw new Error(`${e.notification.deviceId}: ${d.error.message}`);
      expect(d.value).toEqual(e.truth.reading);
      expect(e.notification.deviceId).toBe(e.truth.deviceId);
      expect(e.notification.receivedAt).toBe(e.truth.receivedAt);
      kinds.add(e.notification.characteristic);
    }
    expect([...kinds].sort()).toEqual(['0x2A19', '0x2A37', '0x2A53', '0x2A5F', 'zw-steps']);
    expect(truths).toEqual(es.map((e) => e.truth));
  });

  it('sends RR intervals consistent with the reported HR', () => {
    for (const e of es) {
      if (e.truth.reading.characteristic !== '0x2A37' || e.truth.artefact || e.truth.contactLost) continue;
      const v = e.truth.reading.value;
      expect(v.rrIntervals?.length ?? 0).toBeLessThanOrEqual(9);
      for (const r of v.rrIntervals ?? []) {
        expect(Math.abs(60_000 / rrToMs(r) - v.bpm)).toBeLessThan(15);
      }
    }
  });

  it('stamps receivedAt on the gateway clock, drift and offset included', () => {
    const drifting = scenario({
      durationS: 3600,
      gateway: { id: 'gw', clockOffsetMs: 500, clockDriftPpm: 100 },
      participants: [participant({ devices: [{ id: 'x', kind: 'hr-strap' }] })],
    });
    const out = createSimulation(drifting).stepWithTruth(Number.POSITIVE_INFINITY);
    const first = out[0]!;
    const last = out.at(-1)!;
    expect(first.notification.receivedAt - (T0 + first.truth.elapsedMs)).toBe(500);
    // +100 ppm over ~an hour ≈ 0.36 s on top of the offset.
    const skew = last.notification.receivedAt - (T0 + last.truth.elapsedMs) - 500;
    expect(skew).toBeGreaterThanOrEqual(355);
    expect(skew).toBeLessThanOrEqual(361);
  });
});
