import { phasesOf, type SessionInfo, type SessionSnapshot } from '@zonewatch/protocol';
import type { Logger } from 'pino';
import type { Server as SocketServer } from 'socket.io';
import type { Registry } from '../registry/index.js';
import type { AckActor, AckResult, LiveAudience, LiveService } from './service.js';
import { wallFrame } from './wall-names.js';

/** How long a node waits for the other nodes' answers (ms). */
export const CLUSTER_TIMEOUT_MS = 2_000;

const EV = {
  snapshot: 'zw:snapshot',
  ack: 'zw:ack',
  lifecycle: 'zw:lifecycle',
} as const;

type Lifecycle =
  | 'sessionStarted'
  | 'sessionEnded'
  | 'rosterChanged'
  | 'prescriptionChanged'
  | 'participantChanged'
  | 'phaseChanged';

/**
 * The live service as every ingest node sees it. Each node owns some sites (their rule state lives there
 * alone); with the Socket.IO Redis adapter a console may connect to any node: snapshots, acknowledgements
 * and lifecycle changes for sessions another node owns are asked of the other nodes, and that node's frames
 * and alert events reach the console's room through the adapter. Single node: everything is local.
 */
export class LiveRouter {
  constructor(
    private readonly live: LiveService,
    private readonly registry: Registry,
    private readonly io: SocketServer,
    private readonly clustered: boolean,
    private readonly log: Logger,
  ) {
    if (!clustered) return;
    io.on(
      EV.snapshot,
      (sessionId: string, audience: LiveAudience, reply: (s: SessionSnapshot | null) => void) =>
        reply(live.snapshot(sessionId, undefined, audience) ?? null),
    );
    io.on(
      EV.ack,
      (alertId: string, actor: AckActor, note: string | undefined, reply: (r: AckResult | null) => void) => {
        if (!live.hasAlert(alertId)) return reply(null);
        live.acknowledge(alertId, actor, note).then(reply, () => reply(null));
      },
    );
    io.on(EV.lifecycle, (what: Lifecycle, id: string) => {
      void this.local(what, id);
    });
  }

  private async remote<T>(event: string, ...args: unknown[]): Promise<T[]> {
    if (!this.clustered) return [];
    return new Promise<T[]>((resolve) => {
      // The adapter waits for every other node; one that does not answer in time only loses its share.
      const timer = setTimeout(() => {
        this.log.warn({ event }, 'no answer from other ingest nodes');
        resolve([]);
      }, CLUSTER_TIMEOUT_MS + 500);
      (this.io.serverSideEmit as (ev: string, ...a: unknown[]) => boolean)(
        event,
        ...args,
        (err: Error | null, responses: T[]) => {
          clearTimeout(timer);
          if (err) this.log.warn({ event, err: err.message }, 'some ingest nodes did not answer');
          resolve(responses ?? []);
        },
      );
    });
  }

  private async local(what: Lifecycle, id: string): Promise<void> {
    try {
      await this.live[what](id);
    } catch (e) {
      this.log.error({ what, id, err: (e as Error).message }, 'live lifecycle change failed');
    }
  }

  /** The session as consoles may see it: live on some node, or known to the registry. */
  async session(sessionId: string): Promise<SessionInfo | undefined> {
    const local = this.live.session(sessionId);
    if (local) return local;
    const s = await this.registry.sessions.get(sessionId);
    return s
      ? {
          id: s.id,
          siteId: s.siteId,
          name: s.name,
          nameCode: s.nameCode ?? null,
          nameAlias: s.nameAlias ?? null,
          kind: s.kind,
          status: s.status,
          startedAt: s.startedAt,
          endedAt: s.endedAt,
          phase: s.phase,
          phaseStartedAt: s.phaseStartedAt,
          phases: phasesOf(s.phasePlan, s.phaseStarts),
        }
      : undefined;
  }

