// Micro-benchmark: telemetry batch validation (`parseTelemetry`: JSON.parse + zod) of a 40-participant,
// 250 ms gateway batch, in samples/s on one core. Run: node --import tsx protocol/bench/validate.bench.ts
import { runMicro } from '../../bench/lib/micro.js';
import { parseTelemetry } from '../src/index.js';

const t0 = Date.now();
const payloads = Array.from({ length: 8 }, (_, seq) =>
  Buffer.from(
    JSON.stringify({
      v: 1,
      gatewayId: 'bench-gw-1',
      seq,
      sentAt: t0 + seq * 250,
      samples: Array.from({ length: 10 }, (_, i) => ({
        kind: 'hr',
        device: `bench-gw-1-p${seq * 10 + i + 1}-hr`,
        t: t0 + seq * 250 - i,
        bpm: 100 + i,
        rrMs: [600, 610],
        contact: true,
      })),
    }),
  ),
);

runMicro('batch-validation', 'samples', () => {
  let n = 0;
  for (const p of payloads) {
    const r = parseTelemetry(p);
    if (r.ok) n += r.value.samples.length;
  }

  return n;
});
