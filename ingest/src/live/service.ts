import {
  acknowledge as ackRule,
  createParticipant,
  type EngineEvent,
  endSession,
  evaluateSample,
  type ParticipantState,
  type ResolvedPrescription,
  type RuleId,
  type Sample as RuleSample,
  type RuleSettings,
  resolvePrescription,
  restoreAlert,
  sessionReport,
  setBound,
  tick as tickRule,
  view,
  withPrescription,
} from '@zonewatch/clinical';
import type {
  Alert,
  ParticipantLive,
  SessionFrame,
  SessionInfo,
  SessionSnapshot,
  TelemetryBatch,
  AlertEvent as WireAlertEvent,
  Sample as WireSample,
} from '@zonewatch/protocol';
import type { Logger } from 'pino';
import { newId, type Registry } from '../registry/index.js';
import type { DeviceKind, TelemetryWriter } from '../telemetry/index.js';

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

/** Where alert events and frames go (Socket.IO rooms in the app). */
export interface LiveBroadcaster {
  alert(event: WireAlertEvent): void;
}

export interface LiveServiceDeps {
  registry: Registry;
  writer: TelemetryWriter;
  logger: Logger;
  clock?: () => number;
  /** Sites this node owns; empty = all. */
  sites?: readonly string[];
  /** Site-level rule settings (defaults when absent). */
  settings?: RuleSettings;
}

export interface LiveStats {
  sessions: number;
  participants: number;
  samples: number;
  unbound: number;
  /** Replayed samples older than the alert horizon: stored, not evaluated. */
  lateReplayed: number;
  alertsOpen: number;
  registryErrors: number;
}

interface ParticipantRuntime {
  participantId: string;
  alias: string;
  rx: ResolvedPrescription | null;
  state: ParticipantState;
  deviceIds: Set<string>;
  battery: number | null;
  gatewayId: string;
}

interface SessionRuntime {
  info: SessionInfo;
  participants: Map<string, ParticipantRuntime>;
  /** Live alerts (not closed) of the session, as consoles see them. */
  alerts: Map<string, Alert>;
}

const KIND_OF: Record<WireSample['kind'], DeviceKind | null> = {
  hr: 'hr-strap',
  spo2: 'oximeter',
  steps: 'pedometer',
  battery: null,
};

/**
 * Without a usable prescription a participant still gets SpO2 and signal rules, never a guessed HR zone:
 * `hrMode: off` disables the HR zone and ceiling rules, and the tile shows no zone.
 */
const NO_PRESCRIPTION = {
  age: 60,
  hrRest: 60,
  hrMax: { source: 'override', bpm: 220 },
  zone: { method: 'bpm', low: 60, high: 200 },
  ceilingBpm: 210,
  hrMode: 'off',
} as const;

/**
 * The live side of ingest: one rules-engine state per participant of every active session this node owns,
 * fed by validated telemetry batches and a once-a-second tick. Alert events go to consoles at once, to the
 * registry (in order, one write chain) and to InfluxDB. Restores active sessions and open alerts from the
 * registry on start.
 */
export class LiveService {
  private readonly sessions = new Map<string, SessionRuntime>();
  /** `${siteId}/${deviceId}` → the participant wearing it in an active session. */
  private readonly bindings = new Map<string, { session: SessionRuntime; p: ParticipantRuntime }>();
  /** alert id → where it lives. */
  private readonly alertIndex = new Map<string, { session: SessionRuntime; p: ParticipantRuntime }>();
  private readonly unbound = new Map<
    string,
    { siteId: string; deviceId: string; kind: DeviceKind | null; lastSeenAt: number }
  >();
  private readonly clock: () => number;
  private readonly log: Logger;
  private chain: Promise<unknown> = Promise.resolve();
  private broadcaster: LiveBroadcaster | undefined;
  private readonly counters = { samples: 0, unbound: 0, lateReplayed: 0, registryErrors: 0 };

  constructor(private readonly deps: LiveServiceDeps) {
    this.clock = deps.clock ?? Date.now;
    this.log = deps.logger.child({ component: 'live' });
  }

  setBroadcaster(b: LiveBroadcaster): void {
    this.broadcaster = b;
  }

  private owns(siteId: string): boolean {
    const sites = this.deps.sites ?? [];
    return sites.length === 0 || sites.includes(siteId);
  }

