import { ParticipantMonitor, type ResolvedPrescription, resolvePrescription } from '@zonewatch/clinical';
import { phasePlanOf, phasesOf, type RuleId, type SessionInfo } from '@zonewatch/protocol';
import type { AlertRecord, SessionRecord } from '../registry/index.js';
import { newId } from '../registry/index.js';
import type { AlertProjection } from './alerts.js';
import { type LiveCore, ownsSite, type SessionRuntime } from './types.js';

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

/** Loads an active session of an owned site: roster, prescriptions, rule states, and its open alerts. */
export async function loadSession(core: LiveCore, alerts: AlertProjection, sessionId: string): Promise<void> {
  const reg = core.deps.registry;
  const s = await reg.sessions.get(sessionId);
  if (s?.status !== 'active') return;
  if (!ownsSite(core, s.siteId)) {
    // A site nobody holds yet (created a moment ago): taking it loads its sessions, this one included.
    await core.deps.ownership?.claim?.(s.siteId);
    return;
  }
  // The open alerts (and who acknowledged them) are read first: once the roster is in place they go back
  // into the monitors at once, with no wait in between in which a monitor could raise one of them again.
  const open = await reg.alerts.open({ sessionId });
  const ackers = new Map<string, string | null>();
  for (const a of open)
    if (a.acknowledgedBy && !ackers.has(a.acknowledgedBy))
      ackers.set(a.acknowledgedBy, (await reg.users.get(a.acknowledgedBy))?.username ?? null);
  if (core.sessions.has(sessionId)) unloadSession(core, sessionId);
  const info: SessionInfo = {
    id: s.id,
    siteId: s.siteId,
    name: s.name,
    nameCode: s.nameCode ?? null,
    nameAlias: s.nameAlias ?? null,
    kind: s.kind,
    status: 'active',
    startedAt: s.startedAt,
    endedAt: null,
  };
  const rt: SessionRuntime = { info, participants: new Map(), alerts: new Map(), loading: true };
  core.sessions.set(sessionId, rt);
  try {
    await syncRoster(core, alerts, rt, { restoring: true });
    applyPhases(rt, s);
    restoreAlerts(core, rt, open, ackers);
  } finally {
    rt.loading = false;
  }
}

