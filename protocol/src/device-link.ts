import type { Characteristic } from './gatt/result.js';

/** One BLE notification as a gateway receives it from a wearable. */
export interface DeviceNotification {
  /** The wearable's id (BLE address or serial), as it will appear on the wire. */
  deviceId: string;
  characteristic: Characteristic;
  /** The characteristic value exactly as sent over the air. */
  bytes: Uint8Array;
  /** When the gateway received it, ms since epoch on the gateway clock (the sample's measurement time). */
  receivedAt: number;
}

/**
 * Where a gateway gets wearable notifications from. The simulator is one implementation; a BLE adapter
 * (e.g. over BlueZ) would be another. Implementations must not throw from the handler's caller.
 */
export interface DeviceLink {
  /** Starts delivering notifications to `onNotification`. */
  start(onNotification: (n: DeviceNotification) => void): Promise<void>;
  /** Stops delivering; resolves when no more notifications will arrive. */
  stop(): Promise<void>;
}