  /** Loads every active session of the owned sites and restores their open alerts. */
  async start(): Promise<void> {
    const sites = this.deps.sites?.length ? { siteIds: this.deps.sites } : {};
    const active = await this.deps.registry.sessions.active(sites);
    for (const s of active) await this.loadSession(s.id);
    this.log.info({ sessions: this.sessions.size }, 'live sessions restored');
  }

  /** Waits for every registry write queued so far. */
  async drain(): Promise<void> {
    await this.chain;
  }

  // ---- sessions ---------------------------------------------------------------------------------------

  /** After a session starts: loads roster and prescriptions, creates rule states, restores open alerts. */
  async sessionStarted(sessionId: string): Promise<void> {
    await this.loadSession(sessionId);
  }

  private async loadSession(sessionId: string): Promise<void> {
    const reg = this.deps.registry;
    const s = await reg.sessions.get(sessionId);
    if (s?.status !== 'active' || !this.owns(s.siteId)) return;
    if (this.sessions.has(sessionId)) this.unloadSession(sessionId);
    const info: SessionInfo = {
      id: s.id,
      siteId: s.siteId,
      name: s.name,
      kind: s.kind,
      status: 'active',
      startedAt: s.startedAt,
      endedAt: null,
    };
    const rt: SessionRuntime = { info, participants: new Map(), alerts: new Map() };
    this.sessions.set(sessionId, rt);
    await this.syncRoster(rt);
    const now = this.clock();
    for (const a of await reg.alerts.open({ sessionId })) {
      const p = rt.participants.get(a.participantId);
      if (!p) continue;
      restoreAlert(
        p.state,
        {
          alertId: a.id,
          rule: a.rule as RuleId,
          severity: a.severity,
          unconfirmed: a.unconfirmed,
          raisedAt: a.raisedAt,
          conditionCleared: a.conditionCleared,
          acknowledgedAt: a.acknowledgedAt,
          acknowledgedBy: a.acknowledgedBy,
          escalationLevel: a.escalationLevel,
        },
        now,
      );
      this.alertIndex.set(a.id, { session: rt, p });
      const ackBy = a.acknowledgedBy ? ((await reg.users.get(a.acknowledgedBy))?.username ?? null) : null;
      rt.alerts.set(a.id, {
        id: a.id,
        sessionId,
        participantId: a.participantId,
        alias: p.alias,
        rule: a.rule as RuleId,
        severity: a.severity,
        ...(a.unconfirmed ? { unconfirmed: true } : {}),
        state: a.state === 'acknowledged' ? 'acknowledged' : 'open',
        conditionCleared: a.conditionCleared,
        raisedAt: a.raisedAt,
        acknowledgedAt: a.acknowledgedAt,
        acknowledgedBy: ackBy,
        closedAt: null,
        escalationLevel: a.escalationLevel,
      });
    }
  }

  /** Re-reads the live roster of a session: new participants get a rule state, devices are rebound. */
  async rosterChanged(sessionId: string): Promise<void> {
    const rt = this.sessions.get(sessionId);
    if (rt) await this.syncRoster(rt);
  }

  private async syncRoster(rt: SessionRuntime): Promise<void> {
    const reg = this.deps.registry;
    const roster = await reg.rosters.list(rt.info.id);
    const byParticipant = new Map<string, string[]>();
    for (const b of roster)
      byParticipant.set(b.participantId, [...(byParticipant.get(b.participantId) ?? []), b.deviceId]);
    const newIds = [...byParticipant.keys()].filter((id) => !rt.participants.has(id));
    const rxs = new Map(
      (newIds.length ? await reg.prescriptions.currentMany(newIds, this.clock()) : []).map((r) => [
        r.participantId,
        r,
      ]),
    );
    for (const id of newIds) {
      const person = await reg.participants.get(id);
      const rx = this.resolve(id, rxs.get(id)?.body);
      const state = createParticipant(
        rx ?? resolvePrescription(NO_PRESCRIPTION),
        this.deps.settings,
        rt.info.startedAt ?? this.clock(),
        {
          // Alert ids must stay unique across restarts (the engine counts from 1 in every new state).
          participantId: newId('al'),
        },
      );
      rt.participants.set(id, {
        participantId: id,
        alias: person?.alias ?? id,
        rx,
        state,
        deviceIds: new Set(),
        battery: null,
        gatewayId: 'unknown',
      });
    }
    for (const [id, p] of rt.participants) {
      for (const d of p.deviceIds) this.bindings.delete(`${rt.info.siteId}/${d}`);
      p.deviceIds = new Set(byParticipant.get(id) ?? []);
      for (const d of p.deviceIds) {
        this.bindings.set(`${rt.info.siteId}/${d}`, { session: rt, p });
        this.unbound.delete(`${rt.info.siteId}/${d}`);
      }
      setBound(p.state, p.deviceIds.size > 0);
    }
  }

