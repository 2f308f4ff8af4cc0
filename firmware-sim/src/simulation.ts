import {
  type DeviceNotification,
  encodeBatteryLevel,
  encodeHeartRate,
  encodePlxContinuous,
  encodeRsc,
  encodeStepCount,
  type GattValue,
  type HeartRateMeasurement,
  msToRr,
  PLX_MEASUREMENT_STATUS,
  PLX_SENSOR_STATUS,
  type PlxContinuous,
  type RscMeasurement,
  type StepCount,
} from '@zonewatch/protocol';
import { buildProfile, clamp, type Modifiers, ParticipantModel, type TrueState } from './physiology.js';
import { createPrng, type Prng } from './prng.js';
import type { Device, DeviceKind, Participant, Scenario, ScenarioEvent } from './scenario.js';

/** Options of {@link createSimulation}. */
export interface SimulationOptions {
  /**
   * Epoch-ms clock read once, to date the session start when the scenario has no `startAt`
   * (default `Date.now`). The model itself never reads a clock.
   */
  clock?: () => number;
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Called with the ground truth behind every notification, in emission order. */
  onTruth?: (truth: TruthRecord) => void;
}

/** What the simulator knew when it sent one notification: for tests that compare consoles with reality. */
export interface TruthRecord {
  participantId: string;
  deviceId: string;
  deviceKind: DeviceKind;
  /** Milliseconds from the session start (true time). */
  elapsedMs: number;
  /** The notification's `receivedAt` (gateway clock, with its offset and drift). */
  receivedAt: number;
  /** Exactly the value that was encoded: decoding the bytes gives this back. */
  reading: GattValue;
  /** The participant's true physiology at that moment. */
  state: TrueState;
  /** The reading is a motion artefact (HR spike whose RR intervals do not match). */
  artefact: boolean;
  /** The sensor reported it had lost contact with the skin or finger. */
  contactLost: boolean;
}

/** One notification with the truth behind it. */
export interface Emission {
  notification: DeviceNotification;
  truth: TruthRecord;
}

/** A deterministic, clock-free run of a scenario. */
export interface Simulation {
  readonly scenario: Scenario;
  /** Session start on the true clock (ms since epoch); elapsed 0. */
  readonly startedAt: number;
  /** Scenario length (ms). */
  readonly durationMs: number;
  /** How far {@link Simulation.step} has run (ms from the start). */
  readonly elapsedMs: number;
  /** True once every notification of the scenario has been returned. */
  readonly done: boolean;
  /**
   * Returns the notifications due at or before `toMs` (ms from the session start) not yet returned, in
   * time order. Pure with respect to the seed: the same scenario, seed and start give the same bytes
   * however the calls are split.
   */
  step(toMs: number): DeviceNotification[];
  /** As {@link Simulation.step}, with the truth behind each notification. */
  stepWithTruth(toMs: number): Emission[];
  /** Elapsed ms of the next notification, or undefined when the scenario is over. */
  nextDueMs(): number | undefined;
  /** The participant's true state as of the last notification of any of its devices. */
  participantState(participantId: string): TrueState | undefined;
  /** Start of the first cooldown/rest after exercise for a participant (s), for HR-recovery checks. */
  exerciseEndS(participantId: string): number | undefined;
}

interface Window {
  startMs: number;
  endMs: number;
}
interface ContactWindow extends Window {
  /** The oximeter keeps sending its last SpO2 (flagged) instead of NaN. */
  held: boolean;
}
interface ArtefactWindow extends Window {
  spikeBpm: number;
}

interface ParticipantRuntime {
  participant: Participant;
  model: ParticipantModel;
  state: TrueState;
}

