import { describe, expect, it } from 'vitest';
import { alert, event, participant, snapshot } from './fixtures.js';
import {
  applyAckResult,
  applyAlertEvent,
  applyFrame,
  applySnapshot,
  initialLiveState,
  needsAck,
  silenceResound,
} from './state.js';

const s0 = initialLiveState('s1');

describe('snapshot and frames', () => {
  it('a snapshot replaces everything and counts re-joins', () => {
    const s1 = applySnapshot(s0, snapshot({ alerts: [alert('a1')] }), 50);
    expect(s1.participants.map((p) => p.participantId)).toEqual(['p1', 'p2']);
    expect(Object.keys(s1.alerts)).toEqual(['a1']);
    expect(s1.snapshots).toBe(1);
    expect(s1.receivedAt).toBe(50);
    const s2 = applySnapshot(s1, snapshot({ at: 2_000, alerts: [] }), 60);
    expect(s2.alerts).toEqual({});
    expect(s2.snapshots).toBe(2);
  });

  it('ignores another session’s messages and frames older than what it has', () => {
    const s1 = applySnapshot(s0, snapshot({ at: 5_000 }), 1);
    expect(applySnapshot(s1, snapshot({ sessionId: 'other' }), 2)).toBe(s1);
    const old = { sessionId: 's1', at: 4_000, participants: [participant('p1', { hr: 150 })] };
    expect(applyFrame(s1, old, 3)).toBe(s1);
    const next = applyFrame(s1, { ...old, at: 6_000 }, 4);
    expect(next.participants[0]?.hr).toBe(150);
    expect(next.receivedAt).toBe(4);
  });

  it('a gateway clock alarm (issue 13 hole 1) comes with a snapshot or frame and goes with the next without it', () => {
    const alarm = {
      kind: 'gateway-clock-ahead' as const,
      gatewayId: 'gw-1',
      since: 900,
      lastAt: 950,
      samples: 3,
    };
    const s1 = applySnapshot(s0, { ...snapshot({ at: 1_000 }), technical: [alarm] }, 1);
    expect(s1.technical).toEqual([alarm]);
    const frame = { sessionId: 's1', at: 2_000, participants: [participant('p1', { clockFault: true })] };
    const s2 = applyFrame(s1, { ...frame, technical: [{ ...alarm, samples: 4 }] }, 2);
    expect(s2.technical[0]?.samples).toBe(4);
    expect(s2.participants[0]?.clockFault).toBe(true);
    expect(applyFrame(s2, { ...frame, at: 3_000 }, 3).technical).toEqual([]);
  });

  it('a frame carrying the session (issue 14: phase, status) updates it; one without keeps the last', () => {
    const s1 = applySnapshot(s0, snapshot({ at: 1_000 }), 1);
    const session = { ...s1.session!, phase: 'conditioning' as const, phaseStartedAt: 1_500 };
    const frame = { sessionId: 's1', at: 2_000, participants: [participant('p1')] };
    const s2 = applyFrame(s1, { ...frame, session }, 2);
    expect(s2.session?.phase).toBe('conditioning');
    expect(applyFrame(s2, { ...frame, at: 3_000 }, 3).session?.phase).toBe('conditioning');
  });

  it('a re-join snapshot does not re-annunciate alerts already annunciated, but does new ones', () => {
    const s1 = applyAlertEvent(applySnapshot(s0, snapshot(), 1), event('raised', alert('a1'), 1_500));
    expect(s1.alerts['a1']?.soundSeq).toBe(1);
    const s2 = applySnapshot(s1, snapshot({ at: 9_000, alerts: [alert('a1'), alert('a2')] }), 2);
    expect(s2.alerts['a1']?.soundSeq).toBe(1);
    expect(s2.alerts['a2']?.soundSeq).toBe(1);
  });

  it('an acknowledged alert in a first snapshot is not annunciated', () => {
    const s1 = applySnapshot(s0, snapshot({ alerts: [alert('a1', { state: 'acknowledged' })] }), 1);
    expect(s1.alerts['a1']?.soundSeq).toBe(0);
    expect(needsAck(s1.alerts['a1']!)).toBe(false);
  });
});

