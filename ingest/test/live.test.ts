import type { SessionInfo, TelemetryBatch } from '@zonewatch/protocol';
import { describe, expect, it } from 'vitest';
import { LiveHub } from '../src/live/hub.js';
import { SeqDeduper } from '../src/mqtt/dedupe.js';

describe('SeqDeduper', () => {
  it('accepts each (gateway, seq) once, per gateway', () => {
    const d = new SeqDeduper(8);
    expect([1, 2, 2, 3, 1].map((s) => d.accept('a', s))).toEqual([true, true, false, true, false]);
    expect(d.accept('b', 2)).toBe(true);
  });
  it('treats seqs older than the window as already seen', () => {
    const d = new SeqDeduper(4);
    for (let s = 0; s < 20; s++) d.accept('a', s);
    expect(d.accept('a', 10)).toBe(false);
    expect(d.accept('a', 20)).toBe(true);
  });
});

describe('LiveHub', () => {
  const info: SessionInfo = {
    id: 's1',
    siteId: 'site',
    name: 'Class',
    kind: 'class',
    status: 'active',
    startedAt: 0,
    endedAt: null,
  };
  const batch = (samples: TelemetryBatch['samples']): TelemetryBatch => ({
    v: 1,
    gatewayId: 'g',
    seq: 1,
    sentAt: 0,
    samples,
  });

  it('binds samples through the roster, counts unbound devices, and grades freshness and zone', () => {
    const hub = new LiveHub();
    hub.openSession(info, [
      {
        participantId: 'p1',
        alias: 'A.B.',
        deviceIds: ['hr-1'],
        zone: { zoneLowBpm: 100, zoneHighBpm: 120, ceilingBpm: 135, hrMode: 'enforce' },
      },
    ]);
    const r = hub.ingestBatch(
      'site',
      batch([
        { kind: 'hr', device: 'hr-1', t: 1_000, bpm: 125 },
        { kind: 'hr', device: 'hr-9', t: 1_000, bpm: 80 },
      ]),
    );
    expect(r).toEqual({ accepted: 1, unbound: 1 });
    expect(hub.frame('s1', 2_000)?.participants[0]).toMatchObject({
      hr: 125,
      zone: 'above',
      freshness: 'live',
    });
    expect(hub.frame('s1', 8_000)?.participants[0]).toMatchObject({ hr: 125, freshness: 'stale' });
    expect(hub.frame('s1', 16_000)?.participants[0]).toMatchObject({
      hr: null,
      zone: null,
      freshness: 'lost',
    });
    // A device of another site with the same id is not this participant's.
    expect(hub.ingestBatch('other', batch([{ kind: 'hr', device: 'hr-1', t: 1, bpm: 1 }]))).toEqual({
      accepted: 0,
      unbound: 1,
    });
    hub.closeSession('s1');
    expect(hub.ingestBatch('site', batch([{ kind: 'hr', device: 'hr-1', t: 1, bpm: 1 }])).unbound).toBe(1);
  });
});
