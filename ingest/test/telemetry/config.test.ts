import { describe, expect, it } from 'vitest';
import { codes, isInfluxEnabled, loadInfluxConfig } from '../../src/telemetry/index.js';

describe('loadInfluxConfig', () => {
  it('without INFLUX_URL: disabled, with documented defaults', () => {
    const c = loadInfluxConfig({});
    expect(isInfluxEnabled(c)).toBe(false);
    expect(c).toMatchObject({
      url: undefined,
      api: 'auto',
      bucket: 'zonewatch',
      database: 'zonewatch',
      org: '',
      flushIntervalMs: 1000,
      batchSize: 5000,
      maxBufferLines: 100_000,
      maxRetries: 100,
      maxRetryTimeMs: 600_000,
      minRetryDelayMs: 1000,
      maxRetryDelayMs: 15_000,
      timeoutMs: 10_000,
      deviceIntervalMs: 10_000,
    });
  });

  it('parses every variable, strips a trailing slash and freezes the result', () => {
    const c = loadInfluxConfig({
      INFLUX_URL: 'http://influx:8086/',
      INFLUX_API: 'v1',
      INFLUX_DATABASE: 'zw',
      INFLUX_RETENTION_POLICY: 'week',
      INFLUX_USERNAME: 'u',
      INFLUX_PASSWORD: 'p',
      INFLUX_FLUSH_INTERVAL_MS: '250',
      INFLUX_MAX_BUFFER_LINES: '50',
      INFLUX_MAX_RETRIES: '3',
      INFLUX_MAX_RETRY_TIME_MS: '5000',
      INFLUX_MIN_RETRY_DELAY_MS: '10',
      INFLUX_MAX_RETRY_DELAY_MS: '20',
    });
    expect(isInfluxEnabled(c)).toBe(true);
    expect(c.url).toBe('http://influx:8086');
    expect(c).toMatchObject({ api: 'v1', database: 'zw', retentionPolicy: 'week', maxBufferLines: 50 });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('empty strings count as unset', () => {
    expect(loadInfluxConfig({ INFLUX_URL: '', INFLUX_FLUSH_INTERVAL_MS: '' }).flushIntervalMs).toBe(1000);
  });

  it.each([
    ['INFLUX_URL', 'influx:8086'],
    ['INFLUX_URL', 'mqtt://influx'],
    ['INFLUX_API', 'v3'],
    ['INFLUX_FLUSH_INTERVAL_MS', 'soon'],
    ['INFLUX_FLUSH_INTERVAL_MS', '0'],
    ['INFLUX_MAX_BUFFER_LINES', '1.5'],
    ['INFLUX_MAX_RETRIES', '-1'],
  ])('%s=%s is refused with an error naming the variable', (key, value) => {
    expect(() => loadInfluxConfig({ [key]: value })).toThrow(codes.ZW_ERR_INFLUX_CONFIG);
    expect(() => loadInfluxConfig({ [key]: value })).toThrow(new RegExp(`${key}=`));
  });

  it('never echoes a secret in the error', () => {
    const err = (() => {
      try {
        loadInfluxConfig({ INFLUX_URL: 'http://x', INFLUX_PASSWORD: 'hunter2', INFLUX_API: 'nope' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).not.toContain('hunter2');
  });

  it('a user needs a password and the back-off range must be ordered', () => {
    expect(() => loadInfluxConfig({ INFLUX_USERNAME: 'u' })).toThrow(/INFLUX_USERNAME and INFLUX_PASSWORD/);
    expect(() =>
      loadInfluxConfig({ INFLUX_MIN_RETRY_DELAY_MS: '500', INFLUX_MAX_RETRY_DELAY_MS: '100' }),
    ).toThrow(/INFLUX_MIN_RETRY_DELAY_MS/);
  });
});
