import { z } from 'zod';

const num = z.number().nullable().optional().catch(null);

/**
 * The parts of a saved report body (the rules engine's `SessionReport`, written by the live service) that
 * exports and adherence read. Lenient: a missing or odd field reads as null instead of failing the export.
 */
export const reportBodyReadSchema = z
  .object({
    durationS: num,
    secondsBelow: num,
    secondsIn: num,
    secondsAbove: num,
    secondsOverCeiling: num,
    hrMean: num,
    hrPeak: num,
    spo2Mean: num,
    spo2Min: num,
    completeness: num,
    steps: num,
    cadence: num,
    hrRecovery: z
      .object({ dropBpm: z.number(), flaggedForReview: z.boolean() })
      .nullable()
      .optional()
      .catch(null),
    adherence: z.object({ minutesInZone: z.number() }).nullable().optional().catch(null),
  })
  .catch({});

export type ReportBodyRead = z.infer<typeof reportBodyReadSchema>;

/** Reads a stored report body; never throws. */
export function readReportBody(body: unknown): ReportBodyRead {
  return reportBodyReadSchema.parse(body ?? {});
}

/** Minutes in zone of a report: its adherence figure, else seconds in zone / 60. */
export function minutesInZone(r: ReportBodyRead): number {
  if (r.adherence) return r.adherence.minutesInZone;
  return typeof r.secondsIn === 'number' ? Math.round((r.secondsIn / 60) * 10) / 10 : 0;
}
