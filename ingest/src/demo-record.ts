/**
 * The demo's exercise-health record (issue 15): one participant with a baseline assessment, a
 * re-assessment at week 6, a prescription derived from the baseline, an enrolment in the cardiac
 * rehabilitation preset and ten weeks of past home sessions whose reports the real rules engine computed
 * from simulated wearables (firmware-sim → gateway decoder → ParticipantMonitor), then the progression
 * proposal of the last complete week, open for the demo clinician. Seeded once (a restart finds it).
 */
import {
  defaultRuleSettings,
  deriveFromAssessment,
  ParticipantMonitor,
  type Prescription,
  type Sample as RuleSample,
  resolvePrescription,
} from '@zonewatch/clinical';
import { type Assessment, PROGRAMME_PRESETS } from '@zonewatch/protocol';
import { generateProposal } from './api/record/progression.js';
import { addWeeks, startOfWeek } from './api/time.js';
import { presetProgrammeId, type Registry } from './registry/index.js';

const DAY_MS = 86_400_000;
/** The demo record's participant. */
export const RECORD_DEMO_PARTICIPANT = 'demo-record-0007';
const ALIAS = 'Chen 07';
const STRAP = 'C8:4F:12:70:00:07';
const WEEKS = 10;
/** Session days (from Monday) and start hour (site time). */
const DAYS = [0, 2, 4] as const;
const HOUR = 10;

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** One simulated home walk: the scenario a participant of this week's fitness would produce. */
function walkScenario(week: number, day: number, startMs: number): string {
  const hrRest = 78 - Math.round((week * 6) / WEEKS);
  const work = 0.42 + (0.12 * week) / WEEKS;
  return JSON.stringify({
    name: `Record demo walk w${week}d${day}`,
    kind: 'home',
    site: 'demo-record',
    gateway: { id: 'demo-record-phone' },
    durationS: 35 * 60,
    seed: 7000 + week * 10 + day,
    startAt: startMs,
    noise: { hrSdBpm: 2, artefactsPerHour: 2 },
    plan: [
      { kind: 'warmup', durationS: 300, workload: 0.3 },
      { kind: 'exercise', durationS: 1380, workload: work },
      { kind: 'cooldown', durationS: 300, workload: 0.15 },
      { kind: 'rest', durationS: 120 },
    ],
    participants: [
      {
        id: RECORD_DEMO_PARTICIPANT,
        alias: ALIAS,
        age: 62,
        sex: 'male',
        condition: 'cardiac-rehab',
        fitness: week < 4 ? 'low' : 'average',
        hrRest,
        hrMax: 142,
        activity: 'walk',
        devices: [
          { id: STRAP, kind: 'hr-strap' },
          { id: 'OX-70-00-07', kind: 'oximeter', rateHz: 0.2 },
        ],
      },
    ],
  });
}

/**
 * One simulated session as the rules engine sees it: the simulator's samples after the gateway's decoder.
 * The composition root (`platform.ts`) supplies it, so this module depends on neither the simulator nor
 * the gateway.
 */
export interface DemoTrace {
  startedAt: number;
  durationMs: number;
  samples: RuleSample[];
  /** When the participant's exercise ended (seconds from the start), if the scenario says. */
  exerciseEndS: number | undefined;
}

/** Plays a scenario (JSON) for `participantId`. */
export type DemoTraceSource = (scenarioJson: string, participantId: string) => DemoTrace;

