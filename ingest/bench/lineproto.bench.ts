// Micro-benchmark: InfluxDB line-protocol serialisation (`samplePoint` + `toLineProtocol`) of HR and SpO2
// samples, in points/s on one core. Run: node --import tsx ingest/bench/lineproto.bench.ts [--seconds N]
import type { Sample } from '@zonewatch/protocol';
import { runMicro } from '../../bench/lib/micro.js';
import { samplePoint, toLineProtocol } from '../src/telemetry/index.js';

const ctx = { site: 'bench-site-1', session: 'sess-1', participant: 'bench-gw-1-p1', gateway: 'bench-gw-1' };
const t0 = Date.now();
const samples: Sample[] = Array.from({ length: 100 }, (_, i) =>
  i % 4 === 3
    ? { kind: 'spo2', device: 'bench-ox', t: t0 + i * 1000, spo2: 95, pulseRate: 90 }
    : { kind: 'hr', device: 'bench-hr', t: t0 + i * 1000, bpm: 100 + (i % 40), contact: true },
);
let bytes = 0; // keeps the serialised strings observable so the JIT cannot drop them
runMicro('line-protocol', 'points', () => {
  let n = 0;
  for (const s of samples) {
    const p = samplePoint(ctx, s, { usable: true, zone: 'in' });
    if (p) {
      bytes += toLineProtocol(p).length;
      n++;
    }
  }
  return n;
});
if (bytes < 0) process.exitCode = 1;
