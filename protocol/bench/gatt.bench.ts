// Micro-benchmark: BLE GATT decode (0x2A37 heart rate with RR intervals, 0x2A5F PLX continuous, 0x2A53 RSC)
// in notifications/s on one core. Run: node --import tsx protocol/bench/gatt.bench.ts [--seconds N]
import { runMicro } from '../../bench/lib/micro.js';
import { decodeGatt, encodeHeartRate, encodePlxContinuous, encodeRsc } from '../src/index.js';

const hr = Array.from({ length: 64 }, (_, i) =>
  encodeHeartRate({
    bpm: 90 + (i % 60),
    sensorContact: 'detected',
    rrIntervals: [700, 690, 710].slice(0, 1 + (i % 3)),
  }),
);
const plx = Array.from({ length: 16 }, (_, i) =>
  encodePlxContinuous({ spo2: 90 + (i % 9), pulseRate: 80 + i }),
);
const rsc = Array.from({ length: 16 }, (_, i) =>
  encodeRsc({ speedMps: 1.2 + i / 10, cadenceSpm: 100 + i, running: false }),
);
let sink = 0;
runMicro('gatt-decode', 'notifications', () => {
  for (const b of hr) if (decodeGatt('0x2A37', b).ok) sink++;
  for (const b of plx) if (decodeGatt('0x2A5F', b).ok) sink++;
  for (const b of rsc) if (decodeGatt('0x2A53', b).ok) sink++;
  return hr.length + plx.length + rsc.length;
});
if (sink < 0) process.stdout.write('');
