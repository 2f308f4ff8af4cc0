import { type Signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { endpoints } from '../api/endpoints.js';
import { t } from '../i18n/store.js';
import { playPattern, soundState } from '../live/audio.js';
import { type AckReply, connectLive, type LiveConnection } from '../live/connection.js';
import { type LinkState, linkState } from '../live/link.js';
import { EMPTY_SOUND_MEMORY, nextSound, type SoundSource } from '../live/sound.js';
import {
  applyAckResult,
  applyAlertEvent,
  applyFrame,
  applySnapshot,
  initialLiveState,
  type LiveState,
  needsAck,
  silenceResound,
} from '../live/state.js';
import { appendPoint, backfill, EMPTY_TRACE, type RollingTrace, traceStore } from '../live/trace.js';
import { alertsNamedAsFrame, labelUnnamed } from '../live/unnamed.js';
import { loginEnded } from './session.js';

/** Id of the console's own technical alarm in the sound scheduler. */
export const LINK_LOST_ID = 'console:link-lost';
export const UNREADABLE_ID = 'console:unreadable';
/** Id of the "monitoring interrupted" technical alarm (issue 18) in the sound scheduler. */
export const MONITORING_INTERRUPTED_ID = 'server:monitoring-interrupted';

export interface LiveSession {
  state: Signal<LiveState>;
  /** Console clock, updated 4 times a second. */
  now: Signal<number>;
  link: Signal<LinkState>;
  refused: Signal<string | null>;
  /**
   * A live message did not match the wire contract (console and server out of step) and was dropped: it
   * may have been an alert this console cannot show, so the wall says so and sounds until reloaded.
   */
  unreadable: Signal<boolean>;
  /**
   * Since when (server time) no server node evaluates the session — its owner is gone (issue 18): a
   * technical alarm with the sound of a warning, until a node holds it again. Null when monitored.
   */
  interruptedSince: Signal<number | null>;
  /** Acknowledgements sent and not yet answered. */
  pending: Signal<ReadonlySet<string>>;
  /** Last refusal per alert id. */
  ackErrors: Signal<Readonly<Record<string, string>>>;
  /** Rolling 10-minute traces per participant (only with `traces: true`). */
  traces: Signal<ReadonlyMap<string, RollingTrace>>;
  ack(alertId: string, note?: string): Promise<void>;
}

const TICK_MS = 250;

/**
 * The imperative shell around the pure live reducers: one Socket.IO connection per mounted view, a
 * 4 Hz clock driving the link alarm and the sound scheduler.
 */
/**
 * `view`: `wall` (default) is a shared screen, where the server leaves out the alias of anyone without
 * wall-name consent; `private` is one person's console (the coach's view of a home session).
 */
export function useLiveSession(
  sessionId: string,
  opts: { traces?: boolean; view?: 'wall' | 'private' } = {},
): LiveSession {
  const state = useSignal<LiveState>(initialLiveState(sessionId));
  const now = useSignal(Date.now());
  const link = useSignal<LinkState>('connecting');
  const refused = useSignal<string | null>(null);
  const unreadable = useSignal(false);
  const interruptedSince = useSignal<number | null>(null);
  const pending = useSignal<ReadonlySet<string>>(new Set());
  const ackErrors = useSignal<Readonly<Record<string, string>>>({});
  const traces = useSignal<ReadonlyMap<string, RollingTrace>>(new Map());
  const conn = useRef<LiveConnection | null>(null);

  useEffect(() => {
    state.value = initialLiveState(sessionId);
    // What this page already received of the session (reopening a live view keeps its history).
    traces.value = opts.traces ? traceStore.recall(sessionId, Date.now()) : new Map();
    refused.value = null;
    unreadable.value = false;
    const startedAt = Date.now();
    let joined = false;
    let memory = EMPTY_SOUND_MEMORY;
    let linkLostSeq = 0;
    let prevLink: LinkState = 'connecting';
    let interruptedSeq = 0;
    interruptedSince.value = null;

    const record = (at: number, participants: LiveState['participants']) => {
      if (!opts.traces) return;
      const next = new Map(traces.value);
      for (const p of participants)
        next.set(p.participantId, appendPoint(next.get(p.participantId) ?? EMPTY_TRACE, at, p));
      traces.value = next;
      traceStore.remember(sessionId, next);
    };

    // Opened mid-session: the chart starts with what the server has (the frames only bring what follows).
    let gone = false;
    if (opts.traces)
      endpoints.recentTrace(sessionId).then(
        (items) => {
          if (gone) return;
          const next = new Map(traces.value);
          for (const it of items)
            next.set(
              it.participantId,
              backfill(next.get(it.participantId) ?? EMPTY_TRACE, it.points, Date.now()),
            );
          traces.value = next;
          traceStore.remember(sessionId, next);
        },
        () => undefined, // no backfill: the chart fills from the frames as before
      );

    conn.current = connectLive(
      sessionId,
      {
        snapshot: (raw) => {
          const s = {
            ...raw,
            participants: raw.participants.map((p) => labelUnnamed(p, t)),
            alerts: raw.alerts.map((a) => labelUnnamed(a, t)),
          };
          state.value = applySnapshot(state.value, s, Date.now());
          record(s.at, s.participants);
        },
        frame: (raw) => {
          const f = { ...raw, participants: raw.participants.map((p) => labelUnnamed(p, t)) };
          // Frames come only from the node that holds the session's site: monitored again.
          interruptedSince.value = null;
          state.value = alertsNamedAsFrame(applyFrame(state.value, f, Date.now()));
          record(f.at, f.participants);
        },
        alert: (e) => {
          state.value = applyAlertEvent(state.value, { ...e, alert: labelUnnamed(e.alert, t) });
        },
        notice: (n) => {
          if (n.code === 'monitoring-restored') interruptedSince.value = null;
          else if (interruptedSince.value === null) {
            interruptedSeq++;
            interruptedSince.value = n.since ?? n.at;
          }
        },
        joined: (ok) => {
          joined = ok;
          if (ok) refused.value = null;
        },
        refused: (reason) => {
          joined = false;
          refused.value = reason;
        },
        invalid: () => {
          unreadable.value = true;
        },
        loginEnded,
      },
      { view: opts.view ?? 'wall' },
    );

    const tick = () => {
      const t = Date.now();
      now.value = t;
      const s = state.value;
      const ended = s.session?.status === 'ended';
      const l = linkState({ joined, lastMessageAt: s.receivedAt, startedAt, now: t, ended });
      if (l === 'lost' && prevLink !== 'lost') linkLostSeq++;
      prevLink = l;
      link.value = l;
      const sources: SoundSource[] = Object.values(s.alerts).map((e) => ({
        id: e.alert.id,
        severity: e.alert.severity,
        needsAck: needsAck(e) && !pending.value.has(e.alert.id),
        soundSeq: e.soundSeq,
      }));
      if (refused.value === null)
        sources.push({
          id: LINK_LOST_ID,
          severity: 'warning',
          needsAck: l === 'lost',
          soundSeq: linkLostSeq,
        });
      sources.push({
        id: MONITORING_INTERRUPTED_ID,
        severity: 'warning',
        needsAck: interruptedSince.value !== null,
        soundSeq: interruptedSeq,
      });
      // Sounds once, as a warning, when a live message could not be read (it may have been an alert).
      sources.push({ id: UNREADABLE_ID, severity: 'warning', needsAck: unreadable.value, soundSeq: 1 });
      const d = nextSound(sources, t, memory, soundState.value === 'on');
      memory = d.memory;
      if (d.play) playPattern(d.play);
    };
    const timer = setInterval(tick, TICK_MS);
    return () => {
      gone = true;
      clearInterval(timer);
      conn.current?.close();
      conn.current = null;
    };
  }, [sessionId]);

  const ack = async (alertId: string, note?: string) => {
    const c = conn.current;
    if (!c || pending.value.has(alertId)) return;
    pending.value = new Set([...pending.value, alertId]);
    const { [alertId]: _old, ...rest } = ackErrors.value;
    ackErrors.value = rest;
    let reply: AckReply;
    try {
      reply = await c.ack(alertId, note);
    } finally {
      const next = new Set(pending.value);
      next.delete(alertId);
      pending.value = next;
    }
    if (reply.ok) {
      if (reply.alert) state.value = applyAckResult(state.value, reply.alert);
    } else if (reply.already) {
      state.value = silenceResound(state.value, alertId);
    } else {
      ackErrors.value = { ...ackErrors.value, [alertId]: reply.error };
    }
  };

  return { state, now, link, refused, unreadable, interruptedSince, pending, ackErrors, traces, ack };
}
