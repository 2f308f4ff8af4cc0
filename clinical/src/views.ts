// What the console shows for one participant (CLINICAL-RULES.md sections 2 and 5): pure reads.

import type { AlertState } from '@zonewatch/protocol';
import { ZONE_STATES, zoneIndex } from './metrics.js';
import type { ResolvedPrescription } from './prescription.js';
import type { RuleSettings } from './settings.js';
import type { ParticipantState } from './state.js';
import type { Freshness, RuleId, Severity, ZoneState } from './types.js';

/** Freshness of a signal whose last usable sample was at `lastT` (section 2). */
export function freshnessOf(lastT: number, nowMs: number, s: RuleSettings): Freshness {
  if (Number.isNaN(lastT)) return 'lost';
  const age = nowMs - lastT;
  if (age < s.freshness.staleAfterMs) return 'live';
  if (age < s.freshness.lostAfterMs) return 'stale';
  return 'lost';
}

/** An alert as the console shows it. */
export interface AlertView {
  alertId: string;
  rule: RuleId;
  severity: Severity;
  unconfirmed: boolean;
  status: Exclude<AlertState, 'closed'>;
  /** false once the condition cleared (a latched critical awaiting acknowledgement). */
  conditionActive: boolean;
  raisedAt: number;
  acknowledgedAt: number | null;
}

/** The tile of one participant at `nowMs`. */
export interface ParticipantView {
  t: number;
  participantId: string;
  /** Latest usable HR (bpm) — show "--" when `freshness` is `lost`. */
  hr: { value: number; t: number; freshness: Freshness } | null;
  /** The latest HR reading was an artefact: shown, but not counted. */
  hrArtefact: { value: number; t: number } | null;
  spo2: { value: number; t: number; freshness: Freshness } | null;
  steps: number | null;
  cadence: number | null;
  contact: boolean | null;
  /** Zone state of the latest usable HR; null when none or lost. */
  zoneState: ZoneState | null;
  /** Best freshness of HR and SpO2. */
  freshness: Freshness;
  hrMode: ResolvedPrescription['hrMode'];
  alerts: AlertView[];
}

/** What the console shows for this participant at `nowMs`. */
export function viewOf(state: ParticipantState, nowMs: number): ParticipantView {
  const s = state.settings;
  const rx = state.rx;
  const hrF = freshnessOf(state.hr.lastUsableT, nowMs, s);
  const spF = freshnessOf(state.spo2.lastUsableT, nowMs, s);
  const rank = { live: 0, stale: 1, lost: 2 } as const;
  const freshness = rank[hrF] <= rank[spF] ? hrF : spF;
  const lh = state.latest.hr;
  return {
    t: nowMs,
    participantId: state.participantId,
    hr: !Number.isNaN(state.hr.lastUsableT)
      ? { value: state.hr.lastUsableValue, t: state.hr.lastUsableT, freshness: hrF }
      : null,
    hrArtefact: lh?.artefact ? { value: lh.value, t: lh.t } : null,
    spo2: !Number.isNaN(state.spo2.lastUsableT)
      ? { value: state.spo2.lastUsableValue, t: state.spo2.lastUsableT, freshness: spF }
      : null,
    steps: state.latest.steps?.value ?? null,
    cadence: state.latest.cadence?.value ?? null,
    contact: state.latest.contact?.value ?? null,
    zoneState:
      hrF === 'lost' || Number.isNaN(state.hr.lastUsableT)
        ? null
        : (ZONE_STATES[
            zoneIndex(state.hr.lastUsableValue, rx.zoneLowBpm, rx.zoneHighBpm, rx.ceilingBpm)
          ] as ZoneState),
    freshness,
    hrMode: rx.hrMode,
    alerts: state.liveAlerts.map((a) => ({
      alertId: a.alertId,
      rule: a.rule,
      severity: a.severity,
      unconfirmed: a.unconfirmed,
      status: a.ackRank >= a.rank ? 'acknowledged' : 'open',
      conditionActive: a.conditionClearedAt === null,
      raisedAt: a.raisedAt,
      acknowledgedAt: a.lastAckAt,
    })),
  };
}
