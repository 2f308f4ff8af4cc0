import { readFile } from 'node:fs/promises';
import { conditionSchema, deviceIdSchema, deviceKindSchema, idSchema } from '@zonewatch/protocol';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';

/**
 * Scenario files: a class or a home session as data. YAML or JSON (JSON is read by the YAML parser, so
 * both report line numbers). Every time field accepts seconds (`90`) or a clock string (`'1:30'`,
 * `'1:02:03'`) and is normalised to seconds.
 */

const MAX_DURATION_S = 24 * 3600;

const clockRe = /^(\d+):([0-5]\d)(?::([0-5]\d))?$/;

/** Parses `'mm:ss'`, `'h:mm:ss'` or a plain number of seconds; returns NaN when it is none of those. */
export function parseTimeS(value: string | number): number {
  if (typeof value === 'number') return value;
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const m = clockRe.exec(s);
  if (!m) return Number.NaN;
  const [, a, b, c] = m;
  return c === undefined ? Number(a) * 60 + Number(b) : Number(a) * 3600 + Number(b) * 60 + Number(c);
}

/** A time or duration: seconds, or `'mm:ss'` / `'h:mm:ss'`. Output: seconds. */
const timeS = z
  .union([z.number(), z.string()])
  .transform((v, ctx) => {
    const s = parseTimeS(v);
    if (!Number.isFinite(s)) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not seconds or 'mm:ss'` });
      return z.NEVER;
    }
    return s;
  })
  .pipe(z.number().min(0, 'must not be negative').max(MAX_DURATION_S, 'must be at most 24 h'));

const positiveTimeS = timeS.pipe(z.number().gt(0, 'must be longer than 0 s'));

/** Relative workload 0–1: 0 = seated rest, 1 = the participant's maximal effort (as a fraction of HR reserve). */
const workload = z.number().min(0).max(1);

const steadyPhase = z.strictObject({
  /** warmup ramps from the previous workload, cooldown ramps down to its own; exercise and rest hold it. */
  kind: z.enum(['warmup', 'exercise', 'cooldown', 'rest']),
  /** Phase length (s or 'mm:ss'). */
  durationS: positiveTimeS,
  /** Target workload at the end of a ramp, or held throughout (0–1, fraction of HR reserve). Rest: 0. */
  workload: workload.optional(),
  /** Walking/pedalling cadence during the phase (steps or rpm per minute); derived from workload if absent. */
  cadenceSpm: z.number().min(0).max(250).optional(),
});

const intervalsPhase = z.strictObject({
  kind: z.literal('intervals'),
  /** Phase length (s or 'mm:ss'). */
  durationS: positiveTimeS,
  /** Workload of the work bouts (0–1). */
  high: workload,
  /** Workload of the recovery bouts (0–1). */
  low: workload,
  /** Work bout length (s or 'mm:ss'). */
  onS: positiveTimeS,
  /** Recovery bout length (s or 'mm:ss'). */
  offS: positiveTimeS,
  /** Cadence during work bouts (per minute); derived from workload if absent. */
  cadenceSpm: z.number().min(0).max(250).optional(),
});

/** One phase of an exercise plan. */
export const phaseSchema = z.discriminatedUnion('kind', [steadyPhase, intervalsPhase]);

/** The simulator models every device kind but the watch. */
const deviceKind = deviceKindSchema.exclude(['watch']);

/** A simulated wearable. */
export const deviceSchema = z.strictObject({
  /** BLE-address-like id as it appears on the wire, e.g. `'C8:4F:12:00:01:A1'`. */
  id: deviceIdSchema,
  kind: deviceKind,
  /** Notifications per second (default: strap 1, oximeter 1, footpod 1, pedometer 0.5). */
  rateHz: z.number().gt(0).max(10).optional(),
  /** Battery at the start (percent, default 100). */
  batteryStartPercent: z.number().min(0).max(100).optional(),
  /** Battery drain (percentage points per hour, default per kind: strap 1, oximeter 6, others 2). */
  batteryDrainPerHour: z.number().min(0).max(100).optional(),
});

const at = { at: timeS };
const deviceRef = {
  /** Limit the event to one of the participant's devices (default: every device it concerns). */
  device: deviceIdSchema.optional(),
};

/** Something that happens to a participant at a scheduled time. */
export const eventSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('drift'),
    ...at,
    /** HR offset added to what the workload would give (bpm; negative drifts down). */
    deltaBpm: z.number().min(-60).max(100),
    durationS: positiveTimeS,
  }),
  z.strictObject({
    kind: z.literal('desaturate'),
    ...at,
    /** SpO2 the participant falls to (percent). */
    toSpo2: z.number().min(50).max(100),
    durationS: positiveTimeS,
  }),
  z.strictObject({
    kind: z.literal('contactLoss'),
    ...at,
    durationS: positiveTimeS,
    ...deviceRef,
    /**
     * What an oximeter sends while off the finger: `nan` (no SpO2 value, the usual case) or `held` (its last
     * SpO2, flagged sensor-unconnected, as some devices do). Either way the status bits say the sensor is off.
     */
    oximeterValue: z.enum(['nan', 'held']).default('nan'),
  }),
  z.strictObject({ kind: z.literal('dropout'), ...at, durationS: positiveTimeS, ...deviceRef }),
  z.strictObject({
    kind: z.literal('artefacts'),
    ...at,
    /** Number of motion artefacts (spikes of +30–60 bpm with RR intervals that do not match). */
    count: z.number().int().min(1).max(200),
    /** Window the artefacts are spread over (s or 'mm:ss', default 30 s). */
    overS: positiveTimeS.optional(),
    ...deviceRef,
  }),
  z.strictObject({
    kind: z.literal('overexert'),
    ...at,
    /** HR the participant is driven to within ~20 s (bpm). */
    toBpm: z.number().min(60).max(230),
    durationS: positiveTimeS,
  }),
  z.strictObject({
    kind: z.literal('bradycardia'),
    ...at,
    /** HR the participant falls to (bpm, default 38). */
    toBpm: z.number().min(20).max(80).default(38),
    durationS: positiveTimeS,
  }),
]);

const noiseSchema = z.strictObject({
  /** Standard deviation of the slow HR wander (bpm, default 1.5). */
  hrSdBpm: z.number().min(0).max(20).optional(),
  /** Spontaneous motion artefacts per hour on chest straps (default 0). */
  artefactsPerHour: z.number().min(0).max(600).optional(),
  /** Standard deviation of SpO2 readings (percent points, default 0.6). */
  spo2SdPct: z.number().min(0).max(5).optional(),
});

/** A participant: a pseudonymous profile, their devices and scheduled events. */
export const participantSchema = z.strictObject({
  /** Pseudonymous participant id, `[a-z0-9-]{1,64}`. */
  id: idSchema,
  /** Display alias (never a real name), 1–64 characters. */
  alias: z.string().min(1).max(64),
  /** Age in years. */
  age: z.number().int().min(18).max(110),
  sex: z.enum(['female', 'male']),
  condition: conditionSchema,
  /** Aerobic fitness: changes HR kinetics and how hard a given class workload is (default average). */
  fitness: z.enum(['low', 'average', 'high']).default('average'),
  /** Takes a β-blocker: blunted HR response and lower maximum. */
  betaBlocker: z.boolean().default(false),
  /** Resting HR (bpm). */
  hrRest: z.number().int().min(35).max(120),
  /** Maximal HR (bpm); default Tanaka 208 − 0.7·age, or Brawner 164 − 0.7·age with a β-blocker. */
  hrMax: z.number().int().min(80).max(230).optional(),
  /** Resting SpO2 (percent; default 94 for COPD, 97 otherwise). */
  spo2Rest: z.number().min(80).max(100).optional(),
  /** Multiplies the plan's workload for this participant (1 = as prescribed; 1.3 = works 30 % harder). */
  effort: z.number().min(0.2).max(2).default(1),
  /** What moves the feet: sets cadence (walking steps, cycling rpm, or none). Default walk. */
  activity: z.enum(['walk', 'bike', 'stationary']).default('walk'),
  /** This participant's own plan (home sessions); default the scenario plan. */
  plan: z.array(phaseSchema).min(1).optional(),
  noise: noiseSchema.optional(),
  devices: z.array(deviceSchema).min(1).max(8),
  events: z.array(eventSchema).max(500).default([]),
});

const DEFAULT_PLAN = [
  { kind: 'warmup', durationS: 300, workload: 0.35 },
  { kind: 'exercise', durationS: 1200, workload: 0.55 },
  { kind: 'cooldown', durationS: 300, workload: 0.1 },
  { kind: 'rest', durationS: 300 },
] as const;

/** A class or home session. */
export const scenarioSchema = z
  .strictObject({
    /** Human-readable name shown by the CLI. */
    name: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    /** A supervised class or a home session (default class). */
    kind: z.enum(['class', 'home']).default('class'),
    /** Site id, `[a-z0-9-]{1,64}`. */
    site: idSchema,
    gateway: z.strictObject({
      /** Gateway id, `[a-z0-9-]{1,64}`. */
      id: idSchema,
      /** Site of the gateway (default: the scenario's site). */
      site: idSchema.optional(),
      /** Gateway clock offset from true time (ms, default 0). */
      clockOffsetMs: z.number().min(-86_400_000).max(86_400_000).default(0),
      /** Gateway clock drift (parts per million, default 0; +100 = gains 0.36 s per hour). */
      clockDriftPpm: z.number().min(-100_000).max(100_000).default(0),
    }),
    /** Session length (s or 'mm:ss'). */
    durationS: positiveTimeS,
    /** Simulated seconds per wall-clock second (1 = real time). */
    speedup: z.number().gt(0).max(10_000).default(1),
    /** PRNG seed: same scenario + same seed = same bytes. */
    seed: z.number().int().default(1),
    /** Session start (ISO 8601 or ms since epoch); default: when the simulation is created. */
    startAt: z
      .union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })])
      .transform((v) => (typeof v === 'number' ? v : Date.parse(v)))
      .optional(),
    /** The class plan; participants may override it. Default: 5' warm-up, 20' exercise, 5' cool-down. */
    plan: z
      .array(phaseSchema)
      .min(1)
      .default(() => DEFAULT_PLAN.map((p) => ({ ...p }))),
    /** Scenario-wide noise defaults; participants may override them. */
    noise: noiseSchema.optional(),
    participants: z.array(participantSchema).min(1).max(1000),
  })
  .superRefine((s, ctx) => {
    const pids = new Set<string>();
    const dids = new Map<string, string>();
    s.participants.forEach((p, i) => {
      if (pids.has(p.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['participants', i, 'id'],
          message: `duplicate participant id "${p.id}"`,
        });
      }
      pids.add(p.id);
      const hrMax = p.hrMax ?? defaultHrMax(p.age, p.betaBlocker);
      if (hrMax <= p.hrRest + 20) {
        ctx.addIssue({
          code: 'custom',
          path: ['participants', i, p.hrMax === undefined ? 'hrRest' : 'hrMax'],
          message: `hrMax (${Math.round(hrMax)}) must exceed hrRest (${p.hrRest}) by more than 20 bpm`,
        });
      }
      p.devices.forEach((d, j) => {
        const owner = dids.get(d.id);
        if (owner !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['participants', i, 'devices', j, 'id'],
            message: `device id "${d.id}" is already used by participant "${owner}"`,
          });
        }
        dids.set(d.id, p.id);
      });
      const kinds = new Set(p.devices.map((d) => d.kind));
      p.events.forEach((e, j) => {
        const path = ['participants', i, 'events', j];
        if (e.at >= s.durationS) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'at'],
            message: `starts at ${e.at} s, at or after the end of the scenario (${s.durationS} s)`,
          });
        }
        if ('device' in e && e.device !== undefined && !p.devices.some((d) => d.id === e.device)) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'device'],
            message: `"${e.device}" is not one of this participant's devices`,
          });
        }
        if (e.kind === 'desaturate' && !kinds.has('oximeter')) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'kind'],
            message: 'desaturate needs an oximeter device',
          });
        }
        if (
          (e.kind === 'artefacts' || e.kind === 'contactLoss') &&
          !kinds.has('hr-strap') &&
          !kinds.has('oximeter')
        ) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'kind'],
            message: `${e.kind} needs an hr-strap or an oximeter device`,
          });
        }
      });
    });
    if (s.gateway.site !== undefined && s.gateway.site !== s.site) {
      ctx.addIssue({
        code: 'custom',
        path: ['gateway', 'site'],
        message: `gateway site "${s.gateway.site}" differs from the scenario site "${s.site}"`,
      });
    }
  });

