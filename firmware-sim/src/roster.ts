import type { HrMaxSource } from '@zonewatch/protocol';
import { type DeviceKind, defaultHrMax, type Participant, type Scenario } from './scenario.js';

/** What the registry needs about one simulated participant to bind its devices and write a prescription. */
export interface RosterParticipant {
  id: string;
  /** Display alias (pseudonymous). */
  alias: string;
  /** Age in years. */
  age: number;
  sex: Participant['sex'];
  condition: Participant['condition'];
  betaBlocker: boolean;
  /** Resting HR (bpm). */
  hrRest: number;
  /**
   * Maximal HR (bpm) as a clinician would record it: the scenario's value (`source: 'measured'`), else the
   * formula the simulator itself uses (Tanaka, or Brawner with a β-blocker), rounded to whole bpm.
   */
  hrMax: number;
  hrMaxSource: Extract<HrMaxSource, 'measured' | 'tanaka' | 'brawner'>;
  devices: { id: string; kind: DeviceKind }[];
}

/** What a scenario implies for registry seeding: site, gateway, session kind and the roster. */
export interface ScenarioRoster {
  siteId: string;
  gatewayId: string;
  kind: Scenario['kind'];
  name: string | undefined;
  durationS: number;
  participants: RosterParticipant[];
}

/** Returns the roster a scenario implies, so demo seeding can bind each device to its participant. */
export function scenarioRoster(scenario: Scenario): ScenarioRoster {
  return {
    siteId: scenario.site,
    gatewayId: scenario.gateway.id,
    kind: scenario.kind,
    name: scenario.name,
    durationS: scenario.durationS,
    participants: scenario.participants.map((p) => ({
      id: p.id,
      alias: p.alias,
      age: p.age,
      sex: p.sex,
      condition: p.condition,
      betaBlocker: p.betaBlocker,
      hrRest: p.hrRest,
      hrMax: p.hrMax ?? Math.round(defaultHrMax(p.age, p.betaBlocker)),
      hrMaxSource: p.hrMax !== undefined ? 'measured' : p.betaBlocker ? 'brawner' : 'tanaka',
      devices: p.devices.map((d) => ({ id: d.id, kind: d.kind })),
    })),
  };
}