  private resolve(participantId: string, body: unknown): ResolvedPrescription | null {
    if (body === undefined) {
      this.log.warn({ participantId }, 'participant has no prescription in force: HR zone rules off');
      return null;
    }
    try {
      return resolvePrescription(body, this.deps.settings);
    } catch (e) {
      this.log.error(
        { participantId, err: (e as Error).message },
        'prescription cannot be resolved: HR zone rules off',
      );
      return null;
    }
  }

  /**
   * A new prescription version applies at once in every live session of the participant: open alerts, signal
   * history and metrics carry over, thresholds change (a prescription that cannot be resolved is ignored).
   */
  async prescriptionChanged(participantId: string): Promise<void> {
    const runtimes = [...this.sessions.values()].flatMap((rt) => {
      const p = rt.participants.get(participantId);
      return p ? [p] : [];
    });
    if (runtimes.length === 0) return;
    const current = await this.deps.registry.prescriptions.current(participantId, this.clock());
    const rx = current ? this.resolve(participantId, current.body) : null;
    if (!rx) return;
    for (const p of runtimes) {
      p.state = withPrescription(p.state, rx, this.deps.settings);
      p.rx = rx;
    }
    this.log.info(
      { participantId, sessions: runtimes.length },
      'prescription changed; applied to the live session',
    );
  }

  /** After a session ends: writes each participant's report, closes what is still open, drops the room. */
  async sessionEnded(sessionId: string): Promise<void> {
    const rt = this.sessions.get(sessionId);
    if (!rt) return;
    const s = await this.deps.registry.sessions.get(sessionId);
    const endMs = s?.endedAt ?? this.clock();
    await this.drain();
    const usernames = new Map<string, string>();
    const username = async (userId: string | null) => {
      if (userId === null) return null;
      if (!usernames.has(userId))
        usernames.set(userId, (await this.deps.registry.users.get(userId))?.username ?? userId);
      return usernames.get(userId) ?? userId;
    };
    for (const p of rt.participants.values()) {
      endSession(p.state);
      const raw = sessionReport(p.state, endMs);
      // Reports outlive accounts: they name who acknowledged, not an internal id.
      const alerts = [];
      for (const a of raw.alerts) alerts.push({ ...a, acknowledgedBy: await username(a.acknowledgedBy) });
      const report = { ...raw, alerts };
      await this.deps.registry.reports.save({
        sessionId,
        participantId: p.participantId,
        body: {
          ...report,
          alias: p.alias,
          zone: p.rx
            ? {
                lowBpm: p.rx.zoneLowBpm,
                highBpm: p.rx.zoneHighBpm,
                ceilingBpm: p.rx.ceilingBpm,
                hrMode: p.rx.hrMode,
              }
            : null,
        },
        atMs: endMs,
      });
    }
    for (const a of [...rt.alerts.values()]) {
      await this.registryWrite(() =>
        this.deps.registry.alerts.recordEvent({
          alertId: a.id,
          event: 'closed',
          atMs: endMs,
          actorId: null,
          note: 'session ended',
        }),
      );
      this.emit(rt, { ...a, state: 'closed', closedAt: endMs }, 'closed', endMs);
    }
    this.unloadSession(sessionId);
  }

  private unloadSession(sessionId: string): void {
    const rt = this.sessions.get(sessionId);
    if (!rt) return;
    for (const p of rt.participants.values())
      for (const d of p.deviceIds) this.bindings.delete(`${rt.info.siteId}/${d}`);
    for (const id of rt.alerts.keys()) this.alertIndex.delete(id);
    this.sessions.delete(sessionId);
  }

