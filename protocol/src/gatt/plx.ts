import { type DecodeResult, err, isError, Reader, Writer } from './result.js';
import { decodeSfloat, encodeSfloat, type Sfloat, type SfloatSpecial } from './sfloat.js';

/** One SpO2/pulse-rate pair; a special SFLOAT (NaN, NRes, …) decodes to null with its kind kept. */
export interface Spo2Pr {
  /** Oxygen saturation in percent, or null when the device sent a special value. */
  spo2: number | null;
  /** Pulse rate in beats per minute, or null when the device sent a special value. */
  pulseRate: number | null;
  spo2Special?: SfloatSpecial;
  pulseRateSpecial?: SfloatSpecial;
}

/** PLX Continuous Measurement, Bluetooth SIG characteristic 0x2A5F (Pulse Oximeter Service 1.0). */
export interface PlxContinuous extends Spo2Pr {
  fast?: Spo2Pr;
  slow?: Spo2Pr;
  /** Measurement Status (16 bits) as sent; see {@link PLX_MEASUREMENT_STATUS}. */
  measurementStatus?: number;
  /** Device and Sensor Status (24 bits) as sent; see {@link PLX_SENSOR_STATUS}. */
  deviceAndSensorStatus?: number;
  /** Pulse Amplitude Index in percent. */
  pulseAmplitudeIndex?: number | null;
}

/** Measurement Status bits the gateway acts on. */
export const PLX_MEASUREMENT_STATUS = {
  measurementOngoing: 1 << 5,
  earlyEstimatedData: 1 << 6,
  validatedData: 1 << 7,
  fullyQualifiedData: 1 << 8,
  questionableMeasurement: 1 << 14,
  invalidMeasurement: 1 << 15,
} as const;

/** Device and Sensor Status bits the gateway acts on. */
export const PLX_SENSOR_STATUS = {
  equipmentMalfunction: 1 << 1,
  inadequateSignal: 1 << 3,
  poorSignal: 1 << 4,
  lowPerfusion: 1 << 5,
  sensorUnconnectedToUser: 1 << 11,
  sensorDisplaced: 1 << 13,
  sensorDisconnected: 1 << 15,
} as const;

const FLAG_FAST = 0x01;
const FLAG_SLOW = 0x02;
const FLAG_MEASUREMENT_STATUS = 0x04;
const FLAG_SENSOR_STATUS = 0x08;
const FLAG_PAI = 0x10;

function fromSfloat(s: Sfloat): { value: number | null; special?: SfloatSpecial } {
  return s.kind === 'value' ? { value: s.value } : { value: null, special: s.kind };
}

function readPair(r: Reader, name: string): Spo2Pr | ReturnType<Reader['fail']> {
  const a = r.uint(2, `${name} SpO2`);
  if (isError(a)) return a;
  const b = r.uint(2, `${name} pulse rate`);
  if (isError(b)) return b;
  const spo2 = fromSfloat(decodeSfloat(a));
  const pr = fromSfloat(decodeSfloat(b));
  const pair: Spo2Pr = { spo2: spo2.value, pulseRate: pr.value };
  if (spo2.special) pair.spo2Special = spo2.special;
  if (pr.special) pair.pulseRateSpecial = pr.special;
  return pair;
}

/** Decodes 0x2A5F. Reserved flag bits (5–7) are ignored; a short buffer is a typed error. */
export function decodePlxContinuous(bytes: Uint8Array): DecodeResult<PlxContinuous> {
  const r = new Reader(bytes, '0x2A5F');
  const flags = r.uint(1, 'flags');
  if (isError(flags)) return err(flags);
  const normal = readPair(r, 'SpO2PR-Normal');
  if (isError(normal)) return err(normal);
  const value: PlxContinuous = { ...normal };
  if (flags & FLAG_FAST) {
    const fast = readPair(r, 'SpO2PR-Fast');
    if (isError(fast)) return err(fast);
    value.fast = fast;
  }
  if (flags & FLAG_SLOW) {
    const slow = readPair(r, 'SpO2PR-Slow');
    if (isError(slow)) return err(slow);
    value.slow = slow;
  }
  if (flags & FLAG_MEASUREMENT_STATUS) {
    const s = r.uint(2, 'measurement status');
    if (isError(s)) return err(s);
    value.measurementStatus = s;
  }
  if (flags & FLAG_SENSOR_STATUS) {
    const s = r.uint(3, 'device and sensor status');
    if (isError(s)) return err(s);
    value.deviceAndSensorStatus = s;
  }
  if (flags & FLAG_PAI) {
    const p = r.uint(2, 'pulse amplitude index');
    if (isError(p)) return err(p);
    value.pulseAmplitudeIndex = fromSfloat(decodeSfloat(p)).value;
  }
  return r.end(value);
}

function writePair(w: Writer, p: Spo2Pr, name: string): void {
  w.uint(2, encodeSfloat(p.spo2 ?? p.spo2Special ?? 'NaN'), `${name}.spo2`);
  w.uint(2, encodeSfloat(p.pulseRate ?? p.pulseRateSpecial ?? 'NaN'), `${name}.pulseRate`);
}

/** Encodes 0x2A5F; a null value is sent as its special kind, or NaN. */
export function encodePlxContinuous(m: PlxContinuous): Uint8Array {
  let flags = 0;
  if (m.fast) flags |= FLAG_FAST;
  if (m.slow) flags |= FLAG_SLOW;
  if (m.measurementStatus !== undefined) flags |= FLAG_MEASUREMENT_STATUS;
  if (m.deviceAndSensorStatus !== undefined) flags |= FLAG_SENSOR_STATUS;
  if (m.pulseAmplitudeIndex !== undefined) flags |= FLAG_PAI;
  const w = new Writer().uint(1, flags, 'flags');
  writePair(w, m, 'normal');
  if (m.fast) writePair(w, m.fast, 'fast');
  if (m.slow) writePair(w, m.slow, 'slow');
  if (m.measurementStatus !== undefined) w.uint(2, m.measurementStatus, 'measurementStatus');
  if (m.deviceAndSensorStatus !== undefined) w.uint(3, m.deviceAndSensorStatus, 'deviceAndSensorStatus');
  if (m.pulseAmplitudeIndex !== undefined) {
    w.uint(2, encodeSfloat(m.pulseAmplitudeIndex ?? 'NaN'), 'pulseAmplitudeIndex');
  }
  return w.bytes();
}
