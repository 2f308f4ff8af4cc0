import { telemetryTopic } from '@zonewatch/protocol';
import type { Client, Subscription } from 'aedes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningBroker,
  requireExecutable,
  run,
  SECRETS,
  startBroker,
  testCredentials,
} from './helpers.js';

// A foreign MQTT client (Mosquitto's command-line tools, spawned as child processes) against our broker.
let running: RunningBroker;

beforeAll(async () => {
  requireExecutable('mosquitto_pub', 'mosquitto-clients');
  requireExecutable('mosquitto_sub', 'mosquitto-clients');
  running = await startBroker(await testCredentials());
});

afterAll(async () => {
  await running?.broker.close();
});

const common = () => ['-h', '127.0.0.1', '-p', String(running.mqttPort), '-V', 'mqttv311'];

/** Resolves once the broker has granted `filter` to `clientId` (so a publish cannot race the subscription). */
function subscribed(clientId: string, filter: string): Promise<void> {
  return new Promise((resolve) => {
    const onSubscribe = (subs: Subscription[], client: Client): void => {
      if (client.id === clientId && subs.some((s) => s.topic === filter)) {
        running.broker.aedes.off('subscribe', onSubscribe);
        resolve();
      }
    };
    running.broker.aedes.on('subscribe', onSubscribe);
  });
}

describe('mosquitto_pub / mosquitto_sub', () => {
  it('deliver gateway telemetry to the ingest account with valid credentials', async () => {
    const topic = telemetryTopic('site-1', 'gw-a');
    const ready = subscribed('ingest_mosq', 'zw/v1/#');
    const sub = run('mosquitto_sub', [
      ...common(),
      ...['-u', 'ingest', '-P', SECRETS.ingest, '-i', 'ingest_mosq'],
      ...['-t', 'zw/v1/#', '-q', '1', '-C', '1', '-W', '10', '-v'],
    ]);
    await ready;
    const pub = await run('mosquitto_pub', [
      ...common(),
      ...['-u', 'gw-a', '-P', SECRETS['gw-a'], '-i', 'gw-a'],
      ...['-t', topic, '-q', '1', '-m', '{"seq":42}'],
    ]).done;
    expect(pub.code, pub.stderr).toBe(0);
    const received = await sub.done;
    expect(received.code, received.stderr).toBe(0);
    expect(received.stdout.trim()).toBe(`${topic} {"seq":42}`);
  });

  it('mosquitto_pub fails without credentials and with a wrong secret', async () => {
    const topic = telemetryTopic('site-1', 'gw-a');
    const anonymous = await run('mosquitto_pub', [
      ...common(),
      '-i',
      'gw-a',
      '-t',
      topic,
      '-q',
      '1',
      '-m',
      'x',
    ]).done;
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/not authori[sz]ed/i);

    const wrong = await run('mosquitto_pub', [
      ...common(),
      ...['-u', 'gw-a', '-P', 'not-the-secret', '-i', 'gw-a', '-t', topic, '-q', '1', '-m', 'x'],
    ]).done;
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/not authori[sz]ed/i);
  });

  it('mosquitto_sub fails without credentials', async () => {
    const sub = await run('mosquitto_sub', [
      ...common(),
      '-i',
      'ingest_anon',
      '-t',
      'zw/v1/#',
      '-C',
      '1',
      '-W',
      '5',
    ]).done;
    expect(sub.code).not.toBe(0);
    expect(sub.stderr).toMatch(/not authori[sz]ed/i);
  });

  it('a gateway cannot publish under another gateway with mosquitto_pub either', async () => {
    const before = running.broker.metrics().rejectedPublishes.byReason.foreignTopic;
    await run('mosquitto_pub', [
      ...common(),
      ...['-u', 'gw-a', '-P', SECRETS['gw-a'], '-i', 'gw-a'],
      ...['-t', telemetryTopic('site-1', 'gw-b'), '-q', '1', '-m', 'forged'],
    ]).done;
    expect(running.broker.metrics().rejectedPublishes.byReason.foreignTopic).toBe(before + 1);
  });
});
