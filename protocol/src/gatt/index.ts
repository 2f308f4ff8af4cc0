export * from './heart-rate.js';
export * from './plx.js';
export * from './result.js';
export * from './rsc.js';
export * from './sfloat.js';
export * from './steps.js';

import { decodeHeartRate, type HeartRateMeasurement } from './heart-rate.js';
import { decodePlxContinuous, type PlxContinuous } from './plx.js';
import type { Characteristic, DecodeResult } from './result.js';
import { decodeRsc, type RscMeasurement } from './rsc.js';
import { decodeBatteryLevel, decodeStepCount, type StepCount } from './steps.js';

/** A decoded notification, tagged by its characteristic. */
export type GattValue =
  | { characteristic: '0x2A37'; value: HeartRateMeasurement }
  | { characteristic: '0x2A5F'; value: PlxContinuous }
  | { characteristic: '0x2A53'; value: RscMeasurement }
  | { characteristic: '0x2A19'; value: number }
  | { characteristic: 'zw-steps'; value: StepCount };

/** Decodes a notification of any supported characteristic; never throws. */
export function decodeGatt(characteristic: Characteristic, bytes: Uint8Array): DecodeResult<GattValue> {
  const tag = <T>(r: DecodeResult<T>) =>
    (r.ok ? { ok: true, value: { characteristic, value: r.value } } : r) as DecodeResult<GattValue>;
  switch (characteristic) {
    case '0x2A37':
      return tag(decodeHeartRate(bytes));
    case '0x2A5F':
      return tag(decodePlxContinuous(bytes));
    case '0x2A53':
      return tag(decodeRsc(bytes));
    case '0x2A19':
      return tag(decodeBatteryLevel(bytes));
    case 'zw-steps':
      return tag(decodeStepCount(bytes));
    default:
      // A real BLE link may hand over a characteristic this build does not know.
      return {
        ok: false,
        error: {
          code: 'INVALID_VALUE',
          characteristic,
          offset: 0,
          message: `unsupported characteristic ${String(characteristic)}`,
        },
      };
  }
}
