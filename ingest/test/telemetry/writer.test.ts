import type { Alert, Sample } from '@zonewatch/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  codes,
  createMemoryWriter,
  createTelemetryWriter,
  loadInfluxConfig,
  type MemoryTelemetryWriter,
  type TelemetryAlertEvent,
  type TelemetryWriter,
  writerMetricFields,
} from '../../src/telemetry/index.js';
import { captureLogger } from './helpers.js';

const ctx = { site: 'north', session: 's1', participant: 'p1', gateway: 'gw1' };
const T = 1_767_225_600_000;
const clock = { now: () => T + 60_000 };

let writer: MemoryTelemetryWriter | undefined;
afterEach(async () => {
  await writer?.close();
  writer = undefined;
});

function memory(log = captureLogger()) {
  writer = createMemoryWriter({ clock, deviceIntervalMs: null, logger: log.logger });
  return writer;
}

const alert: Alert = {
  id: 'a1',
  sessionId: 's1',
  participantId: 'p1',
  alias: 'Ann',
  rule: 'HR_OVER_CEILING',
  severity: 'critical',
  state: 'open',
  conditionCleared: false,
  raisedAt: T,
  acknowledgedAt: null,
  acknowledgedBy: null,
  closedAt: null,
  escalationLevel: 0,
};

