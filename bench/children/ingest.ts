/**
 * Chain benchmark: the ingest process. Started by `bench/chain.ts` with `node --import tsx` and an IPC
 * channel. Runs `startPlatform` (registry + ingest + Socket.IO) consuming from `MQTT_URL`; with
 * `BENCH_EMBED_AEDES=1` it first starts the aedes broker in this same process (the embedded set-up of
 * `npm start`, but with the per-IP connection limit raised so hundreds of gateways on 127.0.0.1 can connect,
 * and an extra `ingest_bench` login for the benchmark's observer). Reports CPU, peak RSS and counters.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { type Broker, createBroker, hashSecret, type Principal } from '@zonewatch/broker';
import pino from 'pino';
import { loadConfig } from '../../ingest/src/config.js';
import { type Platform, startPlatform } from '../../ingest/src/platform.js';
import { SelfMonitor } from '../lib/stats.js';

const send = (m: unknown) => process.send?.(m);
const monitor = new SelfMonitor();
const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' }, pino.destination(2));
// Hard stop so an orphaned child never outlives the run.
const hardStop = setTimeout(() => process.exit(3), Number(process.env.BENCH_MAX_S ?? 900) * 1000);
hardStop.unref();
process.on('disconnect', () => process.exit(4));

/** Writes the CPU profile now (at `stop`, or after BENCH_CPU_PROFILE_S). */
let writeProfile = async (): Promise<void> => {};
if (process.env.BENCH_CPU_PROFILE) {
  // A CPU profile of this process's first BENCH_CPU_PROFILE_S seconds (default 60), for finding a stall:
  // written to `{BENCH_CPU_PROFILE}-{NODE_ID}.cpuprofile` (open it in Chrome's DevTools).
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  let written = false;
  writeProfile = async () => {
    if (written) return;
    written = true;
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(
      `${process.env.BENCH_CPU_PROFILE}-${process.env.NODE_ID ?? process.pid}.cpuprofile`,
      JSON.stringify(profile),
    );
  };
  setTimeout(() => void writeProfile(), Number(process.env.BENCH_CPU_PROFILE_S ?? 60) * 1000).unref();
}

let platform: Platform | undefined;
let broker: Broker | undefined;
const env = { ...process.env };
if (env.BENCH_EMBED_AEDES === '1') {
  const secret = env.MQTT_PASSWORD as string;
  const ingest: Principal = {
    kind: 'service',
    username: 'ingest',
    role: 'ingest',
    secretHash: await hashSecret(secret),
  };
  broker = await createBroker(
    { host: '127.0.0.1', mqttPort: 0, connectionRate: { perSecond: 0, burst: 1 } },
    {
      logger,
      credentials: {
        async lookup(username) {
          if (username === 'ingest') return ingest;
          const c = await platform?.registry.gateways.lookupCredential(username);
          return c ? { kind: 'gateway', ...c } : undefined;
        },
      },
    },
  );
  const ports = await broker.listen();
  env.MQTT_URL = `mqtt://127.0.0.1:${ports.mqttPort}`;
}
const config = loadConfig(env);
platform = await startPlatform(config, { logger });
if (env.BENCH_EVAL_LOG) {
  // `--kill-owner-at`: every batch this node took, written with a plain write(2) so it outlives kill -9;
  // the orchestrator counts (gateway, seq) over both nodes: lost = published − taken, and duplicates.
  const fd = openSync(env.BENCH_EVAL_LOG, 'a');
  const live = platform.live;
  const onBatch = live.onBatch.bind(live);
  live.onBatch = (siteId, batch) => {
    const taken = onBatch(siteId, batch);
    if (taken) writeSync(fd, `${batch.gatewayId} ${batch.seq} ${batch.samples.length} ${batch.sentAt}\n`);
    return taken;
  };
  process.on('exit', () => closeSync(fd));
}
send({ type: 'ready', url: platform.url, mqttUrl: env.MQTT_URL });

const stats = () => ({
  consumer: platform!.consumer.stats(),
  live: platform!.live.stats(),
  writer: platform!.writer.stats(),
  sites: platform!.ownership.sites().length,
});
process.on('message', async (m: { type: string }) => {
  if (m.type === 'steady') monitor.markSteady();
  if (m.type === 'stats') send({ type: 'stats', stats: stats(), proc: monitor.report() });
  if (m.type === 'stop') {
    await writeProfile();
    const report = monitor.report();
    const final = stats();
    await platform!.close();
    await broker?.close();
    send({ type: 'report', proc: report, stats: final });
    monitor.stop();
    setTimeout(() => process.exit(0), 100);
  }
});
