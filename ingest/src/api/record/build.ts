import { meaningfulChange } from '@zonewatch/clinical';
import type { Assessment, RecordResponse, TimelineItem } from '@zonewatch/protocol';
import type { Participant, Registry } from '../../registry/index.js';
import { addWeeks, startOfWeek } from '../time.js';
import { prescriptionView, tryResolve, userNames } from '../views.js';
import { DAY_MS, dateStart, type SessionWithReport, sessionHistory } from './history.js';
import { enrolmentProgress } from './progress.js';
import { riskOf } from './risk.js';
import { assessmentView, proposalView } from './views.js';

/** Weeks of the weekly trend without an enrolment (and at most with one). */
const DEFAULT_WEEKS = 12;
const MAX_WEEKS = 52;

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Minutes in zone of a report: its adherence figure, else seconds in zone / 60. */
function minutesOf(s: SessionWithReport): number | null {
  if (s.report.adherence) return s.report.adherence.minutesInZone;
  return s.report.secondsIn === null ? null : round1(s.report.secondsIn / 60);
}

/** Mean HR of the report's trace points inside the zone of the day (bpm, one decimal). */
function meanHrInZone(s: SessionWithReport): number | null {
  const z = s.report.zone;
  if (!z) return null;
  const inZone = s.report.trace.flatMap((p) =>
    p.hr !== null && p.hr >= z.lowBpm && p.hr <= z.highBpm ? [p.hr] : [],
  );
  return inZone.length ? round1(inZone.reduce((a, x) => a + x, 0) / inZone.length) : null;
}

/**
 * Everything the record page (运动健康档案) shows for one participant at `now`: risk, programme progress,
 * the prescription in force, adherence against its FITT, the timeline, trend series and the
 * baseline-versus-latest table. Session figures are the saved session reports' (the rules engine's).
 */