/** Runs the rules engine over one simulated session: the report body ingest would have saved. */
function simulatedReport(rx: Prescription, scenarioJson: string, traces: DemoTraceSource) {
  const resolved = resolvePrescription(rx);
  const sim = traces(scenarioJson, RECORD_DEMO_PARTICIPANT);
  const monitor = new ParticipantMonitor(resolved, defaultRuleSettings, sim.startedAt);
  const samples = sim.samples;
  monitor.run(samples);
  const exerciseEndS = sim.exerciseEndS;
  const endMs = sim.startedAt + sim.durationMs;
  if (exerciseEndS !== undefined) monitor.markExerciseEnd(sim.startedAt + exerciseEndS * 1000);
  monitor.endSession();
  const report = monitor.report(endMs);
  return {
    startMs: sim.startedAt,
    endMs,
    body: {
      ...report,
      alias: ALIAS,
      zone: {
        lowBpm: resolved.zoneLowBpm,
        highBpm: resolved.zoneHighBpm,
        ceilingBpm: resolved.ceilingBpm,
        hrMode: resolved.hrMode,
      },
    },
  };
}

/**
 * Seeds the demo record at `siteId` (UTC site time) unless its participant already has assessments.
 * `clinicianId` authors the assessments and prescription; `coachId` follows the home sessions.
 */
