import type { OwnedDeviceStart } from '@zonewatch/protocol';
import type { AuthUser } from '../auth/index.js';
import type { SessionRecord } from '../registry/index.js';
import { type ApiContext, audit } from './context.js';

/** A device counts as "seen" at class start when it sent something this recently (ms). */
export const OWNED_SEEN_WITHIN_MS = 60_000;

/**
 * Owned devices at class start (issue 14): every device of the site assigned to a participant ahead of time
 * that is on the wire now (seen in the last minute, bound nowhere) is bound to its owner in this session,
 * audited as the instructor's bind; the others are listed for the instructor (`not-seen`), and one that
 * cannot be bound (its owner is bound in another session, say) is reported as `conflict`.
 */
export async function bindOwnedDevices(
  ctx: ApiContext,
  user: AuthUser,
  s: SessionRecord,
  requestId: string,
): Promise<OwnedDeviceStart[]> {
  const { registry, live } = ctx;
  if (s.kind !== 'class') return [];
  const owned = (await registry.devices.list({ siteId: s.siteId })).filter((d) => d.ownerParticipantId);
  if (owned.length === 0) return [];
  const seen = new Set(
    live.unboundDevices(s.siteId, OWNED_SEEN_WITHIN_MS, 10_000).devices.map((d) => d.deviceId),
  );
  const bound = new Set((await registry.rosters.list(s.id)).map((b) => b.deviceId));
  const out: OwnedDeviceStart[] = [];
  let changed = false;
  for (const d of owned) {
    const participantId = d.ownerParticipantId as string;
    const alias = (await registry.participants.get(participantId))?.alias ?? participantId;
    if (bound.has(d.id)) {
      out.push({ deviceId: d.id, participantId, alias, outcome: 'bound' });
      continue;
    }
    if (!seen.has(d.id)) {
      out.push({ deviceId: d.id, participantId, alias, outcome: 'not-seen' });
      continue;
    }
    try {
      await registry.transaction(async (tx) => {
        await tx.rosters.bind({
          sessionId: s.id,
          participantId,
          deviceId: d.id,
          atMs: ctx.clock(),
          actorId: user.id,
        });
        await audit(tx, user, {
          action: 'session.bind',
          entity: 'session',
          entityId: s.id,
          siteId: s.siteId,
          detail: { participantId, deviceId: d.id, owned: true },
          requestId,
        });
      });
      changed = true;
      out.push({ deviceId: d.id, participantId, alias, outcome: 'bound' });
    } catch {
      out.push({ deviceId: d.id, participantId, alias, outcome: 'conflict' });
    }
  }
  if (changed) await live.rosterChanged(s.id);
  return out.sort((a, b) => a.alias.localeCompare(b.alias) || a.deviceId.localeCompare(b.deviceId));
}