interface DeviceRuntime {
  device: Device;
  owner: ParticipantRuntime;
  order: number;
  rng: Prng;
  periodMs: number;
  phaseMs: number;
  k: number;
  batteryPhaseMs: number;
  batteryK: number;
  batteryStart: number;
  batteryDrainPerMs: number;
  /** Next heart beat (elapsed ms), for RR intervals. */
  nextBeatMs: number;
  stepCounterStart: number;
  contactLoss: ContactWindow[];
  dropout: Window[];
  /** Last SpO2 an oximeter reported (percent). */
  lastSpo2: number | undefined;
  artefacts: ArtefactWindow[];
}

/** Default notification rates (Hz) by device kind. */
export const DEFAULT_RATE_HZ: Record<DeviceKind, number> = {
  'hr-strap': 1,
  oximeter: 1,
  pedometer: 0.5,
  footpod: 1,
};
/** Default battery drain (percentage points per hour) by device kind. */
export const DEFAULT_DRAIN_PER_HOUR: Record<DeviceKind, number> = {
  'hr-strap': 1,
  oximeter: 6,
  pedometer: 2,
  footpod: 2,
};
/** Battery Level (0x2A19) is sent this often (ms). */
export const BATTERY_PERIOD_MS = 60_000;
/** A 0x2A37 notification in a 23-byte ATT MTU carries at most 9 RR intervals (uint8 HR format). */
export const MAX_RR_PER_NOTIFICATION = 9;

