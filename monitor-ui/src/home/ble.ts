import type { Characteristic, DeviceLink, DeviceNotification } from '@zonewatch/protocol';

/** GATT numbers (Bluetooth SIG assigned numbers). */
export const GATT = {
  heartRate: 0x180d,
  heartRateMeasurement: 0x2a37,
  pulseOximeter: 0x1822,
  plxContinuous: 0x2a5f,
  battery: 0x180f,
  batteryLevel: 0x2a19,
} as const;

export type DeviceRole = 'hr-strap' | 'oximeter';
export type LinkState = 'none' | 'connecting' | 'connected' | 'lost';

export interface PairedDevice {
  role: DeviceRole;
  /** The id it has on the wire: `wb-` + the browser's (per-origin, stable) device id, letters and digits. */
  id: string;
  name: string | null;
}

/** The wire id of a Web Bluetooth device: its browser id kept to the characters the wire allows. */
export function wireDeviceId(browserId: string): string {
  return `wb-${browserId.replace(/[^A-Za-z0-9]/g, '').slice(0, 40) || 'device'}`;
}

interface Connected {
  device: BluetoothDevice;
  info: PairedDevice;
  main?: BluetoothRemoteGATTCharacteristic;
}

const copy = (v: DataView): Uint8Array =>
  new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));

/**
 * The phone's wearables as a gateway {@link DeviceLink} (issue 17): Web Bluetooth GATT notifications of a
 * heart-rate strap (0x180D / 0x2A37), an optional pulse oximeter (0x1822 / 0x2A5F) and battery level
 * (0x180F / 0x2A19), handed to the gateway core as raw bytes — the core decodes them with `protocol/`'s
 * codecs, exactly as the Node gateway does. A strap that drops is reconnected; its state is reported to
 * `onState` for the page (the coach sees the gap through the usual signal rules).
 */
export class WebBluetoothLink implements DeviceLink {
  private emit: ((n: DeviceNotification) => void) | undefined;
  private readonly devices = new Map<DeviceRole, Connected>();
  /** Characteristics already listened to: a reconnect may hand back the same object (no double samples). */
  private readonly listening = new WeakSet<BluetoothRemoteGATTCharacteristic>();

  constructor(
    private readonly onState: (role: DeviceRole, state: LinkState, device?: PairedDevice) => void,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  async start(onNotification: (n: DeviceNotification) => void): Promise<void> {
    this.emit = onNotification;
  }

  async stop(): Promise<void> {
    this.emit = undefined;
  }

  /** Asks the person to choose a device (needs a tap) and subscribes to its measurements. */
  async pair(role: DeviceRole): Promise<PairedDevice> {
    const bt = navigator.bluetooth;
    if (!bt) throw new Error('Web Bluetooth is not available');
    const service = role === 'hr-strap' ? GATT.heartRate : GATT.pulseOximeter;
    this.onState(role, 'connecting');
    try {
      const device = await bt.requestDevice({
        filters: [{ services: [service] }],
        optionalServices: [GATT.battery],
      });
      const info: PairedDevice = { role, id: wireDeviceId(device.id), name: device.name ?? null };
      const c: Connected = { device, info };
      this.devices.set(role, c);
      device.addEventListener('gattserverdisconnected', () => this.lost(c));
      await this.subscribe(c);
      return info;
    } catch (err) {
      this.onState(role, this.devices.get(role)?.device.gatt?.connected ? 'connected' : 'none');
      throw err;
    }
  }

  /** Reads the strap's current measurement now (a strap that only answers reads; diagnostics). */
  async readNow(role: DeviceRole = 'hr-strap'): Promise<void> {
    await this.devices.get(role)?.main?.readValue();
  }

  private async subscribe(c: Connected): Promise<void> {
    const gatt = c.device.gatt;
    if (!gatt) throw new Error('the device has no GATT server');
    const server = await gatt.connect();
    const [service, characteristic, kind]: [number, number, Characteristic] =
      c.info.role === 'hr-strap'
        ? [GATT.heartRate, GATT.heartRateMeasurement, '0x2A37']
        : [GATT.pulseOximeter, GATT.plxContinuous, '0x2A5F'];
    const main = await (await server.getPrimaryService(service)).getCharacteristic(characteristic);
    // A read answered with bytes fires `characteristicvaluechanged` too (Web Bluetooth spec), so reads and
    // notifications take one path.
    if (!this.listening.has(main)) {
      this.listening.add(main);
      main.addEventListener('characteristicvaluechanged', () => {
        if (main.value) this.deliver(c.info.id, kind, main.value);
      });
    }
    await main.startNotifications();
    c.main = main;
    this.onState(c.info.role, 'connected', c.info);
    void this.battery(server, c.info.id);
  }

  private async battery(server: BluetoothRemoteGATTServer, deviceId: string): Promise<void> {
    try {
      const level = await (await server.getPrimaryService(GATT.battery)).getCharacteristic(GATT.batteryLevel);
      if (!this.listening.has(level)) {
        this.listening.add(level);
        level.addEventListener('characteristicvaluechanged', () => {
          if (level.value) this.deliver(deviceId, '0x2A19', level.value);
        });
      }
      await level.readValue();
      if (level.properties.notify) await level.startNotifications().catch(() => undefined);
    } catch {
      // Battery service is optional: many straps do not offer it.
    }
  }

  private deliver(deviceId: string, characteristic: Characteristic, value: DataView): void {
    this.emit?.({ deviceId, characteristic, bytes: copy(value), receivedAt: this.clock() });
  }

  private lost(c: Connected): void {
    if (this.devices.get(c.info.role) !== c) return;
    this.onState(c.info.role, 'lost', c.info);
    c.main = undefined;
    let attempt = 0;
    const retry = (): void => {
      if (this.devices.get(c.info.role) !== c || c.device.gatt?.connected) return;
      this.subscribe(c).catch(() => {
        attempt++;
        setTimeout(retry, Math.min(30_000, 1000 * 2 ** attempt));
      });
    };
    setTimeout(retry, 1000);
  }
}
