import { type CompiledPlan, compilePlan } from './plan.js';
import type { Prng } from './prng.js';
import { defaultHrMax, type Participant, type Phase, type Scenario } from './scenario.js';

/**
 * The physiological model of one participant. Pure: time is a parameter (seconds from the session start)
 * and randomness comes from the participant's own seeded generator. Every state update is the exact
 * solution of a first-order system over the step, so results do not depend on how often it is advanced.
 *
 * HR = rest + fast + slow component of the workload-driven excess, plus a drift offset, plus a slow
 * Ornstein–Uhlenbeck wander; over-exertion and bradycardia blend the result towards a target HR.
 * On-kinetics: both components follow the target with τ_on (30–60 s by fitness). Off-kinetics: the fast
 * component falls with τ ≈ 30 s and the slow one with τ ≈ 5 min, which gives the HR recovery at 60 s
 * that Cole 1999 measures (typically 25–40 bpm when fit, ≤ 12 in poor autonomic function).
 */

/** Derived, fixed per-participant parameters. */
export interface Profile {
  hrRest: number;
  /** True physiological maximum (bpm). */
  hrMax: number;
  /** Fraction of the HR reserve a workload of 1 reaches (β-blockers blunt it). */
  chronotropicGain: number;
  /** How hard the plan's workload is for this participant (fitness × effort × individual variation). */
  effortScale: number;
  tauOnS: number;
  tauFastOffS: number;
  tauSlowOffS: number;
  /** Share of the HR excess carried by the fast component. */
  fastShare: number;
  spo2Rest: number;
  /** SpO2 fall (percent points) at full HR reserve. */
  spo2EffortDrop: number;
  hrSdBpm: number;
  spo2SdPct: number;
  artefactsPerHour: number;
  activity: Participant['activity'];
}

/** Timed modifiers the scenario's events put on the model. */
export interface Modifiers {
  /** Drift offset target (bpm). */
  driftBpm: number;
  /** Over-exertion target HR (bpm), when active. */
  overexertBpm: number | undefined;
  /** Bradycardia target HR (bpm), when active. */
  bradyBpm: number | undefined;
  /** Desaturation target (percent), when active. */
  desatSpo2: number | undefined;
}

/** The participant's true state at the current model time. */
export interface TrueState {
  /** Seconds from the session start. */
  tS: number;
  /** True heart rate (bpm, fractional). */
  hr: number;
  /** True SpO2 (percent, fractional). */
  spo2: number;
  /** Cumulative steps since the session start (fractional). */
  steps: number;
  /** Cadence (steps or pedal revolutions per minute). */
  cadenceSpm: number;
  /** Walking speed (m/s), 0 for bike and stationary. */
  speedMps: number;
  /** Distance walked since the start (m). */
  distanceM: number;
  /** Workload after the participant's effort scale (fraction of HR reserve aimed at, 0–1). */
  intensity: number;
  phase: Phase['kind'] | 'after';
}

const FITNESS = {
  low: { effort: 1.15, tauOn: 55, fastShare: 0.5, tauFastOff: 40 },
  average: { effort: 1.0, tauOn: 42, fastShare: 0.6, tauFastOff: 32 },
  high: { effort: 0.85, tauOn: 30, fastShare: 0.7, tauFastOff: 25 },
} as const;

/** Builds a participant's fixed parameters; draws individual variation from `rng`. */
export function buildProfile(p: Participant, scenario: Scenario, rng: Prng): Profile {
  const f = FITNESS[p.fitness];
  let tauOn = f.tauOn;
  let fastShare = f.fastShare;
  let tauFastOff = f.tauFastOff;
  let spo2Drop = 1;
  let effortScale = f.effort * p.effort;
  switch (p.condition) {
    case 'heart-failure':
      tauOn *= 1.3;
      fastShare -= 0.2;
      tauFastOff *= 1.3;
      break;
    case 'cardiac-rehab':
      fastShare -= 0.08;
      break;
    case 'copd':
      tauOn *= 1.1;
      spo2Drop = rng.uniform(3.5, 7.5);
      break;
    case 'older-adults':
      tauOn *= 1.15;
      fastShare -= 0.05;
      break;
    case 'obesity':
      effortScale *= 1.05;
      break;
    case 'diabetes':
      fastShare -= 0.05;
      break;
    default:
      break;
  }
  if (p.betaBlocker) fastShare -= 0.05;
  effortScale *= 1 + 0.05 * clamp(rng.normal(), -2, 2);
  const noise = { ...scenario.noise, ...p.noise };
  return {
    hrRest: p.hrRest,
    hrMax: p.hrMax ?? defaultHrMax(p.age, p.betaBlocker),
    chronotropicGain: p.betaBlocker ? 0.75 : 1,
    effortScale,
    tauOnS: tauOn,
    tauFastOffS: tauFastOff,
    tauSlowOffS: 300,
    fastShare: clamp(fastShare, 0.2, 0.85),
    spo2Rest: p.spo2Rest ?? (p.condition === 'copd' ? 94 : 97),
    spo2EffortDrop: spo2Drop,
    hrSdBpm: noise.hrSdBpm ?? 1.5,
    spo2SdPct: noise.spo2SdPct ?? 0.6,
    artefactsPerHour: noise.artefactsPerHour ?? 0,
    activity: p.activity,
  };
}

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

/** Moves `x` towards `target` over `dt` with time constant `tau` (exact first-order step). */
const approach = (x: number, target: number, dt: number, tau: number): number =>
  target + (x - target) * Math.exp(-dt / tau);

