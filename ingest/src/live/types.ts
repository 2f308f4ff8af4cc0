import type { ParticipantMonitor, ResolvedPrescription, RuleSettings } from '@zonewatch/clinical';
import type { Alert, SessionFrame, SessionInfo, AlertEvent as WireAlertEvent } from '@zonewatch/protocol';
import type { Logger } from 'pino';
import type { Registry } from '../registry/index.js';
import type { TelemetryWriter } from '../telemetry/index.js';
import { DEFAULT_MAX_CLOCK_SKEW_MS, type GatewayClockFault } from './clock-skew.js';
import { type UnboundCaps, UnboundDevices } from './unbound.js';

/**
 * A device that delivered data for a participant this recently may still be on them: pairing it to someone
 * else needs a warning (issue 14).
 */
export const RECENTLY_WORN_MS = 5 * 60_000;

/** Who last delivered data through a device, and when (node clock). */
export interface WornBy {
  participantId: string;
  alias: string;
  at: number;
}

/** A device of the pairing list: seen unbound lately, maybe recently worn by someone. */
export interface UnboundDeviceView {
  deviceId: string;
  kind: string | null;
  lastSeenAt: number;
  recentlyWornBy: { participantId: string; alias: string; lastDataAt: number } | null;
}

/** Longest a taken site's time-driven rules wait for its first batch (ms); see `LiveCore.warming`. */
export const TAKEOVER_GRACE_MS = 3_000;

/** How far back a replayed (store-and-forward) sample may be and still drive live alerts (ARCHITECTURE.md). */
export const ALERT_HORIZON_MS = 60_000;

/** What the REST API asks of the live service (see ingest/src/api/live-control.ts). */
export interface AckActor {
  userId: string;
  username: string;
}
export type AckResult =
  | { ok: true; alert: Alert }
  | { ok: false; code: 'not-found' | 'already-closed' | 'already-acknowledged' };

/** A pairing answer: the newest unbound devices, and how many more matched but were left out. */
export interface UnboundList {
  devices: UnboundDeviceView[];
  omitted: number;
}

/** Where alert events and frames go (Socket.IO rooms in the app). */
export interface LiveBroadcaster {
  alert(event: WireAlertEvent): void;
  /** A frame sent outside the once-a-second timer (the last one of a session, saying it ended). */
  frame?(frame: SessionFrame): void;
}

/**
 * Which sites this node may evaluate, show and write for (issue 18: site leases, `cluster/ownership.ts`).
 * Absent: the static `sites` list decides and writes are not fenced (a single node, unit tests).
 */
export interface SiteGate {
  /** This node holds the site's lease now. */
  owns(siteId: string): boolean;
  /** The fencing token of the site's lease, while held. */
  token(siteId: string): number | undefined;
  /**
   * A registry write for the site, refused by the database unless this node's lease is still current (and is
   * `token`, when given).
   */
  fenced<T>(siteId: string, fn: (reg: Registry) => Promise<T>, token?: number): Promise<T>;
  /** Tries to take the site now when nobody holds it (a session just started on a new site). */
  claim?(siteId: string): Promise<void>;
}

export interface LiveServiceDeps {
  registry: Registry;
  writer: TelemetryWriter;
  logger: Logger;
  clock?: () => number;
  /** Sites this node owns; empty = all (ignored with `ownership`). */
  sites?: readonly string[];
  /** Site leases: sites come and go as leases are taken and lost. */
  ownership?: SiteGate;
  /** Site-level rule settings (defaults when absent). */
  settings?: RuleSettings;
  /** How far ahead of this node's clock a sample may be stamped and still be current (ms, default 5 000). */
  maxClockSkewMs?: number;
  /** Caps of the unbound-device list (default UNBOUND_PER_SITE, UNBOUND_PER_GATEWAY). */
  unboundCaps?: UnboundCaps;
}

export interface LiveStats {
  sessions: number;
  participants: number;
  samples: number;
  unbound: number;
  /** Replayed samples older than the alert horizon: stored, not evaluated. */
  lateReplayed: number;
  /** Samples stamped further ahead of this node's clock than the allowed skew: counted, never used. */
  futureSamples: number;
  /** Unbound devices remembered now (pairing), bounded per site and per gateway. */
  unboundTracked: number;
  /** Unbound devices forgotten to keep the list under its site cap. */
  unboundEvictedSite: number;
  /** Unbound devices forgotten to keep the list under its gateway cap. */
  unboundEvictedGateway: number;
  /** Both of the above. */
  unboundEvicted: number;
  /** Gateways whose clock runs ahead now (a future sample within the last minute). */
  clockFaultGateways: number;
  alertsOpen: number;
  registryErrors: number;
  fencedWrites: number;
}

