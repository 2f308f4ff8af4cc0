import { describe, expect, it } from 'vitest';
import { createPrng, createSimulation, type Emission } from '../src/index.js';
import { participant, scenario, series } from './helpers.js';

const quiet = { hrSdBpm: 0, spo2SdPct: 0 };

function run(s: ReturnType<typeof scenario>, chunkMs = 1000): Emission[] {
  const sim = createSimulation(s);
  const out: Emission[] = [];
  for (let t = 0; !sim.done; t += chunkMs) out.push(...sim.stepWithTruth(t));
  return out;
}

/** True HR of a participant at `tS` (from the strap's truth). */
function hrAt(es: Emission[], id: string, tS: number): number {
  const strap = series(es, id, 'hr-strap');
  let best = strap[0]!;
  for (const e of strap)
    if (Math.abs(e.truth.elapsedMs - tS * 1000) < Math.abs(best.truth.elapsedMs - tS * 1000)) best = e;
  return best.truth.state.hr;
}

describe('seeded PRNG', () => {
  it('repeats for a seed and differs across seeds and streams', () => {
    const a = createPrng(1, 'x');
    const b = createPrng(1, 'x');
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(createPrng(2, 'x').next()).not.toBe(seqA[0]);
    expect(createPrng(1, 'y').next()).not.toBe(seqA[0]);
    const n = createPrng(3);
    const xs = Array.from({ length: 20_000 }, () => n.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });
});

describe('determinism', () => {
  it('gives the same bytes for the same seed however step() is chunked', () => {
    const s = scenario({ durationS: 300, noise: { artefactsPerHour: 60 } });
    const a = run(s, 1000);
    const b = run(s, 7_777);
    expect(b.length).toBe(a.length);
    expect(
      b.map((e) => [e.notification.deviceId, e.notification.receivedAt, [...e.notification.bytes]]),
    ).toEqual(a.map((e) => [e.notification.deviceId, e.notification.receivedAt, [...e.notification.bytes]]));
  });

  it('gives different traces for different seeds', () => {
    const a = run(scenario({ durationS: 200 }));
    const b = run(scenario({ durationS: 200, seed: 8 }));
    expect(b.map((e) => [...e.notification.bytes])).not.toEqual(a.map((e) => [...e.notification.bytes]));
  });

  it('does not read the wall clock when the scenario has a start', () => {
    const s = scenario({ durationS: 30 });
    const sim = createSimulation(s, { clock: () => 1 });
    expect(sim.startedAt).toBe(s.startAt);
    const { startAt: _drop, ...noStart } = s;
    expect(createSimulation(noStart, { clock: () => 1234 }).startedAt).toBe(1234);
  });

  it('returns notifications in time order, only up to the requested time and never twice', () => {
    const sim = createSimulation(scenario({ durationS: 120 }));
    const first = sim.step(10_000);
    const again = sim.step(10_000);
    expect(again).toHaveLength(0);
    const rest = sim.step(1e9);
    const all = [...first, ...rest];
    const times = all.map((n) => n.receivedAt);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(Math.max(...first.map((n) => n.receivedAt))).toBeLessThanOrEqual(sim.startedAt + 10_000);
    expect(Math.max(...times)).toBeLessThan(sim.startedAt + 120_000);
    expect(sim.done).toBe(true);
    // Two 1 Hz devices for 120 s, plus battery levels every minute.
    expect(all.length).toBeGreaterThanOrEqual(2 * 119 + 4);
  });
});

describe('heart-rate kinetics', () => {
  const s = scenario({ participants: [participant({ noise: quiet })] });
  const es = run(s);
  const sim = createSimulation(s);
  const rest = 70;

  it('rises towards the workload target with a first-order time constant of 30–60 s', () => {
    const target = hrAt(es, 'p-1', 715);
    expect(target).toBeGreaterThan(rest + 40);
    const excess = target - rest;
    // Time to 63 % of the rise.
    const strap = series(es, 'p-1', 'hr-strap').filter((e) => e.truth.elapsedMs >= 120_000);
    const t63 = strap.find((e) => e.truth.state.hr - rest >= 0.63 * excess)!.truth.elapsedMs / 1000 - 120;
    expect(t63).toBeGreaterThanOrEqual(30);
    expect(t63).toBeLessThanOrEqual(60);
    expect(hrAt(es, 'p-1', 125) - rest).toBeLessThan(0.25 * excess);
    // Steady state after 5 τ matches the model's own steady value.
    const model = sim.participantState('p-1');
    expect(model).toBeDefined();
    expect(Math.abs(hrAt(es, 'p-1', 500) - target)).toBeLessThan(2);
  });

  it('recovers with a fast then a slow component (HR recovery at 60 s)', () => {
    const peak = hrAt(es, 'p-1', 719);
    const hrr60 = peak - hrAt(es, 'p-1', 780);
    expect(hrr60).toBeGreaterThan(18);
    expect(hrr60).toBeLessThan(45);
    // The slow tail: still above rest five minutes later, and falls much more slowly than in the first minute.
    const after5 = hrAt(es, 'p-1', 1020);
    expect(after5 - rest).toBeGreaterThan(3);
    expect(hrAt(es, 'p-1', 960) - after5).toBeLessThan(hrr60 / 4);
  });

  it('recovers more slowly in heart failure than when fit', () => {
    const two = scenario({
      participants: [
        participant({ id: 'fit', fitness: 'high', noise: quiet }),
        participant({ id: 'hf', condition: 'heart-failure', fitness: 'low', noise: quiet }),
      ],
    });
    const e2 = run(two);
    const hrr = (id: string) => hrAt(e2, id, 719) - hrAt(e2, id, 780);
    const frac = (id: string) => hrr(id) / (hrAt(e2, id, 719) - 70);
    expect(frac('hf')).toBeLessThan(frac('fit'));
  });

  it('is blunted by a β-blocker', () => {
    const two = scenario({
      participants: [
        participant({ id: 'plain', noise: quiet }),
        participant({ id: 'bb', betaBlocker: true, noise: quiet }),
      ],
    });
    const e2 = run(two);
    const riseBb = hrAt(e2, 'bb', 700) - 70;
    const rise = hrAt(e2, 'plain', 700) - 70;
    expect(riseBb).toBeLessThan(rise * 0.7);
    // Never near the age-predicted maximum either.
    expect(Math.max(...series(e2, 'bb', 'hr-strap').map((e) => e.truth.state.hr))).toBeLessThan(
      164 - 0.7 * 60,
    );
  });

  it('follows warm-up, intervals and cool-down', () => {
    const s2 = scenario({
      durationS: 1200,
      plan: [
        { kind: 'warmup', durationS: 300, workload: 0.4 },
        { kind: 'intervals', durationS: 480, high: 0.8, low: 0.3, onS: 120, offS: 120 },
        { kind: 'cooldown', durationS: 300 },
      ],
      participants: [participant({ noise: quiet })],
    });
    const e2 = run(s2);
    expect(hrAt(e2, 'p-1', 150)).toBeLessThan(hrAt(e2, 'p-1', 300));
    // End of a work bout vs end of the following recovery bout.
    expect(hrAt(e2, 'p-1', 659) - hrAt(e2, 'p-1', 779)).toBeGreaterThan(15);
    expect(hrAt(e2, 'p-1', 1190)).toBeLessThan(hrAt(e2, 'p-1', 659) - 20);
    expect(series(e2, 'p-1', 'hr-strap').at(-1)!.truth.state.phase).toBe('after');
  });

  it('makes the same workload harder for the less fit', () => {
    const s2 = scenario({
      participants: [
        participant({ id: 'low', fitness: 'low', noise: quiet }),
        participant({ id: 'high', fitness: 'high', noise: quiet }),
      ],
    });
    const e2 = run(s2);
    expect(hrAt(e2, 'low', 700)).toBeGreaterThan(hrAt(e2, 'high', 700) + 10);
  });
});

describe('SpO2, steps and noise', () => {
  it('falls with effort in COPD, barely in a healthy participant', () => {
    const s = scenario({
      participants: [
        participant({ id: 'copd', condition: 'copd', noise: quiet }),
        participant({ id: 'ok', noise: quiet }),
      ],
    });
    const es = run(s);
    const spo2 = (id: string, t: number) => {
      const ox = series(es, id, 'oximeter');
      return ox.find((e) => e.truth.elapsedMs >= t * 1000)!.truth.state.spo2;
    };
    expect(spo2('copd', 100)).toBeCloseTo(94, 0);
    expect(spo2('copd', 100) - spo2('copd', 700)).toBeGreaterThan(3);
    expect(spo2('ok', 100) - spo2('ok', 700)).toBeLessThan(1.5);
    // Recovers at rest.
    expect(spo2('copd', 1300)).toBeGreaterThan(spo2('copd', 700) + 2);
  });

  it('counts steps cumulatively with a cadence that follows the workload', () => {
    const s = scenario({
      participants: [
        participant({
          devices: [
            { id: 'ped', kind: 'pedometer' },
            { id: 'pod', kind: 'footpod' },
          ],
        }),
      ],
    });
    const es = run(s);
    const ped = series(es, 'p-1', 'pedometer').filter((e) => e.truth.reading.characteristic === 'zw-steps');
    const steps = ped.map((e) => (e.truth.reading.value as { steps: number }).steps);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!).toBeGreaterThanOrEqual(steps[i - 1]!);
    const walked = steps.at(-1)! - steps[0]!;
    // 10 minutes at roughly 100–130 steps/min.
    expect(walked).toBeGreaterThan(900);
    expect(walked).toBeLessThan(1400);
    const cadenceAt = (t: number) => ped.find((e) => e.truth.elapsedMs >= t * 1000)!.truth.state.cadenceSpm;
    expect(cadenceAt(60)).toBe(0);
    expect(cadenceAt(400)).toBeGreaterThan(90);
    const pod = series(es, 'p-1', 'footpod').filter((e) => e.truth.reading.characteristic === '0x2A53');
    const dist = pod.at(-1)!.truth.reading.value as { totalDistanceM: number };
    expect(dist.totalDistanceM).toBeGreaterThan(500);
  });

  it('adds a realistic wander to HR when noise is on', () => {
    const es = run(scenario({ participants: [participant({ noise: { hrSdBpm: 2 } })] }));
    const quietEs = run(scenario({ participants: [participant({ noise: quiet })] }));
    const diffs = series(es, 'p-1', 'hr-strap').map(
      (e, i) => e.truth.state.hr - series(quietEs, 'p-1', 'hr-strap')[i]!.truth.state.hr,
    );
    const sd = Math.sqrt(diffs.reduce((s, d) => s + d * d, 0) / diffs.length);
    expect(sd).toBeGreaterThan(0.8);
    expect(sd).toBeLessThan(4);
  });
});
