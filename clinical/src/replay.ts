import { JsonSyntaxError, JsonTooDeepError, parseJsonWithPositions, positionOf } from './json-source.js';
import { ParticipantMonitor } from './monitor.js';
import { parsePrescription, resolvePrescription } from './prescription.js';
import { defaultRuleSettings, mergeRuleSettings, type RuleSettings } from './settings.js';
import { parseTraceCsv, TraceFormatError } from './trace-csv.js';
import { type AlertEvent, isAlertEvent } from './types.js';

/** One `file:line:column: reason` problem of a replay input. */
export interface ReplayDiagnostic {
  file: string;
  line: number;
  column: number;
  reason: string;
}

/** Malformed prescription or trace: nothing was evaluated. `message` has one diagnostic per line. */
export class ReplayInputError extends Error {
  readonly diagnostics: ReplayDiagnostic[];
  constructor(diagnostics: ReplayDiagnostic[]) {
    super(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.reason}`).join('\n'));
    this.name = 'ReplayInputError';
    this.diagnostics = diagnostics;
  }
}

/** Options of {@link replay}. */
export interface ReplayOptions {
  /** Name used in diagnostics for the prescription (default `prescription`). */
  prescriptionName?: string;
  /** Name used in diagnostics for the trace (default `trace`). */
  traceName?: string;
  /** Exercise end (ms of trace time): adds `hrRecovery` to the metrics line. */
  exerciseEndMs?: number;
  /** Site settings under the prescription's own override (default: the documented defaults). */
  settings?: RuleSettings;
}

/** The replay form of an alert event: exactly `t, rule, severity, event[, unconfirmed]` (section 7). */
export function replayEventJson(e: AlertEvent): string {
  const o: Record<string, unknown> = { t: e.t, rule: e.rule, severity: e.severity, event: e.event };
  if (e.unconfirmed) o['unconfirmed'] = true;
  return JSON.stringify(o);
}

/**
 * Replays a trace against a prescription (CLINICAL-RULES.md section 7) and returns the output lines:
 * one JSON alert event per line (raised / upgraded / cleared), then `{"metrics":{...}}`. Everything is
 * parsed and validated before anything is evaluated; a malformed input throws {@link ReplayInputError}.
 * Pure and deterministic.
 */
export function replay(rxJson: string, csvText: string, options: ReplayOptions = {}): string[] {
  const rxName = options.prescriptionName ?? 'prescription';
  const traceName = options.traceName ?? 'trace';
  const diags: ReplayDiagnostic[] = [];

  let rx: unknown;
  try {
    const located = parseJsonWithPositions(rxJson);
    const parsed = parsePrescription(located.value);
    if (parsed.ok) rx = parsed.value;
    else
      for (const i of parsed.issues) {
        const pos = positionOf(located, i.path);
        diags.push({ file: rxName, ...pos, reason: `${i.field || 'prescription'}: ${i.message}` });
      }
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const reason = e instanceof JsonTooDeepError ? e.message : `invalid JSON: ${e.message}`;
    diags.push({ file: rxName, line: e.line, column: e.column, reason });
  }

  let samples: ReturnType<typeof parseTraceCsv> = [];
  try {
    samples = parseTraceCsv(csvText);
  } catch (e) {
    if (!(e instanceof TraceFormatError)) throw e;
    for (const d of e.diagnostics) diags.push({ file: traceName, ...d });
  }
  if (diags.length > 0 || rx === undefined) throw new ReplayInputError(diags);

  const rxSettings = (rx as { settings?: unknown }).settings;
  const settings = mergeRuleSettings(options.settings ?? defaultRuleSettings, rxSettings);
  const resolved = resolvePrescription(rx, settings);
  const monitor = new ParticipantMonitor(resolved, settings, 0, { participantId: 'replay' });
  const { events, endMs } = monitor.run(samples, 1000);

  const lines: string[] = [];
  for (const e of events) if (isAlertEvent(e)) lines.push(replayEventJson(e));
  const m = monitor.metrics(endMs);
  const metrics: Record<string, unknown> = {
    durationS: m.durationS,
    secondsBelow: m.secondsBelow,
    secondsIn: m.secondsIn,
    secondsAbove: m.secondsAbove,
    secondsOverCeiling: m.secondsOverCeiling,
    hrMean: m.hrMean,
    hrPeak: m.hrPeak,
    spo2Mean: m.spo2Mean,
    spo2Min: m.spo2Min,
    completeness: m.completeness,
    steps: m.steps,
    cadence: m.cadence,
  };
  if (options.exerciseEndMs !== undefined)
    metrics['hrRecovery'] = monitor.report(endMs, { exerciseEndMs: options.exerciseEndMs }).hrRecovery;
  lines.push(JSON.stringify({ metrics }));
  return lines;
}
