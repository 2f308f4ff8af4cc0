import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Characteristic,
  decodeBatteryLevel,
  decodeGatt,
  decodeHeartRate,
  decodePlxContinuous,
  decodeRsc,
  decodeSfloat,
  decodeStepCount,
  encodeHeartRate,
  encodePlxContinuous,
  encodeRsc,
  encodeSfloat,
  encodeStepCount,
  msToRr,
  rrToMs,
} from '../src/index.js';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('Heart Rate Measurement 0x2A37', () => {
  it('decodes flags 0x16: uint8 value, contact detected, two RR intervals', () => {
    const r = decodeHeartRate(bytes(0x16, 0x4b, 0x00, 0x04, 0x10, 0x04));
    expect(r).toEqual({
      ok: true,
      value: { bpm: 75, sensorContact: 'detected', rrIntervals: [1024, 1040] },
    });
    if (r.ok) expect(r.value.rrIntervals?.map(rrToMs)).toEqual([1000, 1015.625]);
  });

  it('decodes a uint16 value, contact supported but not detected, and energy expended', () => {
    expect(decodeHeartRate(bytes(0x0d, 0x2c, 0x01, 0x10, 0x27))).toEqual({
      ok: true,
      value: { bpm: 300, sensorContact: 'not-detected', energyExpendedKj: 10000 },
    });
  });

  it('treats contact bits 00 and 01 as "not supported" (bit 1 alone means nothing)', () => {
    expect(decodeHeartRate(bytes(0x02, 60))).toMatchObject({
      ok: true,
      value: { sensorContact: 'unsupported' },
    });
    expect(decodeHeartRate(bytes(0x00, 60))).toMatchObject({
      ok: true,
      value: { sensorContact: 'unsupported' },
    });
  });

  it('ignores the reserved flag bits 5–7', () => {
    expect(decodeHeartRate(bytes(0xe6, 72))).toEqual({
      ok: true,
      value: { bpm: 72, sensorContact: 'detected' },
    });
  });

  it.each([
    ['empty buffer', [], 'TRUNCATED', 0],
    ['uint16 flag with one value byte', [0x01, 0x48], 'TRUNCATED', 1],
    ['energy flag without energy bytes', [0x08, 0x48, 0x01], 'TRUNCATED', 2],
    ['RR flag with an odd byte', [0x10, 0x48, 0x00, 0x04, 0x01], 'TRUNCATED', 2],
    ['RR flag with no RR bytes', [0x10, 0x48], 'TRUNCATED', 2],
    ['bytes after the value when no RR flag', [0x00, 0x48, 0x00], 'TRAILING_BYTES', 2],
  ])('rejects %s with a typed error', (_name, input, code, offset) => {
    const r = decodeHeartRate(Uint8Array.from(input));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ code, offset, characteristic: '0x2A37' });
      expect(r.error.message.length).toBeGreaterThan(5);
    }
  });

  it('encodes to the byte-exact form', () => {
    expect([...encodeHeartRate({ bpm: 75, sensorContact: 'detected', rrIntervals: [1024, 1040] })]).toEqual([
      0x16, 0x4b, 0x00, 0x04, 0x10, 0x04,
    ]);
    expect([...encodeHeartRate({ bpm: 72, sensorContact: 'unsupported' }, { uint16: true })]).toEqual([
      0x01, 0x48, 0x00,
    ]);
  });

  it('converts RR intervals between 1/1024 s and ms', () => {
    expect(msToRr(1000)).toBe(1024);
    expect(rrToMs(512)).toBe(500);
  });

  it('round-trips any valid measurement', () => {
    const hr = fc.record(
      {
        bpm: fc.integer({ min: 0, max: 65535 }),
        sensorContact: fc.constantFrom('unsupported', 'not-detected', 'detected' as const),
        energyExpendedKj: fc.integer({ min: 0, max: 65535 }),
        rrIntervals: fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 9 }),
      },
      { requiredKeys: ['bpm', 'sensorContact'] },
    );
    fc.assert(
      fc.property(hr, fc.boolean(), (m, wide) => {
        expect(decodeHeartRate(encodeHeartRate(m, { uint16: wide }))).toEqual({ ok: true, value: m });
      }),
    );
  });
});

