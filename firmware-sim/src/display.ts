import { type DeviceNotification, decodeGatt, rrToMs } from '@zonewatch/protocol';
import type { Scenario } from './scenario.js';
import type { TruthRecord } from './simulation.js';

/** `83` → `01:23`; `3723` → `1:02:03`. */
export function formatClock(totalS: number): string {
  const s = Math.max(0, Math.floor(totalS));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`;
}

/**
 * One line describing a notification as a gateway would decode it, for `--dry-run`:
 * `09:00:01.234 +00:01 Ada C8:4F:12:00:01:A1 0x2A37 hr=72 contact=detected rr=[833,829]`.
 */
export function describeNotification(n: DeviceNotification, startedAt: number, who?: string): string {
  const d = decodeGatt(n.characteristic, n.bytes);
  const time = new Date(n.receivedAt).toISOString().slice(11, 23);
  const head = `${time} +${formatClock((n.receivedAt - startedAt) / 1000)} ${who ?? '?'} ${n.deviceId} ${n.characteristic}`;
  if (!d.ok) return `${head} DECODE ERROR ${d.error.code}: ${d.error.message}`;
  const g = d.value;
  switch (g.characteristic) {
    case '0x2A37': {
      const rr = g.value.rrIntervals?.map((r) => Math.round(rrToMs(r))).join(',');
      return `${head} hr=${g.value.bpm} contact=${g.value.sensorContact}${rr ? ` rr=[${rr}]` : ''}`;
    }
    case '0x2A5F': {
      const status = g.value.deviceAndSensorStatus
        ? ` status=0x${g.value.deviceAndSensorStatus.toString(16)}`
        : '';
      return `${head} spo2=${g.value.spo2 ?? g.value.spo2Special} pr=${g.value.pulseRate ?? g.value.pulseRateSpecial}${status}`;
    }
    case '0x2A53':
      return `${head} cadence=${g.value.cadenceSpm} speed=${g.value.speedMps.toFixed(2)}m/s distance=${g.value.totalDistanceM ?? '-'}m`;
    case 'zw-steps':
      return `${head} steps=${g.value.steps} cadence=${g.value.cadenceSpm ?? '-'}`;
    case '0x2A19':
      return `${head} battery=${g.value}%`;
  }
}

/** What the progress display knows about one participant: the last values their devices reported. */
export interface ParticipantView {
  alias: string;
  hr?: number;
  contact?: boolean;
  spo2?: number | null;
  steps?: number;
  phase?: string;
  /** Elapsed ms of the participant's last notification. */
  lastMs?: number;
}

/** Keeps the latest reported values per participant from the simulator's truth records. */
export class ParticipantBoard {
  readonly views = new Map<string, ParticipantView>();
  constructor(scenario: Scenario) {
    for (const p of scenario.participants) this.views.set(p.id, { alias: p.alias });
  }

  /** Feeds one truth record (use as, or inside, the simulation's `onTruth`). */
  update(t: TruthRecord): void {
    const v = this.views.get(t.participantId);
    if (!v) return;
    v.lastMs = t.elapsedMs;
    v.phase = t.state.phase;
    const r = t.reading;
    if (r.characteristic === '0x2A37') {
      v.hr = r.value.bpm;
      v.contact = r.value.sensorContact !== 'not-detected';
    } else if (r.characteristic === '0x2A5F') {
      v.spo2 = r.value.spo2;
    } else if (r.characteristic === 'zw-steps') {
      v.steps = r.value.steps;
    }
  }
}

/** Seconds without any notification after which the display shows a participant's values as `--`. */
export const STALE_AFTER_S = 5;

/** One participant's line of the TTY display. */
export function participantLine(v: ParticipantView, elapsedMs: number): string {
  const stale = v.lastMs === undefined || elapsedMs - v.lastMs > STALE_AFTER_S * 1000;
  const hr = stale || v.hr === undefined ? '  --' : v.contact === false ? ' n/c' : String(v.hr).padStart(4);
  const spo2 =
    stale || v.spo2 === undefined
      ? ''
      : `  SpO2 ${v.spo2 === null ? '  --' : `${String(v.spo2).padStart(3)}%`}`;
  const steps = stale || v.steps === undefined ? '' : `  steps ${v.steps}`;
  const phase = stale ? '  (no signal)' : v.phase ? `  ${v.phase}` : '';
  return `  ${v.alias.slice(0, 16).padEnd(16)} HR${hr}${spo2}${steps}${phase}`;
}

/** A compact summary of every participant for one non-TTY status line. */
export function compactBoard(board: ParticipantBoard, elapsedMs: number, max = 12): string {
  const parts: string[] = [];
  for (const v of board.views.values()) {
    if (parts.length >= max) {
      parts.push(`+${board.views.size - max} more`);
      break;
    }
    const stale = v.lastMs === undefined || elapsedMs - v.lastMs > STALE_AFTER_S * 1000;
    const hr = stale ? '--' : v.contact === false ? 'n/c' : String(v.hr ?? '--');
    parts.push(`${v.alias}=${hr}${!stale && typeof v.spo2 === 'number' ? `/${v.spo2}%` : ''}`);
  }
  return parts.join(' ');
}
