// Helpers shared by the rules tests (not exported from index.ts).
import { ParticipantMonitor } from './monitor.js';
import { type PrescriptionInput, type ResolvedPrescription, resolvePrescription } from './prescription.js';
import { defaultRuleSettings, mergeRuleSettings, type RuleSettingsOverride } from './settings.js';
import { type AlertEvent, type EngineEvent, isAlertEvent, type Sample } from './types.js';

/** Zone 100–120 bpm, ceiling 140, SpO2 floor 90: round numbers for hand-computed expectations. */
export const BASE_RX: PrescriptionInput = {
  hrRest: 60,
  hrMax: { source: 'measured', bpm: 170 },
  zone: { method: 'bpm', low: 100, high: 120 },
  ceilingBpm: 140,
};

export function rx(overrides: Partial<PrescriptionInput> = {}): ResolvedPrescription {
  return resolvePrescription({ ...BASE_RX, ...overrides });
}

/** Samples every `stepMs` from `fromS` (inclusive) to `toS` (inclusive), seconds in, ms out. */
export function every(fromS: number, toS: number, fields: Omit<Sample, 't'>, stepMs = 1000): Sample[] {
  const out: Sample[] = [];
  for (let t = fromS * 1000; t <= toS * 1000; t += stepMs) out.push({ t, ...fields });
  return out;
}

/** Compact form of an alert event: `30s HR_ABOVE_ZONE advisory raised [unconfirmed]`. */
export function fmt(e: AlertEvent): string {
  return `${e.t / 1000}s ${e.rule} ${e.severity} ${e.event}${e.unconfirmed ? ' unconfirmed' : ''}`;
}

export interface RunResult {
  monitor: ParticipantMonitor;
  events: EngineEvent[];
  /** Alert events in compact form. */
  alerts: string[];
}

/** Replays samples as section 7 does (ticks every second from 0, rows first) and returns compact events. */
export function run(
  samples: readonly Sample[],
  opts: { rx?: ResolvedPrescription; settings?: RuleSettingsOverride } = {},
): RunResult {
  const settings = opts.settings
    ? mergeRuleSettings(defaultRuleSettings, opts.settings)
    : defaultRuleSettings;
  const monitor = new ParticipantMonitor(opts.rx ?? rx(), settings, 0);
  const { events } = monitor.run(samples, 1000);
  return { monitor, events, alerts: events.filter(isAlertEvent).map(fmt) };
}
