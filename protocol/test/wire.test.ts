import { describe, expect, it } from 'vitest';
import {
  gatewayPrefix,
  parseGatewayStatus,
  parseTelemetry,
  parseTopic,
  siteFilter,
  statusTopic,
  telemetryTopic,
} from '../src/index.js';

describe('topics', () => {
  it('builds and parses versioned topics', () => {
    expect(telemetryTopic('site-1', 'gw-a')).toBe('zw/v1/site-1/gw-a/telemetry');
    expect(statusTopic('site-1', 'gw-a')).toBe('zw/v1/site-1/gw-a/status');
    expect(parseTopic('zw/v1/site-1/gw-a/telemetry')).toEqual({
      siteId: 'site-1',
      gatewayId: 'gw-a',
      kind: 'telemetry',
    });
    expect(gatewayPrefix('s', 'g')).toBe('zw/v1/s/g/');
    expect(siteFilter('+', 'telemetry')).toBe('zw/v1/+/+/telemetry');
  });

  it('refuses ids outside [a-z0-9-]{1,64}, naming the field', () => {
    expect(() => telemetryTopic('Site', 'gw')).toThrow(/siteId "Site"/);
    expect(() => telemetryTopic('s', 'a/b')).toThrow(/gatewayId/);
    expect(() => telemetryTopic('s', 'x'.repeat(65))).toThrow(/gatewayId/);
  });

  it.each([
    'zw/v2/s/g/telemetry',
    'zw/v1/s/g/other',
    'zw/v1/S/g/status',
    'zw/v1/s/g',
    'zw/v1/s/g/telemetry/x',
  ])('parseTopic rejects %s', (t) => expect(parseTopic(t)).toBeNull());
});

describe('telemetry batch schema', () => {
  const good = {
    v: 1,
    gatewayId: 'gw-a',
    seq: 7,
    sentAt: 1_700_000_000_000,
    samples: [
      { kind: 'hr', device: 'AA:BB:CC:00:11:22', t: 1_700_000_000_000, bpm: 120, rrMs: [500], contact: true },
      { kind: 'spo2', device: 'ox-1', t: 1_700_000_000_100, spo2: 94.5, pulseRate: 118 },
      { kind: 'steps', device: 'pd-1', t: 1_700_000_000_200, steps: 1234, cadence: 110 },
      { kind: 'battery', device: 'ox-1', t: 1_700_000_000_300, percent: 55 },
    ],
  };

  it('accepts a well-formed batch from bytes', () => {
    const r = parseTelemetry(new TextEncoder().encode(JSON.stringify(good)));
    expect(r.ok && r.value.samples).toHaveLength(4);
  });

  it('names the bad field and the reason', () => {
    const bad = structuredClone(good);
    (bad.samples[1] as { spo2: number }).spo2 = 140;
    const r = parseTelemetry(JSON.stringify(bad));
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/^samples\.1\.spo2: .*100/) });
  });

  it('rejects unknown fields, unknown kinds, and non-JSON without throwing', () => {
    expect(parseTelemetry(JSON.stringify({ ...good, extra: 1 })).ok).toBe(false);
    expect(parseTelemetry(JSON.stringify({ ...good, samples: [{ kind: 'bp', device: 'x', t: 1 }] })).ok).toBe(
      false,
    );
    expect(parseTelemetry('{not json')).toEqual({ ok: false, reason: expect.stringMatching(/^not JSON/) });
    expect(parseTelemetry(JSON.stringify({ ...good, seq: -1 }))).toEqual({
      ok: false,
      reason: expect.stringMatching(/^seq:/),
    });
  });

  it('parses a gateway status and its last will', () => {
    expect(parseGatewayStatus('{"v":1,"gatewayId":"g","siteId":"s","state":"offline"}').ok).toBe(true);
    expect(parseGatewayStatus('{"v":1,"gatewayId":"g","siteId":"s","state":"sleeping"}').ok).toBe(false);
  });
});
