import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type Characteristic,
  type DeviceLink,
  type DeviceNotification,
  encodeHeartRate,
  type GatewayStatus,
  parseGatewayStatus,
  parseTelemetry,
  type TelemetryBatch,
} from '@zonewatch/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { type GatewayConfig, gatewayConfig } from '../../src/config.js';
import { systemTimers, type Timers } from '../../src/timers.js';
import { SUBSCRIBER, secretFor, type TestBroker } from './brokers.js';

/** Test logger: silent unless ZW_TEST_LOG names a level. */
export const testLogger = pino({ level: process.env['ZW_TEST_LOG'] ?? 'silent' });

/** The input side as a script: the test pushes notifications; the gateway receives them as from BLE. */
export class ScriptedLink implements DeviceLink {
  private handler: ((n: DeviceNotification) => void) | undefined;
  starts = 0;

  async start(onNotification: (n: DeviceNotification) => void): Promise<void> {
    this.handler = onNotification;
    this.starts++;
  }

  async stop(): Promise<void> {
    this.handler = undefined;
  }

  get running(): boolean {
    return this.handler !== undefined;
  }

  /** Delivers one notification; returns false when the gateway is not listening. */
  emit(
    deviceId: string,
    characteristic: Characteristic,
    bytes: Uint8Array,
    receivedAt = Date.now(),
  ): boolean {
    if (!this.handler) return false;
    this.handler({ deviceId, characteristic, bytes, receivedAt });
    return true;
  }

  /** A heart-rate notification whose bpm encodes a counter, so a test can follow every sample. */
  emitHr(deviceId: string, bpm: number, receivedAt = Date.now()): boolean {
    return this.emit(deviceId, '0x2A37', encodeHeartRate({ bpm, sensorContact: 'detected' }), receivedAt);
  }
}

/** Temp directories removed by {@link cleanupDirs}. */
const dirs: string[] = [];
export function tempDir(prefix = 'zw-gw-'): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
export function cleanupDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function testConfig(
  broker: TestBroker,
  gatewayId: string,
  dataDir: string,
  over: Partial<GatewayConfig> = {},
): GatewayConfig {
  return gatewayConfig({
    gatewayId,
    siteId: 'site-test',
    mqttUrl: broker.url,
    secret: secretFor(gatewayId),
    dataDir,
    flushIntervalMs: 50,
    reconnectMinMs: 50,
    reconnectMaxMs: 400,
    replayRatePerSec: 500,
    ...over,
  });
}

export interface Received {
  topic: string;
  batch: TelemetryBatch;
  qos: number;
  retain: boolean;
  /** Arrival time, `performance.now()`. */
  at: number;
  /** Payload size in bytes. */
  bytes: number;
}

/**
 * Stands in for ingest: subscribes to every telemetry and status topic, keeps what arrives, and dedupes
 * telemetry by (gatewayId, seq) the way ingest does.
 */
export class Subscriber {
  readonly all: Received[] = [];
  readonly statuses: { topic: string; status: GatewayStatus; retain: boolean }[] = [];
  readonly invalid: string[] = [];
  subscriptions = 0;
  private client: MqttClient | undefined;

  constructor(private readonly broker: TestBroker) {}

  async connect(): Promise<void> {
    const c = mqtt.connect(this.broker.url, {
      protocolVersion: 4,
      clientId: `${SUBSCRIBER}-${Math.random().toString(16).slice(2, 8)}`,
      username: SUBSCRIBER,
      password: secretFor(SUBSCRIBER),
      reconnectPeriod: 50,
      connectTimeout: 2000,
      resubscribe: false,
    });
    this.client = c;
    c.on('error', () => {});
    c.on('connect', () => {
      c.subscribe(['zw/v1/+/+/telemetry', 'zw/v1/+/+/status'], { qos: 1 }, (err) => {
        if (!err) this.subscriptions++;
      });
    });
    c.on('message', (topic, payload, packet) => {
      if (topic.endsWith('/status')) {
        const s = parseGatewayStatus(payload);
        if (s.ok) this.statuses.push({ topic, status: s.value, retain: packet.retain });
        else this.invalid.push(s.reason);
        return;
      }
      const r = parseTelemetry(payload);
      if (!r.ok) {
        this.invalid.push(r.reason);
        return;
      }
      this.all.push({
        topic,
        batch: r.value,
        qos: packet.qos,
        retain: packet.retain,
        at: performance.now(),
        bytes: payload.length,
      });
    });
    await waitFor(() => this.subscriptions > 0, 5000, 'subscriber subscribed');
  }

  /** Waits until the subscriber is (re)subscribed after a broker restart. */
  async resubscribed(previous: number): Promise<void> {
    await waitFor(() => this.subscriptions > previous, 10_000, 'subscriber re-subscribed');
  }

  /** First copy of every (gatewayId, seq), in arrival order. */
  unique(gatewayId?: string): TelemetryBatch[] {
    const seen = new Set<string>();
    const out: TelemetryBatch[] = [];
    for (const r of this.all) {
      if (gatewayId && r.batch.gatewayId !== gatewayId) continue;
      const key = `${r.batch.gatewayId}/${r.batch.seq}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(r.batch);
    }
    return out;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.endAsync(true);
  }
}

/**
 * The platform's timers, counting how often each interval has fired (keyed by its period), so a test can
 * wait for the gateway's own flush ticks instead of sleeping.
 */
export function countingTimers(): { timers: Timers; fired: (periodMs: number) => number } {
  const fired = new Map<number, number>();
  return {
    timers: {
      ...systemTimers,
      setInterval: (fn, ms) =>
        systemTimers.setInterval(() => {
          fired.set(ms, (fired.get(ms) ?? 0) + 1);
          fn();
        }, ms),
    },
    fired: (periodMs) => fired.get(periodMs) ?? 0,
  };
}

/** Polls `cond` until it holds; `timeoutMs` is a generous ceiling for a busy machine, not a measurement. */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(10);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
