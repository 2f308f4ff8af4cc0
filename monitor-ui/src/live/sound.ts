import { SEVERITY_RANK, type Severity } from '@zonewatch/protocol';

/** One tone of an alarm pattern: start offset and length (ms) and pitch (Hz). */
export interface Pulse {
  atMs: number;
  durMs: number;
  hz: number;
}

export interface SoundPattern {
  pulses: readonly Pulse[];
  /** Length of the whole pattern (ms); nothing else starts before it ends. */
  durationMs: number;
}

function pulses(offsets: readonly number[], durMs: number, hz: number): Pulse[] {
  return offsets.map((atMs) => ({ atMs, durMs, hz }));
}

/**
 * Alarm sounds after IEC 60601-1-8 (CLINICAL-RULES.md section 5): critical = a 10-pulse burst (3 + 2,
 * pause, 3 + 2), warning = 3 pulses, advisory = a single pulse. Higher priority = higher pitch, faster.
 */
export const SOUND_PATTERNS: Readonly<Record<Severity, SoundPattern>> = {
  critical: {
    pulses: pulses([0, 250, 500, 900, 1150, 1900, 2150, 2400, 2800, 3050], 150, 960),
    durationMs: 3200,
  },
  warning: { pulses: pulses([0, 350, 700], 200, 660), durationMs: 900 },
  advisory: { pulses: pulses([0], 300, 480), durationMs: 300 },
};

/** Sound settings (defaults; CLINICAL-RULES.md section 5). */
export const SOUND_SETTINGS = {
  /** A critical alarm's burst repeats this often (ms, start to start) until acknowledged. */
  criticalRepeatMs: 8_000,
} as const;

/** What the scheduler needs to know about one alarm condition (an alert or the link-lost alarm). */
export interface SoundSource {
  id: string;
  severity: Severity;
  /** Still waiting for acknowledgement: only these sound. */
  needsAck: boolean;
  /** Annunciation counter: each new value is played once (see `AlertEntry.soundSeq`). */
  soundSeq: number;
}

export interface SoundMemory {
  /** Last annunciation played (or deliberately skipped) per source. */
  played: Readonly<Record<string, number>>;
  /** When the last critical burst started (ms). */
  lastCriticalAt: number | null;
  /** No new pattern starts before this time (ms): the one playing has not finished. */
  busyUntil: number;
}

export const EMPTY_SOUND_MEMORY: SoundMemory = { played: {}, lastCriticalAt: null, busyUntil: 0 };

export interface SoundDecision {
  play: Severity | null;
  memory: SoundMemory;
}

/**
 * Decides what to play now. Only the most urgent due pattern plays; it stands in for the weaker due
 * annunciations too (they are marked played). Critical alarms repeat every `criticalRepeatMs` until they
 * no longer need acknowledgement. With sound disabled nothing plays, but annunciations are still marked,
 * so enabling sound later does not replay a backlog (critical alarms then resume their repeat at once).
 */
export function nextSound(
  sources: readonly SoundSource[],
  now: number,
  memory: SoundMemory,
  enabled: boolean,
  settings: { criticalRepeatMs: number } = SOUND_SETTINGS,
): SoundDecision {
  const played: Record<string, number> = {};
  for (const s of sources) {
    const p = memory.played[s.id];
    if (p !== undefined) played[s.id] = p;
  }
  const due = sources.filter((s) => s.needsAck && s.soundSeq > (played[s.id] ?? 0));
  const criticalWaiting = sources.some((s) => s.needsAck && s.severity === 'critical');
  const criticalLoopDue =
    criticalWaiting &&
    (memory.lastCriticalAt === null || now - memory.lastCriticalAt >= settings.criticalRepeatMs);

  let best: Severity | null = criticalLoopDue ? 'critical' : null;
  for (const s of due)
    if (best === null || SEVERITY_RANK[s.severity] > SEVERITY_RANK[best]) best = s.severity;
  if (best === null) return { play: null, memory: { ...memory, played } };
  if (enabled && now < memory.busyUntil) return { play: null, memory: { ...memory, played } };

  for (const s of due) if (SEVERITY_RANK[s.severity] <= SEVERITY_RANK[best]) played[s.id] = s.soundSeq;
  const lastCriticalAt = best === 'critical' ? now : criticalWaiting ? memory.lastCriticalAt : null;
  if (!enabled) return { play: null, memory: { played, lastCriticalAt: null, busyUntil: 0 } };
  return {
    play: best,
    memory: { played, lastCriticalAt, busyUntil: now + SOUND_PATTERNS[best].durationMs },
  };
}