describe('samples → points', () => {
  it('hr: bpm as float, usable, zone code and contact as documented', () => {
    const w = memory();
    const zones = ['below', 'in', 'above', 'overCeiling'] as const;
    zones.forEach((zone, i) => {
      w.writeSample(
        ctx,
        { kind: 'hr', device: 'strap-1', t: T + i, bpm: 100 + i, contact: i !== 2 },
        { usable: true, zone },
      );
    });
    w.writeSample(ctx, { kind: 'hr', device: 'strap-1', t: T + 9, bpm: 80 });
    const pts = w.points();
    expect(pts.map((p) => p.fields.zone)).toEqual([0, 1, 2, 3, undefined]);
    expect(pts[0]).toEqual({
      measurement: 'hr',
      tags: { site: 'north', session: 's1', participant: 'p1', device_kind: 'hr-strap' },
      fields: { bpm: 100, usable: true, zone: 0, contact: true },
      t: T,
    });
    // Without the rules engine's verdict or a contact flag, those fields are left out rather than guessed.
    expect(pts[4]?.fields).toEqual({ bpm: 80 });
    expect(w.lines()[0]).toBe(
      `hr,device_kind=hr-strap,participant=p1,session=s1,site=north bpm=100,contact=T,usable=T,zone=0i ${T}`,
    );
  });

  it('spo2 and steps with their optional fields; battery feeds only the device aggregate', () => {
    const w = memory();
    w.writeSample(ctx, { kind: 'spo2', device: 'ox-1', t: T, spo2: 97.5, pulseRate: 88, quality: 90 });
    w.writeSample(ctx, { kind: 'spo2', device: 'ox-1', t: T + 1, spo2: 96 });
    w.writeSample(ctx, { kind: 'steps', device: 'ped-1', t: T, steps: 1200, cadence: 110.5 });
    w.writeSample(ctx, { kind: 'battery', device: 'ped-1', t: T, percent: 55 });
    expect(w.points().map((p) => [p.measurement, p.tags.device_kind, p.fields])).toEqual([
      ['spo2', 'oximeter', { spo2: 97.5, pulse_rate: 88 }],
      ['spo2', 'oximeter', { spo2: 96 }],
      ['steps', 'pedometer', { steps: 1200, cadence: 110.5 }],
    ]);
    expect(w.lines()[2]).toContain('steps=1200i');
  });

  it('device health: per device and period, last battery, any contact loss, sample count', async () => {
    const w = memory();
    const s = (x: Sample) => w.writeSample(ctx, x);
    s({ kind: 'hr', device: 'strap-1', t: T, bpm: 90, contact: true });
    s({ kind: 'hr', device: 'strap-1', t: T + 1, bpm: 91, contact: false });
    s({ kind: 'hr', device: 'strap-1', t: T + 2, bpm: 92, contact: true });
    s({ kind: 'battery', device: 'strap-1', t: T + 3, percent: 80 });
    s({ kind: 'battery', device: 'strap-1', t: T + 4, percent: 79 });
    s({ kind: 'battery', device: 'mystery', t: T + 4, percent: 12 });
    s({ kind: 'steps', device: 'ped-1', t: T, steps: 3 });
    w.clear();
    await w.flush();
    const dev = Object.fromEntries(w.points().map((p) => [p.tags.device, p]));
    expect(dev['strap-1']).toEqual({
      measurement: 'device',
      tags: { site: 'north', gateway: 'gw1', device: 'strap-1', device_kind: 'hr-strap' },
      fields: { samples: 5, battery: 79, contact_lost: 1 },
      t: clock.now(),
    });
    expect(dev.mystery?.tags.device_kind).toBe('unknown');
    expect(dev['ped-1']?.fields).toEqual({ samples: 1 });
    // A new period: the battery-only sample of a known device keeps its kind.
    w.clear();
    s({ kind: 'battery', device: 'strap-1', t: T + 20_000, percent: 78 });
    await w.flush();
    expect(w.points()).toMatchObject([
      { tags: { device_kind: 'hr-strap' }, fields: { samples: 1, battery: 78 } },
    ]);
  });

  it('device health is written on its own timer', () => {
    // The interval is faked: the test steps it instead of waiting for the wall clock.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      writer = createMemoryWriter({ clock, deviceIntervalMs: 1000 });
      writer.writeSample(ctx, { kind: 'battery', device: 'b', t: T, percent: 50 });
      vi.advanceTimersByTime(999);
      expect(writer.points()).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(writer.points().map((p) => p.measurement)).toEqual(['device']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('alert events → points', () => {
  it('tags by participant id (never the alias), counts 1, time_to_ack_s on acknowledged', () => {
    const w = memory();
    const ev = (
      event: TelemetryAlertEvent['event'],
      a: Partial<Alert> = {},
      at = T,
    ): TelemetryAlertEvent => ({
      site: 'north',
      sessionId: 's1',
      at,
      event,
      alert: { ...alert, ...a },
    });
    w.writeAlertEvent(ev('raised'));
    w.writeAlertEvent(ev('resounded', {}, T + 30_000));
    w.writeAlertEvent(ev('acknowledged', { state: 'acknowledged', acknowledgedAt: T + 42_500 }, T + 42_500));
    w.writeAlertEvent(ev('escalated', { unconfirmed: true }, T + 50_000));
    const pts = w.points();
    expect(pts.map((p) => p.tags.event)).toEqual(['raised', 'acknowledged', 'escalated']);
    expect(pts[0]).toEqual({
      measurement: 'alert',
      tags: {
        site: 'north',
        session: 's1',
        participant: 'p1',
        rule: 'HR_OVER_CEILING',
        severity: 'critical',
        event: 'raised',
      },
      fields: { count: 1, unconfirmed: false },
      t: T,
    });
    expect(pts[1]?.fields).toEqual({ count: 1, unconfirmed: false, time_to_ack_s: 42.5 });
    expect(pts[2]?.fields.unconfirmed).toBe(true);
    expect(JSON.stringify(pts)).not.toContain('Ann');
  });
});

describe('writeMetrics', () => {
  it('writes typed metrics stamped with the clock', () => {
    const w = memory();
    w.writeMetrics('session', { site: 'north', session: 's1' }, { participants: 12, completeness: 91.7 });
    w.writeMetrics('ingest', { node: 'n1' }, { batches: 10, write_latency_ms: 3.5 }, T);
    expect(w.lines()).toEqual([
      `session,session=s1,site=north completeness=91.7,participants=12i ${clock.now()}`,
      `ingest,node=n1 batches=10i,write_latency_ms=3.5 ${T}`,
    ]);
  });

  it('refuses names outside the schema (a programming error)', () => {
    const w = memory();
    expect(() => w.writeMetrics('broker', { node: 'b' }, { clientz: 1 } as never)).toThrow(
      codes.ZW_ERR_TELEMETRY_SCHEMA,
    );
    expect(() => w.writeMetrics('gateway', { site: 'north' } as never, { online: 1 })).toThrow(
      codes.ZW_ERR_TELEMETRY_SCHEMA,
    );
    expect(() => w.writeMetrics('hr' as never, { node: 'b' } as never, {})).toThrow(
      codes.ZW_ERR_TELEMETRY_SCHEMA,
    );
  });

  it('a non-finite value is left out, counted and logged once by field name (never the value)', () => {
    const log = captureLogger();
    const w = memory(log);
    w.writeMetrics('session', { site: 'north', session: 's1' }, { participants: 0, completeness: 0 / 0 });
    w.writeMetrics('session', { site: 'north', session: 's1' }, { participants: 0, completeness: 0 / 0 });
    expect(w.points().map((p) => p.fields)).toEqual([{ participants: 0 }, { participants: 0 }]);
    expect(w.stats().invalidFields).toBe(2);
    expect(log.records.filter((r) => r.field === 'session.completeness')).toHaveLength(1);
    expect(log.text()).not.toContain('NaN');
  });

  it('writerMetricFields maps writer stats onto the ingest measurement', () => {
    const s = memory().stats();
    expect(writerMetricFields(s)).toEqual({ buffer_lines: 0, write_failures: 0, dropped_lines: 0 });
    expect(writerMetricFields({ ...s, lastWriteLatencyMs: 4.2 }).write_latency_ms).toBe(4.2);
  });
});

describe('memory writer', () => {
  it('is bounded: the oldest points go first, counted as overflow', () => {
    writer = createMemoryWriter({ maxPoints: 3, deviceIntervalMs: null });
    for (let i = 0; i < 5; i++) writer.writeSample(ctx, { kind: 'hr', device: 'd', t: T + i, bpm: 60 + i });
    expect(writer.points().map((p) => p.t)).toEqual([T + 2, T + 3, T + 4]);
    expect(writer.stats()).toMatchObject({
      backend: 'memory',
      enabled: false,
      linesAccepted: 5,
      droppedLines: 2,
    });
    expect(writer.stats().dropped.overflow).toBe(2);
  });

  it('writes after close are dropped, counted and logged once', async () => {
    const log = captureLogger();
    const w = memory(log);
    await w.close();
    w.writeSample(ctx, { kind: 'hr', device: 'd', t: T, bpm: 60 });
    w.writeSample(ctx, { kind: 'hr', device: 'd', t: T + 1, bpm: 61 });
    expect(w.points()).toHaveLength(0);
    expect(w.stats().dropped.closed).toBe(2);
    expect(log.find(/after close/)).toHaveLength(1);
  });
});

describe('disabled mode (no INFLUX_URL)', () => {
  let disabled: TelemetryWriter | undefined;
  afterEach(async () => {
    await disabled?.close();
  });

  it('accepts every write, reports it is disabled and says so once at start', async () => {
    const log = captureLogger('info');
    disabled = createTelemetryWriter(loadInfluxConfig({}), { logger: log.logger });
    disabled.writeSample(ctx, { kind: 'hr', device: 'd', t: T, bpm: 60 });
    disabled.writeAlertEvent({ site: 'north', sessionId: 's1', at: T, event: 'raised', alert });
    disabled.writeMetrics('ingest', { node: 'n1' }, { samples: 1 });
    await disabled.flush();
    expect(disabled.stats()).toMatchObject({
      backend: 'disabled',
      enabled: false,
      api: null,
      droppedLines: 0,
    });
    expect(log.find(/telemetry storage disabled/)).toHaveLength(1);
  });

  it('still enforces the schema, so contract bugs show without a server', () => {
    disabled = createTelemetryWriter(loadInfluxConfig({}), { logger: captureLogger().logger });
    expect(() => disabled?.writeMetrics('ingest', { node: 'n1' }, { sample: 1 } as never)).toThrow(
      codes.ZW_ERR_TELEMETRY_SCHEMA,
    );
  });
});
