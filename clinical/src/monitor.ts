// The public face of the rules engine: one monitor per participant per session owns all rule, lifecycle
// and metrics state. Its methods return the events they caused; nothing else ever changes that state.

import { evaluateState } from './evaluate.js';
import {
  type AcknowledgeError,
  acknowledgeState,
  closeAllState,
  leaveState,
  setBoundState,
  tickState,
} from './lifecycle.js';
import { type SessionMetrics, type TracePoint, traceHrExtremes, traceSoFar } from './metrics.js';
import type { ResolvedPrescription } from './prescription.js';
import { swapPrescription } from './prescription-swap.js';
import { metricsOf, reportOf, type SessionReport } from './reports.js';
import { type RestoredAlert, restoreInto } from './restore.js';
import { defaultRuleSettings, type RuleSettings } from './settings.js';
import { createState, type HrReading, type ParticipantOptions, type ParticipantState } from './state.js';
import type { EngineEvent, Sample } from './types.js';
import { type ParticipantView, viewOf } from './views.js';

/** Stable sort by measurement time (ties keep arrival order). */
export function sortSamples<T extends { t: number }>(samples: readonly T[]): T[] {
  return samples
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.t - b.s.t || a.i - b.i)
    .map((x) => x.s);
}

/**
 * The rules engine for one participant in one session (CLINICAL-RULES.md sections 2–4 and 6). It owns its
 * state: every method that changes it returns the events it caused, in order, and reads (`view`,
 * `metrics`, `report`) never change it. Time is always an argument; nothing here reads a clock.
 *
 * Live use: `evaluate` each reading in measurement-time order, `tick` at least once a second (a row before a
 * tick of the same time), forward the events; `acknowledge` on a console action; `report` at the end.
 */
export class ParticipantMonitor {
  #s: ParticipantState;

  /**
   * A monitor for a session starting at `sessionStartMs` (ms; ticks and the SpO2 baseline window count from
   * it). `settings` are the already merged site/prescription settings.
   */
  constructor(
    rx: ResolvedPrescription,
    settings: RuleSettings = defaultRuleSettings,
    sessionStartMs = 0,
    options: ParticipantOptions = {},
  ) {
    this.#s = createState(rx, settings, sessionStartMs, options);
  }

  /** Prefix of this monitor's alert ids. */
  get participantId(): string {
    return this.#s.participantId;
  }

  get prescription(): ResolvedPrescription {
    return this.#s.rx;
  }

  get settings(): RuleSettings {
    return this.#s.settings;
  }

  get sessionStartMs(): number {
    return this.#s.sessionStartMs;
  }

  /** Latest sample time evaluated (−∞ before the first). */
  get lastSampleT(): number {
    return this.#s.lastSampleT;
  }

  /** Samples dropped for arriving older than the latest evaluated one. */
  get outOfOrderDropped(): number {
    return this.#s.outOfOrderDropped;
  }

  /**
   * Loop iterations spent so far on time-dependent work (signal-lost levels, escalation steps, trace
   * buckets): a test can check that a jump in time of any size costs O(1) (issue 12, ruling 4).
   */
  get work(): number {
    return this.#s.work;
  }