describe('IEEE-11073 SFLOAT', () => {
  it('decodes values and the five specials', () => {
    expect(decodeSfloat(0x0062)).toEqual({ kind: 'value', value: 98 });
    expect(decodeSfloat(0xf3cf)).toEqual({ kind: 'value', value: 97.5 });
    expect(decodeSfloat(0x0fff)).toEqual({ kind: 'value', value: -1 });
    expect(decodeSfloat(0x07ff)).toEqual({ kind: 'NaN' });
    expect(decodeSfloat(0x0800)).toEqual({ kind: 'NRes' });
    expect(decodeSfloat(0x07fe)).toEqual({ kind: '+INF' });
    expect(decodeSfloat(0x0802)).toEqual({ kind: '-INF' });
    expect(decodeSfloat(0x0801)).toEqual({ kind: 'reserved' });
  });

  it('encodes with the shortest exact mantissa', () => {
    expect(encodeSfloat(98)).toBe(0x0062);
    expect(encodeSfloat(97.5)).toBe(0xf3cf);
    expect(encodeSfloat(0)).toBe(0x0000);
    expect(encodeSfloat(Number.NaN)).toBe(0x07ff);
    expect(encodeSfloat('NRes')).toBe(0x0800);
    expect(() => encodeSfloat(3e10)).toThrow(RangeError);
  });

  it('round-trips one-decimal percentages and never produces a special by accident', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2045, max: 2045 }), (tenths) => {
        const v = tenths / 10;
        const d = decodeSfloat(encodeSfloat(v));
        expect(d).toEqual({ kind: 'value', value: v });
      }),
    );
  });
});

describe('PLX Continuous Measurement 0x2A5F', () => {
  it('decodes SpO2 98 % and pulse rate 72 with no optional fields', () => {
    expect(decodePlxContinuous(bytes(0x00, 0x62, 0x00, 0x48, 0x00))).toEqual({
      ok: true,
      value: { spo2: 98, pulseRate: 72 },
    });
  });

  it('decodes NaN and NRes as null with the special kept', () => {
    expect(decodePlxContinuous(bytes(0x00, 0xff, 0x07, 0x00, 0x08))).toEqual({
      ok: true,
      value: { spo2: null, pulseRate: null, spo2Special: 'NaN', pulseRateSpecial: 'NRes' },
    });
  });

  it('decodes every optional field in order: fast, slow, measurement status, sensor status, PAI', () => {
    const r = decodePlxContinuous(
      bytes(
        0x1f,
        0xcf,
        0xf3,
        0x48,
        0x00,
        0x61,
        0x00,
        0x49,
        0x00,
        0x60,
        0x00,
        0x47,
        0x00,
        0x80,
        0x40,
        0x00,
        0x80,
        0x00,
        0x32,
        0xf0,
      ),
    );
    expect(r).toEqual({
      ok: true,
      value: {
        spo2: 97.5,
        pulseRate: 72,
        fast: { spo2: 97, pulseRate: 73 },
        slow: { spo2: 96, pulseRate: 71 },
        measurementStatus: 0x4080,
        deviceAndSensorStatus: 0x008000,
        pulseAmplitudeIndex: 5,
      },
    });
  });

  it.each([
    ['flags only', [0x00], 'TRUNCATED'],
    ['missing pulse rate', [0x00, 0x62, 0x00], 'TRUNCATED'],
    ['fast flag without fast values', [0x01, 0x62, 0x00, 0x48, 0x00], 'TRUNCATED'],
    ['sensor status cut at two of three bytes', [0x08, 0x62, 0x00, 0x48, 0x00, 0x00, 0x80], 'TRUNCATED'],
    ['extra byte', [0x00, 0x62, 0x00, 0x48, 0x00, 0x01], 'TRAILING_BYTES'],
  ])('rejects %s', (_n, input, code) => {
    const r = decodePlxContinuous(Uint8Array.from(input));
    expect(r.ok ? null : r.error.code).toBe(code);
  });

  it('round-trips encode/decode', () => {
    const pct = fc.integer({ min: 0, max: 1000 }).map((x) => x / 10);
    fc.assert(
      fc.property(
        pct,
        fc.integer({ min: 20, max: 250 }),
        fc.option(fc.integer({ min: 0, max: 0xffffff }), { nil: undefined }),
        (spo2, pr, dss) => {
          const m =
            dss === undefined ? { spo2, pulseRate: pr } : { spo2, pulseRate: pr, deviceAndSensorStatus: dss };
          expect(decodePlxContinuous(encodePlxContinuous(m))).toEqual({ ok: true, value: m });
        },
      ),
    );
  });
});

