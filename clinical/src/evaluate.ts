// Sample evaluation (CLINICAL-RULES.md sections 2, 3, 3a): usability, runs and holds, hysteresis, doubtful
// data, SpO2 baseline, and the metrics a sample feeds.
import { clearCondition, decide } from './lifecycle.js';
import { addCadence, addSteps, addUsableHr, addUsableSpo2, advanceTrace, zoneIndex } from './metrics.js';
import { type CompiledLevel, EMPTY, type ParticipantState, type RuleRuntime } from './state.js';
import type { RuleSignal } from './table.js';
import type { EngineEvent, Sample } from './types.js';

/** Advances one sample-driven rule at a usable sample of its signal. */
function stepRule(
  st: ParticipantState,
  rr: RuleRuntime,
  t: number,
  v: number,
  doubtful: boolean,
  out: EngineEvent[],
) {
  const c = st.ctx;
  const levels = rr.levels;
  const runs = rr.runStart;
  let rawRank = 0;
  let criticalHolds = false;
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] as CompiledLevel;
    if (l.test(v, c)) {
      let start = runs[i] as number;
      if (Number.isNaN(start)) {
        start = t;
        runs[i] = t;
      }
      if (l.rank === 3) criticalHolds = true;
      if (t - start >= l.holdMs && l.rank > rawRank) rawRank = l.rank;
    } else {
      runs[i] = Number.NaN;
    }
  }
  // The run of critical-strength conditions ends at a usable sample where none of them holds (ruling 1).
  if (!criticalHolds) rr.unconfirmedReported = false;
  if (rr.clearTest(v, c)) {
    if (Number.isNaN(rr.clearStart)) rr.clearStart = t;
  } else {
    rr.clearStart = Number.NaN;
  }
  if (rr.open && !Number.isNaN(rr.clearStart) && t - rr.clearStart >= rr.clearHoldMs) {
    clearCondition(st, rr, t, out);
    return;
  }
  decide(st, rr, t, rawRank, doubtful, out);
}

/** A gap breaks every raise and clear run of the signal's rules (and the critical-strength run). */
function breakSignal(st: ParticipantState, signal: RuleSignal) {
  for (const rr of st.rules) {
    if (rr.signal !== signal) continue;
    rr.runStart.fill(Number.NaN);
    rr.clearStart = Number.NaN;
    rr.unconfirmedReported = false;
  }
}

function median(values: number[]): number {
  const a = [...values].sort((x, y) => x - y);
  const mid = a.length >> 1;
  return a.length % 2 === 1 ? (a[mid] as number) : ((a[mid - 1] as number) + (a[mid] as number)) / 2;
}

function rrAgrees(rrMs: readonly number[] | null | undefined, hr: number, toleranceBpm: number): boolean {
  if (!rrMs || rrMs.length === 0) return false;
  let sum = 0;
  for (const x of rrMs) sum += x;
  if (!(sum > 0)) return false;
  return Math.abs((60_000 * rrMs.length) / sum - hr) <= toleranceBpm;
}

