import { type Emission, type ScenarioInput, scenarioSchema } from '../src/index.js';

/** Fixed start for deterministic tests: 2025-01-06T09:00:00Z. */
export const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

type ParticipantInput = ScenarioInput['participants'][number];

/** One participant with a strap and an oximeter, average everything; override what the test is about. */
export function participant(over: Partial<ParticipantInput> = {}): ParticipantInput {
  const id = over.id ?? 'p-1';
  return {
    id,
    alias: 'Tess',
    age: 60,
    sex: 'female',
    condition: 'healthy',
    hrRest: 70,
    devices: [
      { id: `${id}-strap`, kind: 'hr-strap' },
      { id: `${id}-oxi`, kind: 'oximeter' },
    ],
    ...over,
  };
}

/** A validated scenario around the given participants (default plan: 2' rest, 10' at 0.6, 10' rest). */
export function scenario(over: Partial<ScenarioInput> = {}) {
  return scenarioSchema.parse({
    site: 'test-site',
    gateway: { id: 'test-gw' },
    durationS: 1320,
    seed: 7,
    startAt: T0,
    plan: [
      { kind: 'rest', durationS: 120 },
      { kind: 'exercise', durationS: 600, workload: 0.6 },
      { kind: 'rest', durationS: 600 },
    ],
    participants: [participant()],
    ...over,
  });
}

/** Truth of one device kind of one participant, by elapsed second. */
export function series(emissions: Emission[], participantId: string, kind: string) {
  return emissions.filter((e) => e.truth.participantId === participantId && e.truth.deviceKind === kind);
}

/** The emission closest to `tS` seconds. */
export function at(emissions: Emission[], tS: number): Emission {
  let best = emissions[0] as Emission;
  for (const e of emissions) {
    if (Math.abs(e.truth.elapsedMs - tS * 1000) < Math.abs(best.truth.elapsedMs - tS * 1000)) best = e;
  }
  return best;
}
