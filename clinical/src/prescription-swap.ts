// A prescription corrected mid-session: the same participant and session under new thresholds.
import type { MetricsAccumulator } from './metrics.js';
import type { ResolvedPrescription } from './prescription.js';
import type { RuleSettings } from './settings.js';
import { createState, type ParticipantState, type RuleRuntime } from './state.js';

/**
 * The state to continue with under a new prescription. Signal history, SpO2 baseline, metrics and every
 * alert carry over; an alert whose condition is active stays the rule's open alert (it clears by the new
 * thresholds' hysteresis or upgrades in place, never re-raises), and re-arm lock-outs carry over. Hold runs
 * start again under the new thresholds. The old state must not be used afterwards (it shares parts).
 */
export function swapPrescription(
  state: ParticipantState,
  rx: ResolvedPrescription,
  settings: RuleSettings,
): ParticipantState {
  const next = createState(rx, settings, state.sessionStartMs, {
    participantId: state.participantId,
    bound: state.bound,
    ...(state.exerciseEndMs !== null ? { exerciseEndMs: state.exerciseEndMs } : {}),
  });
  next.active = state.active;
  Object.assign(next.hr, state.hr);
  Object.assign(next.spo2, state.spo2);
  next.contactLastT = state.contactLastT;
  next.lastHrReadingArtefact = state.lastHrReadingArtefact;
  next.lastHrArtefactT = state.lastHrArtefactT;
  next.latest = state.latest;
  next.baselineSamples = state.baselineSamples;
  next.ctx.spo2Baseline = state.ctx.spo2Baseline;
  next.lastSampleT = state.lastSampleT;
  next.outOfOrderDropped = state.outOfOrderDropped;
  next.alertSeq = state.alertSeq;
  next.work = state.work;
  next.alerts.push(...state.alerts);
  for (const [id, a] of state.alertsById) next.alertsById.set(id, a);
  next.liveAlerts = [...state.liveAlerts];
  (next as { metrics: MetricsAccumulator }).metrics = state.metrics;
  const carry = (from: RuleRuntime, to: RuleRuntime) => {
    to.open = from.open;
    to.lockUntil = from.lockUntil;
    to.lockRank = from.lockRank;
  };
  for (const old of state.rules) {
    const to = next.rules.find((r) => r.rule === old.rule);
    if (to) carry(old, to);
  }
  carry(state.signalLost, next.signalLost);
  carry(state.unmonitored, next.unmonitored);
  next.unboundSince = state.unboundSince;
  return next;
}
