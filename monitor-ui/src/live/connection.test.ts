import { ACK_ERROR_CODES, ackReplySchema } from '@zonewatch/protocol';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.js';
import { describeError } from '../api/errors.js';
import { ackReply, handshakeErrorCode, leaseGate, restAckRefusal } from './connection.js';
import { alert as liveAlert } from './fixtures.js';

describe('acknowledgement replies', () => {
  it('someone else acknowledging or closing first stops the alarm instead of showing an error', () => {
    expect(ackReply({ ok: false, error: 'already-acknowledged' })).toMatchObject({
      ok: false,
      already: true,
    });
    expect(ackReply({ ok: false, error: 'already-closed' })).toMatchObject({ ok: false, already: true });
    expect(
      ackReply({ ok: false, error: 'forbidden', message: 'your role may not acknowledge alerts' }),
    ).toEqual({
      ok: false,
      error: 'forbidden',
      already: false,
    });
  });

  it('a reply outside the contract is an error, never taken as success or as "already"', () => {
    expect(ackReply({ ok: false, error: 'alert was already somewhere' })).toMatchObject({
      ok: false,
      already: false,
    });
    expect(ackReply({ ok: true })).toMatchObject({ ok: false, already: false });
    expect(ackReply(undefined)).toMatchObject({ ok: false, already: false });
  });

  it('a successful reply carries the acknowledged alert', () => {
    const alert = liveAlert('a1', { state: 'acknowledged' });
    expect(ackReplySchema.safeParse({ ok: true, alert }).success).toBe(true);
    expect(ackReply({ ok: true, alert })).toEqual({ ok: true, alert });
  });

  it('the REST fallback is read by its error code, not its wording', () => {
    const conflict = new ApiError(409, 'alert a1 is closed', 'ZW_ERR_INVALID_STATE');
    expect(restAckRefusal(conflict)).toMatchObject({ ok: false, already: true });
    expect(restAckRefusal(new ApiError(404, 'alert a1', 'ZW_ERR_NOT_FOUND'))).toMatchObject({
      error: 'not-found',
      already: false,
    });
  });

  it('every refusal code the server may send has a translated message', () => {
    for (const code of ACK_ERROR_CODES)
      expect({ code, key: describeError(code, 409, code).key }).not.toMatchObject({ key: null });
  });
});

describe('refused live handshakes', () => {
  it('reads the server code a refusal starts with, and nothing from other messages', () => {
    expect(handshakeErrorCode('ZW_ERR_UNAUTHENTICATED: log in first')).toBe('ZW_ERR_UNAUTHENTICATED');
    expect(handshakeErrorCode('ZW_ERR_FORBIDDEN: cross-site connection refused')).toBe('ZW_ERR_FORBIDDEN');
    expect(handshakeErrorCode('websocket error')).toBeNull();
    expect(handshakeErrorCode('xhr poll error ZW_ERR_UNAUTHENTICATED')).toBeNull();
    expect(describeError(handshakeErrorCode('ZW_ERR_UNAUTHENTICATED: log in first'), 401, '').key).toBe(
      'error.unauthenticated',
    );
  });
});

describe('frames from a node that lost the site', () => {
  it('drops a frame or alert whose lease token is lower than one already seen, and keeps the rest', () => {
    const current = leaseGate();
    expect(current(3)).toBe(true);
    expect(current(3)).toBe(true);
    // Node B took the site over (token 4); node A, paused past its lease, wakes up and sends with 3.
    expect(current(4)).toBe(true);
    expect(current(3)).toBe(false);
    expect(current(1)).toBe(false);
    expect(current(4)).toBe(true);
    expect(current(5)).toBe(true);
    expect(current(4)).toBe(false);
  });

  it('lets messages without a token through (a single node without leases)', () => {
    const current = leaseGate();
    expect(current(undefined)).toBe(true);
    expect(current(2)).toBe(true);
    expect(current(undefined)).toBe(true);
  });
});
