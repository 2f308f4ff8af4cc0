import { describe, expect, it } from 'vitest';
import { parseBrokerEnv, resolveBrokerConfig } from './config.js';

const base = { BROKER_CREDENTIALS_FILE: '/etc/zonewatch/credentials.json' };

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toMatchObject({ code: 'ZW_ERR_BROKER_CONFIG' });
    return (err as Error).message;
  }
  throw new Error('expected a throw');
}

describe('parseBrokerEnv', () => {
  it('applies the standalone defaults and freezes the result', () => {
    const config = parseBrokerEnv(base);
    expect(config.broker).toMatchObject({
      host: '0.0.0.0',
      mqttPort: 1883,
      maxPayloadBytes: 262144,
      connectionRate: { perSecond: 5, burst: 50 },
      metricsIntervalMs: 10000,
      connectTimeoutMs: 10000,
    });
    expect(config.broker.wsPort).toBeUndefined();
    expect(config.tls).toBeUndefined();
    expect(config.logLevel).toBe('info');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.broker)).toBe(true);
  });

  it('reads every variable', () => {
    const config = parseBrokerEnv({
      ...base,
      MQTT_PORT: '1884',
      MQTT_WS_PORT: '8080',
      MQTT_HOST: '127.0.0.1',
      MQTT_TLS_CERT: '/c.pem',
      MQTT_TLS_KEY: '/k.pem',
      MQTTS_PORT: '8884',
      REDIS_URL: 'redis://:pw@redis:6379/0',
      MQTT_MAX_PAYLOAD_BYTES: '1024',
      MQTT_CONN_RATE_PER_SEC: '0.5',
      MQTT_CONN_RATE_BURST: '3',
      MQTT_CONNECT_TIMEOUT_MS: '5000',
      BROKER_METRICS_INTERVAL_MS: '0',
      BROKER_NODE_ID: 'node-a',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      broker: {
        host: '127.0.0.1',
        mqttPort: 1884,
        wsPort: 8080,
        redisUrl: 'redis://:pw@redis:6379/0',
        maxPayloadBytes: 1024,
        connectionRate: { perSecond: 0.5, burst: 3 },
        connectTimeoutMs: 5000,
        metricsIntervalMs: 0,
        nodeId: 'node-a',
      },
      tls: { port: 8884, certFile: '/c.pem', keyFile: '/k.pem' },
      logLevel: 'debug',
    });
  });

  it('treats empty variables as unset', () => {
    expect(parseBrokerEnv({ ...base, REDIS_URL: '', MQTT_WS_PORT: '' }).broker.redisUrl).toBeUndefined();
  });

  it.each([
    [{ MQTT_PORT: 'abc' }, 'MQTT_PORT'],
    [{ MQTT_PORT: '70000' }, 'MQTT_PORT'],
    [{ MQTT_WS_PORT: '-1' }, 'MQTT_WS_PORT'],
    [{ MQTT_MAX_PAYLOAD_BYTES: '1.5' }, 'MQTT_MAX_PAYLOAD_BYTES'],
    [{ REDIS_URL: 'http://redis:6379' }, 'REDIS_URL'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ BROKER_NODE_ID: 'a/b' }, 'BROKER_NODE_ID'],
    [{ MQTT_TLS_CERT: '/c.pem' }, 'MQTT_TLS_KEY'],
    [{ MQTT_TLS_KEY: '/k.pem' }, 'MQTT_TLS_CERT'],
  ])('names the bad variable: %o', (env, variable) => {
    expect(messageOf(() => parseBrokerEnv({ ...base, ...env }))).toContain(`${variable}:`);
  });

  it('reads the WebSocket path and names a bad one (issue 17)', () => {
    expect(parseBrokerEnv({ ...base, MQTT_WS_PORT: '8083', MQTT_WS_PATH: '/mqtt' }).broker.wsPath).toBe(
      '/mqtt',
    );
    expect(parseBrokerEnv(base).broker.wsPath).toBeUndefined();
    expect(messageOf(() => parseBrokerEnv({ ...base, MQTT_WS_PATH: 'mqtt?x=1' }))).toMatch(
      /MQTT_WS_PATH: must start with "\/"/,
    );
  });

  it('requires the credentials file and never echoes values', () => {
    expect(messageOf(() => parseBrokerEnv({}))).toContain('BROKER_CREDENTIALS_FILE: is required');
    expect(messageOf(() => parseBrokerEnv({ ...base, REDIS_URL: 'http://:hunter2@x' }))).not.toContain(
      'hunter2',
    );
  });
});

describe('resolveBrokerConfig', () => {
  it('names the bad option', () => {
    expect(messageOf(() => resolveBrokerConfig({ maxPayloadBytes: 0 }))).toContain('maxPayloadBytes');
    expect(messageOf(() => resolveBrokerConfig({ connectionRate: { perSecond: 1, burst: 0 } }))).toContain(
      'connectionRate.burst',
    );
    expect(messageOf(() => resolveBrokerConfig({ bogus: 1 } as never))).toContain('bogus');
  });

  it('defaults to loopback when embedded', () => {
    expect(resolveBrokerConfig({}).host).toBe('127.0.0.1');
  });
});
