import { type DecodeResult, err, isError, Reader, Writer } from './result.js';

/** RSC Measurement, Bluetooth SIG characteristic 0x2A53 (Running Speed and Cadence Service 1.0). */
export interface RscMeasurement {
  /** Instantaneous speed in m/s (sent in units of 1/256 m/s). */
  speedMps: number;
  /** Instantaneous cadence in steps (strides for some sensors) per minute. */
  cadenceSpm: number;
  /** Instantaneous stride length in metres (sent in units of 1/100 m). */
  strideLengthM?: number;
  /** Total distance in metres (sent in units of 1/10 m). */
  totalDistanceM?: number;
  /** Walking or running status bit. */
  running: boolean;
}

const FLAG_STRIDE = 0x01;
const FLAG_DISTANCE = 0x02;
const FLAG_RUNNING = 0x04;

/** Decodes 0x2A53. Values are converted to SI units at the wire resolution. */
export function decodeRsc(bytes: Uint8Array): DecodeResult<RscMeasurement> {
  const r = new Reader(bytes, '0x2A53');
  const flags = r.uint(1, 'flags');
  if (isError(flags)) return err(flags);
  const speed = r.uint(2, 'instantaneous speed');
  if (isError(speed)) return err(speed);
  const cadence = r.uint(1, 'instantaneous cadence');
  if (isError(cadence)) return err(cadence);
  const value: RscMeasurement = {
    speedMps: speed / 256,
    cadenceSpm: cadence,
    running: (flags & FLAG_RUNNING) !== 0,
  };
  if (flags & FLAG_STRIDE) {
    const stride = r.uint(2, 'instantaneous stride length');
    if (isError(stride)) return err(stride);
    value.strideLengthM = stride / 100;
  }
  if (flags & FLAG_DISTANCE) {
    const distance = r.uint(4, 'total distance');
    if (isError(distance)) return err(distance);
    value.totalDistanceM = distance / 10;
  }
  return r.end(value);
}

/** Encodes 0x2A53, rounding each value to its wire resolution. */
export function encodeRsc(m: RscMeasurement): Uint8Array {
  let flags = m.running ? FLAG_RUNNING : 0;
  if (m.strideLengthM !== undefined) flags |= FLAG_STRIDE;
  if (m.totalDistanceM !== undefined) flags |= FLAG_DISTANCE;
  const w = new Writer()
    .uint(1, flags, 'flags')
    .uint(2, Math.round(m.speedMps * 256), 'speedMps')
    .uint(1, Math.round(m.cadenceSpm), 'cadenceSpm');
  if (m.strideLengthM !== undefined) w.uint(2, Math.round(m.strideLengthM * 100), 'strideLengthM');
  if (m.totalDistanceM !== undefined) w.uint(4, Math.round(m.totalDistanceM * 10), 'totalDistanceM');
  return w.bytes();
}