/** HR wander time constant (s). */
const WANDER_TAU_S = 20;
const SPO2_TAU_S = 30;
const DRIFT_TAU_S = 20;

/** One participant's model: advance it in time order and read its state. */
export class ParticipantModel {
  private readonly plan: CompiledPlan;
  private tS = 0;
  private fast = 0;
  private slow = 0;
  private drift = 0;
  private wander = 0;
  private spo2Base: number;
  /** Blend weights 0–1 towards an over-exertion / bradycardia / desaturation target, and their targets. */
  private over = 0;
  private overTarget = 0;
  private brady = 0;
  private bradyTarget = 0;
  private desat = 0;
  private desatTarget = 0;
  private steps = 0;
  private distanceM = 0;
  private state: TrueState;

  constructor(
    readonly profile: Profile,
    phases: readonly Phase[],
    private readonly rng: Prng,
    private readonly modifiersAt: (tS: number) => Modifiers,
  ) {
    this.plan = compilePlan(phases);
    this.spo2Base = profile.spo2Rest;
    this.state = this.read(this.plan.at(0), 0);
  }

  /** Start of the first cooldown/rest after exercise (s): where HR recovery at 60 s is measured. */
  get exerciseEndS(): number | undefined {
    return this.plan.exerciseEndS;
  }

  /** HR the workload alone would settle at (bpm), for a given plan workload. */
  steadyHr(workload: number): number {
    const p = this.profile;
    return p.hrRest + (p.hrMax - p.hrRest) * this.intensityOf(workload) * p.chronotropicGain;
  }

  private intensityOf(workload: number): number {
    return clamp(workload * this.profile.effortScale, 0, 0.98);
  }

  /** Advances the model to `tS` (seconds; earlier times are ignored) and returns the state there. */
  advance(tS: number): TrueState {
    const dt = tS - this.tS;
    if (dt <= 0) return this.state;
    const p = this.profile;
    const point = this.plan.at(tS);
    const intensity = this.intensityOf(point.workload);
    const excess = (p.hrMax - p.hrRest) * intensity * p.chronotropicGain;
    const fastTarget = p.fastShare * excess;
    const slowTarget = (1 - p.fastShare) * excess;
    this.fast = approach(this.fast, fastTarget, dt, fastTarget >= this.fast ? p.tauOnS : p.tauFastOffS);
    this.slow = approach(this.slow, slowTarget, dt, slowTarget >= this.slow ? p.tauOnS : p.tauSlowOffS);
    const mods = this.modifiersAt(tS);
    this.drift = approach(this.drift, mods.driftBpm, dt, DRIFT_TAU_S);
    if (mods.overexertBpm !== undefined) this.overTarget = mods.overexertBpm;
    this.over = approach(this.over, mods.overexertBpm === undefined ? 0 : 1, dt, mods.overexertBpm ? 6 : 25);
    if (mods.bradyBpm !== undefined) this.bradyTarget = mods.bradyBpm;
    this.brady = approach(this.brady, mods.bradyBpm === undefined ? 0 : 1, dt, mods.bradyBpm ? 4 : 10);
    if (mods.desatSpo2 !== undefined) this.desatTarget = mods.desatSpo2;
    this.desat = approach(this.desat, mods.desatSpo2 === undefined ? 0 : 1, dt, mods.desatSpo2 ? 12 : 25);
    // Exact Ornstein–Uhlenbeck step: the wander's variance does not depend on dt.
    const decay = Math.exp(-dt / WANDER_TAU_S);
    this.wander = this.wander * decay + p.hrSdBpm * Math.sqrt(1 - decay * decay) * this.rng.normal();
    this.spo2Base = approach(this.spo2Base, p.spo2Rest - p.spo2EffortDrop * intensity, dt, SPO2_TAU_S);
    const cadence = this.cadence(point.workload, point.cadenceSpm);
    this.steps += p.activity === 'walk' ? (cadence * dt) / 60 : 0;
    const speed = p.activity === 'walk' ? (cadence / 60) * (0.55 + 0.25 * intensity) : 0;
    this.distanceM += speed * dt;
    this.tS = tS;
    this.state = this.read(point, intensity, cadence, speed);
    return this.state;
  }

  private cadence(workload: number, fromPlan: number | undefined): number {
    const activity = this.profile.activity;
    if (activity === 'stationary' || workload < 0.05) return 0;
    if (fromPlan !== undefined) return fromPlan;
    const w = this.intensityOf(workload);
    return activity === 'walk' ? 80 + 55 * Math.min(1, w / 0.8) : 50 + 35 * Math.min(1, w / 0.8);
  }

  private read(point: ReturnType<CompiledPlan['at']>, intensity: number, cadence = 0, speed = 0): TrueState {
    const p = this.profile;
    let hr = p.hrRest + this.fast + this.slow + this.drift + this.wander;
    hr = hr + this.over * (Math.max(this.overTarget, hr) - hr);
    hr = hr + this.brady * (this.bradyTarget - hr);
    const spo2 = this.spo2Base + this.desat * (Math.min(this.desatTarget, this.spo2Base) - this.spo2Base);
    return {
      tS: this.tS,
      hr: clamp(hr, 25, 240),
      spo2: clamp(spo2, 50, 100),
      steps: this.steps,
      cadenceSpm: cadence,
      speedMps: speed,
      distanceM: this.distanceM,
      intensity,
      phase: point.phase,
    };
  }
}
