import { type ResolvedPrescription, resolvePrescription } from '@zonewatch/clinical';
import type {
  Alert,
  AlertEventRecordView,
  ApiSession,
  PrescriptionRecordView,
  ResolvedPrescriptionView,
  RosterEntryView,
  SessionSummary,
  ZoneSummary,
} from '@zonewatch/protocol';
import { phasesOf, SEVERITIES } from '@zonewatch/protocol';
import type {
  AlertEventRecord,
  AlertRecord,
  PrescriptionRecord,
  Registry,
  RosterBinding,
  SessionRecord,
} from '../registry/index.js';

/** A registry session as the API shows it. */
/** Zero open alerts of every severity. */
function noAlerts(): SessionSummary['openAlerts'] {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SessionSummary['openAlerts'];
}

export function sessionView(s: SessionRecord): ApiSession {
  return {
    id: s.id,
    siteId: s.siteId,
    name: s.name,
    nameCode: s.nameCode ?? null,
    nameAlias: s.nameAlias ?? null,
    kind: s.kind,
    status: s.status,
    classId: s.classId,
    coachId: s.coachId,
    scheduledAt: s.scheduledAt,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    createdAt: s.createdAt,
    phase: s.phase,
    phaseStartedAt: s.phaseStartedAt,
    phases: phasesOf(s.phasePlan, s.phaseStarts),
  };
}

/** Sessions with their participant count and open-alert counts (one alert query for the lot). */
export async function sessionSummaries(
  registry: Registry,
  sessions: readonly SessionRecord[],
): Promise<SessionSummary[]> {
  if (sessions.length === 0) return [];
  const siteIds = [...new Set(sessions.map((s) => s.siteId))];
  const open = await registry.alerts.open({ siteIds });
  const counts = new Map<string, SessionSummary['openAlerts']>();
  for (const a of open) {
    const c = counts.get(a.sessionId) ?? noAlerts();
    c[a.severity]++;
    counts.set(a.sessionId, c);
  }
  const out: SessionSummary[] = [];
  for (const s of sessions) {
    const roster = await registry.rosters.list(s.id, { includeUnbound: s.status === 'ended' });
    out.push({
      ...sessionView(s),
      participantCount: new Set(roster.map((b) => b.participantId)).size,
      openAlerts: counts.get(s.id) ?? noAlerts(),
    });
  }
  return out;
}

/** The resolved numbers of a stored prescription body, or null when it no longer resolves. */
export function tryResolve(body: unknown): ResolvedPrescription | null {
  try {
    return resolvePrescription(body);
  } catch {
    return null;
  }
}

/** The zone part of a resolved prescription (what instructors may see). */
export function zoneSummary(r: ResolvedPrescription): ZoneSummary {
  return {
    zoneLowBpm: r.zoneLowBpm,
    zoneHighBpm: r.zoneHighBpm,
    ceilingBpm: r.ceilingBpm,
    hrMode: r.hrMode,
    spo2Floor: r.spo2Floor,
  };
}

/** The full resolved prescription (clinician preview). */
export function resolvedView(r: ResolvedPrescription): ResolvedPrescriptionView {
  return {
    ...zoneSummary(r),
    hrMax: r.hrMax,
    hrMaxSource: r.hrMaxSource,
    hrRest: r.hrRest,
    ceilingSource: r.ceilingSource,
    fitt: r.fitt,
    warnings: [...r.warnings],
    warningCodes: r.warningCodes.map((w) => ({ code: w.code, params: { ...w.params } })),
  };
}

/**
 * One prescription version. With `clinical`, the body, note and warnings too; without, the zone summary only
 * (instructors).
 */
export function prescriptionView(
  p: PrescriptionRecord,
  clinical: boolean,
  authorName: string | null,
): PrescriptionRecordView {
  const resolved = tryResolve(p.body);
  const view: PrescriptionRecordView = {
    id: p.id,
    participantId: p.participantId,
    version: p.version,
    effectiveFrom: p.effectiveFrom,
    effectiveTo: p.effectiveTo,
    authorId: p.authorId,
    authorName,
    createdAt: p.createdAt,
    summary: resolved && zoneSummary(resolved),
  };
  if (clinical) {
    view.body = p.body as Record<string, unknown>;
    view.note = p.note;
    view.warnings = resolved ? [...resolved.warnings] : [];
  }
  return view;
}

/**
 * A registry alert with its participant's alias: the protocol's `Alert`. `acknowledgedBy` is the username
 * of who acknowledged (as the live service sends it over Socket.IO), not the registry's user id.
 */
export function alertView(a: AlertRecord, alias: string, usernames: ReadonlyMap<string, string>): Alert {
  return {
    id: a.id,
    sessionId: a.sessionId,
    participantId: a.participantId,
    alias,
    // The registry keeps the rule as text; the rules engine only raises the protocol's rule ids.
    rule: a.rule as Alert['rule'],
    severity: a.severity,
    unconfirmed: a.unconfirmed,
    state: a.state,
    conditionCleared: a.conditionCleared,
    raisedAt: a.raisedAt,
    acknowledgedAt: a.acknowledgedAt,
    acknowledgedBy: a.acknowledgedBy ? (usernames.get(a.acknowledgedBy) ?? a.acknowledgedBy) : null,
    closedAt: a.closedAt,
    escalationLevel: a.escalationLevel,
  };
}

/** One alert event with the actor's display name. */
export function alertEventView(
  e: AlertEventRecord,
  names: ReadonlyMap<string, string>,
): AlertEventRecordView {
  return {
    seq: e.seq,
    event: e.event,
    severity: e.severity,
    at: e.at,
    actorId: e.actorId,
    actorName: e.actorId ? (names.get(e.actorId) ?? null) : null,
    note: e.note,
  };
}

/** Display names of users by id (for actors and authors); unknown ids are left out. */
export async function userNames(
  registry: Registry,
  ids: Iterable<string | null>,
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const id of new Set(ids)) {
    if (!id) continue;
    const u = await registry.users.get(id);
    if (u) names.set(id, u.displayName);
  }
  return names;
}

/** Usernames of users by id (alert acknowledgers); unknown ids are left out. */
export async function usernames(
  registry: Registry,
  ids: Iterable<string | null>,
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const id of new Set(ids)) {
    if (!id) continue;
    const u = await registry.users.get(id);
    if (u) names.set(id, u.username);
  }
  return names;
}

/** Aliases of participants by id (alerts, rosters, reports). */
export async function aliases(registry: Registry, ids: Iterable<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of new Set(ids)) {
    const p = await registry.participants.get(id);
    if (p) out.set(id, p.alias);
  }
  return out;
}

/** Roster bindings with aliases and device kinds. */
export async function rosterViews(
  registry: Registry,
  bindings: readonly RosterBinding[],
): Promise<RosterEntryView[]> {
  const alias = await aliases(
    registry,
    bindings.map((b) => b.participantId),
  );
  const out: RosterEntryView[] = [];
  for (const b of bindings) {
    const d = await registry.devices.get(b.deviceId);
    out.push({
      bindingId: b.id,
      sessionId: b.sessionId,
      participantId: b.participantId,
      alias: alias.get(b.participantId) ?? '',
      deviceId: b.deviceId,
      deviceKind: d?.kind ?? null,
      boundAt: b.boundAt,
      unboundAt: b.unboundAt,
      boundBy: b.boundBy,
    });
  }
  return out;
}
