/** Micro-benchmark loop: runs `pass()` (which returns operations done) until `seconds` elapse, prints ops/s. */
import { parseArgs } from 'node:util';

export function microSeconds(): number {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' } }, strict: false });
  const s = Number(values.seconds);
  return s > 0 && s <= 600 ? s : 3;
}

export function runMicro(name: string, unit: string, pass: () => number, seconds = microSeconds()): void {
  for (let i = 0; i < 200; i++) pass(); // warm-up (JIT)
  const budget = BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let ops = 0;
  let elapsed = 0n;
  while (elapsed < budget) {
    ops += pass();
    elapsed = process.hrtime.bigint() - start;
  }
  const s = Number(elapsed) / 1e9;
  const opsPerSecond = Math.round(ops / s);
  process.stdout.write(
    `${name}: ${opsPerSecond.toLocaleString('en')} ${unit}/s on one core (${ops} in ${s.toFixed(2)} s)\n`,
  );
  process.stdout.write(
    `${JSON.stringify({ bench: name, unit, ops, seconds: Number(s.toFixed(3)), opsPerSecond })}\n`,
  );
}
