import type {
  Freshness,
  ParticipantLive,
  Sample,
  SessionFrame,
  SessionInfo,
  SessionSnapshot,
  TelemetryBatch,
  ZoneState,
} from '@zonewatch/protocol';

/** Zone bounds a console needs to colour a tile; the rules engine owns the full prescription. */
export interface ZoneBounds {
  zoneLowBpm: number;
  zoneHighBpm: number;
  ceilingBpm: number;
  hrMode: 'enforce' | 'advisory' | 'off';
}

/** One participant of a live session and the devices bound to them for that session. */
export interface RosterEntry {
  participantId: string;
  /** Display alias for shared screens; never the real name. */
  alias: string;
  deviceIds: string[];
  zone: ZoneBounds | null;
}

interface ParticipantState {
  entry: RosterEntry;
  hr: number | null;
  spo2: number | null;
  steps: number | null;
  cadence: number | null;
  battery: number | null;
  contact: boolean | null;
  lastSampleAt: number | null;
}

interface LiveSession {
  info: SessionInfo;
  participants: Map<string, ParticipantState>;
}

export interface IngestResult {
  accepted: number;
  unbound: number;
}

/** Freshness thresholds (CLINICAL-RULES.md §2): live < 5 s, stale < 15 s, lost after. */
export const FRESHNESS = { staleAfterMs: 5_000, lostAfterMs: 15_000 } as const;

export function freshnessOf(lastSampleAt: number | null, now: number): Freshness {
  if (lastSampleAt === null) return 'lost';
  const age = now - lastSampleAt;
  if (age < FRESHNESS.staleAfterMs) return 'live';
  return age < FRESHNESS.lostAfterMs ? 'stale' : 'lost';
}

export function zoneOf(hr: number | null, z: ZoneBounds | null): ZoneState | null {
  if (hr === null || z === null) return null;
  if (hr >= z.ceilingBpm) return 'overCeiling';
  if (hr > z.zoneHighBpm) return 'above';
  return hr < z.zoneLowBpm ? 'below' : 'in';
}

/**
 * Live state of every active session on this node: binds device samples to participants through the
 * session roster, and builds the snapshots and frames consoles receive. Time is always a parameter.
 */
export class LiveHub {
  private readonly sessions = new Map<string, LiveSession>();
  /** `${siteId}/${deviceId}` → participant state of the active session that binds it. */
  private readonly bindings = new Map<string, ParticipantState>();

  openSession(info: SessionInfo, roster: readonly RosterEntry[]): void {
    const participants = new Map<string, ParticipantState>();
    for (const entry of roster) {
      const state: ParticipantState = {
        entry,
        hr: null,
        spo2: null,
        steps: null,
        cadence: null,
        battery: null,
        contact: null,
        lastSampleAt: null,
      };
      participants.set(entry.participantId, state);
      for (const d of entry.deviceIds) this.bindings.set(`${info.siteId}/${d}`, state);
    }
    this.sessions.set(info.id, { info, participants });
  }

  closeSession(sessionId: string): void {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    for (const p of s.participants.values()) {
      for (const d of p.entry.deviceIds) this.bindings.delete(`${s.info.siteId}/${d}`);
    }
    this.sessions.delete(sessionId);
  }

  sessionIds(): string[] {
    return [...this.sessions.keys()];
  }

  session(sessionId: string): SessionInfo | undefined {
    return this.sessions.get(sessionId)?.info;
  }

  /** Applies a validated batch; samples from devices no active session binds are counted, not guessed. */
  ingestBatch(siteId: string, batch: TelemetryBatch): IngestResult {
    let accepted = 0;
    let unbound = 0;
    for (const sample of batch.samples) {
      const p = this.bindings.get(`${siteId}/${sample.device}`);
      if (!p) {
        unbound++;
        continue;
      }
      apply(p, sample);
      accepted++;
    }
    return { accepted, unbound };
  }

  frame(sessionId: string, now: number): SessionFrame | undefined {
    const s = this.sessions.get(sessionId);
    if (!s) return undefined;
    return { sessionId, at: now, participants: [...s.participants.values()].map((p) => view(p, now)) };
  }

  snapshot(sessionId: string, now: number): SessionSnapshot | undefined {
    const s = this.sessions.get(sessionId);
    const f = this.frame(sessionId, now);
    if (!s || !f) return undefined;
    return { ...f, session: s.info, alerts: [] };
  }
}

function apply(p: ParticipantState, s: Sample): void {
  switch (s.kind) {
    case 'hr':
      p.hr = s.bpm;
      p.contact = s.contact ?? null;
      break;
    case 'spo2':
      p.spo2 = s.spo2;
      break;
    case 'steps':
      p.steps = s.steps;
      p.cadence = s.cadence ?? p.cadence;
      break;
    case 'battery':
      p.battery = s.percent;
      return;
  }
  p.lastSampleAt = Math.max(p.lastSampleAt ?? 0, s.t);
}

function view(p: ParticipantState, now: number): ParticipantLive {
  const freshness = freshnessOf(p.lastSampleAt, now);
  const z = p.entry.zone;
  return {
    participantId: p.entry.participantId,
    alias: p.entry.alias,
    hr: freshness === 'lost' ? null : p.hr,
    spo2: freshness === 'lost' ? null : p.spo2,
    steps: p.steps,
    cadence: p.cadence,
    battery: p.battery,
    contact: p.contact,
    zone: freshness === 'lost' ? null : zoneOf(p.hr, z),
    freshness,
    lastSampleAt: p.lastSampleAt,
    zoneLowBpm: z?.zoneLowBpm ?? null,
    zoneHighBpm: z?.zoneHighBpm ?? null,
    ceilingBpm: z?.ceilingBpm ?? null,
    hrMode: z?.hrMode ?? 'enforce',
  };
}
