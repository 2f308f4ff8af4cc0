import { acknowledge as ackRule } from '@zonewatch/clinical';
import type { Alert } from '@zonewatch/protocol';
import type { AlertProjection } from './alerts.js';
import type { AckActor, AckResult, LiveCore } from './types.js';

/** Acknowledges an alert for `actor`: durable in the registry first, then silenced on every console. */
export async function acknowledgeAlert(
  core: LiveCore,
  alerts: AlertProjection,
  alertId: string,
  actor: AckActor,
  note?: string,
): Promise<AckResult> {
  const registry = core.deps.registry;
  const where = core.alertIndex.get(alertId);
  if (!where) {
    const stored = await registry.alerts.get(alertId);
    if (!stored) return { ok: false, code: 'not-found' };
    return { ok: false, code: stored.state === 'closed' ? 'already-closed' : 'not-found' };
  }
  const { session: rt, p } = where;
  const now = core.clock();
  const r = ackRule(p.state, alertId, actor.userId, now, note);
  if (r.error) {
    return { ok: false, code: r.error === 'unknown-alert' ? 'not-found' : r.error };
  }
  await alerts.registryWrite(() =>
    registry.alerts.recordEvent({
      alertId,
      event: 'acknowledged',
      atMs: now,
      actorId: actor.userId,
      note: note ?? null,
    }),
  );
  const prev = rt.alerts.get(alertId);
  if (prev) rt.alerts.set(alertId, { ...prev, acknowledgedBy: actor.username, acknowledgedAt: now });
  alerts.handle(
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
