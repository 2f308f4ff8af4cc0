import {
  type AckErrorCode,
  type Alert,
  type AlertEvent,
  ackReplySchema,
  alertEventSchema,
  joinReplySchema,
  type SessionFrame,
  type SessionNotice,
  type SessionSnapshot,
  SOCKET_EVENTS,
  sessionFrameSchema,
  sessionNoticeSchema,
  sessionSnapshotSchema,
} from '@zonewatch/protocol';
import { io, type Socket } from 'socket.io-client';
import { ApiError } from '../api/client.js';
import { endpoints } from '../api/endpoints.js';

export interface LiveHandlers {
  snapshot(s: SessionSnapshot): void;
  frame(f: SessionFrame): void;
  alert(e: AlertEvent): void;
  /** A notice about the session's monitoring (issue 18: no server node evaluates it now, or again one does). */
  notice?(n: SessionNotice): void;
  /** Joined (true) or lost the socket (false). */
  joined(ok: boolean): void;
  /** The server refused the join (unknown session, not allowed): the reason as it gave it. */
  refused(reason: string): void;
  /** A message that does not match the wire contract was dropped. */
  invalid?(event: string): void;
  /**
   * The server refused the connection because the login has ended (logged out elsewhere, expired, ended by
   * an administrator): `code` is its `ZW_ERR_*` code. The client does not retry by itself then.
   */
  loginEnded?(code: string): void;
}

/** The `ZW_ERR_*` code a refused handshake starts its message with (`ZW_ERR_UNAUTHENTICATED: log in first`). */
export function handshakeErrorCode(message: string): string | null {
  return /^(ZW_ERR_[A-Z_]+)\b/.exec(message)?.[1] ?? null;
}

/**
 * The outcome of an acknowledgement as the console acts on it: `error` is the protocol's code
 * (`already-acknowledged`…) or, for a failure outside the contract, the text to show; `already` means
 * someone else acknowledged or closed it first (not an error to show: the alarm just stops).
 */
export type AckReply = { ok: true; alert: Alert | null } | { ok: false; error: string; already: boolean };

export interface LiveConnection {
  /** Acknowledges over the socket when connected, else over REST. */
  ack(alertId: string, note?: string): Promise<AckReply>;
  close(): void;
}

const JOIN_TIMEOUT_MS = 5_000;

const ALREADY: ReadonlySet<AckErrorCode> = new Set(['already-acknowledged', 'already-closed']);

function refusal(error: AckErrorCode): AckReply {
  return { ok: false, error, already: ALREADY.has(error) };
}

/** The socket's reply, checked against the protocol's schema (a reply outside it is an error, shown). */
export function ackReply(raw: unknown): AckReply {
  const r = ackReplySchema.safeParse(raw);
  if (!r.success) return { ok: false, error: 'unexpected reply from the server', already: false };
  return r.data.ok ? { ok: true, alert: r.data.alert } : refusal(r.data.error);
}

/** The REST fallback's refusal in the socket's terms: its `ZW_ERR_*` code, never its wording. */
export function restAckRefusal(e: unknown): AckReply {
  if (e instanceof ApiError) {
    // The acknowledge route answers 409 ZW_ERR_INVALID_STATE when the alert is already acknowledged or closed.
    if (e.code === 'ZW_ERR_INVALID_STATE') return refusal('already-acknowledged');
    if (e.code === 'ZW_ERR_NOT_FOUND') return refusal('not-found');
    if (e.code === 'ZW_ERR_FORBIDDEN') return refusal('forbidden');
    if (e.code === 'ZW_ERR_UNAUTHENTICATED') return refusal('unauthenticated');
  }
  return { ok: false, error: e instanceof Error ? e.message : String(e), already: false };
}

/**
 * Fencing on the console (issue 18): every frame and alert event of a site carries the fencing token of
 * the sending node's lease, and a token only grows when another node takes the site. Anything carrying a
 * lower token than one already seen comes from a node that has lost the site (paused past its lease, or
 * cut off from the registry) and is dropped, never shown. Messages without a token (a single node without
 * leases) always pass.
 */
export function leaseGate(): (lease: number | undefined) => boolean {
  let highest = 0;
  return (lease) => {
    if (lease === undefined) return true;
    if (lease < highest) return false;
    highest = lease;
    return true;
  };
}

/**
 * Joins one session's live room on the same origin (the server authenticates the handshake by the
 * session cookie) and re-joins after every reconnection, which brings a fresh snapshot. Every payload is
 * checked against the protocol's schema; a malformed one is dropped, never half-applied.
 */
export function connectLive(
  sessionId: string,
  on: LiveHandlers,
  opts: { view?: 'wall' | 'private' } = {},
): LiveConnection {
  const socket: Socket = io({ path: '/socket.io', reconnectionDelay: 500, reconnectionDelayMax: 3_000 });
  const current = leaseGate();

  socket.on('connect', () => {
    socket
      .timeout(JOIN_TIMEOUT_MS)
      .emit(
        SOCKET_EVENTS.join,
        { sessionId, ...(opts.view ? { view: opts.view } : {}) },
        (err: unknown, reply: unknown) => {
          if (err) {
            // No answer: drop the connection so the client reconnects and tries again.
            socket.disconnect().connect();
            return;
          }
          const r = joinReplySchema.safeParse(reply);
          if (!r.success) {
            on.invalid?.(SOCKET_EVENTS.join);
            on.refused('unexpected reply from the server');
          } else if (r.data.ok) on.joined(true);
          else on.refused(r.data.message ?? r.data.error);
        },
      );
  });
  socket.on('disconnect', (reason) => {
    on.joined(false);
    // The server dropped this console (its login is checked again every 30 s, or the server restarts):
    // reconnect at once; a login that has ended is refused at the handshake and reported below.
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (err: Error) => {
    const code = handshakeErrorCode(err.message);
    if (code === 'ZW_ERR_UNAUTHENTICATED') on.loginEnded?.(code);
  });
  socket.on(SOCKET_EVENTS.snapshot, (raw: unknown) => {
    const r = sessionSnapshotSchema.safeParse(raw);
    if (r.success) on.snapshot(r.data);
    else on.invalid?.(SOCKET_EVENTS.snapshot);
  });
  socket.on(SOCKET_EVENTS.frame, (raw: unknown) => {
    const r = sessionFrameSchema.safeParse(raw);
    if (!r.success) on.invalid?.(SOCKET_EVENTS.frame);
    else if (current(r.data.lease)) on.frame(r.data);
  });
  socket.on(SOCKET_EVENTS.alert, (raw: unknown) => {
    const r = alertEventSchema.safeParse(raw);
    if (!r.success) on.invalid?.(SOCKET_EVENTS.alert);
    else if (current(r.data.lease)) on.alert(r.data);
  });

  socket.on(SOCKET_EVENTS.notice, (raw: unknown) => {
    const r = sessionNoticeSchema.safeParse(raw);
    if (r.success) on.notice?.(r.data);
    else on.invalid?.(SOCKET_EVENTS.notice);
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
        return restAckRefusal(e);
      }
    },
    close() {
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