  sessionIds(): string[] {
    return [...this.sessions.keys()];
  }

  session(sessionId: string): SessionInfo | undefined {
    return this.sessions.get(sessionId)?.info;
  }

  // ---- telemetry --------------------------------------------------------------------------------------

  /** Applies a validated, first-seen batch of a gateway of `siteId`. */
  onBatch(siteId: string, batch: TelemetryBatch): void {
    const now = this.clock();
    const horizon = now - ALERT_HORIZON_MS;
    const perParticipant = new Map<ParticipantRuntime, { rt: SessionRuntime; samples: WireSample[] }>();
    for (const sample of batch.samples) {
      const key = `${siteId}/${sample.device}`;
      const bound = this.bindings.get(key);
      if (!bound) {
        this.counters.unbound++;
        const prev = this.unbound.get(key);
        this.unbound.set(key, {
          siteId,
          deviceId: sample.device,
          kind: KIND_OF[sample.kind] ?? prev?.kind ?? null,
          lastSeenAt: now,
        });
        continue;
      }
      bound.p.gatewayId = batch.gatewayId;
      let group = perParticipant.get(bound.p);
      if (!group) {
        group = { rt: bound.session, samples: [] };
        perParticipant.set(bound.p, group);
      }
      group.samples.push(sample);
    }
    for (const [p, { rt, samples }] of perParticipant) {
      samples.sort((a, b) => a.t - b.t);
      for (const s of samples) {
        this.counters.samples++;
        const ctx = {
          site: rt.info.siteId,
          session: rt.info.id,
          participant: p.participantId,
          gateway: batch.gatewayId,
        };
        if (s.kind === 'battery') {
          p.battery = s.percent;
          this.deps.writer.writeSample(ctx, s);
          continue;
        }
        if (batch.replayed && s.t < horizon) {
          this.counters.lateReplayed++;
          this.deps.writer.writeSample({ ...ctx, deviceKind: KIND_OF[s.kind] ?? 'hr-strap' }, s);
          continue;
        }
        const { events } = evaluateSample(p.state, toRuleSample(s));
        if (s.kind === 'hr') {
          const latest = p.state.latest.hr;
          const usable = latest !== null && latest.t === s.t && latest.usable;
          const zone = usable ? view(p.state, s.t).zoneState : null;
          this.deps.writer.writeSample(
            { ...ctx, deviceKind: 'hr-strap' },
            s,
            zone && p.rx ? { usable, zone } : { usable },
          );
        } else {
          this.deps.writer.writeSample({ ...ctx, deviceKind: KIND_OF[s.kind] ?? 'pedometer' }, s);
        }
        if (events.length) this.handle(rt, p, events);
      }
    }
  }

  /** Once a second: time-based rules (signal lost), escalation and re-sound. */
  tick(now = this.clock()): void {
    for (const rt of this.sessions.values()) {
      for (const p of rt.participants.values()) {
        const { events } = tickRule(p.state, now);
        if (events.length) this.handle(rt, p, events);
      }
    }
  }

  // ---- alerts -----------------------------------------------------------------------------------------

