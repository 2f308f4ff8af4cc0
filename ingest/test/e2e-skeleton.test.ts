import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TruthRecord } from '@zonewatch/firmware-sim';
import {
  type SessionFrame,
  SOCKET_EVENTS,
  sessionFrameSchema,
  sessionSnapshotSchema,
} from '@zonewatch/protocol';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { type Platform, startPlatform } from '../src/platform.js';
import { connectConsole, login } from './integration/stack.js';

/**
 * The walking skeleton over real TCP: simulated wearables → gateway (GATT decode, MQTT QoS1) → embedded
 * aedes broker (authenticated) → ingest (validate, dedupe, bind) → Socket.IO → a socket.io-client.
 */
describe('end to end: one reading travels from a simulated wearable to a console', () => {
  let platform: Platform;
  let dataDir: string;
  let socket: Socket;
  const truth: TruthRecord[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'zw-e2e-'));
    const config = loadConfig({
      PORT: '0',
      MQTT_PORT: '0',
      DATA_DIR: dataDir,
      DEMO_SCENARIO: path.resolve(import.meta.dirname, '../../firmware-sim/scenarios/demo-class.yaml'),
      FRAME_INTERVAL_MS: '250',
    });
    platform = await startPlatform(config, {
      logger: pino({ level: 'silent' }),
      onTruth: (t) => truth.push(t),
    });
  });

  afterAll(async () => {
    socket?.disconnect();
    await platform?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('delivers every participant the values the simulator produced', async () => {
    const [sessionId, scenario] = [...platform.demo!.scenarios].find(([, s]) => s.kind === 'class')!;
    const instructor = platform.demo!.seed.users.find((u) => u.role === 'instructor')!;
    const token = await login(platform.url, instructor.username, instructor.password);
    socket = io(platform.url, { transports: ['websocket'], auth: { token } });
    const snapshot = new Promise<unknown>((resolve) => socket.once(SOCKET_EVENTS.snapshot, resolve));
    const frames: SessionFrame[] = [];
    socket.on(SOCKET_EVENTS.frame, (f: unknown) => frames.push(sessionFrameSchema.parse(f)));
    await new Promise<void>((resolve, reject) => {
      socket.on('connect_error', reject);
      socket.on('connect', () => {
        socket.emit(SOCKET_EVENTS.join, { sessionId }, (r: { ok: boolean }) =>
          r.ok ? resolve() : reject(new Error('join refused')),
        );
      });
    });
    const snap = sessionSnapshotSchema.parse(await snapshot);
    expect(snap.participants.map((p) => p.alias).sort()).toEqual(
      scenario.participants.map((p) => p.alias).sort(),
    );

    // Wait until every participant with a strap shows an HR, and every oximeter wearer an SpO2, that the
    // simulator really sent for that participant's device at the frame's sample time.
    const want = scenario.participants.map((p) => ({
      id: p.id,
      hr: p.devices.some((d) => d.kind === 'hr-strap'),
      spo2: p.devices.some((d) => d.kind === 'oximeter'),
    }));
    const matched = new Set<string>();
    const sent = (id: string, kind: 'hr-strap' | 'oximeter', value: number) =>
      truth.some(
        (t) =>
          t.participantId === id &&
          t.deviceKind === kind &&
          ((t.reading.characteristic === '0x2A37' && t.reading.value.bpm === value) ||
            (t.reading.characteristic === '0x2A5F' && t.reading.value.spo2 === value)),
      );
    const deadline = Date.now() + 20_000;
    while (matched.size < want.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      for (const f of frames.splice(0)) {
        for (const p of f.participants) {
          const w = want.find((x) => x.id === p.participantId);
          if (!w || p.freshness !== 'live') continue;
          const hrOk = !w.hr || (p.hr !== null && sent(p.participantId, 'hr-strap', p.hr));
          const spo2Ok = !w.spo2 || (p.spo2 !== null && sent(p.participantId, 'oximeter', p.spo2));
          if (hrOk && spo2Ok) matched.add(p.participantId);
        }
      }
    }
    expect([...matched].sort()).toEqual(want.map((w) => w.id).sort());
    expect(platform.consumer.stats()).toMatchObject({ invalid: 0, mismatched: 0 });
    expect(platform.consumer.stats().batches).toBeGreaterThan(0);
  });

  it('refuses a console that has not logged in', async () => {
    await expect(connectConsole(platform.url, undefined)).rejects.toThrow(/ZW_ERR_UNAUTHENTICATED/);
    await expect(connectConsole(platform.url, 'not-a-session-token')).rejects.toThrow(
      /ZW_ERR_UNAUTHENTICATED/,
    );
  });
});
