import { type DecodeResult, err, isError, Reader, Writer } from './result.js';

/**
 * zonewatch Step Count — a characteristic this project defines, because the Bluetooth SIG has no
 * cumulative step counter. UUID {@link STEP_COUNT_UUID}. Little-endian layout:
 *
 * | offset | size | field                                                                 |
 * |--------|------|-----------------------------------------------------------------------|
 * | 0      | 1    | flags: bit 0 = cadence present; bits 1–7 reserved (sent 0, ignored)   |
 * | 1      | 4    | steps: uint32, cumulative since the device was switched on; wraps     |
 * | 5      | 2    | cadence: uint16 steps per minute (only when flag bit 0 is set)        |
 */
export const STEP_COUNT_UUID = '7a0e0001-2c5b-4a6e-9d3f-5a1c0e7d5701';

export interface StepCount {
  /** Cumulative step count (uint32, wraps at 2^32). */
  steps: number;
  /** Steps per minute. */
  cadenceSpm?: number;
}

const FLAG_CADENCE = 0x01;

export function decodeStepCount(bytes: Uint8Array): DecodeResult<StepCount> {
  const r = new Reader(bytes, 'zw-steps');
  const flags = r.uint(1, 'flags');
  if (isError(flags)) return err(flags);
  const steps = r.uint(4, 'steps');
  if (isError(steps)) return err(steps);
  const value: StepCount = { steps };
  if (flags & FLAG_CADENCE) {
    const cadence = r.uint(2, 'cadence');
    if (isError(cadence)) return err(cadence);
    value.cadenceSpm = cadence;
  }
  return r.end(value);
}

export function encodeStepCount(m: StepCount): Uint8Array {
  const w = new Writer()
    .uint(1, m.cadenceSpm !== undefined ? FLAG_CADENCE : 0, 'flags')
    .uint(4, m.steps, 'steps');
  if (m.cadenceSpm !== undefined) w.uint(2, Math.round(m.cadenceSpm), 'cadenceSpm');
  return w.bytes();
}

/** Battery Level, Bluetooth SIG characteristic 0x2A19: uint8 percent, 0–100. */
export function decodeBatteryLevel(bytes: Uint8Array): DecodeResult<number> {
  const r = new Reader(bytes, '0x2A19');
  const level = r.uint(1, 'battery level');
  if (isError(level)) return err(level);
  if (level > 100) return err(r.fail('INVALID_VALUE', `battery level ${level} is above 100 %`));
  return r.end(level);
}

export function encodeBatteryLevel(percent: number): Uint8Array {
  if (percent > 100) throw new RangeError(`battery level ${percent} is above 100 %`);
  return new Writer().uint(1, Math.round(percent), 'percent').bytes();
}
