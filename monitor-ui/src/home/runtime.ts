import { signal } from '@preact/signals';
import {
  createGatewayCore,
  type Gateway,
  type GatewayLogger,
  NotificationDecoder,
} from '@zonewatch/gateway/browser';
import {
  HOME_AUTH_SCHEME,
  type HomeState,
  homeStateSchema,
  type PairResponse,
  pairResponseSchema,
} from '@zonewatch/protocol';
import mqtt from 'mqtt';
import pkg from '../../package.json' with { type: 'json' };
import { type DeviceRole, type LinkState, type PairedDevice, WebBluetoothLink } from './ble.js';
import { IdbOutbox } from './idb-outbox.js';
import { ZoneClock, type ZoneState } from './zone.js';

const CREDENTIAL_KEY = 'zw.home.credential';
/** IndexedDB bound of the phone's outbox (≈ an hour of one strap at 1 Hz, many times over). */
export const OUTBOX_MAX_BYTES = 8 * 1024 * 1024;
const POLL_MS = 3000;

export interface Credential extends PairResponse {}

export const credential = signal<Credential | null>(loadCredential());
export const revoked = signal(false);
export const state = signal<HomeState | null>(null);
export const online = signal(false);
export const queued = signal(0);
export const dropped = signal(0);
export const devices = signal<Partial<Record<DeviceRole, { state: LinkState; device?: PairedDevice }>>>({});
export const hr = signal<number | null>(null);
export const spo2 = signal<number | null>(null);
export const battery = signal<number | null>(null);
export const zone = signal<ZoneState>('unknown');
export const inZoneMs = signal(0);

function loadCredential(): Credential | null {
  try {
    const raw = localStorage.getItem(CREDENTIAL_KEY);
    return raw ? pairResponseSchema.parse(JSON.parse(raw)) : null;
  } catch {
    return null;
  }
}

