/**
 * A simulated site gateway as a service (docker compose `gateway-sim`): the real gateway
 * (`@zonewatch/gateway`, configured by its GATEWAY_* variables) with a firmware-sim scenario as its device
 * link. `SIM_SCENARIO` names a scenario file (YAML or JSON); `SIM_LOOP=1` plays it again when it ends;
 * `SIM_SPEEDUP` overrides the scenario's speed-up factor.
 *
 *   SIM_SCENARIO=firmware-sim/scenarios/home-walk.yaml GATEWAY_ID=… SITE_ID=… MQTT_URL=… GATEWAY_SECRET=… \
 *     node --import tsx firmware-sim/src/gateway-sim.ts
 */
import { fileURLToPath } from 'node:url';
import { exitOnStartError, GatewayConfigError, type LinkFactory, runGateway } from '@zonewatch/gateway';
import { createSimulatedLink } from './link.js';
import { loadScenario } from './scenario.js';

/** The simulator as the gateway's device link, configured by `SIM_SCENARIO`, `SIM_LOOP` and `SIM_SPEEDUP`. */
export const simulatorLink: LinkFactory = async (env, logger) => {
  const file = env['SIM_SCENARIO'];
  if (!file) throw new GatewayConfigError('SIM_SCENARIO', 'is required (a firmware-sim scenario file)');
  const speedup = env['SIM_SPEEDUP'] ? Number(env['SIM_SPEEDUP']) : undefined;
  if (speedup !== undefined && !(speedup > 0)) throw new GatewayConfigError('SIM_SPEEDUP', 'must be > 0');
  const scenario = await loadScenario(file);
  return createSimulatedLink(scenario, {
    loop: env['SIM_LOOP'] === '1' || env['SIM_LOOP'] === 'true',
    logger: logger.child({ component: 'firmware-sim' }),
    ...(speedup !== undefined ? { speedup } : {}),
  });
};

/** Runs the simulated gateway until SIGINT/SIGTERM (see `runGateway`). */
export const runSimulatedGateway = (
  env: Record<string, string | undefined> = process.env,
  opts: { handleSignals?: boolean } = {},
) => runGateway(env, simulatorLink, opts);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runSimulatedGateway().catch(exitOnStartError);
}