describe('RSC Measurement 0x2A53', () => {
  it('decodes speed, cadence, stride and distance with the running bit', () => {
    // flags 0x07: stride + distance + running; 3.5 m/s = 896/256; cadence 170; stride 1.25 m; 1234.5 m
    expect(decodeRsc(bytes(0x07, 0x80, 0x03, 170, 125, 0, 0x39, 0x30, 0x00, 0x00))).toEqual({
      ok: true,
      value: { speedMps: 3.5, cadenceSpm: 170, strideLengthM: 1.25, totalDistanceM: 1234.5, running: true },
    });
  });
  it('decodes the minimal walking form', () => {
    expect(decodeRsc(bytes(0x00, 0x40, 0x01, 110))).toEqual({
      ok: true,
      value: { speedMps: 1.25, cadenceSpm: 110, running: false },
    });
  });
  it('rejects a distance flag with a short distance', () => {
    const r = decodeRsc(bytes(0x02, 0x40, 0x01, 110, 0x01, 0x02));
    expect(r.ok ? null : r.error).toMatchObject({ code: 'TRUNCATED', offset: 4 });
  });
  it('round-trips at wire resolution', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 65535 }),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        (s, c, run) => {
          const m = { speedMps: s / 256, cadenceSpm: c, running: run };
          expect(decodeRsc(encodeRsc(m))).toEqual({ ok: true, value: m });
        },
      ),
    );
  });
});

describe('zonewatch Step Count and Battery Level 0x2A19', () => {
  it('decodes cumulative steps with and without cadence', () => {
    expect(decodeStepCount(bytes(0x01, 0x10, 0x27, 0x00, 0x00, 0x6e, 0x00))).toEqual({
      ok: true,
      value: { steps: 10000, cadenceSpm: 110 },
    });
    expect(decodeStepCount(encodeStepCount({ steps: 4_294_967_295 }))).toEqual({
      ok: true,
      value: { steps: 4_294_967_295 },
    });
  });
  it('rejects a truncated count and a battery level above 100 %', () => {
    expect(decodeStepCount(bytes(0x00, 0x01, 0x02)).ok).toBe(false);
    const b = decodeBatteryLevel(bytes(101));
    expect(b.ok ? null : b.error.code).toBe('INVALID_VALUE');
    expect(decodeBatteryLevel(bytes(87))).toEqual({ ok: true, value: 87 });
  });
});

describe('decoders never throw', () => {
  const kinds: Characteristic[] = ['0x2A37', '0x2A5F', '0x2A53', '0x2A19', 'zw-steps'];
  it('returns a result for any byte string of any characteristic', () => {
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.uint8Array({ maxLength: 40 }), (c, b) => {
        const r = decodeGatt(c, b);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error.characteristic).toBe(c);
      }),
      { numRuns: 2000 },
    );
  });
});
