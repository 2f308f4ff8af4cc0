import type {
  SessionFrame,
  SessionInfo,
  SessionSnapshot,
  SessionTraceResponse,
  TelemetryBatch,
} from '@zonewatch/protocol';
import { acknowledgeAlert } from './acknowledge.js';
import { AlertProjection } from './alerts.js';
import { frameOf, sessionHealthOf, snapshotOf, statsOf, wallHiddenOf } from './frames.js';
import {
  loadSession,
  participantChanged,
  phaseChanged,
  prescriptionChanged,
  syncRoster,
  unloadSession,
} from './roster.js';
import { endLiveSession } from './session-end.js';
import { applyBatch, tickAll, unboundDevices } from './telemetry.js';
import {
  type AckActor,
  type AckResult,
  createLiveCore,
  type LiveBroadcaster,
  type LiveCore,
  type LiveServiceDeps,
  type LiveStats,
  ownsSite,
  TAKEOVER_GRACE_MS,
  type UnboundList,
} from './types.js';
import { UNBOUND_LIST_LIMIT } from './unbound.js';
import { type WallHidden, wallFrame } from './wall-names.js';

/** Who a view is for: `wall` (a shared screen: no alias without wall-name consent) or `private`. */
export type LiveAudience = 'wall' | 'private';

export {
  type AckActor,
  type AckResult,
  ALERT_HORIZON_MS,
  type LiveBroadcaster,
  type LiveServiceDeps,
  type LiveStats,
  type UnboundList,
} from './types.js';

/**
 * The live side of ingest: one rules-engine state per participant of every active session this node owns,
 * fed by validated telemetry batches and a once-a-second tick. Alert events go to consoles at once, to the
 * registry (in order, one write chain) and to InfluxDB. Restores active sessions and open alerts from the
 * registry on start.
 *
 * A thin façade over the modules of this folder: `roster.ts` (sessions, roster binding, prescription
 * changes), `telemetry.ts` (batches, ticks, unbound devices), `alerts.ts` (alert projection and the
 * registry write chain), `acknowledge.ts`, `session-end.ts` (reports) and `frames.ts` (frames, health).
 */
export class LiveService {
  private readonly core: LiveCore;
  private readonly alerts: AlertProjection;

  constructor(deps: LiveServiceDeps) {
    this.core = createLiveCore(deps);
    this.alerts = new AlertProjection(this.core);
  }

  setBroadcaster(b: LiveBroadcaster): void {
    this.alerts.setBroadcaster(b);
  }

  /**
   * Loads every active session of the owned sites and restores their open alerts. With site leases
   * (`deps.ownership`) nothing is loaded here: each site is loaded by {@link takeSite} when its lease is taken.
   */
  async start(): Promise<void> {
    const { deps, log, sessions } = this.core;
    if (deps.ownership) return;
    const sites = deps.sites?.length ? { siteIds: deps.sites } : {};
    const active = await deps.registry.sessions.active(sites);
    for (const s of active) await loadSession(this.core, this.alerts, s.id);
    log.info({ sessions: sessions.size }, 'live sessions restored');
  }

  /**
   * This node took the site's lease (at start, or over from a node that died or handed it over): its active
   * sessions are restored from the registry exactly as at a restart — roster and bound devices, class phase,
   * open and acknowledged alerts with their ids.
   */
  async takeSite(siteId: string): Promise<number> {
    const active = await this.core.deps.registry.sessions.active({ siteIds: [siteId] });
    // Time-driven rules wait for the site's first batch (the broker's backlog) or a few seconds.
    this.core.warming.set(siteId, this.core.clock() + TAKEOVER_GRACE_MS);
    for (const s of active) await loadSession(this.core, this.alerts, s.id);
    this.core.log.info({ siteId, sessions: active.length }, 'site taken: live sessions restored');
    return active.length;
  }

  /**
   * The site is no longer this node's: its sessions' rule state is dropped without a write or an event (the
   * new owner restores them from the registry); its unbound devices are forgotten.
   */
  dropSite(siteId: string): void {
    for (const rt of [...this.core.sessions.values()])
      if (rt.info.siteId === siteId) unloadSession(this.core, rt.info.id);
    this.core.log.info({ siteId }, 'site dropped');
  }

  /** Waits for every registry write queued so far. */
  drain(): Promise<void> {
    return this.alerts.drain();
  }

  // ---- sessions ---------------------------------------------------------------------------------------

  /** After a session starts: loads roster and prescriptions, creates rule states, restores open alerts. */
  sessionStarted(sessionId: string): Promise<void> {
    return loadSession(this.core, this.alerts, sessionId);
  }

  /** Re-reads the live roster of a session: new participants get a rule state, devices are rebound. */
  async rosterChanged(sessionId: string): Promise<void> {
    const rt = this.core.sessions.get(sessionId);
    if (rt) await syncRoster(this.core, this.alerts, rt);
  }

  /** A new prescription version applies at once in every live session of the participant. */
  prescriptionChanged(participantId: string): Promise<void> {
    return prescriptionChanged(this.core, participantId);
  }

