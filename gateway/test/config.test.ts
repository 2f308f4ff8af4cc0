import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayConfig, loadGatewayConfig } from '../src/config.js';
import * as errors from '../src/errors.js';
import { cleanupDirs, tempDir } from './helpers/harness.js';

const base = {
  GATEWAY_ID: 'gw-1',
  SITE_ID: 'clinic-a',
  MQTT_URL: 'mqtt://127.0.0.1:1883',
  GATEWAY_SECRET: 'hunter2-but-longer',
};

const failure = (env: Record<string, string | undefined>) => {
  try {
    loadGatewayConfig(env);
  } catch (e) {
    return e as Error & { code: string };
  }
  throw new Error('expected the configuration to be refused');
};

afterEach(() => cleanupDirs());

describe('loadGatewayConfig', () => {
  it('applies defaults with units in the names and freezes the result', () => {
    const c = loadGatewayConfig({ ...base, PATH: '/usr/bin' });
    expect(c).toEqual({
      gatewayId: 'gw-1',
      siteId: 'clinic-a',
      mqttUrl: 'mqtt://127.0.0.1:1883',
      secret: 'hunter2-but-longer',
      dataDir: path.join('data', 'gateway-gw-1'),
      flushIntervalMs: 250,
      outboxMaxBytes: 64 * 1024 * 1024,
      maxBatchBytes: 128 * 1024,
      replayRatePerSec: 50,
      reconnectMinMs: 500,
      reconnectMaxMs: 30_000,
      statusIntervalMs: 30_000,
      keepaliveSec: 30,
      logLevel: 'info',
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    [{ GATEWAY_ID: undefined }, 'GATEWAY_ID', 'is required'],
    [{ GATEWAY_ID: 'Gateway One' }, 'GATEWAY_ID', 'lower-case'],
    [{ SITE_ID: 'x'.repeat(65) }, 'SITE_ID', '1-64'],
    [{ MQTT_URL: 'http://broker:1883' }, 'MQTT_URL', 'mqtt://'],
    [{ MQTT_URL: 'not a url' }, 'MQTT_URL', 'mqtt://'],
    [{ GATEWAY_SECRET: undefined }, 'GATEWAY_SECRET', 'is required'],
    [{ GATEWAY_SECRET: '' }, 'GATEWAY_SECRET', 'is required'],
    [{ FLUSH_INTERVAL_MS: 'fast' }, 'FLUSH_INTERVAL_MS', 'number'],
    [{ FLUSH_INTERVAL_MS: '2' }, 'FLUSH_INTERVAL_MS', '>=10'],
    [{ OUTBOX_MAX_BYTES: '12.5' }, 'OUTBOX_MAX_BYTES', 'int'],
    [{ REPLAY_RATE_PER_SEC: '0' }, 'REPLAY_RATE_PER_SEC', '>0'],
    [{ RECONNECT_MIN_MS: '5000', RECONNECT_MAX_MS: '1000' }, 'RECONNECT_MAX_MS', 'RECONNECT_MIN_MS'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL', 'info'],
    [
      { GATEWAY_SECRET: undefined, GATEWAY_SECRET_FILE: '/nonexistent/secret' },
      'GATEWAY_SECRET_FILE',
      'ENOENT',
    ],
  ] as [Record<string, string | undefined>, string, string][])(
    '%o is refused naming %s',
    (over, variable, why) => {
      const e = failure({ ...base, ...over });
      expect(e.code).toBe('ZW_ERR_GATEWAY_CONFIG');
      expect(e.message).toContain(variable);
      expect(e.message).toContain(why);
    },
  );

  it('never puts a secret into an error message', () => {
    const e = failure({ ...base, GATEWAY_ID: 'BAD ID' });
    expect(e.message).not.toContain(base.GATEWAY_SECRET);
  });

  it('reads the secret from GATEWAY_SECRET_FILE, and refuses both at once', () => {
    const file = path.join(tempDir(), 'secret');
    writeFileSync(file, 'from-a-file\n');
    const { GATEWAY_SECRET: _unused, ...rest } = base;
    expect(loadGatewayConfig({ ...rest, GATEWAY_SECRET_FILE: file }).secret).toBe('from-a-file');
    expect(failure({ ...base, GATEWAY_SECRET_FILE: file }).message).toContain('GATEWAY_SECRET_FILE');
    writeFileSync(file, '\n');
    expect(failure({ ...rest, GATEWAY_SECRET_FILE: file }).message).toContain('empty');
  });

  it('gatewayConfig() checks code-built options the same way, naming the variable', () => {
    expect(() =>
      gatewayConfig({
        gatewayId: 'gw-1',
        siteId: 's',
        mqttUrl: 'ws://h:8080',
        secret: 'x',
        flushIntervalMs: 0,
      }),
    ).toThrow(/FLUSH_INTERVAL_MS/);
    expect(
      gatewayConfig({ gatewayId: 'gw-1', siteId: 's', mqttUrl: 'ws://h:8080', secret: 'x' }).mqttUrl,
    ).toBe('ws://h:8080');
  });
});

describe('error registry', () => {
  it('documents every ZW_ERR_* code it exports, and nothing else', () => {
    const exported = Object.values(errors as Record<string, unknown>)
      .filter((v) => typeof v === 'function')
      .map((ctor) => new (ctor as new (...a: unknown[]) => { code: string })('x', 'y').code)
      .sort();
    expect(exported).toEqual(Object.keys(errors.GATEWAY_ERROR_CODES).sort());
    for (const code of exported) expect(code).toMatch(/^ZW_ERR_[A-Z_]+$/);
  });
});