/** `/mqtt` on the page's origin (ws or wss like the page), or the absolute URL ingest gave. */
export function brokerUrl(mqttUrl: string, page: Location = location): string {
  if (/^wss?:\/\//.test(mqttUrl)) return mqttUrl;
  return `${page.protocol === 'https:' ? 'wss' : 'ws'}://${page.host}${mqttUrl}`;
}

const authHeader = (c: Credential) => ({ authorization: `${HOME_AUTH_SCHEME} ${c.gatewayId}:${c.secret}` });

/** Exchanges a pairing code for this phone's own gateway credential and keeps it (survives a reload). */
export async function pair(code: string): Promise<boolean> {
  const res = await fetch('/api/home/pair', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  if (!res.ok) return false;
  const c = pairResponseSchema.parse(await res.json());
  localStorage.setItem(CREDENTIAL_KEY, JSON.stringify(c));
  revoked.value = false;
  credential.value = c;
  return true;
}

async function api(path: string, init: RequestInit = {}): Promise<unknown> {
  const c = credential.value;
  if (!c) throw new Error('not paired');
  const res = await fetch(path, {
    ...init,
    headers: { ...authHeader(c), ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
  if (res.status === 401) {
    forget();
    throw new Error('revoked');
  }
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

const consoleLog: GatewayLogger = {
  child: () => consoleLog,
  error: (o, m) => console.error(m, o),
  warn: (o, m) => console.warn(m, o),
  info: () => undefined,
  debug: () => undefined,
};

let gateway: Gateway | undefined;
let link: WebBluetoothLink | undefined;
let client: mqtt.MqttClient | undefined;
let pollTimer: ReturnType<typeof setInterval> | undefined;
const zoneClock = new ZoneClock();
const decoder = new NotificationDecoder();

/** The credential was revoked (or replaced): stop everything and show the pairing page again. */
function forget(): void {
  localStorage.removeItem(CREDENTIAL_KEY);
  credential.value = null;
  revoked.value = true;
  void stopGateway();
}

async function stopGateway(): Promise<void> {
  clearInterval(pollTimer);
  const g = gateway;
  gateway = undefined;
  if (g) await g.stop().catch(() => undefined);
}

/**
 * Starts the phone's gateway: the shared gateway core (batching, seq, IndexedDB outbox, status and last
 * will) over MQTT.js's browser build on WebSocket, fed by Web Bluetooth. Readings also drive the page
 * (HR, zone, time in zone) through the same codec.
 */
export async function startGateway(): Promise<void> {
  const c = credential.value;
  if (!c || gateway) return;
  link = new WebBluetoothLink((role, s, device) => {
    devices.value = { ...devices.value, [role]: { state: s, ...(device ? { device } : {}) } };
  });
  const outbox = new IdbOutbox(`zw-home-outbox-${c.gatewayId}`, OUTBOX_MAX_BYTES);
  const inner = link;
  const tap = {
    start: (emit: Parameters<WebBluetoothLink['start']>[0]) =>
      inner.start((n) => {
        show(n);
        emit(n);
      }),
    stop: () => inner.stop(),
  };
  gateway = createGatewayCore(
    {
      gatewayId: c.gatewayId,
      siteId: c.siteId,
      mqttUrl: brokerUrl(c.mqttUrl),
      secret: c.secret,
      flushIntervalMs: 1000,
      maxBatchBytes: 128 * 1024,
      replayRatePerSec: 20,
      reconnectMinMs: 500,
      reconnectMaxMs: 10_000,
      statusIntervalMs: 30_000,
      keepaliveSec: 20,
    },
    {
      link: tap,
      logger: consoleLog,
      outbox,
      version: `home-${pkg.version}`,
      connect: (url, options) => {
        client = mqtt.connect(url, options);
        return client;
      },
    },
  );
  await gateway.start();
  const refresh = (): void => {
    const s = gateway?.stats();
    if (!s) return;
    online.value = s.connected;
    queued.value = s.outboxDepth;
    dropped.value = s.outboxDropped;
  };
  pollTimer = setInterval(() => {
    refresh();
    void poll();
  }, POLL_MS);
  setInterval(refresh, 500);
  // The browser knows before the socket does: drop the connection at once so the core reconnects (and
  // replays the outbox, flagged late) as soon as the network is back.
  addEventListener('offline', () => client?.end(true));
  await poll();
}

function show(n: Parameters<Parameters<WebBluetoothLink['start']>[0]>[0]): void {
  const out = decoder.decode(n);
  if (out.kind !== 'sample') return;
  const s = out.sample;
  if (s.kind === 'hr') {
    hr.value = s.bpm;
    const z = state.value?.zone ?? null;
    zone.value = zoneClock.add(s.t, s.bpm, z);
    inZoneMs.value = zoneClock.inZoneMs;
  } else if (s.kind === 'spo2') spo2.value = s.spo2;
  else if (s.kind === 'battery') battery.value = s.percent;
}

/** Reads the participant's zone, home session and alerts (with the coach's acknowledgements). */
export async function poll(): Promise<void> {
  try {
    state.value = homeStateSchema.parse(await api('/api/home/me'));
  } catch {
    // Offline or revoked (handled in api): the page keeps what it showed.
  }
}

export const pairDevice = (role: DeviceRole) => link?.pair(role);
/** Diagnostics: read the strap's measurement now. */
export const readNow = (role?: DeviceRole) => link?.readNow(role);

export async function startSession(): Promise<void> {
  const ids = Object.values(devices.value)
    .filter((d) => d?.device)
    .map((d) => ({ id: d!.device!.id, kind: d!.device!.role }));
  await api('/api/home/session/start', { method: 'POST', body: JSON.stringify({ devices: ids }) });
  zoneClock.reset();
  inZoneMs.value = 0;
  await poll();
}

export async function endSession(): Promise<void> {
  await api('/api/home/session/end', { method: 'POST' });
  await poll();
}