  /** A participant's alias changed: live sessions show the new one at once (next frame, every snapshot). */
  participantChanged(participantId: string): Promise<void> {
    return participantChanged(this.core, participantId);
  }

  /** The class moved to another phase (frames show it; recovery marks the end of exercise for HR recovery). */
  phaseChanged(sessionId: string): Promise<void> {
    return phaseChanged(this.core, sessionId);
  }

  /** After a session ends: writes each participant's report, closes what is still open, drops the room. */
  sessionEnded(sessionId: string): Promise<void> {
    return endLiveSession(this.core, this.alerts, sessionId);
  }

  sessionIds(): string[] {
    return [...this.core.sessions.keys()];
  }

  session(sessionId: string): SessionInfo | undefined {
    return this.core.sessions.get(sessionId)?.info;
  }

  // ---- telemetry --------------------------------------------------------------------------------------

  /**
   * Applies a validated, first-seen batch of a gateway of `siteId`; false (nothing applied) when this node
   * does not hold the site (a lease lost while the batch was on its way).
   */
  onBatch(siteId: string, batch: TelemetryBatch): boolean {
    if (this.core.deps.ownership && !this.core.deps.ownership.owns(siteId)) return false;
    applyBatch(this.core, this.alerts, siteId, batch);
    return true;
  }

  /** This node evaluates the site now (holds its lease, or owns it statically). */
  ownsSite(siteId: string): boolean {
    return ownsSite(this.core, siteId);
  }

  /** Once a second: time-based rules (signal lost), escalation and re-sound. */
  tick(now = this.core.clock()): void {
    tickAll(this.core, this.alerts, now);
  }

  /** Devices of a site seen within `withinMs` that no active session binds (pairing): the newest `limit`. */
  unboundDevices(siteId: string, withinMs: number, limit = UNBOUND_LIST_LIMIT): UnboundList {
    return unboundDevices(this.core, siteId, withinMs, limit);
  }

  // ---- alerts -----------------------------------------------------------------------------------------

  /** The session of an alert this node holds. */
  alertSession(alertId: string): SessionInfo | undefined {
    return this.core.alertIndex.get(alertId)?.session.info;
  }

  /** This node holds the alert's rule state. */
  hasAlert(alertId: string): boolean {
    return this.core.alertIndex.has(alertId);
  }

  /** Acknowledges an alert for `actor`: durable in the registry first, then silenced on every console. */
  acknowledge(alertId: string, actor: AckActor, note?: string): Promise<AckResult> {
    return acknowledgeAlert(this.core, this.alerts, alertId, actor, note);
  }

  // ---- views ------------------------------------------------------------------------------------------

  frame(
    sessionId: string,
    now = this.core.clock(),
    audience: LiveAudience = 'private',
  ): SessionFrame | undefined {
    const f = frameOf(this.core, sessionId, now);
    return f && audience === 'wall' ? wallFrame(f, this.wallHidden(sessionId)) : f;
  }

  snapshot(
    sessionId: string,
    now = this.core.clock(),
    audience: LiveAudience = 'private',
  ): SessionSnapshot | undefined {
    const s = snapshotOf(this.core, sessionId, now);
    return s && audience === 'wall' ? wallFrame(s, this.wallHidden(sessionId)) : s;
  }

  /** Who the session's shared screens show without a name (no wall-name consent), and how (issue 16). */
  wallHidden(sessionId: string): WallHidden {
    return wallHiddenOf(this.core, sessionId);
  }

  /**
   * Each participant's down-sampled trace of the last `withinMs` (bucket start as epoch ms), from the rules
   * engine: what a live chart opened mid-session starts with. Undefined when this node does not run it.
   */
  recentTrace(
    sessionId: string,
    withinMs: number,
    now = this.core.clock(),
  ): SessionTraceResponse['items'] | undefined {
    const rt = this.core.sessions.get(sessionId);
    if (!rt) return undefined;
    const from = now - withinMs;
    return [...rt.participants.values()].map((p) => {
      const { sessionStartMs, points } = p.monitor.trace();
      const extremes = p.monitor.traceHrExtremes();
      return {
        participantId: p.participantId,
        points: points
          .map((x, i) => ({
            at: sessionStartMs + x.tS * 1000,
            hr: x.hr,
            spo2: x.spo2,
            hrMin: extremes[i]?.hrMin ?? null,
            hrMax: extremes[i]?.hrMax ?? null,
          }))
          .filter((x) => x.at >= from && x.at <= now),
      };
    });
  }

  stats(): LiveStats {
    return statsOf(this.core);
  }

  /**
   * Loop iterations the rules engines of this node spent on time-dependent work so far (see
   * `ParticipantMonitor.work`): a jump in time of any size must add O(1) per participant (issue 12, ruling 4).
   */
  engineWork(): number {
    let work = 0;
    for (const rt of this.core.sessions.values())
      for (const p of rt.participants.values()) work += p.monitor.work;
    return work;
  }

  /** Per-session completeness for the `session` measurement: share of bound participants with a live sample. */
  sessionHealth(
    now = this.core.clock(),
  ): { siteId: string; sessionId: string; participants: number; completeness: number }[] {
    return sessionHealthOf(this.core, now);
  }
}