/** Min-heap of (time, order) for due notifications. */
class DueQueue {
  private readonly t: number[] = [];
  private readonly o: number[] = [];
  get size(): number {
    return this.t.length;
  }
  peekT(): number | undefined {
    return this.t[0];
  }
  private less(i: number, j: number): boolean {
    const a = this.t[i] as number;
    const b = this.t[j] as number;
    return a < b || (a === b && (this.o[i] as number) < (this.o[j] as number));
  }
  private swap(i: number, j: number): void {
    [this.t[i], this.t[j]] = [this.t[j] as number, this.t[i] as number];
    [this.o[i], this.o[j]] = [this.o[j] as number, this.o[i] as number];
  }
  push(t: number, order: number): void {
    this.t.push(t);
    this.o.push(order);
    let i = this.t.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): { t: number; order: number } | undefined {
    if (this.t.length === 0) return undefined;
    const top = { t: this.t[0] as number, order: this.o[0] as number };
    const lastT = this.t.pop() as number;
    const lastO = this.o.pop() as number;
    if (this.t.length > 0) {
      this.t[0] = lastT;
      this.o[0] = lastO;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.t.length && this.less(l, m)) m = l;
        if (r < this.t.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

const inWindow = (ws: readonly Window[], t: number): boolean => {
  for (const w of ws) if (t >= w.startMs && t < w.endMs) return true;
  return false;
};

const windowOf = (e: { at: number; durationS: number }): Window => ({
  startMs: e.at * 1000,
  endMs: (e.at + e.durationS) * 1000,
});

function modifiersFor(events: readonly ScenarioEvent[]): (tS: number) => Modifiers {
  const timed = events.filter(
    (e) =>
      e.kind === 'drift' || e.kind === 'overexert' || e.kind === 'bradycardia' || e.kind === 'desaturate',
  );
  return (tS) => {
    const m: Modifiers = { driftBpm: 0, overexertBpm: undefined, bradyBpm: undefined, desatSpo2: undefined };
    for (const e of timed) {
      if (tS < e.at || tS >= e.at + e.durationS) continue;
      switch (e.kind) {
        case 'drift':
          m.driftBpm += e.deltaBpm;
          break;
        case 'overexert':
          m.overexertBpm = Math.max(m.overexertBpm ?? 0, e.toBpm);
          break;
        case 'bradycardia':
          m.bradyBpm = Math.min(m.bradyBpm ?? Number.POSITIVE_INFINITY, e.toBpm);
          break;
        case 'desaturate':
          m.desatSpo2 = Math.min(m.desatSpo2 ?? 100, e.toSpo2);
          break;
      }
    }
    return m;
  };
}

/** Devices an event applies to: the named one, or every device of the kinds it concerns. */
function targets(p: Participant, device: string | undefined, kinds: readonly DeviceKind[]): Device[] {
  if (device !== undefined) return p.devices.filter((d) => d.id === device);
  return p.devices.filter((d) => kinds.includes(d.kind));
}

/**
 * Creates a simulation of `scenario`. The model is pure: given the scenario, the seed and the start time
 * it always produces the same notifications; {@link Simulation.step} is driven by the caller's notion of
 * time (a timer in {@link createSimulatedLink}, a loop in tests).
 */
export function createSimulation(scenario: Scenario, opts: SimulationOptions = {}): Simulation {
  const seed = opts.seed ?? scenario.seed;
  const startedAt = scenario.startAt ?? (opts.clock ?? Date.now)();
  const durationMs = Math.round(scenario.durationS * 1000);
  const { clockOffsetMs, clockDriftPpm } = scenario.gateway;
  const gatewayTime = (elapsedMs: number): number =>
    Math.round(startedAt + clockOffsetMs + elapsedMs * (1 + clockDriftPpm * 1e-6));

  const owners = new Map<string, ParticipantRuntime>();
  const devices: DeviceRuntime[] = [];
  for (const p of scenario.participants) {
    const rng = createPrng(seed, `participant:${p.id}`);
    const profile = buildProfile(p, scenario, rng);
    const model = new ParticipantModel(profile, p.plan ?? scenario.plan, rng, modifiersFor(p.events));
    const owner: ParticipantRuntime = { participant: p, model, state: model.advance(0) };
    owners.set(p.id, owner);
    const eventRng = createPrng(seed, `events:${p.id}`);
    const runtimes = p.devices.map((d, i): DeviceRuntime => {
      const drng = createPrng(seed, `device:${d.id}`);
      const periodMs = 1000 / (d.rateHz ?? DEFAULT_RATE_HZ[d.kind]);
      return {
        device: d,
        owner,
        order: devices.length + i,
        rng: drng,
        periodMs,
        phaseMs: drng.uniform(0, Math.min(periodMs, 1000)),
        k: 0,
        batteryPhaseMs: drng.uniform(0, 2000),
        batteryK: 0,
        batteryStart: d.batteryStartPercent ?? 100,
        batteryDrainPerMs: (d.batteryDrainPerHour ?? DEFAULT_DRAIN_PER_HOUR[d.kind]) / 3_600_000,
        nextBeatMs: drng.uniform(0, 60_000 / p.hrRest),
        stepCounterStart: d.kind === 'pedometer' ? drng.int(0, 20_000) : 0,
        contactLoss: [],
        dropout: [],
        lastSpo2: undefined,
        artefacts: [],
      };
    });
    const byId = new Map(runtimes.map((r) => [r.device.id, r]));
    const artefactTarget = (device: string | undefined): DeviceRuntime | undefined =>
      byId.get(
        device ??
          (p.devices.find((d) => d.kind === 'hr-strap') ?? p.devices.find((d) => d.kind === 'oximeter'))
            ?.id ??
          '',
      );
    const addArtefact = (r: DeviceRuntime | undefined, startMs: number): void => {
      r?.artefacts.push({
        startMs,
        endMs: startMs + eventRng.uniform(800, 2500),
        spikeBpm: eventRng.uniform(30, 60),
      });
    };
    for (const e of p.events) {
      switch (e.kind) {
        case 'contactLoss':
          for (const d of targets(p, e.device, ['hr-strap', 'oximeter'])) {
            byId.get(d.id)?.contactLoss.push({ ...windowOf(e), held: e.oximeterValue === 'held' });
          }
          break;
        case 'dropout':
          for (const d of targets(p, e.device, ['hr-strap', 'oximeter', 'pedometer', 'footpod'])) {
            byId.get(d.id)?.dropout.push(windowOf(e));
          }
          break;
        case 'artefacts': {
          const over = (e.overS ?? 30) * 1000;
          for (let i = 0; i < e.count; i++)
            addArtefact(artefactTarget(e.device), e.at * 1000 + eventRng.uniform(0, over));
          break;
        }
        default:
          break;
      }
    }
    // Spontaneous motion artefacts: a Poisson process at the profile's rate.
    if (profile.artefactsPerHour > 0) {
      const meanGapMs = 3_600_000 / profile.artefactsPerHour;
      for (
        let t = -Math.log(1 - eventRng.next()) * meanGapMs;
        t < durationMs;
        t += -Math.log(1 - eventRng.next()) * meanGapMs
      ) {
        addArtefact(artefactTarget(undefined), t);
      }
    }
    devices.push(...runtimes);
  }

  // Queue orders: 2·i for data, 2·i + 1 for battery of device i.
  const queue = new DueQueue();
  const dataDue = (r: DeviceRuntime): number => Math.round(r.phaseMs + r.k * r.periodMs);
  const batteryDue = (r: DeviceRuntime): number =>
    Math.round(r.batteryPhaseMs + r.batteryK * BATTERY_PERIOD_MS);
  for (const r of devices) {
    queue.push(dataDue(r), 2 * r.order);
    queue.push(batteryDue(r), 2 * r.order + 1);
  }

  let elapsedMs = 0;

  const batteryAt = (r: DeviceRuntime, t: number): number =>
    clamp(Math.round(r.batteryStart - r.batteryDrainPerMs * t), 0, 100);

  const emit = (r: DeviceRuntime, t: number, battery: boolean): Emission | undefined => {
    const owner = r.owner;
    const state = owner.model.advance(t / 1000);
    owner.state = state;
    const rng = r.rng;
    let reading: GattValue | undefined;
    let artefact = false;
    let contactLost = false;
    // Beats happen whether or not anyone hears them.
    const rr: number[] = [];
    if (!battery && r.device.kind === 'hr-strap') {
      const meanRr = 60_000 / state.hr;
      const sd = 3 + 30 * (1 - state.intensity) ** 2;
      while (r.nextBeatMs <= t) {
        const beat = clamp(meanRr + sd * rng.normal(), 250, 3000);
        rr.push(beat);
        r.nextBeatMs += beat;
      }
    }
    const level = batteryAt(r, t);
    if (level <= 0 || inWindow(r.dropout, t)) return undefined;
    if (battery) {
      reading = { characteristic: '0x2A19', value: level };
    } else {
      const contact = r.contactLoss.find((w) => t >= w.startMs && t < w.endMs);
      contactLost = contact !== undefined;
      let spike = 0;
      for (const a of r.artefacts) if (t >= a.startMs && t < a.endMs) spike = a.spikeBpm;
      artefact = spike > 0 && !contactLost;
      switch (r.device.kind) {
        case 'hr-strap': {
          const value: HeartRateMeasurement = contactLost
            ? { bpm: 0, sensorContact: 'not-detected' }
            : { bpm: Math.round(state.hr + spike), sensorContact: 'detected' };
          if (!contactLost && rr.length > 0)
            value.rrIntervals = rr.slice(-MAX_RR_PER_NOTIFICATION).map(msToRr);
          reading = { characteristic: '0x2A37', value };
          break;
        }
        case 'oximeter': {
          const held = contact?.held === true && r.lastSpo2 !== undefined ? r.lastSpo2 : undefined;
          const value: PlxContinuous = contactLost
            ? {
                spo2: held ?? null,
                pulseRate: null,
                ...(held === undefined ? { spo2Special: 'NaN' as const } : {}),
                pulseRateSpecial: 'NaN',
                measurementStatus: PLX_MEASUREMENT_STATUS.invalidMeasurement,
                deviceAndSensorStatus:
                  PLX_SENSOR_STATUS.sensorUnconnectedToUser | PLX_SENSOR_STATUS.sensorDisconnected,
                pulseAmplitudeIndex: null,
              }
            : {
                spo2: clamp(
                  Math.round(state.spo2 + owner.model.profile.spo2SdPct * rng.normal() - (artefact ? 5 : 0)),
                  50,
                  100,
                ),
                pulseRate: Math.round(state.hr + rng.normal() + spike),
                deviceAndSensorStatus: artefact ? PLX_SENSOR_STATUS.poorSignal : 0,
                pulseAmplitudeIndex: Math.round(rng.uniform(1.5, 6) * 10) / 10,
              };
          if (!contactLost && value.spo2 !== null) r.lastSpo2 = value.spo2;
          reading = { characteristic: '0x2A5F', value };
          break;
        }
        case 'pedometer': {
          const value: StepCount = {
            steps: (r.stepCounterStart + Math.floor(state.steps)) % 2 ** 32,
            cadenceSpm: Math.round(state.cadenceSpm),
          };
          reading = { characteristic: 'zw-steps', value };
          break;
        }
        case 'footpod': {
          const cadence = Math.min(255, Math.round(state.cadenceSpm));
          const value: RscMeasurement = {
            speedMps: Math.round(state.speedMps * 256) / 256,
            cadenceSpm: cadence,
            totalDistanceM: Math.round(state.distanceM * 10) / 10,
            running: state.speedMps > 2.2,
          };
          if (cadence > 0 && state.speedMps > 0) {
            value.strideLengthM = Math.round(((state.speedMps * 60) / cadence) * 100) / 100;
          }
          reading = { characteristic: '0x2A53', value };
          break;
        }
      }
    }
    const receivedAt = gatewayTime(t);
    const truth: TruthRecord = {
      participantId: owner.participant.id,
      deviceId: r.device.id,
      deviceKind: r.device.kind,
      elapsedMs: t,
      receivedAt,
      reading,
      state,
      artefact,
      contactLost,
    };
    return {
      notification: {
        deviceId: r.device.id,
        characteristic: reading.characteristic,
        bytes: encode(reading),
        receivedAt,
      },
      truth,
    };
  };

  const stepWithTruth = (toMs: number): Emission[] => {
    const out: Emission[] = [];
    const until = Math.min(toMs, durationMs - 1);
    for (;;) {
      const t = queue.peekT();
      if (t === undefined || t > until) break;
      const { order } = queue.pop() as { t: number; order: number };
      const r = devices[order >> 1] as DeviceRuntime;
      const battery = (order & 1) === 1;
      if (battery) r.batteryK++;
      else r.k++;
      queue.push(battery ? batteryDue(r) : dataDue(r), order);
      const e = emit(r, t, battery);
      if (e) {
        opts.onTruth?.(e.truth);
        out.push(e);
      }
    }
    elapsedMs = Math.max(elapsedMs, Math.min(toMs, durationMs));
    return out;
  };

  return {
    scenario,
    startedAt,
    durationMs,
    get elapsedMs() {
      return elapsedMs;
    },
    get done() {
      const t = queue.peekT();
      return t === undefined || t >= durationMs;
    },
    step: (toMs) => stepWithTruth(toMs).map((e) => e.notification),
    stepWithTruth,
    nextDueMs() {
      const t = queue.peekT();
      return t === undefined || t >= durationMs ? undefined : t;
    },
    participantState: (id) => owners.get(id)?.state,
    exerciseEndS: (id) => owners.get(id)?.model.exerciseEndS,
  };
}

/** Encodes a reading with protocol's GATT encoders. */
export function encode(reading: GattValue): Uint8Array {
  switch (reading.characteristic) {
    case '0x2A37':
      return encodeHeartRate(reading.value);
    case '0x2A5F':
      return encodePlxContinuous(reading.value);
    case '0x2A53':
      return encodeRsc(reading.value);
    case '0x2A19':
      return encodeBatteryLevel(reading.value);
    case 'zw-steps':
      return encodeStepCount(reading.value);
  }
}
