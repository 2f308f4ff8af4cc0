/**
 * The synthetic site every process of a chain run agrees on: which gateways, sites and participants exist
 * (from firmware-sim's `buildLoadGateways`, so the registry and the load generator cannot disagree) and
 * which participants over-exert on purpose so alerts fire.
 */
import { buildLoadGateways, type LoadOptionsInput, loadOptionsSchema } from '@zonewatch/firmware-sim';

export interface PlanOptions {
  participants: number;
  gateways: number;
  /** Scenario length handed to the generator (s); the run stops it earlier. */
  durationS: number;
  gatewaysPerSite: number;
  /** Every `overGatewayEvery`-th gateway has `overPerGateway` participants driven above their ceiling. */
  overGatewayEvery: number;
  overPerGateway: number;
  /** Scenario seconds when the first over-exertion starts; starts are spread over `overSpreadS` after it. */
  overAtS: number;
  /** Spread of over-exertion starts (s), so alerts keep firing through the connect, settle and steady phases. */
  overSpreadS: number;
  seed: number;
}

export const LOAD_SECRET_PLACEHOLDER = 'bench-not-a-secret-{gatewayId}';

export function loadInput(p: PlanOptions): LoadOptionsInput {
  return {
    gateways: p.gateways,
    participants: p.participants,
    durationS: p.durationS,
    rateHz: 1,
    idPrefix: 'bench',
    gatewaysPerSite: p.gatewaysPerSite,
    seed: p.seed,
    secretPattern: LOAD_SECRET_PLACEHOLDER,
  };
}

/** The gateways with their scenarios, over-exertion events patched in. */
export function planGateways(
  p: PlanOptions,
  credentials?: { gatewayId: string; siteId: string; secret: string }[],
) {
  const opts = loadOptionsSchema.parse({ ...loadInput(p), ...(credentials ? { credentials } : {}) });
  const gateways = buildLoadGateways(opts);
  const over = new Set<string>();
  gateways.forEach((g, gi) => {
    if (gi % p.overGatewayEvery !== 0) return;
    g.scenario.participants.slice(0, p.overPerGateway).forEach((part, k) => {
      // HR driven far past any ceiling within ~20 s and held: HR_ABOVE_ZONE then HR_OVER_CEILING fire.
      part.events = [
        {
          kind: 'overexert',
          at: p.overAtS + ((gi + k) % 10),
          toBpm: 200,
          durationS: Math.max(30, p.durationS),
        },
      ];
      over.add(part.id);
    });
  });
  return { gateways, over };
}
