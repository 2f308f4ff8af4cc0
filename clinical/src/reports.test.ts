import { savedReportReadSchema, sessionReportSchema } from '@zonewatch/protocol';
import { describe, expect, it } from 'vitest';
import { every, run } from './test-helpers.js';

describe('session report on the wire', () => {
  it('what the engine reports is exactly the protocol report shape, and reads back unchanged', () => {
    // 40 s over the ceiling (critical), then back in zone: one alert line, trace and metrics.
    const { monitor } = run([
      ...every(0, 40, { hr: 155, spo2: 97, contact: true }),
      ...every(41, 80, { hr: 110 }),
    ]);
    const report = JSON.parse(JSON.stringify(monitor.report(80_000)));
    expect(sessionReportSchema.strict().parse(report)).toEqual(report);
    expect(report.alerts.map((a: { severity: string }) => a.severity)).toContain('critical');
    const read = savedReportReadSchema.parse({ ...report, alias: 'A', zone: null });
    expect(read.alerts.map((a) => [a.alertId, a.severity])).toEqual(
      report.alerts.map((a: { alertId: string; severity: string }) => [a.alertId, a.severity]),
    );
    expect(read.hrMean).toBe(report.hrMean);
  });
});
