import type { DeviceNotification } from '@zonewatch/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSimulatedLink } from '../src/index.js';
import { participant, scenario, T0 } from './helpers.js';

const oneStrap = (durationS: number, speedup: number) =>
  scenario({
    durationS,
    speedup,
    participants: [participant({ devices: [{ id: 'strap', kind: 'hr-strap' }] })],
  });
const data = (ns: DeviceNotification[]) => ns.filter((n) => n.characteristic === '0x2A37');

describe('simulated DeviceLink', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('plays the scenario at its speed-up and stops by itself at the end', async () => {
    vi.useFakeTimers();
    const got: DeviceNotification[] = [];
    const link = createSimulatedLink(oneStrap(120, 10), { wallClock: () => Date.now(), tickMs: 100 });
    let ended = false;
    void link.finished.then(() => {
      ended = true;
    });
    await link.start((n) => got.push(n));
    await vi.advanceTimersByTimeAsync(5_000);
    // 5 s of wall time at ×10 = 50 s of scenario = ~50 strap notifications.
    expect(data(got).length).toBeGreaterThanOrEqual(48);
    expect(data(got).length).toBeLessThanOrEqual(51);
    const lastAt = got.at(-1)!.receivedAt;
    expect(lastAt - T0).toBeLessThanOrEqual(50_000);
    expect(lastAt - T0).toBeGreaterThan(48_000);
    expect(ended).toBe(false);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(ended).toBe(true);
    expect(data(got).length).toBe(120);
    const n = got.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(got.length).toBe(n);
    expect(link.delivered).toBe(n);
  });

  it('stop() ends delivery and resolves finished', async () => {
    vi.useFakeTimers();
    const got: DeviceNotification[] = [];
    const link = createSimulatedLink(oneStrap(600, 1), { wallClock: () => Date.now() });
    await link.start((n) => got.push(n));
    await vi.advanceTimersByTimeAsync(3_000);
    await link.stop();
    await link.finished;
    const n = got.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(got.length).toBe(n);
    expect(n).toBeGreaterThanOrEqual(3);
  });

  it('survives a handler that throws', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const link = createSimulatedLink(oneStrap(30, 1), { wallClock: () => Date.now() });
    await link.start(() => {
      calls++;
      throw new Error('gateway bug');
    });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBeGreaterThanOrEqual(4);
    await link.stop();
  });

  it('loops with a continuing clock when asked', async () => {
    vi.useFakeTimers();
    const got: DeviceNotification[] = [];
    const link = createSimulatedLink(oneStrap(20, 10), { wallClock: () => Date.now(), loop: true });
    await link.start((n) => got.push(n));
    await vi.advanceTimersByTimeAsync(5_000);
    await link.stop();
    expect(data(got).length).toBeGreaterThanOrEqual(48);
    const times = got.map((n) => n.receivedAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)! - T0).toBeGreaterThan(45_000);
  });

  it('runs in real time with real timers (a scenario minute at ×60)', async () => {
    const got: DeviceNotification[] = [];
    // The platform's clock, with every reading the link takes kept: they are its notion of wall time.
    const readings: number[] = [];
    const wallClock = () => {
      const t = performance.now();
      readings.push(t);
      return t;
    };
    const link = createSimulatedLink(oneStrap(600, 60), { tickMs: 20, wallClock });
    await link.start((n) => got.push(n));
    // Real timers drive it: wait (generously) for a minute of scenario, then stop.
    for (let waited = 0; data(got).length < 60; waited += 10) {
      if (waited > 20_000) throw new Error('the link did not deliver 60 scenario seconds within 20 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    await link.stop();
    // Delivered exactly up to the last reading × 60: one strap notification per scenario second.
    const wallS = (readings.at(-1)! - readings[0]!) / 1000;
    const simS = data(got).length;
    expect(simS).toBeGreaterThanOrEqual(Math.floor(wallS * 60));
    expect(simS).toBeLessThanOrEqual(Math.floor(wallS * 60) + 1);
  });
});
