import {
  encodeBatteryLevel,
  encodeHeartRate,
  encodePlxContinuous,
  encodeRsc,
  encodeStepCount,
  msToRr,
} from '@zonewatch/protocol';
import { describe, expect, it } from 'vitest';
import {
  compactBoard,
  describeNotification,
  formatClock,
  ParticipantBoard,
  participantLine,
} from '../src/display.js';
import { createSimulation } from '../src/index.js';
import { participant, scenario, T0 } from './helpers.js';

describe('display helpers', () => {
  it('formats clocks', () => {
    expect(formatClock(0)).toBe('00:00');
    expect(formatClock(83.9)).toBe('01:23');
    expect(formatClock(3723)).toBe('1:02:03');
  });

  it('describes every characteristic as the gateway would decode it', () => {
    const n = (
      characteristic: Parameters<typeof describeNotification>[0]['characteristic'],
      bytes: Uint8Array,
    ) =>
      describeNotification({ deviceId: 'AA:01', characteristic, bytes, receivedAt: T0 + 61_500 }, T0, 'Ann');
    expect(
      n('0x2A37', encodeHeartRate({ bpm: 72, sensorContact: 'detected', rrIntervals: [msToRr(833)] })),
    ).toBe('09:01:01.500 +01:01 Ann AA:01 0x2A37 hr=72 contact=detected rr=[833]');
    expect(n('0x2A5F', encodePlxContinuous({ spo2: 95, pulseRate: 80 }))).toMatch(/spo2=95 pr=80$/);
    expect(
      n('0x2A5F', encodePlxContinuous({ spo2: null, pulseRate: null, deviceAndSensorStatus: 0x8800 })),
    ).toMatch(/spo2=NaN pr=NaN status=0x8800$/);
    expect(
      n('0x2A53', encodeRsc({ speedMps: 1.5, cadenceSpm: 110, running: false, totalDistanceM: 12.3 })),
    ).toMatch(/cadence=110 speed=1.50m\/s distance=12.3m$/);
    expect(n('zw-steps', encodeStepCount({ steps: 1234, cadenceSpm: 100 }))).toMatch(
      /steps=1234 cadence=100$/,
    );
    expect(n('0x2A19', encodeBatteryLevel(88))).toMatch(/battery=88%$/);
    expect(n('0x2A37', new Uint8Array([0x01]))).toMatch(/DECODE ERROR TRUNCATED/);
  });

  it('keeps the latest reported values per participant and greys out silent ones', () => {
    const s = scenario({
      durationS: 120,
      participants: [
        participant({ alias: 'Ann', events: [{ kind: 'contactLoss', at: 30, durationS: 20 }] }),
        participant({
          id: 'p-2',
          alias: 'Bob',
          devices: [{ id: 'b', kind: 'hr-strap' }],
          events: [{ kind: 'dropout', at: 60, durationS: 50 }],
        }),
      ],
    });
    const board = new ParticipantBoard(s);
    const sim = createSimulation(s, { onTruth: (t) => board.update(t) });
    sim.step(40_000);
    const ann = board.views.get('p-1')!;
    expect(ann.contact).toBe(false);
    expect(participantLine(ann, 40_000)).toMatch(/^ {2}Ann +HR n\/c {2}SpO2 {3}--/);
    sim.step(80_000);
    expect(participantLine(board.views.get('p-2')!, 80_000)).toMatch(/Bob +HR {2}-- {2}\(no signal\)/);
    expect(participantLine(ann, 80_000)).toMatch(/Ann +HR +\d+ {2}SpO2 +\d+% {2}rest/);
    expect(compactBoard(board, 80_000)).toMatch(/^Ann=\d+\/\d+% Bob=--$/);
    expect(compactBoard(board, 80_000, 1)).toMatch(/\+1 more$/);
  });
});
