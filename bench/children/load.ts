/**
 * Chain benchmark: the load-generator process. Builds the same gateways as firmware-sim's load mode
 * (`buildLoadGateways`, via `bench/lib/plan.ts` with over-exertion patched into a subset), starts each as a
 * real gateway (`@zonewatch/gateway`, memory outbox, QoS1, 250 ms batches) at `connectRatePerSec`, plays
 * in real time until told to stop (or `BENCH_MAX_S`), stops every gateway (final flush) and reports totals.
 */
import { createSimulatedLink, type SimulatedLink } from '@zonewatch/firmware-sim';
import { createGateway, gatewayConfig, MemoryOutbox } from '@zonewatch/gateway';
import pino from 'pino';
import { type PlanOptions, planGateways } from '../lib/plan.js';
import { SelfMonitor } from '../lib/stats.js';

interface Init {
  type: 'init';
  plan: PlanOptions;
  credentials: { gatewayId: string; siteId: string; secret: string }[];
  mqttUrl: string;
  connectRatePerSec: number;
  flushIntervalMs: number;
}

const send = (m: unknown) => process.send?.(m);
const monitor = new SelfMonitor();
const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' }, pino.destination(2));
const hardStop = setTimeout(() => process.exit(3), Number(process.env.BENCH_MAX_S ?? 900) * 1000);
hardStop.unref();
process.on('disconnect', () => process.exit(4));
// 250 gateways share this process but stand for 250 separate boxes: one gateway's uncaught exception (seen:
// MQTT.js `_flush` after a keepalive timeout under broker overload) must not stop the other 249. Counted and
// reported; the first few are printed.
let uncaught = 0;
process.on('uncaughtException', (err) => {
  if (uncaught++ < 3)
    process.stderr.write(`load: uncaught exception in a gateway: ${err.stack ?? String(err)}\n`);
});
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Running = { link: SimulatedLink; gateway: ReturnType<typeof createGateway> };
const running: Running[] = [];
let stopping = false;

async function start(init: Init): Promise<void> {
  const { gateways } = planGateways(init.plan, init.credentials);
  const gapMs = 1000 / init.connectRatePerSec;
  for (const spec of gateways) {
    if (stopping) break;
    const link = createSimulatedLink(spec.scenario, { tickMs: 100 });
    const gateway = createGateway(
      gatewayConfig({
        gatewayId: spec.gatewayId,
        siteId: spec.siteId,
        mqttUrl: init.mqttUrl,
        secret: spec.secret,
        flushIntervalMs: init.flushIntervalMs,
      }),
      { link, logger, outbox: new MemoryOutbox(8 * 1024 * 1024) },
    );
    await gateway.start();
    running.push({ link, gateway });
    await sleep(gapMs);
  }
  // Wait until every gateway is connected (bounded), then tell the parent the steady state may begin.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && running.some((r) => !r.gateway.stats().connected)) await sleep(100);
  send({
    type: 'started',
    gateways: running.length,
    connected: running.filter((r) => r.gateway.stats().connected).length,
  });
}

function totals() {
  const stats = running.map((r) => r.gateway.stats());
  const sum = (f: (s: (typeof stats)[number]) => number) => stats.reduce((a, s) => a + f(s), 0);
  return {
    gateways: running.length,
    connected: stats.filter((s) => s.connected).length,
    notifications: running.reduce((a, r) => a + r.link.delivered, 0),
    samplesAccepted: sum((s) => s.samplesAccepted),
    samplesPublished: sum((s) => s.samplesPublished),
    batchesPublished: sum((s) => s.batchesPublished),
    connectionFailures: sum((s) => s.connectionFailures),
    outboxDropped: sum((s) => s.outboxDropped),
    uncaughtExceptions: uncaught,
    maxLastPublishLatencyMs: Math.max(0, ...stats.map((s) => s.lastPublishLatencyMs ?? 0)),
  };
}

process.on('message', async (m: Init | { type: string }) => {
  if (m.type === 'init')
    void start(m as Init).catch((err: unknown) => send({ type: 'error', error: String(err) }));
  if (m.type === 'steady') monitor.markSteady();
  if (m.type === 'stats') send({ type: 'stats', stats: totals(), proc: monitor.report() });
  if (m.type === 'stop') {
    stopping = true;
    const proc = monitor.report();
    await Promise.all(running.map((r) => r.gateway.stop().catch(() => undefined)));
    send({ type: 'report', proc, stats: totals() });
    monitor.stop();
    setTimeout(() => process.exit(0), 100);
  }
});
send({ type: 'ready' });
