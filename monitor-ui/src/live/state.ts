import type {
  Alert,
  AlertEvent,
  ParticipantLive,
  SessionFrame,
  SessionInfo,
  SessionSnapshot,
  TechnicalAlarm,
} from '@zonewatch/protocol';

/** An alert as the console tracks it: the server's view plus what the console needs to annunciate it. */
export interface AlertEntry {
  alert: Alert;
  /** Server time of the latest change applied (snapshot time or event time). */
  updatedAt: number;
  /** Server time of the last `resounded` event not yet followed by an acknowledgement. */
  resoundedAt: number | null;
  /**
   * Increases each time the alert must be annunciated again (raised, upgraded, escalated, resounded, or
   * first seen in a snapshot while it still needs acknowledgement). The sound scheduler plays each value once.
   */
  soundSeq: number;
}

/** The live state of one session on one console. Immutable: every reducer returns a new object. */
export interface LiveState {
  sessionId: string;
  session: SessionInfo | null;
  /** Participants in the server's roster order. */
  participants: readonly ParticipantLive[];
  /** Alerts not yet closed, by id. */
  alerts: Readonly<Record<string, AlertEntry>>;
  /** Technical alarms of the session's gateways (a clock running ahead), as of the latest snapshot or frame. */
  technical: readonly TechnicalAlarm[];
  /** Server time of the latest snapshot or frame. */
  serverAt: number | null;
  /** Console clock when the latest snapshot or frame arrived (drives freshness and the link alarm). */
  receivedAt: number | null;
  /** Snapshots applied so far (1 after the first join, +1 per re-join). */
  snapshots: number;
}

export function initialLiveState(sessionId: string): LiveState {
  return {
    sessionId,
    session: null,
    participants: [],
    alerts: {},
    technical: [],
    serverAt: null,
    receivedAt: null,
    snapshots: 0,
  };
}

/** True while the alert still asks for an acknowledgement (open, or re-sounding after one). */
export function needsAck(e: AlertEntry): boolean {
  return e.alert.state === 'open' || e.resoundedAt !== null;
}

/**
 * A snapshot is the whole truth at its time: it replaces participants and alerts. Alerts the console
 * already knew keep their annunciation state (so a reconnect does not replay sounds already played);
 * alerts it did not know and that still need acknowledgement are annunciated.
 */
export function applySnapshot(s: LiveState, snap: SessionSnapshot, receivedAt: number): LiveState {
  if (snap.sessionId !== s.sessionId) return s;
  const alerts: Record<string, AlertEntry> = {};
  for (const a of snap.alerts) {
    if (a.state === 'closed') continue;
    const known = s.alerts[a.id];
    const resoundedAt = a.state === 'acknowledged' ? (known?.resoundedAt ?? null) : null;
    const entry: AlertEntry = { alert: a, updatedAt: snap.at, resoundedAt, soundSeq: known?.soundSeq ?? 0 };
    if (!known && needsAck(entry)) entry.soundSeq = 1;
    alerts[a.id] = entry;
  }
  return {
    ...s,
    session: snap.session,
    participants: snap.participants,
    alerts,
    technical: snap.technical ?? [],
    serverAt: snap.at,
    receivedAt,
    snapshots: s.snapshots + 1,
  };
}

/** A frame replaces every participant's values; frames older than what the console has are ignored. */
export function applyFrame(s: LiveState, frame: SessionFrame, receivedAt: number): LiveState {
  if (frame.sessionId !== s.sessionId) return s;
  if (s.serverAt !== null && frame.at < s.serverAt) return s;
  return {
    ...s,
    participants: frame.participants,
    technical: frame.technical ?? [],
    // Servers since issue 14 send the session with every frame (status, phase: the class timer); the last
    // frame of a session says it ended.
    ...(frame.session ? { session: frame.session } : {}),
    serverAt: frame.at,
    receivedAt,
  };
}

const ANNUNCIATE: ReadonlySet<AlertEvent['event']> = new Set([
  'raised',
  'upgraded',
  'escalated',
  'resounded',
]);

/**
 * Applies one alert lifecycle event. A closed alert leaves the console; an event older than what the
 * console already has for that alert (e.g. delivered around a re-join) is ignored.
 */
export function applyAlertEvent(s: LiveState, ev: AlertEvent): LiveState {
  if (ev.sessionId !== s.sessionId) return s;
  const id = ev.alert.id;
  const known = s.alerts[id];
  if (known && ev.at < known.updatedAt) return s;
  if (ev.event === 'closed' || ev.alert.state === 'closed') {
    if (!known) return s;
    const { [id]: _closed, ...rest } = s.alerts;
    return { ...s, alerts: rest };
  }
  let resoundedAt = known?.resoundedAt ?? null;
  if (ev.event === 'resounded') resoundedAt = ev.at;
  else if (ev.event === 'acknowledged' || ev.alert.state === 'open') resoundedAt = null;
  const entry: AlertEntry = {
    alert: ev.alert,
    updatedAt: ev.at,
    resoundedAt,
    soundSeq: known?.soundSeq ?? 0,
  };
  if (ANNUNCIATE.has(ev.event) && needsAck(entry)) entry.soundSeq++;
  return { ...s, alerts: { ...s.alerts, [id]: entry } };
}

/**
 * The alert returned for an acknowledgement this console sent (socket ack callback or REST reply). Its
 * time is the server's acknowledgement time, never the console's clock, so later server events still apply.
 */
export function applyAckResult(s: LiveState, alert: Alert): LiveState {
  const at = alert.acknowledgedAt ?? s.alerts[alert.id]?.updatedAt ?? s.serverAt ?? 0;
  return applyAlertEvent(s, { sessionId: s.sessionId, at, event: 'acknowledged', alert });
}

/**
 * The server refused a repeat acknowledgement of an alert that re-sounded (it records one acknowledgement
 * per alert): the person at the console has acknowledged it, so the console stops re-sounding it.
 */
export function silenceResound(s: LiveState, alertId: string): LiveState {
  const e = s.alerts[alertId];
  if (!e || e.resoundedAt === null) return s;
  return { ...s, alerts: { ...s.alerts, [alertId]: { ...e, resoundedAt: null } } };
}
