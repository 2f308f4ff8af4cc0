/**
 * A demo platform with one finished session report per participant whose figures the tests look for in the
 * PDFs and the participant's view, an acknowledged (with a note) and cleared alert, and a Chinese centre in
 * Asia/Shanghai.
 */
import type { Platform } from '../../src/platform.js';

export const CENTRE = '朝阳康复中心';
export const TZ = 'Asia/Shanghai';
export const ACK_NOTE = 'asked to slow down';

/** Figures of the first participant's report (24 of 30 minutes in zone, peak 131, recovery 18). */
export const FIGURES = { minutesIn: 24, target: 30, hrPeak: 131, hrMean: 112.4, drop: 18, spo2Min: 94 };

export function reportBody(alias: string, f: typeof FIGURES) {
  const trace = [];
  for (let tS = 0; tS <= 1800; tS += 60)
    trace.push({ tS, hr: 95 + Math.round(20 * Math.sin(tS / 400)), spo2: 97 });
  return {
    alias,
    durationS: 1800,
    secondsBelow: 240,
    secondsIn: f.minutesIn * 60,
    secondsAbove: 1800 - 240 - f.minutesIn * 60,
    secondsOverCeiling: 0,
    hrMean: f.hrMean,
    hrPeak: f.hrPeak,
    spo2Mean: 97,
    spo2Min: f.spo2Min,
    completeness: 98.5,
    steps: null,
    cadence: null,
    hrRecovery: {
      exerciseEndMs: 0,
      hrAtEndBpm: 120,
      hrAfterBpm: 120 - f.drop,
      dropBpm: f.drop,
      flaggedForReview: false,
    },
    trace,
    alerts: [],
    adherence: { minutesInZone: f.minutesIn, targetMinutesInZone: f.target, met: f.minutesIn >= f.target },
    zone: { lowBpm: 100, highBpm: 120, ceilingBpm: 135, hrMode: 'enforce' },
  };
}

/** Writes the reports and the alert; returns the ids the tests use. */
export async function seedReports(platform: Platform) {
  const seed = platform.demo!.seed;
  const reg = platform.registry;
  await reg.db.query('UPDATE sites SET name = $1, timezone = $2 WHERE id = $3', [CENTRE, TZ, seed.siteId]);
  const [p0, p1] = seed.participantIds as [string, string];
  const alias0 = (await reg.participants.get(p0))!.alias;
  const alias1 = (await reg.participants.get(p1))!.alias;
  const sessionId = seed.sessionId;
  const session = (await reg.sessions.get(sessionId))!;
  const t0 = session.startedAt ?? reg.now();
  await reg.reports.save({ sessionId, participantId: p0, body: reportBody(alias0, FIGURES) });
  await reg.reports.save({
    sessionId,
    participantId: p1,
    body: reportBody(alias1, { ...FIGURES, minutesIn: 27, hrPeak: 117, drop: 22 }),
  });
  const instructor = seed.users.find((u) => u.role === 'instructor')!;
  const a = await reg.alerts.raise({
    sessionId,
    participantId: p0,
    rule: 'HR_OVER_CEILING',
    severity: 'critical',
    atMs: t0 + 600_000,
  });
  await reg.alerts.recordEvent({
    alertId: a.alert.id,
    event: 'acknowledged',
    atMs: t0 + 625_000,
    actorId: instructor.userId,
    note: ACK_NOTE,
  });
  await reg.alerts.recordEvent({ alertId: a.alert.id, event: 'cleared', atMs: t0 + 700_000 });
  const instructorName = (await reg.users.get(instructor.userId))!.displayName;
  return { sessionId, p0, p1, alias0, alias1, instructorName };
}
