// The slice of the Web Bluetooth API (https://webbluetoothcg.github.io/web-bluetooth/) the home page uses;
// TypeScript's DOM library does not declare it.
interface BluetoothRemoteGATTCharacteristic extends EventTarget {
  readonly uuid: string;
  readonly value: DataView | null;
  readonly properties: { readonly notify: boolean; readonly read: boolean };
  readValue(): Promise<DataView>;
  startNotifications(): Promise<BluetoothRemoteGATTCharacteristic>;
}
interface BluetoothRemoteGATTService {
  getCharacteristic(uuid: number | string): Promise<BluetoothRemoteGATTCharacteristic>;
}
interface BluetoothRemoteGATTServer {
  readonly connected: boolean;
  connect(): Promise<BluetoothRemoteGATTServer>;
  disconnect(): void;
  getPrimaryService(uuid: number | string): Promise<BluetoothRemoteGATTService>;
}
interface BluetoothDevice extends EventTarget {
  readonly id: string;
  readonly name?: string;
  readonly gatt?: BluetoothRemoteGATTServer;
}
interface Bluetooth {
  getAvailability(): Promise<boolean>;
  requestDevice(options: {
    filters: { services: (number | string)[] }[];
    optionalServices?: (number | string)[];
  }): Promise<BluetoothDevice>;
}
interface Navigator {
  readonly bluetooth?: Bluetooth;
}
