import type { DeviceNotification, Sample } from '@zonewatch/protocol';
import { NotificationDecoder } from './decode.js';
import type { DecodeErrorReason } from './errors.js';
import type { GatewayLogger } from './timers.js';

/**
 * The device side of a gateway: decodes each wearable notification into a wire sample, counts what it
 * rejects per reason and logs it without payload bytes or values (the 1st, then every 100th, per device
 * and reason, so one noisy device cannot flood the log). No Node-only APIs.
 */
export class Intake {
  /** Samples decoded and accepted. */
  samplesAccepted = 0;
  /** Valid notifications that carry no sample (an oximeter sending NaN/NRes SpO2 while it searches). */
  spo2Unavailable = 0;
  readonly decodeErrors: Partial<Record<DecodeErrorReason, number>> = {};
  private readonly errorLogCounts = new Map<string, number>();

  constructor(
    private readonly log: GatewayLogger,
    private readonly decoder = new NotificationDecoder(),
  ) {}

  /** The notification's sample, or undefined when it carries none or was rejected (counted). */
  take(n: DeviceNotification): Sample | undefined {
    const out = this.decoder.decode(n);
    if (out.kind === 'sample') {
      this.samplesAccepted++;
      return out.sample;
    }
    if (out.kind === 'skip') {
      this.spo2Unavailable++;
      return undefined;
    }
    this.decodeErrors[out.reason] = (this.decodeErrors[out.reason] ?? 0) + 1;
    const key = `${n.deviceId}\u0000${out.reason}`;
    if (this.errorLogCounts.size > 10_000) this.errorLogCounts.clear();
    const seen = (this.errorLogCounts.get(key) ?? 0) + 1;
    this.errorLogCounts.set(key, seen);
    if (seen === 1 || seen % 100 === 0) {
      this.log.warn(
        {
          deviceId: String(n.deviceId).slice(0, 64),
          characteristic: String(n.characteristic).slice(0, 40),
          reason: out.reason,
          detail: out.detail,
          bytes: n.bytes?.length,
          occurrences: seen,
        },
        'wearable notification rejected',
      );
    }
    return undefined;
  }
}
