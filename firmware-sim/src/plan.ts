import type { Phase } from './scenario.js';

/** The plan's demand at one moment. */
export interface PlanPoint {
  /** Relative workload 0–1 (fraction of HR reserve the plan asks of an average participant). */
  workload: number;
  /** Cadence the phase sets (per minute), if it sets one. */
  cadenceSpm: number | undefined;
  /** Phase kind, or `'after'` once the plan is over. */
  phase: Phase['kind'] | 'after';
}

interface CompiledPhase {
  phase: Phase;
  startS: number;
  endS: number;
  /** Workload at the start of the phase (where a ramp begins). */
  fromWorkload: number;
}

/** A plan compiled for fast look-ups in time order. Pure: no clock, no randomness. */
export interface CompiledPlan {
  /** Demand at `tS` seconds from the session start. */
  at(tS: number): PlanPoint;
  /** When the last phase ends (s). */
  readonly endS: number;
  /** Start of the first cooldown or rest phase after exercise (s), if any: where HR recovery is measured. */
  readonly exerciseEndS: number | undefined;
}

const DEFAULT_COOLDOWN = 0.1;

function endWorkload(p: Phase, from: number): number {
  switch (p.kind) {
    case 'intervals': {
      const cycle = p.onS + p.offS;
      const pos = p.durationS % cycle;
      return pos > 0 && pos <= p.onS ? p.high : p.low;
    }
    case 'rest':
      return p.workload ?? 0;
    case 'cooldown':
      return p.workload ?? DEFAULT_COOLDOWN;
    default:
      return p.workload ?? from;
  }
}

/** Compiles phases into a function of time. After the last phase the workload is 0 (seated rest). */
export function compilePlan(phases: readonly Phase[]): CompiledPlan {
  const compiled: CompiledPhase[] = [];
  let t = 0;
  let w = 0;
  let exerciseEndS: number | undefined;
  let sawExercise = false;
  for (const phase of phases) {
    compiled.push({ phase, startS: t, endS: t + phase.durationS, fromWorkload: w });
    if (phase.kind === 'exercise' || phase.kind === 'intervals') sawExercise = true;
    else if (
      sawExercise &&
      exerciseEndS === undefined &&
      (phase.kind === 'cooldown' || phase.kind === 'rest')
    ) {
      exerciseEndS = t;
    }
    w = endWorkload(phase, w);
    t += phase.durationS;
  }
  const endS = t;
  let cursor = 0;
  return {
    endS,
    exerciseEndS: exerciseEndS ?? (sawExercise ? endS : undefined),
    at(tS: number): PlanPoint {
      if (tS >= endS || compiled.length === 0) return { workload: 0, cadenceSpm: undefined, phase: 'after' };
      // Look-ups come in time order, so a moving cursor makes this O(1) amortised; rewinds still work.
      if ((compiled[cursor] as CompiledPhase).startS > tS) cursor = 0;
      while ((compiled[cursor] as CompiledPhase).endS <= tS) cursor++;
      const c = compiled[cursor] as CompiledPhase;
      const p = c.phase;
      const into = tS - c.startS;
      switch (p.kind) {
        case 'intervals': {
          const work = into % (p.onS + p.offS) < p.onS;
          const cadence = p.cadenceSpm === undefined ? undefined : work ? p.cadenceSpm : p.cadenceSpm * 0.8;
          return { workload: work ? p.high : p.low, cadenceSpm: cadence, phase: p.kind };
        }
        case 'warmup':
        case 'cooldown': {
          const to = p.workload ?? (p.kind === 'cooldown' ? DEFAULT_COOLDOWN : c.fromWorkload);
          const f = Math.min(1, into / p.durationS);
          return {
            workload: c.fromWorkload + (to - c.fromWorkload) * f,
            cadenceSpm: p.cadenceSpm,
            phase: p.kind,
          };
        }
        case 'rest':
          return { workload: p.workload ?? 0, cadenceSpm: p.cadenceSpm, phase: p.kind };
        default:
          return { workload: p.workload ?? c.fromWorkload, cadenceSpm: p.cadenceSpm, phase: p.kind };
      }
    },
  };
}
