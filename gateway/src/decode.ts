import {
  type DeviceNotification,
  decodeGatt,
  deviceIdSchema,
  type GattValue,
  PLX_SENSOR_STATUS,
  type PlxContinuous,
  rrToMs,
  type Sample,
  sampleSchema,
} from '@zonewatch/protocol';
import type { DecodeErrorReason } from './errors.js';

/** What became of one notification. */
export type DecodeOutcome =
  | { kind: 'sample'; sample: Sample }
  /** Valid bytes that carry no measurement worth sending (e.g. an oximeter still searching: SpO2 NaN). */
  | { kind: 'skip'; reason: 'SPO2_UNAVAILABLE' }
  /** Bad input: counted per reason and logged without the payload. */
  | { kind: 'error'; reason: DecodeErrorReason; detail: string };

/** Longest gap (ms) over which RSC cadence is integrated; a longer silence is a dropout, not walking. */
export const RSC_MAX_INTEGRATION_GAP_MS = 5_000;

const KNOWN = new Set(['0x2A37', '0x2A5F', '0x2A53', '0x2A19', 'zw-steps']);

/**
 * Turns wearable notifications into wire samples. Stateful only for RSC footpods (0x2A53), which report
 * instantaneous cadence but no step count: the gateway integrates cadence over receive time into a
 * cumulative count per device (left Riemann sum: each cadence holds until the next notification; gaps
 * longer than {@link RSC_MAX_INTEGRATION_GAP_MS} add nothing). That count starts at 0 when the gateway
 * first hears the device and restarts with the gateway, like a pedometer switched off and on, so
 * consumers must already treat a falling cumulative count as a reset.
 */
export class NotificationDecoder {
  private readonly rsc = new Map<string, { lastAt: number; cadenceSpm: number; steps: number }>();

  decode(n: DeviceNotification): DecodeOutcome {
    if (!KNOWN.has(n.characteristic)) {
      return { kind: 'error', reason: 'UNKNOWN_CHARACTERISTIC', detail: 'not decoded by this gateway' };
    }
    if (!deviceIdSchema.safeParse(n.deviceId).success) {
      return { kind: 'error', reason: 'INVALID_DEVICE_ID', detail: 'device id rejected by the wire schema' };
    }
    if (!(n.bytes instanceof Uint8Array) || !Number.isSafeInteger(n.receivedAt) || n.receivedAt < 0) {
      return { kind: 'error', reason: 'INVALID_VALUE', detail: 'notification without bytes or receive time' };
    }
    let decoded: ReturnType<typeof decodeGatt>;
    try {
      decoded = decodeGatt(n.characteristic, n.bytes);
    } catch (e) {
      return { kind: 'error', reason: 'DECODER_EXCEPTION', detail: (e as Error).name };
    }
    if (!decoded.ok) return { kind: 'error', reason: decoded.error.code, detail: decoded.error.message };
    const candidate = this.toSample(n, decoded.value);
    if (candidate === null) return { kind: 'skip', reason: 'SPO2_UNAVAILABLE' };
    // The batch schema is what ingest enforces; one out-of-range sample must not sink a whole batch.
    const checked = sampleSchema.safeParse(candidate);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      return { kind: 'error', reason: 'OUT_OF_RANGE', detail: `${issue?.path.join('.')}: ${issue?.code}` };
    }
    return { kind: 'sample', sample: checked.data };
  }

  private toSample(n: DeviceNotification, g: GattValue): Sample | null {
    const base = { device: n.deviceId, t: n.receivedAt };
    switch (g.characteristic) {
      case '0x2A37': {
        const v = g.value;
        return {
          kind: 'hr',
          ...base,
          bpm: v.bpm,
          ...(v.rrIntervals ? { rrMs: v.rrIntervals.map(rrToMs) } : {}),
          ...(v.sensorContact !== 'unsupported' ? { contact: v.sensorContact === 'detected' } : {}),
          ...(v.energyExpendedKj !== undefined ? { energyKj: v.energyExpendedKj } : {}),
        };
      }
      case '0x2A5F':
        return plxSample(base, g.value);
      case '0x2A53': {
        const now = n.receivedAt;
        const prev = this.rsc.get(n.deviceId);
        const state = prev ?? { lastAt: now, cadenceSpm: g.value.cadenceSpm, steps: 0 };
        const dt = now - state.lastAt;
        if (dt > 0 && dt <= RSC_MAX_INTEGRATION_GAP_MS) state.steps += (state.cadenceSpm * dt) / 60_000;
        if (dt >= 0) state.lastAt = now;
        state.cadenceSpm = g.value.cadenceSpm;
        this.rsc.set(n.deviceId, state);
        return { kind: 'steps', ...base, steps: Math.floor(state.steps), cadence: g.value.cadenceSpm };
      }
      case 'zw-steps':
        return {
          kind: 'steps',
          ...base,
          steps: g.value.steps,
          ...(g.value.cadenceSpm !== undefined ? { cadence: g.value.cadenceSpm } : {}),
        };
      case '0x2A19':
        return { kind: 'battery', ...base, percent: g.value };
    }
  }
}

/**
 * 0x2A5F → an SpO2 sample. A special SpO2 (NaN, NRes: the oximeter has no reading yet) yields no sample.
 * Contact is false when Device and Sensor Status says the sensor is disconnected or not on the user, true
 * when the status is present and says neither, absent when the device sends no status. Quality is the
 * Pulse Amplitude Index (percent) when sent.
 */
function plxSample(base: { device: string; t: number }, v: PlxContinuous): Sample | null {
  if (v.spo2 === null) return null;
  const status = v.deviceAndSensorStatus;
  const off = PLX_SENSOR_STATUS.sensorDisconnected | PLX_SENSOR_STATUS.sensorUnconnectedToUser;
  return {
    kind: 'spo2',
    ...base,
    spo2: v.spo2,
    ...(v.pulseRate !== null ? { pulseRate: v.pulseRate } : {}),
    ...(typeof v.pulseAmplitudeIndex === 'number' ? { quality: v.pulseAmplitudeIndex } : {}),
    ...(status !== undefined ? { contact: (status & off) === 0 } : {}),
  };
}