  /**
   * What a console joining a session no node runs (ended, or not started) is shown: the session as the
   * registry has it and everyone who was on its roster, with no values (issue 14: an ended session's wall
   * says it ended and who took part, never "nobody is in this session"). On a wall, those without wall-name
   * consent are shown by seat (issue 16).
   */
  async registrySnapshot(
    info: SessionInfo,
    at: number,
    audience: LiveAudience = 'private',
  ): Promise<SessionSnapshot> {
    const roster = await this.registry.rosters.list(info.id, { includeUnbound: true });
    const removed = new Set(await this.registry.rosters.removed(info.id));
    const ids = [...new Set(roster.map((b) => b.participantId))].filter((id) => !removed.has(id));
    const participants = [];
    for (const id of ids) {
      const person = await this.registry.participants.get(id);
      participants.push({
        participantId: id,
        alias: person?.alias ?? id,
        hr: null,
        spo2: null,
        steps: null,
        cadence: null,
        battery: null,
        contact: null,
        zone: null,
        freshness: 'lost' as const,
        lastSampleAt: null,
        zoneLowBpm: null,
        zoneHighBpm: null,
        ceilingBpm: null,
        hrMode: 'off' as const,
        minutesInZone: null,
        targetMinutesInZone: null,
        bound: roster.some((b) => b.participantId === id && b.unboundAt === null),
      });
    }
    const snap: SessionSnapshot = { sessionId: info.id, at, session: info, participants, alerts: [] };
    if (audience !== 'wall') return snap;
    const unnamed = new Set(await this.registry.consent.missing(ids, 'wall-name'));
    const hidden = new Map(
      ids.flatMap((id, i) => {
        if (!unnamed.has(id)) return [];
        const deviceId = roster.find((b) => b.participantId === id && b.unboundAt === null)?.deviceId ?? null;
        return [[id, { kind: 'unnamed' as const, seat: i + 1, deviceId }] as const];
      }),
    );
    return wallFrame(snap, hidden);
  }

  /** The session an alert belongs to (this node's live state first, then the registry). */
  async alertSession(alertId: string): Promise<SessionInfo | undefined> {
    const local = this.live.alertSession(alertId);
    if (local) return local;
    const a = await this.registry.alerts.get(alertId);
    return a ? this.session(a.sessionId) : undefined;
  }

  /** The live snapshot for a console: `wall` (a shared screen) hides aliases without wall-name consent. */
  async snapshot(
    sessionId: string,
    audience: LiveAudience = 'private',
  ): Promise<SessionSnapshot | undefined> {
    const local = this.live.snapshot(sessionId, undefined, audience);
    if (local) return local;
    const answers = await this.remote<SessionSnapshot | null>(EV.snapshot, sessionId, audience);
    return answers.find((a) => a !== null) ?? undefined;
  }

  async acknowledge(alertId: string, actor: AckActor, note?: string): Promise<AckResult> {
    if (this.live.hasAlert(alertId) || !this.clustered) return this.live.acknowledge(alertId, actor, note);
    const answers = await this.remote<AckResult | null>(EV.ack, alertId, actor, note);
    return answers.find((a) => a !== null) ?? this.live.acknowledge(alertId, actor, note);
  }

  private async everywhere(what: Lifecycle, id: string): Promise<void> {
    await this.local(what, id);
    if (this.clustered) this.io.serverSideEmit(EV.lifecycle, what, id);
  }

  sessionStarted(sessionId: string): Promise<void> {
    return this.everywhere('sessionStarted', sessionId);
  }
  sessionEnded(sessionId: string): Promise<void> {
    return this.everywhere('sessionEnded', sessionId);
  }
  rosterChanged(sessionId: string): Promise<void> {
    return this.everywhere('rosterChanged', sessionId);
  }
  prescriptionChanged(participantId: string): Promise<void> {
    return this.everywhere('prescriptionChanged', participantId);
  }
  phaseChanged(sessionId: string): Promise<void> {
    return this.everywhere('phaseChanged', sessionId);
  }
  /** The node owning the participant's sessions may be another one: every node applies the change. */
  participantChanged(participantId: string): Promise<void> {
    return this.everywhere('participantChanged', participantId);
  }

  /**
   * A live session's recent traces, from this node. In a cluster only the node owning the site runs its
   * rules engine: elsewhere the answer is empty and the chart fills from frames as before.
   */
  recentTrace(sessionId: string, withinMs: number) {
    return this.live.recentTrace(sessionId, withinMs) ?? [];
  }

  /**
   * Unbound devices this node has seen. Telemetry of a site reaches only the node that owns it, so in a
   * cluster pairing is served by that node (consoles of the site should use it).
   */
  unboundDevices(siteId: string, withinMs: number, limit?: number) {
    return this.live.unboundDevices(siteId, withinMs, limit);
  }
}
