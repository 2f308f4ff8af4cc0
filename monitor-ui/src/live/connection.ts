import {
  type Alert,
  type AlertEvent,
  alertEventSchema,
  alertSchema,
  type SessionFrame,
  type SessionSnapshot,
  SOCKET_EVENTS,
  sessionFrameSchema,
  sessionSnapshotSchema,
} from '@zonewatch/protocol';
import { io, type Socket } from 'socket.io-client';
import { endpoints } from '../api/endpoints.js';

export interface LiveHandlers {
  snapshot(s: SessionSnapshot): void;
  frame(f: SessionFrame): void;
  alert(e: AlertEvent): void;
  /** Joined (true) or lost the socket (false). */
  joined(ok: boolean): void;
  /** The server refused the join (unknown session, not allowed): the reason as it gave it. */
  refused(reason: string): void;
  /** A message that does not match the wire contract was dropped. */
  invalid?(event: string): void;
}

export type AckReply = { ok: true; alert: Alert | null } | { ok: false; error: string; already: boolean };

export interface LiveConnection {
  /** Acknowledges over the socket when connected, else over REST. */
  ack(alertId: string, note?: string): Promise<AckReply>;
  close(): void;
}

const JOIN_TIMEOUT_MS = 5_000;

function ackReply(raw: unknown): AckReply {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  if (o['ok'] === false || typeof o['error'] === 'string') {
    const error = typeof o['error'] === 'string' ? o['error'] : 'refused';
    return { ok: false, error, already: /already/i.test(error) };
  }
  const parsed = alertSchema.safeParse(o['alert'] ?? raw);
  return { ok: true, alert: parsed.success ? parsed.data : null };
}

/**
 * Joins one session's live room on the same origin (the server authenticates the handshake by the
 * session cookie) and re-joins after every reconnection, which brings a fresh snapshot. Every payload is
 * checked against the protocol's schema; a malformed one is dropped, never half-applied.
 */
export function connectLive(sessionId: string, on: LiveHandlers): LiveConnection {
  const socket: Socket = io({ path: '/socket.io', reconnectionDelay: 500, reconnectionDelayMax: 3_000 });

  socket.on('connect', () => {
    socket
      .timeout(JOIN_TIMEOUT_MS)
      .emit(SOCKET_EVENTS.join, { sessionId }, (err: unknown, reply: unknown) => {
        if (err) {
          // No answer: drop the connection so the client reconnects and tries again.
          socket.disconnect().connect();
          return;
        }
        const r = (reply && typeof reply === 'object' ? reply : {}) as Record<string, unknown>;
        if (r['ok'] === false) on.refused(typeof r['error'] === 'string' ? r['error'] : 'refused');
        else on.joined(true);
      });
  });
  socket.on('disconnect', () => on.joined(false));
  socket.on(SOCKET_EVENTS.snapshot, (raw: unknown) => {
    const r = sessionSnapshotSchema.safeParse(raw);
    if (r.success) on.snapshot(r.data);
    else on.invalid?.(SOCKET_EVENTS.snapshot);
  });
  socket.on(SOCKET_EVENTS.frame, (raw: unknown) => {
    const r = sessionFrameSchema.safeParse(raw);
    if (r.success) on.frame(r.data);
    else on.invalid?.(SOCKET_EVENTS.frame);
  });
  socket.on(SOCKET_EVENTS.alert, (raw: unknown) => {
    const r = alertEventSchema.safeParse(raw);
    if (r.success) on.alert(r.data);
    else on.invalid?.(SOCKET_EVENTS.alert);
  });

  return {
    async ack(alertId, note) {
      const body = note ? { alertId, note } : { alertId };
      if (socket.connected) {
        try {
          const reply: unknown = await socket.timeout(JOIN_TIMEOUT_MS).emitWithAck(SOCKET_EVENTS.ack, body);
          return ackReply(reply);
        } catch {
          // No answer over the socket: fall through to REST.
        }
      }
      try {
        return { ok: true, alert: await endpoints.ackAlert(alertId, note) };
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        return { ok: false, error, already: /already/i.test(error) };
      }
    },
    close() {
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
