import type { Alert, AlertEvent, ParticipantLive, SessionSnapshot } from '@zonewatch/protocol';

/** Test data builders (shared by the unit tests of the pure live modules). */
export function participant(id: string, over: Partial<ParticipantLive> = {}): ParticipantLive {
  return {
    participantId: id,
    alias: id.toUpperCase(),
    hr: 110,
    spo2: 96,
    steps: 100,
    cadence: null,
    battery: 80,
    contact: true,
    zone: 'in',
    freshness: 'live',
    lastSampleAt: 1_000,
    zoneLowBpm: 100,
    zoneHighBpm: 120,
    ceilingBpm: 135,
    hrMode: 'enforce',
    minutesInZone: 4,
    targetMinutesInZone: 20,
    ...over,
  };
}

export function alert(id: string, over: Partial<Alert> = {}): Alert {
  return {
    id,
    sessionId: 's1',
    participantId: 'p1',
    alias: 'P1',
    rule: 'HR_OVER_CEILING',
    severity: 'warning',
    state: 'open',
    conditionCleared: false,
    raisedAt: 1_000,
    acknowledgedAt: null,
    acknowledgedBy: null,
    closedAt: null,
    escalationLevel: 0,
    ...over,
  };
}

export function snapshot(over: Partial<SessionSnapshot> = {}): SessionSnapshot {
  return {
    sessionId: 's1',
    at: 1_000,
    session: {
      id: 's1',
      siteId: 'site',
      name: 'Class',
      kind: 'class',
      status: 'active',
      startedAt: 0,
      endedAt: null,
    },
    participants: [participant('p1'), participant('p2')],
    alerts: [],
    ...over,
  };
}

export function event(ev: AlertEvent['event'], a: Alert, at: number): AlertEvent {
  return { sessionId: a.sessionId, at, event: ev, alert: a };
}