/** One participant of a live session: its rules engine (which owns the rule state) and what the tile needs besides. */
export interface ParticipantRuntime {
  participantId: string;
  alias: string;
  /** Their place in the session (1-based, in the order they joined): how a wall shows them without a name. */
  seat: number;
  /** Wall-name consent in force: shared screens may show the alias (issue 16). */
  wallName: boolean;
  rx: ResolvedPrescription | null;
  monitor: ParticipantMonitor;
  deviceIds: Set<string>;
  battery: number | null;
  gatewayId: string;
  /** This node's time of the latest sample from the future of a device the participant wears. */
  clockFaultAt: number | null;
  /** Removed from the session by the instructor: no tile, no rules; their report still covers the time before. */
  removed: boolean;
}

/** One active session this node owns. */
export interface SessionRuntime {
  info: SessionInfo;
  participants: Map<string, ParticipantRuntime>;
  /** Live alerts (not closed) of the session, as consoles see them. */
  alerts: Map<string, Alert>;
  /**
   * Being loaded (roster, then its open alerts): not ticked yet. A participant ticked before its open alerts
   * were back raised them a second time (seen at takeovers under load: the registry refused ~1,400
   * signal-lost alerts as already open).
   */
  loading?: boolean;
}

/** Where a device or an alert lives. */
export interface Placement {
  session: SessionRuntime;
  p: ParticipantRuntime;
}

/** The in-memory state the live modules share (one per LiveService). */
export interface LiveCore {
  readonly deps: LiveServiceDeps;
  readonly clock: () => number;
  readonly log: Logger;
  readonly sessions: Map<string, SessionRuntime>;
  /** `${siteId}/${deviceId}` → the participant wearing it in an active session. */
  readonly bindings: Map<string, Placement>;
  /** alert id → where it lives. */
  readonly alertIndex: Map<string, Placement>;
  /** Last sightings of devices no session binds, bounded per site and per gateway. */
  readonly unbound: UnboundDevices;
  /** `${siteId}/${deviceId}` → the participant it last delivered data for (pairing warnings). */
  readonly wornBy: Map<string, WornBy>;
  /** user id → username of the users who acknowledged live alerts (consoles show names, the engine ids). */
  readonly usernames: Map<string, string>;
  /** Allowed skew of sample time ahead of this node's clock (ms). */
  readonly maxClockSkewMs: number;
  /**
   * siteId → until when (node clock) its time-driven rules wait after the site was taken (issue 18): the
   * broker is still handing over what it kept meanwhile, so "no signal since the session started" would be
   * a false SIGNAL_LOST. Ends a second after the site's first batch, or after {@link TAKEOVER_GRACE_MS}.
   */
  readonly warming: Map<string, number>;
  /** `${siteId}/${gatewayId}` → the current clock-fault episode of a gateway (see clock-skew.ts). */
  readonly clockFaults: Map<string, GatewayClockFault>;
  readonly counters: {
    samples: number;
    unbound: number;
    lateReplayed: number;
    futureSamples: number;
    registryErrors: number;
    /** Registry writes refused because this node's lease on the site was no longer current. */
    fencedWrites: number;
  };
}

/** Whether this node evaluates `siteId` now: its lease, or the static site list. */
export function ownsSite(core: LiveCore, siteId: string): boolean {
  if (core.deps.ownership) return core.deps.ownership.owns(siteId);
  const sites = core.deps.sites ?? [];
  return sites.length === 0 || sites.includes(siteId);
}

/**
 * A registry write for `siteId`: fenced by the site's lease when there is one — the lease of `token` when
 * given (the token the write was decided under).
 */
export function siteWrite<T>(
  core: LiveCore,
  siteId: string,
  fn: (reg: Registry) => Promise<T>,
  token?: number,
): Promise<T> {
  const o = core.deps.ownership;
  return o ? o.fenced(siteId, fn, token) : fn(core.deps.registry);
}

/** A fresh {@link LiveCore}. */
export function createLiveCore(deps: LiveServiceDeps): LiveCore {
  return {
    deps,
    clock: deps.clock ?? Date.now,
    log: deps.logger.child({ component: 'live' }),
    sessions: new Map(),
    bindings: new Map(),
    alertIndex: new Map(),
    unbound: new UnboundDevices(deps.unboundCaps),
    wornBy: new Map(),
    usernames: new Map(),
    maxClockSkewMs: deps.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS,
    clockFaults: new Map(),
    warming: new Map(),
    counters: {
      samples: 0,
      unbound: 0,
      lateReplayed: 0,
      futureSamples: 0,
      registryErrors: 0,
      fencedWrites: 0,
    },
  };
}
