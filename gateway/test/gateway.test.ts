import {
  encodeBatteryLevel,
  encodeHeartRate,
  encodePlxContinuous,
  encodeRsc,
  encodeStepCount,
  msToRr,
  PLX_SENSOR_STATUS,
} from '@zonewatch/protocol';
import type { IClientOptions, MqttClient } from 'mqtt';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/gateway.js';
import { aedesBroker, type BrokerFactory, mosquittoBroker, type TestBroker } from './helpers/brokers.js';
import {
  cleanupDirs,
  ScriptedLink,
  Subscriber,
  sleep,
  tempDir,
  testConfig,
  testLogger,
  waitFor,
} from './helpers/harness.js';

describe.each([
  ['aedes', aedesBroker],
  ['mosquitto', mosquittoBroker],
] as [string, BrokerFactory][])('gateway against %s', (_name, makeBroker) => {
  let broker: TestBroker;
  let sub: Subscriber;
  const running: Gateway[] = [];

  beforeAll(async () => {
    broker = await makeBroker();
    sub = new Subscriber(broker);
    await sub.connect();
  });

  afterEach(async () => {
    for (const g of running.splice(0)) await g.stop().catch(() => undefined);
    cleanupDirs();
  });

  afterAll(async () => {
    await sub?.close();
    await broker?.dispose();
  });

  const startGateway = async (
    gatewayId: string,
    opts: {
      link?: ScriptedLink;
      dataDir?: string;
      connect?: (u: string, o: IClientOptions) => MqttClient;
    } = {},
    over: Parameters<typeof testConfig>[3] = {},
  ) => {
    const link = opts.link ?? new ScriptedLink();
    const dataDir = opts.dataDir ?? tempDir();
    const gateway = createGateway(testConfig(broker, gatewayId, dataDir, over), {
      link,
      logger: testLogger,
      ...(opts.connect ? { connect: opts.connect } : {}),
    });
    await gateway.start();
    running.push(gateway);
    return { gateway, link, dataDir };
  };

  const stopGateway = async (g: Gateway) => {
    running.splice(running.indexOf(g), 1);
    await g.stop();
  };

  it('decodes every characteristic into the right wire sample and counts malformed bytes', async () => {
    const { gateway, link } = await startGateway('gw-a');
    await waitFor(() => gateway.stats().connected, 5000, 'gateway connected');
    const t0 = Date.now();
    link.emit(
      'strap-1',
      '0x2A37',
      encodeHeartRate({ bpm: 128, sensorContact: 'detected', rrIntervals: [msToRr(500), msToRr(480)] }),
      t0,
    );
    link.emit('strap-2', '0x2A37', encodeHeartRate({ bpm: 90, sensorContact: 'unsupported' }), t0 + 1);
    link.emit(
      'oxi-1',
      '0x2A5F',
      encodePlxContinuous({
        spo2: 94,
        pulseRate: 101,
        deviceAndSensorStatus: PLX_SENSOR_STATUS.sensorUnconnectedToUser,
        pulseAmplitudeIndex: 3.5,
      }),
      t0 + 2,
    );
    link.emit(
      'oxi-1',
      '0x2A5F',
      encodePlxContinuous({ spo2: null, pulseRate: null, spo2Special: 'NaN' }),
      t0 + 3,
    );
    link.emit('pod-1', '0x2A53', encodeRsc({ speedMps: 1.5, cadenceSpm: 120, running: false }), t0 + 4);
    link.emit('pod-1', '0x2A53', encodeRsc({ speedMps: 1.5, cadenceSpm: 120, running: false }), t0 + 1004);
    link.emit('ped-1', 'zw-steps', encodeStepCount({ steps: 1234, cadenceSpm: 98 }), t0 + 5);
    link.emit('strap-1', '0x2A19', encodeBatteryLevel(77), t0 + 6);
    // Malformed: truncated HR, trailing bytes, battery above 100 %, unknown characteristic.
    link.emit('strap-1', '0x2A37', Uint8Array.of(0x01, 0x50), t0 + 7);
    link.emit('ped-1', 'zw-steps', Uint8Array.of(0, 1, 0, 0, 0, 9), t0 + 8);
    link.emit('strap-1', '0x2A19', Uint8Array.of(101), t0 + 9);
    link.emit('strap-1', '0x2A99' as never, Uint8Array.of(1), t0 + 10);
    link.emit('strap-1', '0x2A37', encodeHeartRate({ bpm: 130, sensorContact: 'not-detected' }), t0 + 11);

    await waitFor(() => sub.unique('gw-a').flatMap((b) => b.samples).length >= 8, 5000, 'samples arrive');
    const samples = sub.unique('gw-a').flatMap((b) => b.samples);
    expect(samples).toEqual([
      { kind: 'hr', device: 'strap-1', t: t0, bpm: 128, rrMs: [500, 480.46875], contact: true },
      { kind: 'hr', device: 'strap-2', t: t0 + 1, bpm: 90 },
      { kind: 'spo2', device: 'oxi-1', t: t0 + 2, spo2: 94, pulseRate: 101, quality: 3.5, contact: false },
      { kind: 'steps', device: 'pod-1', t: t0 + 4, steps: 0, cadence: 120 },
      { kind: 'steps', device: 'pod-1', t: t0 + 1004, steps: 2, cadence: 120 },
      { kind: 'steps', device: 'ped-1', t: t0 + 5, steps: 1234, cadence: 98 },
      { kind: 'battery', device: 'strap-1', t: t0 + 6, percent: 77 },
      { kind: 'hr', device: 'strap-1', t: t0 + 11, bpm: 130, contact: false },
    ]);
    const s = gateway.stats();
    expect(s.decodeErrors).toEqual({
      TRUNCATED: 1,
      TRAILING_BYTES: 1,
      INVALID_VALUE: 1,
      UNKNOWN_CHARACTERISTIC: 1,
    });
    expect(s.spo2Unavailable).toBe(1);
    expect(s.samplesAccepted).toBe(8);
    await waitFor(() => gateway.stats().samplesPublished === 8, 5000, 'stats catch up');
  });
});