  /**
   * Evaluates one sample (sections 2, 3, 3a) and returns the events it caused, in rule-table order. Samples
   * must arrive in non-decreasing `t`; an older one is dropped (see {@link outOfOrderDropped}) so the outcome
   * never depends on arrival jitter — sort a batch first ({@link evaluateAll}). Equal `t` keep arrival order.
   */
  evaluate(sample: Sample): readonly EngineEvent[] {
    return evaluateState(this.#s, sample);
  }

  /** Sorts a batch by `t` (stable) and evaluates it, concatenating the events. */
  evaluateAll(samples: readonly Sample[]): EngineEvent[] {
    const events: EngineEvent[] = [];
    for (const s of sortSamples(samples)) for (const e of evaluateState(this.#s, s)) events.push(e);
    return events;
  }

  /**
   * Time-driven transitions at `nowMs`: SIGNAL_LOST raise/upgrade, escalation of unacknowledged alerts, and
   * the re-sound of a critical alert still open a while after acknowledgement (section 4). Call it at least
   * once a second; when a sample and a tick share a time, evaluate the sample first. O(1) in the time since
   * the previous call.
   */
  tick(nowMs: number): readonly EngineEvent[] {
    return tickState(this.#s, nowMs);
  }

  /**
   * Replays samples with a tick every `tickIntervalMs` from the session start (section 7): samples sorted by
   * `t`, each tick after the samples of its own time, no tick after the last sample.
   */
  run(samples: readonly Sample[], tickIntervalMs = 1000): { events: EngineEvent[]; endMs: number } {
    const st = this.#s;
    const events: EngineEvent[] = [];
    const sorted = sortSamples(samples);
    let next = st.sessionStartMs;
    for (const s of sorted) {
      while (next < s.t) {
        for (const e of tickState(st, next)) events.push(e);
        next += tickIntervalMs;
      }
      for (const e of evaluateState(st, s)) events.push(e);
    }
    const endMs = sorted.length > 0 ? (sorted[sorted.length - 1] as Sample).t : st.sessionStartMs;
    while (next <= endMs) {
      for (const e of tickState(st, next)) events.push(e);
      next += tickIntervalMs;
    }
    return { events, endMs };
  }

  /**
   * Acknowledges an alert at `nowMs` by `actor` (section 4): silences it (event `acknowledged`); a critical
   * alert whose condition already cleared also closes (event `closed`). A critical alert still active
   * re-sounds from `tick` if it is still open `criticalResoundAfterAckMs` later.
   */
  acknowledge(
    alertId: string,
    actor: string,
    nowMs: number,
    note?: string,
  ): { events: readonly EngineEvent[]; error?: AcknowledgeError } {
    return acknowledgeState(this.#s, alertId, actor, nowMs, note);
  }

  /** Closes every alert not yet closed (e.g. the session ended): one `closed` event each, actor `system`. */
  closeAll(nowMs: number, note: string): readonly EngineEvent[] {
    return closeAllState(this.#s, nowMs, note);
  }

  /** Takes back an alert that was open before a restart (see {@link RestoredAlert}). */
  restoreAlert(r: RestoredAlert, nowMs: number): void {
    restoreInto(this.#s, r, nowMs);
  }

  /**
   * Continues under a new prescription (a clinician corrected it mid-class): signal history, SpO2 baseline,
   * metrics, alerts and lock-outs carry over; hold runs start again under the new thresholds.
   */
  changePrescription(rx: ResolvedPrescription, settings: RuleSettings = this.#s.settings): void {
    this.#s = swapPrescription(this.#s, rx, settings);
  }

  /**
   * A device was bound to the participant, or their last device unbound, at `nowMs`. SIGNAL_LOST only counts
   * while bound; while unbound, `tick` raises UNMONITORED (warning, technical) once
   * `unmonitored.warningAfterMs` has passed; binding again clears it at once (issue 14). Returns the events.
   */
  setBound(bound: boolean, nowMs: number): readonly EngineEvent[] {
    return setBoundState(this.#s, bound, nowMs);
  }

  /** A device is bound now. */
  get bound(): boolean {
    return this.#s.bound;
  }

  /**
   * The participant was removed from the session at `nowMs`: UNMONITORED clears, every other open alert
   * closes with `note`, and nothing more is evaluated for them (their report still covers the time before).
   */
  leave(nowMs: number, note = 'removed from session'): readonly EngineEvent[] {
    return leaveState(this.#s, nowMs, note);
  }

  /** Records when the exercise phase ended (for HR recovery); may be given after the fact. */
  markExerciseEnd(exerciseEndMs: number): void {
    this.#s.exerciseEndMs = exerciseEndMs;
  }

  /** Ends the session: no more rule evaluation or metrics; alerts stay as they are. */
  endSession(): void {
    this.#s.active = false;
  }

  /** The latest HR reading, usable or not (null before the first). */
  lastHrReading(): Readonly<HrReading> | null {
    return this.#s.latest.hr;
  }

  /** What the console shows for this participant at `nowMs`. */
  view(nowMs: number): ParticipantView {
    return viewOf(this.#s, nowMs);
  }

  /** Summary metrics at `endMs` (see {@link SessionMetrics}). */
  metrics(endMs: number): SessionMetrics {
    return metricsOf(this.#s, endMs);
  }

  /**
   * The session's down-sampled trace so far (the report's, CLINICAL-RULES.md section 6: bucket means of
   * usable values, `tS` seconds from the session start), e.g. to backfill a live chart opened mid-session.
   */
  trace(): { sessionStartMs: number; points: TracePoint[] } {
    return { sessionStartMs: this.#s.sessionStartMs, points: traceSoFar(this.#s.metrics) };
  }

  /**
   * The lowest and highest usable HR of each bucket of {@link trace} (same order and length; null where a
   * bucket has none), so a chart keeps a short peak that the bucket mean flattens.
   */
  traceHrExtremes(): { hrMin: number | null; hrMax: number | null }[] {
    return traceHrExtremes(this.#s.metrics);
  }

  /** The full session report at `endMs`. `exerciseEndMs` overrides a marked exercise end. */
  report(endMs: number, opts: { exerciseEndMs?: number } = {}): SessionReport {
    return reportOf(this.#s, endMs, opts);
  }
}