  private handle(rt: SessionRuntime, p: ParticipantRuntime, events: readonly EngineEvent[]): void {
    for (const e of events) {
      const prev = rt.alerts.get(e.alertId);
      let next: Alert | undefined;
      switch (e.event) {
        case 'raised':
          next = {
            id: e.alertId,
            sessionId: rt.info.id,
            participantId: p.participantId,
            alias: p.alias,
            rule: e.rule,
            severity: e.severity,
            ...(e.unconfirmed ? { unconfirmed: true } : {}),
            state: 'open',
            conditionCleared: false,
            raisedAt: e.t,
            acknowledgedAt: null,
            acknowledgedBy: null,
            closedAt: null,
            escalationLevel: 0,
          };
          this.alertIndex.set(e.alertId, { session: rt, p });
          this.registryWrite(() =>
            this.deps.registry.alerts.raise({
              id: e.alertId,
              sessionId: rt.info.id,
              participantId: p.participantId,
              rule: e.rule,
              severity: e.severity,
              unconfirmed: e.unconfirmed === true,
              atMs: e.t,
            }),
          );
          break;
        case 'upgraded':
          if (!prev) continue;
          next = {
            ...prev,
            severity: e.severity,
            escalationLevel: 0,
            state: prev.state === 'acknowledged' ? 'open' : prev.state,
          };
          if (e.unconfirmed) next.unconfirmed = true;
          else delete next.unconfirmed;
          this.registryWrite(() =>
            this.deps.registry.alerts.recordEvent({
              alertId: e.alertId,
              event: 'upgraded',
              atMs: e.t,
              severity: e.severity,
              unconfirmed: e.unconfirmed === true,
            }),
          );
          break;
        case 'cleared':
          if (!prev) continue;
          next = { ...prev, conditionCleared: true };
          this.registryWrite(() =>
            this.deps.registry.alerts.recordEvent({ alertId: e.alertId, event: 'cleared', atMs: e.t }),
          );
          break;
        case 'escalated':
          if (!prev) continue;
          next = { ...prev, escalationLevel: e.level };
          this.registryWrite(() =>
            this.deps.registry.alerts.recordEvent({
              alertId: e.alertId,
              event: 'escalated',
              atMs: e.t,
              escalationLevel: e.level,
            }),
          );
          break;
        case 'resounded':
          if (!prev) continue;
          next = { ...prev, state: 'open' };
          this.registryWrite(() =>
            this.deps.registry.alerts.recordEvent({ alertId: e.alertId, event: 'resounded', atMs: e.t }),
          );
          break;
        case 'acknowledged':
          // Recorded by acknowledge() before the engine sees it.
          if (!prev) continue;
          next = { ...prev, state: 'acknowledged', acknowledgedAt: prev.acknowledgedAt ?? e.t };
          break;
        case 'closed':
          // The registry closes an alert by the same invariant (cleared, and acknowledged if critical).
          if (!prev) continue;
          next = { ...prev, state: 'closed', closedAt: e.t };
          break;
      }
      if (!next) continue;
      this.emit(rt, next, e.event, e.t, e.event === 'acknowledged' ? e.actor : undefined);
    }
  }

  private emit(
    rt: SessionRuntime,
    alert: Alert,
    event: WireAlertEvent['event'],
    at: number,
    actor?: string,
  ): void {
    if (alert.state === 'closed') {
      rt.alerts.delete(alert.id);
      this.alertIndex.delete(alert.id);
    } else {
      rt.alerts.set(alert.id, alert);
    }
    const ev: WireAlertEvent = { sessionId: rt.info.id, at, event, alert, ...(actor ? { actor } : {}) };
    this.broadcaster?.alert(ev);
    if (event !== 'resounded') this.deps.writer.writeAlertEvent({ ...ev, site: rt.info.siteId });
  }

