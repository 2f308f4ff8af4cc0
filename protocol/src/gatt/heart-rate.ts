import { type DecodeResult, err, isError, Reader, Writer } from './result.js';

/** Sensor Contact Status bits (flags bits 1–2) of Heart Rate Measurement 0x2A37. */
export type SensorContact = 'unsupported' | 'not-detected' | 'detected';

/** Heart Rate Measurement, Bluetooth SIG characteristic 0x2A37 (Heart Rate Service 1.0). */
export interface HeartRateMeasurement {
  /** Heart rate in beats per minute. */
  bpm: number;
  sensorContact: SensorContact;
  /** Energy expended in kilojoules since the last reset, when the strap reports it. */
  energyExpendedKj?: number;
  /** RR intervals in units of 1/1024 s, oldest first (use {@link rrToMs} for milliseconds). */
  rrIntervals?: number[];
}

const FLAG_UINT16 = 0x01;
const FLAG_CONTACT_DETECTED = 0x02;
const FLAG_CONTACT_SUPPORTED = 0x04;
const FLAG_ENERGY = 0x08;
const FLAG_RR = 0x10;

/** RR interval from 1/1024 s units to milliseconds. */
export const rrToMs = (raw: number): number => (raw * 1000) / 1024;
/** RR interval from milliseconds to the nearest 1/1024 s unit. */
export const msToRr = (ms: number): number => Math.round((ms * 1024) / 1000);

/**
 * Decodes 0x2A37. Reserved flag bits (5–7) are ignored, as the specification asks of receivers; a buffer
 * shorter than its flags announce, or an RR field with an odd byte, is a typed error.
 */
export function decodeHeartRate(bytes: Uint8Array): DecodeResult<HeartRateMeasurement> {
  const r = new Reader(bytes, '0x2A37');
  const flags = r.uint(1, 'flags');
  if (isError(flags)) return err(flags);
  const bpm = r.uint(flags & FLAG_UINT16 ? 2 : 1, 'heart rate value');
  if (isError(bpm)) return err(bpm);
  const sensorContact: SensorContact =
    flags & FLAG_CONTACT_SUPPORTED
      ? flags & FLAG_CONTACT_DETECTED
        ? 'detected'
        : 'not-detected'
      : 'unsupported';
  const value: HeartRateMeasurement = { bpm, sensorContact };
  if (flags & FLAG_ENERGY) {
    const energy = r.uint(2, 'energy expended');
    if (isError(energy)) return err(energy);
    value.energyExpendedKj = energy;
  }
  if (flags & FLAG_RR) {
    if (r.remaining === 0 || r.remaining % 2 !== 0) {
      return err(
        r.fail('TRUNCATED', `RR-interval field has ${r.remaining} byte(s); it needs a non-zero even count`),
      );
    }
    const rr: number[] = [];
    while (r.remaining > 0) rr.push(r.uint(2, 'RR interval') as number);
    value.rrIntervals = rr;
  }
  return r.end(value);
}

/**
 * Encodes 0x2A37. The value uses the uint8 format when it fits unless `uint16` is forced. Throws
 * RangeError for a field that does not fit its format (an encoder's caller bug, not device input).
 */
export function encodeHeartRate(m: HeartRateMeasurement, opts: { uint16?: boolean } = {}): Uint8Array {
  const wide = opts.uint16 === true || m.bpm > 255;
  let flags = wide ? FLAG_UINT16 : 0;
  if (m.sensorContact !== 'unsupported') flags |= FLAG_CONTACT_SUPPORTED;
  if (m.sensorContact === 'detected') flags |= FLAG_CONTACT_DETECTED;
  if (m.energyExpendedKj !== undefined) flags |= FLAG_ENERGY;
  if (m.rrIntervals && m.rrIntervals.length > 0) flags |= FLAG_RR;
  const w = new Writer().uint(1, flags, 'flags').uint(wide ? 2 : 1, m.bpm, 'bpm');
  if (m.energyExpendedKj !== undefined) w.uint(2, m.energyExpendedKj, 'energyExpendedKj');
  for (const rr of m.rrIntervals ?? []) w.uint(2, rr, 'rrIntervals[]');
  return w.bytes();
}
