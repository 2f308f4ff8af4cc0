import {
  type Characteristic,
  encodeBatteryLevel,
  encodeHeartRate,
  encodePlxContinuous,
  encodeRsc,
  encodeStepCount,
  PLX_SENSOR_STATUS,
  sampleSchema,
} from '@zonewatch/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotificationDecoder, RSC_MAX_INTEGRATION_GAP_MS } from '../src/decode.js';

const n = (
  characteristic: Characteristic,
  bytes: Uint8Array,
  receivedAt = 1_700_000_000_000,
  deviceId = 'dev-1',
) => ({
  deviceId,
  characteristic,
  bytes,
  receivedAt,
});

describe('NotificationDecoder', () => {
  const d = () => new NotificationDecoder();

  it('0x2A37: bpm, RR in ms, contact only when supported, energy', () => {
    const out = d().decode(
      n(
        '0x2A37',
        encodeHeartRate({ bpm: 301, sensorContact: 'detected', energyExpendedKj: 12, rrIntervals: [1024] }),
      ),
    );
    // 301 bpm decodes fine but is outside the wire schema: refused, not sent to sink a batch.
    expect(out).toMatchObject({ kind: 'error', reason: 'OUT_OF_RANGE' });
    expect(
      d().decode(
        n(
          '0x2A37',
          encodeHeartRate({
            bpm: 150,
            sensorContact: 'not-detected',
            energyExpendedKj: 12,
            rrIntervals: [1024, 512],
          }),
        ),
      ),
    ).toEqual({
      kind: 'sample',
      sample: {
        kind: 'hr',
        device: 'dev-1',
        t: 1_700_000_000_000,
        bpm: 150,
        rrMs: [1000, 500],
        contact: false,
        energyKj: 12,
      },
    });
    expect(d().decode(n('0x2A37', encodeHeartRate({ bpm: 70, sensorContact: 'unsupported' })))).toEqual({
      kind: 'sample',
      sample: { kind: 'hr', device: 'dev-1', t: 1_700_000_000_000, bpm: 70 },
    });
  });

  it('0x2A5F: NaN/NRes SpO2 is no sample; sensor status sets contact; PAI is quality', () => {
    const dec = d();
    expect(
      dec.decode(n('0x2A5F', encodePlxContinuous({ spo2: null, pulseRate: 80, spo2Special: 'NRes' }))),
    ).toEqual({
      kind: 'skip',
      reason: 'SPO2_UNAVAILABLE',
    });
    const on = dec.decode(
      n(
        '0x2A5F',
        encodePlxContinuous({
          spo2: 97,
          pulseRate: null,
          deviceAndSensorStatus: PLX_SENSOR_STATUS.lowPerfusion,
        }),
      ),
    );
    expect(on).toEqual({
      kind: 'sample',
      sample: { kind: 'spo2', device: 'dev-1', t: 1_700_000_000_000, spo2: 97, contact: true },
    });
    const off = dec.decode(
      n(
        '0x2A5F',
        encodePlxContinuous({
          spo2: 88,
          pulseRate: 120,
          deviceAndSensorStatus: PLX_SENSOR_STATUS.sensorDisconnected,
          pulseAmplitudeIndex: 1.2,
        }),
      ),
    );
    expect(off).toEqual({
      kind: 'sample',
      sample: {
        kind: 'spo2',
        device: 'dev-1',
        t: 1_700_000_000_000,
        spo2: 88,
        pulseRate: 120,
        quality: 1.2,
        contact: false,
      },
    });
    expect(dec.decode(n('0x2A5F', encodePlxContinuous({ spo2: 95, pulseRate: 70 })))).toEqual({
      kind: 'sample',
      sample: { kind: 'spo2', device: 'dev-1', t: 1_700_000_000_000, spo2: 95, pulseRate: 70 },
    });
  });

  it('0x2A53: integrates cadence into cumulative steps per device, not across long gaps', () => {
    const dec = d();
    const rsc = (cadenceSpm: number) => encodeRsc({ speedMps: 1.2, cadenceSpm, running: false });
    const steps = (bytes: Uint8Array, t: number, dev = 'pod') => {
      const o = dec.decode(n('0x2A53', bytes, t, dev));
      if (o.kind !== 'sample' || o.sample.kind !== 'steps') throw new Error('expected a steps sample');
      return o.sample.steps;
    };
    expect(steps(rsc(120), 0)).toBe(0);
    expect(steps(rsc(60), 1000)).toBe(2); // 120 spm for 1 s
    expect(steps(rsc(60), 3000)).toBe(4); // 60 spm for 2 s
    expect(steps(rsc(100), 0, 'other-pod')).toBe(0); // counted per device
    expect(steps(rsc(60), 3000 + RSC_MAX_INTEGRATION_GAP_MS + 1)).toBe(4); // a dropout adds nothing
    expect(steps(rsc(60), 2000)).toBe(4); // out-of-order time adds nothing
    expect(steps(rsc(90), 3000 + RSC_MAX_INTEGRATION_GAP_MS + 2001)).toBe(6);
  });

  it('zw-steps and 0x2A19', () => {
    expect(d().decode(n('zw-steps', encodeStepCount({ steps: 4_000_000_000 })))).toEqual({
      kind: 'sample',
      sample: { kind: 'steps', device: 'dev-1', t: 1_700_000_000_000, steps: 4_000_000_000 },
    });
    expect(d().decode(n('0x2A19', encodeBatteryLevel(5)))).toEqual({
      kind: 'sample',
      sample: { kind: 'battery', device: 'dev-1', t: 1_700_000_000_000, percent: 5 },
    });
  });

  it('rejects bad input with a reason and never throws', () => {
    const dec = d();
    expect(dec.decode(n('0x2A37', new Uint8Array()))).toMatchObject({ kind: 'error', reason: 'TRUNCATED' });
    expect(dec.decode(n('0x2A19', Uint8Array.of(50, 1)))).toMatchObject({
      kind: 'error',
      reason: 'TRAILING_BYTES',
    });
    expect(dec.decode(n('0x2A19', Uint8Array.of(150)))).toMatchObject({
      kind: 'error',
      reason: 'INVALID_VALUE',
    });
    expect(dec.decode(n('0x1234' as Characteristic, Uint8Array.of(1)))).toMatchObject({
      reason: 'UNKNOWN_CHARACTERISTIC',
    });
    expect(dec.decode(n('0x2A19', Uint8Array.of(50), 1, 'Jane Doe'))).toMatchObject({
      reason: 'INVALID_DEVICE_ID',
    });
    expect(
      dec.decode({ ...n('0x2A19', Uint8Array.of(50)), bytes: 'x' as unknown as Uint8Array }),
    ).toMatchObject({
      reason: 'INVALID_VALUE',
    });
    const chars: Characteristic[] = ['0x2A37', '0x2A5F', '0x2A53', '0x2A19', 'zw-steps'];
    fc.assert(
      fc.property(fc.constantFrom(...chars), fc.uint8Array({ maxLength: 40 }), (c, bytes) => {
        const o = dec.decode(n(c, bytes));
        if (o.kind === 'sample') expect(sampleSchema.safeParse(o.sample).success).toBe(true);
        else if (o.kind === 'error') expect(o.detail).not.toMatch(/\b[0-9a-f]{2}( [0-9a-f]{2}){3,}/);
      }),
      { numRuns: 2000 },
    );
  });
});