/** Puts a loaded session's open alerts back into its monitors and its live alert list (no wait in between). */
function restoreAlerts(
  core: LiveCore,
  rt: SessionRuntime,
  open: readonly AlertRecord[],
  ackers: ReadonlyMap<string, string | null>,
): void {
  const sessionId = rt.info.id;
  const now = core.clock();
  for (const a of open) {
    const p = rt.participants.get(a.participantId);
    if (!p) continue;
    p.monitor.restoreAlert(
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
    core.alertIndex.set(a.id, { session: rt, p });
    const ackBy = a.acknowledgedBy ? (ackers.get(a.acknowledgedBy) ?? null) : null;
    if (a.acknowledgedBy && ackBy) core.usernames.set(a.acknowledgedBy, ackBy);
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

/**
 * The session's class phases as the registry holds them (issue 14): current phase, its start and each
 * phase's plan (fixed at the first move; before that, from the participants' FITT) go into every frame;
 * the start of `recovery` is "exercise ended" for every participant's HR recovery.
 */
export function applyPhases(rt: SessionRuntime, s: SessionRecord): void {
  const plan =
    Object.keys(s.phasePlan).length > 0
      ? s.phasePlan
      : phasePlanOf([...rt.participants.values()].map((p) => p.rx?.fitt));
  rt.info = {
    ...rt.info,
    phase: s.phase,
    phaseStartedAt: s.phaseStartedAt,
    phases: phasesOf(plan, s.phaseStarts),
  };
  const exerciseEnd = s.phaseStarts.recovery;
  if (exerciseEnd !== undefined)
    for (const p of rt.participants.values()) p.monitor.markExerciseEnd(exerciseEnd);
}

/** The class moved to another phase: frames show it, and recovery marks the end of exercise. */
export async function phaseChanged(core: LiveCore, sessionId: string): Promise<void> {
  const rt = core.sessions.get(sessionId);
  if (!rt) return;
  const s = await core.deps.registry.sessions.get(sessionId);
  if (s) applyPhases(rt, s);
}

/** Forgets a session: its device bindings, alert index entries and runtime. */
export function unloadSession(core: LiveCore, sessionId: string): void {
  const rt = core.sessions.get(sessionId);
  if (!rt) return;
  for (const p of rt.participants.values())
    for (const d of p.deviceIds) core.bindings.delete(`${rt.info.siteId}/${d}`);
  for (const id of rt.alerts.keys()) core.alertIndex.delete(id);
  core.sessions.delete(sessionId);
}

/**
 * Re-reads the roster of a session. Its members are everyone ever bound in it and not removed since: a
 * member whose devices were all unbound stays in the session, unmonitored (UNMONITORED alert, issue 14),
 * until a device is bound again or the instructor removes them. New members get a rule state, devices are
 * rebound, and the engine's bound/unbound input follows; the events it returns are stored and shown.
 */
export async function syncRoster(
  core: LiveCore,
  alerts: AlertProjection,
  rt: SessionRuntime,
  opts: { restoring?: boolean } = {},
): Promise<void> {
  const reg = core.deps.registry;
  const roster = await reg.rosters.list(rt.info.id, { includeUnbound: true });
  const removed = new Set(await reg.rosters.removed(rt.info.id));
  const byParticipant = new Map<string, string[]>();
  for (const b of roster) {
    if (removed.has(b.participantId)) continue;
    const devices = byParticipant.get(b.participantId) ?? [];
    if (b.unboundAt === null) devices.push(b.deviceId);
    byParticipant.set(b.participantId, devices);
  }
  const now = core.clock();
  // A member removed earlier and bound again starts over with a fresh rule state.
  for (const [id, p] of rt.participants)
    if (p.removed && byParticipant.has(id)) {
      for (const d of p.deviceIds) core.bindings.delete(`${rt.info.siteId}/${d}`);
      rt.participants.delete(id);
    }
  const newIds = [...byParticipant.keys()].filter((id) => !rt.participants.has(id));
  const rxs = new Map(
    (newIds.length ? await reg.prescriptions.currentMany(newIds, core.clock()) : []).map((r) => [
      r.participantId,
      r,
    ]),
  );
  const unnamed = new Set(newIds.length ? await reg.consent.missing(newIds, 'wall-name') : []);
  for (const id of newIds) {
    const person = await reg.participants.get(id);
    const rx = resolveFor(core, id, rxs.get(id)?.body);
    const monitor = new ParticipantMonitor(
      rx ?? resolvePrescription(NO_PRESCRIPTION),
      core.deps.settings,
      rt.info.startedAt ?? now,
      {
        // Alert ids must stay unique across restarts (the engine counts from 1 in every new state).
        participantId: newId('al'),
        // A member without a device after a restart counts as unmonitored from now (its open UNMONITORED
        // alert, if any, is restored just after).
        bound: !opts.restoring || (byParticipant.get(id)?.length ?? 0) > 0,
      },
    );
    if (!monitor.bound) monitor.setBound(false, now);
    rt.participants.set(id, {
      participantId: id,
      alias: person?.alias ?? id,
      seat: Math.max(0, ...[...rt.participants.values()].map((x) => x.seat)) + 1,
      wallName: !unnamed.has(id),
      rx,
      monitor,
      deviceIds: new Set(),
      battery: null,
      gatewayId: 'unknown',
      clockFaultAt: null,
      removed: false,
    });
  }
  for (const [id, p] of rt.participants) {
    if (p.removed) continue;
    for (const d of p.deviceIds) core.bindings.delete(`${rt.info.siteId}/${d}`);
    if (removed.has(id)) {
      p.deviceIds = new Set();
      p.removed = true;
      const events = p.monitor.leave(now);
      if (events.length) alerts.handle(rt, p, events);
      continue;
    }
    p.deviceIds = new Set(byParticipant.get(id) ?? []);
    for (const d of p.deviceIds) {
      core.bindings.set(`${rt.info.siteId}/${d}`, { session: rt, p });
      core.unbound.delete(rt.info.siteId, d);
    }
    const events = p.monitor.setBound(p.deviceIds.size > 0, now);
    if (events.length) alerts.handle(rt, p, events);
  }
}

function resolveFor(core: LiveCore, participantId: string, body: unknown): ResolvedPrescription | null {
  if (body === undefined) {
    core.log.warn({ participantId }, 'participant has no prescription in force: HR zone rules off');
    return null;
  }
  try {
    return resolvePrescription(body, core.deps.settings);
  } catch (e) {
    core.log.error(
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
export async function prescriptionChanged(core: LiveCore, participantId: string): Promise<void> {
  const runtimes = [...core.sessions.values()].flatMap((rt) => {
    const p = rt.participants.get(participantId);
    return p ? [p] : [];
  });
  if (runtimes.length === 0) return;
  const current = await core.deps.registry.prescriptions.current(participantId, core.clock());
  const rx = current ? resolveFor(core, participantId, current.body) : null;
  if (!rx) return;
  for (const p of runtimes) {
    p.monitor.changePrescription(rx, core.deps.settings);
    p.rx = rx;
  }
  core.log.info(
    { participantId, sessions: runtimes.length },
    'prescription changed; applied to the live session',
  );
}

/**
 * A participant's alias changed in the registry (a real name typed by mistake, say), or their wall-name
 * consent (issue 16): every live session of the participant shows the new alias, or none on shared screens,
 * from the next frame, snapshot and alert event on (issue 13, hole 10).
 */
export async function participantChanged(core: LiveCore, participantId: string): Promise<void> {
  const live = [...core.sessions.values()].filter((rt) => rt.participants.has(participantId));
  if (live.length === 0) return;
  const person = await core.deps.registry.participants.get(participantId);
  if (!person) return;
  const wallName = await core.deps.registry.consent.has(participantId, 'wall-name');
  for (const rt of live) {
    const p = rt.participants.get(participantId)!;
    p.alias = person.alias;
    p.wallName = wallName;
    for (const [id, a] of rt.alerts)
      if (a.participantId === participantId) rt.alerts.set(id, { ...a, alias: person.alias });
  }
  core.log.info(
    { participantId, sessions: live.length },
    'participant changed; alias and wall-name consent applied to live sessions',
  );
}
