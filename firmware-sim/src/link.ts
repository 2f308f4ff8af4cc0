import type { DeviceLink, DeviceNotification } from '@zonewatch/protocol';
import type { Logger } from 'pino';
import type { Scenario } from './scenario.js';
import { createSimulation, type Simulation, type SimulationOptions } from './simulation.js';

/** Options of {@link createSimulatedLink}. */
export interface SimulatedLinkOptions extends SimulationOptions {
  /** Simulated seconds per wall-clock second; default the scenario's `speedup`. */
  speedup?: number;
  /** How often the link wakes up to deliver due notifications (wall ms, default 100). */
  tickMs?: number;
  /** Start the scenario again when it ends (the scenario clock keeps running; the seed moves on by one). */
  loop?: boolean;
  /** Monotonic wall clock in ms (default `performance.now`); tests inject a fake one. */
  wallClock?: () => number;
  logger?: Logger;
}

/** A {@link DeviceLink} fed by a simulation, with a little introspection for CLIs and tests. */
export interface SimulatedLink extends DeviceLink {
  /** The simulation currently running (replaced on each loop), or undefined before `start`. */
  readonly simulation: Simulation | undefined;
  /** Notifications delivered since `start`. */
  readonly delivered: number;
  /** Resolves when the scenario has ended (never, with `loop`) or the link was stopped. */
  readonly finished: Promise<void>;
}

/**
 * A {@link DeviceLink} that plays a scenario in (scaled) real time: a timer wakes every `tickMs`, computes
 * the scenario time from the wall clock and the speed-up, and hands every notification due by then to the
 * gateway. `receivedAt` is the scenario clock (ms since epoch). The handler's exceptions are logged, never
 * propagated into the timer.
 */
export function createSimulatedLink(scenario: Scenario, opts: SimulatedLinkOptions = {}): SimulatedLink {
  const speedup = opts.speedup ?? scenario.speedup;
  if (!(speedup > 0)) throw new RangeError(`speedup must be > 0, got ${speedup}`);
  const tickMs = opts.tickMs ?? 100;
  const wall = opts.wallClock ?? (() => performance.now());
  const log = opts.logger;
  let sim: Simulation | undefined;
  let timer: NodeJS.Timeout | undefined;
  let delivered = 0;
  let running = false;
  let wall0 = 0;
  let round = 0;
  let resolveFinished: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    resolveFinished = resolve;
  });

  const newSimulation = (startAt?: number): Simulation => {
    const seed = (opts.seed ?? scenario.seed) + round;
    const s = createSimulation(startAt === undefined ? scenario : { ...scenario, startAt }, {
      ...opts,
      seed,
    });
    log?.info(
      { scenario: scenario.name, gatewayId: scenario.gateway.id, startedAt: s.startedAt, speedup, round },
      'simulated scenario started',
    );
    return s;
  };

  const finish = (): void => {
    running = false;
    if (timer) clearTimeout(timer);
    timer = undefined;
    resolveFinished();
  };

  let deliver: (n: DeviceNotification) => void = () => {};

  const tick = (): void => {
    if (!running || !sim) return;
    const elapsed = (wall() - wall0) * speedup;
    const batch = sim.step(elapsed);
    for (const n of batch) {
      try {
        deliver(n);
        delivered++;
      } catch (e) {
        log?.error({ err: e, deviceId: n.deviceId }, 'notification handler threw');
      }
    }
    if (elapsed >= sim.durationMs) {
      log?.info({ delivered, gatewayId: scenario.gateway.id }, 'simulated scenario finished');
      if (opts.loop) {
        round++;
        const nextStart = sim.startedAt + sim.durationMs;
        wall0 += sim.durationMs / speedup;
        sim = newSimulation(nextStart);
      } else {
        finish();
        return;
      }
    }
    if (running) timer = setTimeout(tick, tickMs);
  };

  return {
    get simulation() {
      return sim;
    },
    get delivered() {
      return delivered;
    },
    finished,
    async start(onNotification) {
      if (running) throw new Error('simulated link already started');
      deliver = onNotification;
      running = true;
      sim = newSimulation();
      wall0 = wall();
      tick();
    },
    async stop() {
      if (running) log?.info({ delivered, gatewayId: scenario.gateway.id }, 'simulated link stopped');
      finish();
    },
  };
}
