// Micro-benchmark: the gateway's notification path (`NotificationDecoder.decode`: device-id check, GATT
// decode, wire sample) for a class of 40 straps and 10 oximeters, in notifications/s on one core.
// Run: node --import tsx gateway/bench/decode.bench.ts [--seconds N]
import type { DeviceNotification } from '@zonewatch/protocol';
import { encodeHeartRate, encodePlxContinuous } from '@zonewatch/protocol';
import { runMicro } from '../../bench/lib/micro.js';
import { NotificationDecoder } from '../src/index.js';

const t0 = Date.now();
const notes: DeviceNotification[] = [
  ...Array.from({ length: 40 }, (_, i) => ({
    deviceId: `bench-gw-1-p${i + 1}-hr`,
    characteristic: '0x2A37' as const,
    bytes: encodeHeartRate({ bpm: 100 + i, sensorContact: 'detected', rrIntervals: [614, 620] }),
    receivedAt: t0 + i,
  })),
  ...Array.from({ length: 10 }, (_, i) => ({
    deviceId: `bench-gw-1-p${i + 1}-ox`,
    characteristic: '0x2A5F' as const,
    bytes: encodePlxContinuous({ spo2: 93 + (i % 5), pulseRate: 100 + i }),
    receivedAt: t0 + i,
  })),
];
const decoder = new NotificationDecoder();
let samples = 0;
runMicro('gateway-decode', 'notifications', () => {
  for (const n of notes) if (decoder.decode(n).kind === 'sample') samples++;
  return notes.length;
});
if (samples < 0) process.exitCode = 1;