export async function buildRecord(registry: Registry, p: Participant, now: number): Promise<RecordResponse> {
  const tz = (await registry.sites.get(p.siteId))?.timezone ?? 'UTC';
  const [assessments, sessions, prescriptions, enrolments, proposals] = [
    await registry.assessments.list(p.id),
    await sessionHistory(registry, p.id),
    await registry.prescriptions.history(p.id),
    await registry.programmes.enrolments(p.id),
    await registry.progression.list(p.id),
  ];
  const names = await userNames(registry, [
    ...assessments.map((a) => a.authorId),
    ...prescriptions.map((r) => r.authorId),
    ...proposals.flatMap((x) => (x.decidedBy ? [x.decidedBy] : [])),
  ]);
  const risk = await riskOf(registry, p.id, assessments);

  const active = enrolments.find((e) => e.status === 'active') ?? enrolments.at(-1);
  const programme = active ? await registry.programmes.get(active.programmeId) : undefined;
  const enrolment =
    active && programme ? enrolmentProgress(active, programme, sessions, assessments, now, tz) : null;

  const current = prescriptions.find(
    (r) => r.effectiveFrom <= now && (r.effectiveTo === null || r.effectiveTo > now),
  );
  const fitt = current ? (tryResolve(current.body)?.fitt ?? null) : null;

  // Adherence since the programme start (else the last four weeks) against FITT.
  const since = active ? dateStart(active.startDate, tz) : now - 28 * DAY_MS;
  const inPeriod = sessions.filter((s) => s.startMs >= since && s.startMs <= now);
  const weeksElapsed = Math.max(1, Math.ceil((now - since) / (7 * DAY_MS)));
  const planned = fitt ? fitt.sessionsPerWeek * weeksElapsed : null;
  const plannedCapped = planned !== null && programme ? Math.min(planned, programme.totalSessions) : planned;
  const meeting = fitt ? inPeriod.filter((s) => (minutesOf(s) ?? 0) >= fitt.minutesInZone).length : 0;

  // Weekly trend: calendar weeks from the programme start (or the last 12), at most 52.
  const thisWeek = startOfWeek(now, tz);
  let first = startOfWeek(active ? since : addWeeks(thisWeek, -(DEFAULT_WEEKS - 1), tz), tz);
  if (first < addWeeks(thisWeek, -(MAX_WEEKS - 1), tz)) first = addWeeks(thisWeek, -(MAX_WEEKS - 1), tz);
  const weeks: RecordResponse['trends']['weeks'] = [];
  for (let w = first; w <= thisWeek; w = addWeeks(w, 1, tz)) {
    const end = addWeeks(w, 1, tz);
    const inWeek = sessions.filter((s) => s.startMs >= w && s.startMs < end);
    weeks.push({
      weekStart: w,
      sessions: inWeek.length,
      minutesInZone: round1(inWeek.reduce((a, s) => a + (minutesOf(s) ?? 0), 0)),
      targetMinutes: fitt ? fitt.sessionsPerWeek * fitt.minutesInZone : null,
      targetSessions: fitt?.sessionsPerWeek ?? null,
    });
  }

  const timeline: TimelineItem[] = [];
  for (const a of assessments)
    timeline.push({ type: 'assessment', at: dateStart(a.date, tz), id: a.id, kind: a.kind, date: a.date });
  for (const r of prescriptions)
    timeline.push({ type: 'prescription', at: r.effectiveFrom, id: r.id, version: r.version, note: r.note });
  for (const e of enrolments) {
    const prog = e.id === active?.id ? programme : await registry.programmes.get(e.programmeId);
    timeline.push({
      type: 'enrolment',
      at: dateStart(e.startDate, tz),
      id: e.id,
      programmeName: prog?.name ?? '',
      startDate: e.startDate,
    });
  }
  for (const s of sessions) {
    timeline.push({
      type: 'session',
      at: s.startMs,
      id: s.session.id,
      sessionKind: s.session.kind,
      name: s.session.name,
      // A name the server made up travels by code, so each console words it in its own language.
      nameCode: s.session.nameCode ?? null,
      nameAlias: s.session.nameAlias ?? null,
      minutesInZone: minutesOf(s),
      alerts: s.report.alerts.length,
    });
    for (const a of s.report.alerts) {
      if (a.severity === 'unknown') continue;
      timeline.push({
        type: 'alert',
        at: a.raisedAt ?? s.startMs,
        id: a.alertId,
        sessionId: s.session.id,
        rule: a.rule,
        severity: a.severity,
      });
    }
  }
  for (const x of proposals)
    timeline.push({ type: 'proposal', at: x.createdAt, id: x.id, kind: x.kind, status: x.status });
  timeline.sort((a, b) => a.at - b.at || a.type.localeCompare(b.type));

  const docs = assessments.map((a) => a.document as Assessment);
  const baselineIdx = Math.max(
    0,
    assessments.findIndex((a) => a.kind === 'baseline'),
  );
  const latestIdx = assessments.findLastIndex((a) => a.kind !== 'pre-session');
  const comparison =
    assessments.length >= 2 && latestIdx > baselineIdx
      ? {
          baselineId: assessments[baselineIdx]!.id,
          latestId: assessments[latestIdx]!.id,
          rows: meaningfulChange(docs[baselineIdx]!, docs[latestIdx]!).map((r) => ({
            measure: r.measure,
            unit: r.unit,
            baseline: r.baseline,
            latest: r.latest,
            change: r.change,
            changePercent: r.changePercent,
            direction: r.direction,
            improved: r.direction === 'unchanged' ? null : r.direction === 'improved',
            meaningful: r.meaningful,
            threshold: r.threshold,
            thresholdRelative: r.thresholdRelative,
            source: r.source,
          })),
        }
      : null;

  const open = proposals.filter((x) => x.status === 'proposed');
  const decided = proposals.filter((x) => x.status !== 'proposed');
  return {
    participant: p,
    timezone: tz,
    risk,
    enrolment,
    prescription: current ? prescriptionView(current, true, names.get(current.authorId) ?? null) : null,
    fitt,
    adherence: {
      sessionsDone: inPeriod.length,
      sessionsPlanned: plannedCapped,
      sessionsMeetingTarget: meeting,
      percent: plannedCapped ? Math.round((inPeriod.length / plannedCapped) * 100) : null,
    },
    timeline,
    trends: {
      weeks,
      sessions: sessions.map((s) => ({
        sessionId: s.session.id,
        at: s.startMs,
        sessionKind: s.session.kind,
        minutesInZone: minutesOf(s),
        meanHrInZone: meanHrInZone(s),
        hrRecovery60: s.report.hrRecovery?.dropBpm ?? null,
        completeness: s.report.completeness,
        alerts: s.report.alerts.length,
      })),
      assessments: assessments.map((a, i) => ({
        assessmentId: a.id,
        date: a.date,
        kind: a.kind,
        restingHrBpm: docs[i]!.restingHrBpm ?? null,
        systolicMmHg: docs[i]!.restingBp?.systolicMmHg ?? null,
        diastolicMmHg: docs[i]!.restingBp?.diastolicMmHg ?? null,
        sixMinuteWalkM: docs[i]!.sixMinuteWalk?.distanceM ?? null,
        weightKg: docs[i]!.anthropometrics?.weightKg ?? null,
      })),
    },
    comparison,
    assessments: assessments.map((a) => assessmentView(a, names.get(a.authorId) ?? null)),
    proposals: [...open, ...decided].map((x) => proposalView(x, names)),
  };
}
