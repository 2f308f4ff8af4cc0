import { SiteLeases } from '../cluster/leases.js';
import type { AlertProjection } from './alerts.js';
import { frameOf } from './frames.js';
import { unloadSession } from './roster.js';
import { type LiveCore, siteWrite } from './types.js';

/** After a session ends: writes each participant's report, closes what is still open, drops the room. */
export async function endLiveSession(
  core: LiveCore,
  alerts: AlertProjection,
  sessionId: string,
): Promise<void> {
  const rt = core.sessions.get(sessionId);
  if (!rt) return;
  const registry = core.deps.registry;
  const s = await registry.sessions.get(sessionId);
  const endMs = s?.endedAt ?? core.clock();
  await alerts.drain();
  // Times nobody evaluated the session (a dead owner until the takeover, issue 18): in every report.
  const monitoringGaps = await new SiteLeases(registry.db)
    .gaps(rt.info.siteId, rt.info.startedAt ?? endMs, endMs)
    .catch(() => []);
  const usernames = new Map<string, string>();
  const username = async (userId: string | null) => {
    if (userId === null) return null;
    if (!usernames.has(userId))
      usernames.set(userId, (await registry.users.get(userId))?.displayName ?? userId);
    return usernames.get(userId) ?? userId;
  };
  for (const p of rt.participants.values()) {
    p.monitor.endSession();
    const raw = p.monitor.report(endMs);
    // Reports outlive accounts: they name who acknowledged (display name, as the CSV), not an internal id.
    const reportAlerts = [];
    for (const a of raw.alerts) reportAlerts.push({ ...a, acknowledgedBy: await username(a.acknowledgedBy) });
    // Each trace bucket keeps its usable-HR extremes next to the mean, so the report's chart shows the peak
    // the report states (issue 14); the engine's report itself is unchanged.
    const extremes = p.monitor.traceHrExtremes();
    const trace = raw.trace.map((x, i) => ({ ...x, ...(extremes[i] ?? { hrMin: null, hrMax: null }) }));
    const report = { ...raw, trace, alerts: reportAlerts };
    await siteWrite(core, rt.info.siteId, (reg) =>
      reg.reports.save({
        sessionId,
        participantId: p.participantId,
        body: {
          ...report,
          alias: p.alias,
          monitoringGaps,
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
      }),
    );
  }
  // Whatever is still open closes with the session (after the reports, which show it open at the end).
  for (const p of rt.participants.values()) {
    const closed = p.monitor.closeAll(endMs, 'session ended');
    if (closed.length) alerts.handle(rt, p, closed);
  }
  await alerts.drain();
  // The last frame says the session ended: walls stop showing anything as live at once (issue 14).
  rt.info = { ...rt.info, status: 'ended', endedAt: endMs };
  const last = frameOf(core, sessionId, core.clock());
  unloadSession(core, sessionId);
  if (last) alerts.sendFrame(last);
}
