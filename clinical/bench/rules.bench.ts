// Micro-benchmark of the rules engine: samples evaluated per second on one core.
// Run: node --import tsx clinical/bench/rules.bench.ts [--seconds N]   (default 3 s)
// Each pass replays one-hour, 1 Hz sessions (HR, SpO2, steps, contact; warm-up, intervals above zone,
// desaturation, contact loss, artefacts) through fresh participants, with a tick every second as live.
import { parseArgs } from 'node:util';
import { defaultRuleSettings, ParticipantMonitor, resolvePrescription, type Sample } from '../src/index.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '3' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  process.stdout.write('Usage: node --import tsx clinical/bench/rules.bench.ts [--seconds N]\n');
  process.exit(0);
}
const seconds = Number(values.seconds);
if (!(seconds > 0)) {
  process.stderr.write('--seconds must be a positive number\n');
  process.exit(2);
}

const rx = resolvePrescription({
  age: 64,
  hrRest: 70,
  hrMax: { source: 'tanaka' },
  zone: { method: 'hrr', low: 0.4, high: 0.6 },
  spo2Floor: 88,
});

/** Deterministic session: 3600 one-second samples with the usual trouble in it. */
function session(seed: number): Sample[] {
  let x = seed >>> 0 || 1;
  const rand = () => {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    return x / 2 ** 32;
  };
  const out: Sample[] = [];
  for (let s = 0; s < 3600; s++) {
    const phase = s % 600;
    let hr = phase < 120 ? 95 + phase / 6 : phase < 420 ? 120 + (phase % 120 < 60 ? 12 : -2) : 105;
    hr += Math.round((rand() - 0.5) * 6);
    if (rand() < 0.01) hr += 60; // artefact
    const contactLost = s % 900 > 880;
    const spo2 = 95 - (phase > 300 && phase < 360 ? 6 : 0) + Math.round((rand() - 0.5) * 2);
    out.push({ t: s * 1000, hr: contactLost ? 0 : hr, spo2, steps: s * 2, contact: !contactLost });
  }
  return out;
}

const sessions = [session(1), session(2), session(3), session(4)];
const budgetNs = BigInt(Math.round(seconds * 1e9));
let samples = 0;
let events = 0;
let ticks = 0;
const start = process.hrtime.bigint();
let elapsed = 0n;
for (let pass = 0; elapsed < budgetNs; pass++) {
  const trace = sessions[pass % sessions.length] as Sample[];
  const monitor = new ParticipantMonitor(rx, defaultRuleSettings, 0, { participantId: `p${pass}` });
  for (const sample of trace) {
    events += monitor.evaluate(sample).length;
    events += monitor.tick(sample.t).length;
    ticks++;
  }
  samples += trace.length;
  elapsed = process.hrtime.bigint() - start;
}
const secondsRun = Number(elapsed) / 1e9;
const samplesPerSecond = Math.round(samples / secondsRun);
process.stdout.write(
  `rules engine: ${samples} samples (+${ticks} ticks) in ${secondsRun.toFixed(2)} s on one core → ` +
    `${samplesPerSecond.toLocaleString('en')} samples/s (${events} events)\n`,
);
process.stdout.write(
  `${JSON.stringify({ bench: 'rules', samples, ticks, events, seconds: Number(secondsRun.toFixed(3)), samplesPerSecond })}\n`,
);