/** A validated scenario (times in seconds, defaults filled in). */
export type Scenario = z.infer<typeof scenarioSchema>;
/** A scenario as written in a file, before defaults and time normalisation. */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Participant = Scenario['participants'][number];
export type Device = Participant['devices'][number];
export type DeviceKind = Device['kind'];
export type ScenarioEvent = Participant['events'][number];
export type Phase = z.infer<typeof phaseSchema>;
export type { Condition } from '@zonewatch/protocol';

/** Maximal HR when the profile gives none: Tanaka (208 − 0.7·age), Brawner (164 − 0.7·age) on β-blockers. */
export function defaultHrMax(age: number, betaBlocker: boolean): number {
  return betaBlocker ? 164 - 0.7 * age : 208 - 0.7 * age;
}

/** One problem in a scenario file. */
export interface ScenarioIssue {
  /** Dotted path in the document, e.g. `participants[2].events[0].toSpo2` (`(root)` for the document). */
  path: string;
  /** 1-based line of the offending value, when the parser knows it. */
  line?: number;
  message: string;
}

/** A scenario file that cannot be used; the message names the file, each path and each reason. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly code = 'ZW_ERR_SCENARIO_INVALID';
  constructor(
    readonly file: string,
    readonly issues: ScenarioIssue[],
  ) {
    super(
      `${file}: invalid scenario\n` +
        issues.map((i) => `  ${file}${i.line ? `:${i.line}` : ''} ${i.path}: ${i.message}`).join('\n'),
    );
  }
}

/** `['participants', 2, 'id']` → `participants[2].id`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || '(root)';
}

/**
 * Parses and validates scenario text (YAML or JSON). Throws {@link ScenarioError} naming `fileName`, the
 * path in the document (with its line) and the reason for every problem found.
 */
export function parseScenario(text: string, fileName = '<scenario>'): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      fileName,
      doc.errors.slice(0, 5).map((e) => ({
        path: '(syntax)',
        line: lineCounter.linePos(e.pos[0]).line,
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  const result = scenarioSchema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 20).map((issue): ScenarioIssue => {
    const line = lineOf(doc, lineCounter, issue.path);
    return { path: formatPath(issue.path), message: issue.message, ...(line ? { line } : {}) };
  });
  throw new ScenarioError(fileName, issues);
}

/** Line of the deepest node of `path` that exists in the document. */
function lineOf(
  doc: ReturnType<typeof parseDocument>,
  lc: LineCounter,
  path: readonly PropertyKey[],
): number | undefined {
  let node: unknown = doc.contents;
  for (const seg of path) {
    let child: unknown;
    if (isMap(node)) child = node.get(String(seg), true);
    else if (isSeq(node) && typeof seg === 'number') child = node.get(seg, true);
    if (child === undefined || child === null) break;
    node = child;
  }
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? lc.linePos(range[0]).line : undefined;
}

/** Reads and validates a scenario file; see {@link parseScenario}. */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(path, [{ path: '(file)', message: (e as Error).message }]);
  }
  return parseScenario(text, path);
}