  private registryWrite<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const run = this.chain.then(fn).catch((e: unknown) => {
      this.counters.registryErrors++;
      this.log.error(
        { err: (e as Error).message, code: (e as { code?: string }).code },
        'registry write failed',
      );
      return undefined;
    });
    this.chain = run;
    return run;
  }

  /** The session of an alert this node holds. */
  alertSession(alertId: string): SessionInfo | undefined {
    return this.alertIndex.get(alertId)?.session.info;
  }

  /** This node holds the alert's rule state. */
  hasAlert(alertId: string): boolean {
    return this.alertIndex.has(alertId);
  }

  /** Acknowledges an alert for `actor`: durable in the registry first, then silenced on every console. */
  async acknowledge(alertId: string, actor: AckActor, note?: string): Promise<AckResult> {
    const where = this.alertIndex.get(alertId);
    if (!where) {
      const stored = await this.deps.registry.alerts.get(alertId);
      if (!stored) return { ok: false, code: 'not-found' };
      return { ok: false, code: stored.state === 'closed' ? 'already-closed' : 'not-found' };
    }
    const { session: rt, p } = where;
    const now = this.clock();
    const r = ackRule(p.state, alertId, actor.userId, now, note);
    if (r.error) {
      return { ok: false, code: r.error === 'unknown-alert' ? 'not-found' : r.error };
    }
    await this.registryWrite(() =>
      this.deps.registry.alerts.recordEvent({
        alertId,
        event: 'acknowledged',
        atMs: now,
        actorId: actor.userId,
        note: note ?? null,
      }),
    );
    const prev = rt.alerts.get(alertId);
    if (prev) rt.alerts.set(alertId, { ...prev, acknowledgedBy: actor.username, acknowledgedAt: now });
    this.handle(
      rt,
      p,
      r.events.map((e) => (e.event === 'acknowledged' ? { ...e, actor: actor.username } : e)),
    );
    const after = rt.alerts.get(alertId);
    const closed = r.events.some((e) => e.event === 'closed');
    return {
      ok: true,
      alert: after ?? {
        ...(prev as Alert),
        state: closed ? 'closed' : 'acknowledged',
        acknowledgedAt: now,
        acknowledgedBy: actor.username,
        closedAt: closed ? now : null,
      },
    };
  }

  /** Devices of a site seen within `withinMs` that no active session binds (pairing). */
  unboundDevices(
    siteId: string,
    withinMs: number,
  ): { deviceId: string; kind: string | null; lastSeenAt: number }[] {
    const since = this.clock() - withinMs;
    return [...this.unbound.values()]
      .filter((d) => d.siteId === siteId && d.lastSeenAt >= since)
      .sort((a, b) => b.lastSeenAt - a.lastSeenAt)
      .map(({ deviceId, kind, lastSeenAt }) => ({ deviceId, kind, lastSeenAt }));
  }

  // ---- views ------------------------------------------------------------------------------------------

  frame(sessionId: string, now = this.clock()): SessionFrame | undefined {
    const rt = this.sessions.get(sessionId);
    if (!rt) return undefined;
    return {
      sessionId,
      at: now,
      participants: [...rt.participants.values()].map((p) => participantLive(p, now)),
    };
  }

  snapshot(sessionId: string, now = this.clock()): SessionSnapshot | undefined {
    const rt = this.sessions.get(sessionId);
    const f = this.frame(sessionId, now);
    if (!rt || !f) return undefined;
    return { ...f, session: rt.info, alerts: [...rt.alerts.values()] };
  }

  stats(): LiveStats {
    let participants = 0;
    let alertsOpen = 0;
    for (const rt of this.sessions.values()) {
      participants += rt.participants.size;
      alertsOpen += rt.alerts.size;
    }
    return { sessions: this.sessions.size, participants, alertsOpen, ...this.counters };
  }

  /** Per-session completeness for the `session` measurement: share of bound participants with a live sample. */
  sessionHealth(
    now = this.clock(),
  ): { siteId: string; sessionId: string; participants: number; completeness: number }[] {
    return [...this.sessions.values()].map((rt) => {
      const bound = [...rt.participants.values()].filter((p) => p.deviceIds.size > 0);
      const live = bound.filter((p) => view(p.state, now).freshness === 'live').length;
      return {
        siteId: rt.info.siteId,
        sessionId: rt.info.id,
        participants: bound.length,
        completeness: bound.length ? Math.round((live / bound.length) * 1000) / 10 : 0,
      };
    });
  }
}

function toRuleSample(s: Exclude<WireSample, { kind: 'battery' }>): RuleSample {
  switch (s.kind) {
    case 'hr':
      return { t: s.t, hr: s.bpm, contact: s.contact ?? null, rrMs: s.rrMs ?? null };
    case 'spo2':
      return { t: s.t, spo2: s.spo2 };
    case 'steps':
      return { t: s.t, steps: s.steps, cadence: s.cadence ?? null };
  }
}

function participantLive(p: ParticipantRuntime, now: number): ParticipantLive {
  const v = view(p.state, now);
  const lastSampleAt = Math.max(v.hr?.t ?? -1, v.spo2?.t ?? -1);
  return {
    participantId: p.participantId,
    alias: p.alias,
    hr: v.hr && v.hr.freshness !== 'lost' ? v.hr.value : null,
    spo2: v.spo2 && v.spo2.freshness !== 'lost' ? v.spo2.value : null,
    steps: v.steps,
    cadence: v.cadence,
    battery: p.battery,
    contact: v.contact,
    zone: p.rx ? v.zoneState : null,
    freshness: v.freshness,
    lastSampleAt: lastSampleAt < 0 ? null : lastSampleAt,
    zoneLowBpm: p.rx?.zoneLowBpm ?? null,
    zoneHighBpm: p.rx?.zoneHighBpm ?? null,
    ceilingBpm: p.rx?.ceilingBpm ?? null,
    hrMode: p.rx?.hrMode ?? 'off',
  };
}
