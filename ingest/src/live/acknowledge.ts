import { type AlertProjection, wireAlert } from './alerts.js';
import type { AckActor, AckResult, LiveCore } from './types.js';

/**
 * Acknowledges an alert for `actor`: the rules engine decides (and may close a latched critical), the
 * registry stores it, then every console is told.
 */
export async function acknowledgeAlert(
  core: LiveCore,
  alerts: AlertProjection,
  alertId: string,
  actor: AckActor,
  note?: string,
): Promise<AckResult> {
  const where = core.alertIndex.get(alertId);
  if (!where) {
    const stored = await core.deps.registry.alerts.get(alertId);
    if (!stored) return { ok: false, code: 'not-found' };
    return { ok: false, code: stored.state === 'closed' ? 'already-closed' : 'not-found' };
  }
  const { session: rt, p } = where;
  const r = p.monitor.acknowledge(alertId, actor.userId, core.clock(), note);
  if (r.error) return { ok: false, code: r.error === 'unknown-alert' ? 'not-found' : r.error };
  core.usernames.set(actor.userId, actor.username);
  await alerts.handleDurably(rt, p, r.events);
  // The alert after the last event: still live (acknowledged), or closed (a latched critical).
  const last = r.events[r.events.length - 1];
  return last ? { ok: true, alert: wireAlert(core, rt, p, last) } : { ok: false, code: 'not-found' };
}
