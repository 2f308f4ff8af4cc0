/**
 * @zonewatch/firmware-sim — simulated wearables with a physiological model, driven by scenario files.
 * They emit the real GATT bytes of `@zonewatch/protocol` through a `DeviceLink` the gateway consumes.
 */

export {
  compactBoard,
  describeNotification,
  formatClock,
  ParticipantBoard,
  type ParticipantView,
  participantLine,
} from './display.js';
export { createSimulatedLink, type SimulatedLink, type SimulatedLinkOptions } from './link.js';
export {
  buildLoadGateways,
  type GatewayModule,
  isLoopback,
  LOAD_LIMITS,
  type LoadGateway,
  type LoadOptions,
  type LoadOptionsInput,
  type LoadProgress,
  type LoadReport,
  loadOptionsSchema,
  runLoad,
} from './load.js';
export type { Modifiers, Profile, TrueState } from './physiology.js';
export { type CompiledPlan, compilePlan, type PlanPoint } from './plan.js';
export { createPrng, type Prng } from './prng.js';
export { type RosterParticipant, type ScenarioRoster, scenarioRoster } from './roster.js';
export {
  type Condition,
  type Device,
  type DeviceKind,
  defaultHrMax,
  loadScenario,
  type Participant,
  type Phase,
  parseScenario,
  parseTimeS,
  type Scenario,
  ScenarioError,
  type ScenarioEvent,
  type ScenarioInput,
  type ScenarioIssue,
  scenarioSchema,
} from './scenario.js';
export {
  BATTERY_PERIOD_MS,
  createSimulation,
  DEFAULT_DRAIN_PER_HOUR,
  DEFAULT_RATE_HZ,
  type Emission,
  encode,
  MAX_RR_PER_NOTIFICATION,
  type Simulation,
  type SimulationOptions,
  type TruthRecord,
} from './simulation.js';
