import { type TelemetryBatch, telemetryTopic } from '@zonewatch/protocol';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../../broker/test/helpers.js';
import {
  mosquittoBroker,
  SUBSCRIBER,
  secretFor,
  type TestBroker,
} from '../../../gateway/test/helpers/brokers.js';
import { createTelemetryConsumer, type TelemetryConsumer } from '../../src/mqtt/consumer.js';

const silent = pino({ level: 'silent' });
const BATCHES = 300;
const COST_MS = 10;

const batch = (seq: number): string =>
  JSON.stringify({
    v: 1,
    gatewayId: 'gw-a',
    seq,
    sentAt: Date.now(),
    samples: [{ kind: 'hr', device: 'AA:00:00:00:00:01', t: Date.now(), bpm: 100 }],
  } satisfies TelemetryBatch);

/**
 * Issue 18: a node taking over a site (or restarting under gateways that kept sending) receives the site's
 * backlog in one go. mqtt.js handed a connection's buffered messages over one after another without
 * returning to the event loop, so timers — the lease renewal among them — waited until the burst was
 * through: at 7,000 participants on aedes, node A stalled 1.5–3.4 s and lost every site. Here a site's
 * backlog of 300 batches, each costing the rules 10 ms (3 s in all), drains through the real consumer
 * from Debian's Mosquitto while a timer must keep getting its turns.
 */
describe('consumer: a site session under load', () => {
  let broker: TestBroker;
  let consumer: TelemetryConsumer | undefined;

  beforeAll(async () => {
    broker = await mosquittoBroker();
  });
  afterAll(async () => {
    await consumer?.stop();
    await broker?.dispose();
  });

  it('a 3-second backlog is taken in order while a 50-ms timer never waits a second', async () => {
    const taken: number[] = [];
    const make = (onBatch: (b: TelemetryBatch) => void) =>
      createTelemetryConsumer({
        url: broker.url,
        username: SUBSCRIBER,
        password: secretFor(SUBSCRIBER),
        sites: [],
        leased: true,
        accept: () => true,
        logger: silent,
        onBatch: (_site, b) => onBatch(b),
      });
    // The site's persistent session exists (a previous owner), then is away while the gateway sends.
    const first = make(() => {});
    await first.addSite('site-1');
    await first.removeSite('site-1', true);
    const gateway = await connect(broker.url, {
      username: 'gw-a',
      password: secretFor('gw-a'),
      clientId: 'gw-a',
    });
    for (let seq = 1; seq <= BATCHES; seq++)
      await gateway.publishAsync(telemetryTopic('site-1', 'gw-a'), batch(seq), { qos: 1 });
    await gateway.endAsync();

    consumer = make((b) => {
      const until = performance.now() + COST_MS; // the rules' work on a big batch, on a busy machine
      while (performance.now() < until);
      taken.push(b.seq);
    });
    let last = performance.now();
    let longestWait = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longestWait = Math.max(longestWait, now - last);
      last = now;
    }, 50);
    try {
      await consumer.addSite('site-1');
      await expect.poll(() => taken.length, { timeout: 60_000, interval: 100 }).toBe(BATCHES);
    } finally {
      clearInterval(timer);
    }
    expect(taken).toEqual(Array.from({ length: BATCHES }, (_, i) => i + 1));
    // Without pacing the timer waited for the whole burst the connection had buffered (seconds).
    expect(longestWait).toBeLessThan(1000);
  });

  it('a batch refused while the lease was uncertain does not stall the site: it comes again once held', async () => {
    let held = true;
    const taken: number[] = [];
    const c = createTelemetryConsumer({
      url: broker.url,
      username: SUBSCRIBER,
      password: secretFor(SUBSCRIBER),
      sites: [],
      leased: true,
      accept: () => held,
      logger: silent,
      onBatch: (_site, b) => taken.push(b.seq),
    });
    const gateway = await connect(broker.url, {
      username: 'gw-b',
      password: secretFor('gw-b'),
      clientId: 'gw-b',
    });
    const send = (seq: number) =>
      gateway.publishAsync(telemetryTopic('site-2', 'gw-b'), batch(seq).replace('"gw-a"', '"gw-b"'), {
        qos: 1,
      });
    try {
      await c.addSite('site-2');
      for (const seq of [1, 2]) await send(seq);
      await expect.poll(() => taken, { timeout: 10_000 }).toEqual([1, 2]);
      // The renewal is late for a moment: the site's next batch is refused, then the renewal arrives.
      held = false;
      await send(3);
      await expect.poll(() => c.stats().refused, { timeout: 10_000 }).toBe(1);
      held = true;
      for (const seq of [4, 5]) await send(seq);
      // Before, mqtt.js waited for the refused batch for ever: nothing more of the site was taken.
      await expect.poll(() => taken, { timeout: 15_000 }).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await gateway.endAsync();
      await c.stop();
    }
  });
});