function isNum(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * Evaluates one sample and returns the events it caused, in rule-table order. A sample older than the
 * latest evaluated one is dropped (counted in `outOfOrderDropped`); equal times keep arrival order.
 */
export function evaluateState(state: ParticipantState, sample: Sample): readonly EngineEvent[] {
  const t = sample.t;
  if (!(t >= state.lastSampleT)) {
    state.outOfOrderDropped++;
    return EMPTY;
  }
  state.lastSampleT = t;
  const s = state.settings;
  const sig = s.signal;
  const contact = sample.contact === true ? true : sample.contact === false ? false : null;
  const latest = state.latest;
  if (contact !== null) latest.contact = { t, value: contact };

  // Usability (section 2): range, contact, artefact (jump from the previous usable sample, unless RR agrees).
  const hrv = sample.hr;
  let hrUsable = false;
  let hrArtefact = false;
  const artefactNeighbour = state.lastHrReadingArtefact && t - state.lastHrArtefactT < sig.artefactWindowMs;
  if (isNum(hrv)) {
    if (hrv >= sig.hrMinBpm && hrv <= sig.hrMaxBpm && contact !== false) {
      const h = state.hr;
      if (
        !Number.isNaN(h.lastUsableT) &&
        t - h.lastUsableT < sig.artefactWindowMs &&
        Math.abs(hrv - h.lastUsableValue) > sig.artefactJumpBpm &&
        !rrAgrees(sample.rrMs, hrv, sig.rrAgreementBpm)
      ) {
        hrArtefact = true;
      } else {
        hrUsable = true;
      }
    }
    state.lastHrReadingArtefact = hrArtefact;
    if (hrArtefact) state.lastHrArtefactT = t;
    latest.hr = { t, value: hrv, usable: hrUsable, artefact: hrArtefact };
  }
  const spo2v = sample.spo2;
  let spo2Usable = false;
  if (isNum(spo2v)) {
    spo2Usable = spo2v >= sig.spo2MinPct && spo2v <= sig.spo2MaxPct;
    latest.spo2 = { t, value: spo2v, usable: spo2Usable };
  }
  if (isNum(sample.steps)) latest.steps = { t, value: sample.steps };
  if (isNum(sample.cadence)) latest.cadence = { t, value: sample.cadence };

  if (!state.active) return EMPTY;

  const m = state.metrics;
  state.work += advanceTrace(m, t);
  if (isNum(sample.steps) && sample.steps >= 0) addSteps(m, t, sample.steps);
  if (isNum(sample.cadence) && sample.cadence >= 0) addCadence(m, sample.cadence);

  // Critical-strength conditions on doubtful data become unconfirmed warnings (section 3).
  const doubtful = contact === false || hrArtefact || artefactNeighbour;
  let out: EngineEvent[] | null = null;
  const maxGap = sig.maxGapMs;

  if (hrUsable) {
    const v = hrv as number;
    const h = state.hr;
    if (!Number.isNaN(h.lastUsableT) && t - h.lastUsableT > maxGap) breakSignal(state, 'hr');
    h.lastUsableT = t;
    h.lastUsableValue = v;
    out = [];
    for (const rr of state.hrRules) stepRule(state, rr, t, v, doubtful, out);
    const rx = state.rx;
    addUsableHr(m, t, v, zoneIndex(v, rx.zoneLowBpm, rx.zoneHighBpm, rx.ceilingBpm));
  }

  if (spo2Usable) {
    const v = spo2v as number;
    const p = state.spo2;
    if (!Number.isNaN(p.lastUsableT) && t - p.lastUsableT > maxGap) breakSignal(state, 'spo2');
    p.lastUsableT = t;
    p.lastUsableValue = v;
    // SPO2_DROP baseline = median of usable SpO2 with t − start < window; the rule runs only from the window end.
    let haveBaseline = false;
    if (t - state.sessionStartMs < s.spo2Drop.baselineWindowMs) {
      state.baselineSamples?.push(v);
    } else {
      if (state.baselineSamples !== null) {
        state.ctx.spo2Baseline =
          state.baselineSamples.length > 0 ? median(state.baselineSamples) : Number.NaN;
        state.baselineSamples = null;
      }
      haveBaseline = !Number.isNaN(state.ctx.spo2Baseline);
    }
    out ??= [];
    for (const rr of state.spo2Rules)
      if (haveBaseline || !rr.needsSpo2Baseline) stepRule(state, rr, t, v, doubtful, out);
    addUsableSpo2(m, v);
  }

  if ((hrUsable || spo2Usable) && state.signalLost.open) {
    out ??= [];
    clearCondition(state, state.signalLost, t, out);
  }

  if (contact !== null) {
    if (!Number.isNaN(state.contactLastT) && t - state.contactLastT > maxGap) breakSignal(state, 'contact');
    state.contactLastT = t;
    out ??= [];
    for (const rr of state.contactRules) stepRule(state, rr, t, contact ? 1 : 0, false, out);
  }

  return out === null || out.length === 0 ? EMPTY : out;
}