export async function seedRecordDemo(
  registry: Registry,
  opts: { siteId: string; clinicianId: string; coachId: string; now: number; traces: DemoTraceSource },
): Promise<{ seeded: boolean; participantId: string }> {
  const id = RECORD_DEMO_PARTICIPANT;
  if ((await registry.assessments.list(id).catch(() => [])).length > 0)
    return { seeded: false, participantId: id };
  const site = await registry.sites.get(opts.siteId);
  const tz = site?.timezone ?? 'UTC';
  const start = addWeeks(startOfWeek(opts.now, tz), -WEEKS, tz);
  const startDate = isoDate(start + DAY_MS / 2);
  const reDate = isoDate(addWeeks(start, 5, tz) + 2 * DAY_MS + DAY_MS / 2);
  const baseline: Assessment = {
    participantId: id,
    date: isoDate(start - 3 * DAY_MS + DAY_MS / 2),
    kind: 'baseline',
    source: 'manual',
    anthropometrics: { heightCm: 172, weightKg: 84, waistCm: 99 },
    restingHrBpm: 78,
    restingBp: { systolicMmHg: 146, diastolicMmHg: 88, arm: 'left' },
    sixMinuteWalk: {
      distanceM: 392,
      hrBeforeBpm: 78,
      hrAfterBpm: 117,
      spo2BeforePercent: 97,
      spo2AfterPercent: 95,
      spo2LowestPercent: 94,
      borgDyspnoea: 4,
      borgFatigue: 3,
      stops: 0,
    },
    chairStand30sReps: 11,
    gripStrengthKg: 33,
    exerciseTest: {
      modality: 'treadmill',
      peakHrBpm: 142,
      peakMets: 6.8,
      ischaemicThresholdBpm: 128,
      stopReason: 'volitional-fatigue',
      onCurrentMedication: true,
      complexVentricularDysrhythmia: false,
      symptomsInRecovery: false,
      stDepressionMm: 0.5,
      abnormalHaemodynamics: false,
    },
    cardiacHistory: {
      lvefPercent: 52,
      cardiacArrestSurvivor: false,
      complexDysrhythmiaAtRest: false,
      complicatedEvent: false,
      heartFailure: false,
      postEventIschaemia: false,
      clinicalDepression: false,
    },
    // The demo centre's clinicians write their notes in Chinese, as the centres this is for do.
    findings: '单纯 PCI 术后 6 周，上楼梯时气促。',
  };
  const reassessment: Assessment = {
    participantId: id,
    date: reDate,
    kind: 'reassessment',
    source: 'manual',
    anthropometrics: { heightCm: 172, weightKg: 81.5, waistCm: 96 },
    restingHrBpm: 72,
    restingBp: { systolicMmHg: 136, diastolicMmHg: 84, arm: 'left' },
    sixMinuteWalk: {
      distanceM: 441,
      hrBeforeBpm: 72,
      hrAfterBpm: 114,
      spo2BeforePercent: 97,
      spo2AfterPercent: 96,
      spo2LowestPercent: 95,
      borgDyspnoea: 3,
      borgFatigue: 2,
      stops: 0,
    },
    chairStand30sReps: 13,
    gripStrengthKg: 34,
    findings: '步行去菜市场途中无需停歇。',
  };
  const preset: Prescription = {
    preset: 'cardiac-rehab',
    age: 62,
    sex: 'male',
    hrRest: 78,
    hrMax: { source: 'tanaka' },
    fitt: { sessionsPerWeek: 3, minutesInZone: 20 },
  };
  const derived = deriveFromAssessment(baseline, preset).proposed;

  // The simulations run before the transaction (pure CPU), so the database is held briefly.
  const sessions: ReturnType<typeof simulatedReport>[] = [];
  for (let w = 0; w < WEEKS; w++)
    for (const d of DAYS) {
      const at = addWeeks(start, w, tz) + d * DAY_MS + HOUR * 3_600_000;
      if (at + 40 * 60_000 >= opts.now) continue;
      sessions.push(simulatedReport(derived, walkScenario(w, d, at), opts.traces));
      // Let the rest of the platform start between simulations (this runs in the background).
      await new Promise((resolve) => setImmediate(resolve));
    }

  await registry.transaction(async (tx) => {
    if (!(await tx.participants.get(id)))
      await tx.participants.create({
        id,
        siteId: opts.siteId,
        alias: ALIAS,
        clinical: {
          ageYears: 62,
          sex: 'male',
          conditions: ['cardiac-rehab'],
          medications: ['aspirin', 'atorvastatin'],
        },
      });
    await tx.assessments.create({
      participantId: id,
      kind: 'baseline',
      date: baseline.date,
      authorId: opts.clinicianId,
      document: baseline,
    });
    await tx.assessments.create({
      participantId: id,
      kind: 'reassessment',
      date: reDate,
      authorId: opts.clinicianId,
      document: reassessment,
    });
    const latest = (await tx.prescriptions.history(id)).at(-1);
    if (!latest || latest.effectiveFrom < start - DAY_MS)
      await tx.prescriptions.create({
        participantId: id,
        authorId: opts.clinicianId,
        body: derived,
        effectiveFrom: Math.max(start - DAY_MS, (latest?.effectiveFrom ?? 0) + 1),
        note: '由基线评估推导（实测峰值心率、缺血阈值）',
      });
    await tx.programmes.syncPresets(PROGRAMME_PRESETS);
    if (!(await tx.programmes.activeEnrolment(id)))
      await tx.programmes.enrol({
        participantId: id,
        programmeId: presetProgrammeId('cardiac-rehab'),
        startDate,
        homeSessions: true,
        enrolledBy: opts.clinicianId,
      });
    await tx.consent.record({
      participantId: id,
      purpose: 'home-monitoring',
      granted: true,
      noticeVersion: 'demo',
    });
    if (!(await tx.devices.get(STRAP)))
      await tx.devices.create({ id: STRAP, siteId: opts.siteId, kind: 'hr-strap' });
    for (const s of sessions) {
      const created = await tx.sessions.create({
        siteId: opts.siteId,
        kind: 'home',
        name: `Home session — ${ALIAS}`,
        // A generated name: each console words it in its own language.
        nameCode: 'homeOf',
        nameAlias: ALIAS,
        coachId: opts.coachId,
        scheduledAt: s.startMs,
      });
      await tx.sessions.start(created.id, s.startMs);
      await tx.rosters.bind({ sessionId: created.id, participantId: id, deviceId: STRAP, atMs: s.startMs });
      await tx.sessions.end(created.id, s.endMs);
      await tx.reports.save({ sessionId: created.id, participantId: id, body: s.body, atMs: s.endMs });
    }
    await tx.audit.log({
      actor: 'system:seed',
      action: 'demo.seed-record',
      entity: 'participant',
      entityId: id,
      siteId: opts.siteId,
      detail: { sessions: sessions.length },
      atMs: opts.now,
    });
  });
  await generateProposal(registry, id, opts.now);
  return { seeded: true, participantId: id };
}