describe('alert events', () => {
  const base = applySnapshot(s0, snapshot(), 1);

  it('raise, upgrade and escalation each annunciate; acknowledgement does not', () => {
    let s = applyAlertEvent(base, event('raised', alert('a1'), 2_000));
    s = applyAlertEvent(s, event('upgraded', alert('a1', { severity: 'critical' }), 3_000));
    s = applyAlertEvent(
      s,
      event('escalated', alert('a1', { severity: 'critical', escalationLevel: 1 }), 4_000),
    );
    expect(s.alerts['a1']?.soundSeq).toBe(3);
    s = applyAlertEvent(
      s,
      event('acknowledged', alert('a1', { severity: 'critical', state: 'acknowledged' }), 5_000),
    );
    expect(s.alerts['a1']?.soundSeq).toBe(3);
    expect(needsAck(s.alerts['a1']!)).toBe(false);
  });

  it('an acknowledged alert stays until it closes; closing removes it', () => {
    let s = applyAlertEvent(base, event('raised', alert('a1'), 2_000));
    s = applyAlertEvent(s, event('acknowledged', alert('a1', { state: 'acknowledged' }), 3_000));
    s = applyAlertEvent(
      s,
      event('cleared', alert('a1', { state: 'acknowledged', conditionCleared: true }), 4_000),
    );
    expect(s.alerts['a1']).toBeDefined();
    s = applyAlertEvent(s, event('closed', alert('a1', { state: 'closed', closedAt: 4_000 }), 4_000));
    expect(s.alerts['a1']).toBeUndefined();
  });

  it('a latched critical alert whose condition cleared still needs acknowledgement', () => {
    const s = applyAlertEvent(
      base,
      event('cleared', alert('a1', { severity: 'critical', conditionCleared: true }), 2_000),
    );
    expect(needsAck(s.alerts['a1']!)).toBe(true);
  });

  it('a critical alert that re-sounds after acknowledgement needs acknowledging again', () => {
    let s = applyAlertEvent(base, event('raised', alert('a1', { severity: 'critical' }), 2_000));
    const acked = alert('a1', { severity: 'critical', state: 'acknowledged', acknowledgedAt: 3_000 });
    s = applyAlertEvent(s, event('acknowledged', acked, 3_000));
    s = applyAlertEvent(s, event('resounded', acked, 63_000));
    expect(needsAck(s.alerts['a1']!)).toBe(true);
    expect(s.alerts['a1']?.soundSeq).toBe(2);
    // The server records one acknowledgement per alert: a refused repeat still silences this console.
    s = silenceResound(s, 'a1');
    expect(needsAck(s.alerts['a1']!)).toBe(false);
  });

  it('ignores events older than the alert’s state (e.g. around a re-join)', () => {
    const s = applyAlertEvent(base, event('acknowledged', alert('a1', { state: 'acknowledged' }), 5_000));
    const stale = applyAlertEvent(s, event('raised', alert('a1'), 4_000));
    expect(stale).toBe(s);
  });

  it('an acknowledgement reply is applied at the server’s time, not the console’s', () => {
    let s = applyAlertEvent(base, event('raised', alert('a1'), 2_000));
    s = applyAckResult(
      s,
      alert('a1', { state: 'acknowledged', acknowledgedAt: 2_500, acknowledgedBy: 'ann' }),
    );
    expect(s.alerts['a1']?.updatedAt).toBe(2_500);
    expect(s.alerts['a1']?.alert.acknowledgedBy).toBe('ann');
    // A later server event still applies.
    s = applyAlertEvent(s, event('closed', alert('a1', { state: 'closed' }), 2_600));
    expect(s.alerts['a1']).toBeUndefined();
  });
});
