import type { AckErrorCode, Alert } from '@zonewatch/protocol';
import { ACK_ROLES, type AuthUser, authCodes, roleRefusal, sessionAccess } from '../auth/index.js';
import { codes, type Registry } from '../registry/index.js';
import { audit } from './context.js';
import type { LiveControl } from './live-control.js';

/** Why an acknowledgement was refused: the error REST answers with, and the same refusal's Socket.IO code. */
export interface AckRefused {
  ok: false;
  /** `ZW_ERR_UNAUTHENTICATED` 401, `ZW_ERR_FORBIDDEN` 403, `ZW_ERR_NOT_FOUND` 404, `ZW_ERR_INVALID_STATE` 409. */
  error: InstanceType<
    | (typeof authCodes)['ZW_ERR_UNAUTHENTICATED' | 'ZW_ERR_FORBIDDEN']
    | (typeof codes)['ZW_ERR_NOT_FOUND' | 'ZW_ERR_INVALID_STATE']
  >;
  /** The refusal as the Socket.IO reply names it (`ackReplySchema`); its message is `error.message`. */
  code: AckErrorCode;
}

export type AckOutcome = { ok: true; alert: Alert } | AckRefused;

/**
 * The one acknowledge path, for `POST /api/alerts/:id/ack` and the Socket.IO `alert:ack` event alike: one role
 * rule ({@link ACK_ROLES}, within {@link sessionAccess}), the same refusals, and one audit entry
 * (`alert.acknowledge`, written once the live service has recorded the acknowledgement).
 */
export async function acknowledgeAs(
  deps: { registry: Registry; live: LiveControl },
  user: AuthUser | null | undefined,
  req: { alertId: string; note?: string | undefined; requestId?: string },
): Promise<AckOutcome> {
  const { alertId } = req;
  const note = req.note || undefined;
  const refuse = (code: AckErrorCode, error: AckRefused['error']): AckRefused => ({ ok: false, error, code });
  if (!user)
    return refuse('unauthenticated', new authCodes.ZW_ERR_UNAUTHENTICATED('log in to acknowledge alerts'));
  const noRole = roleRefusal(user, ACK_ROLES);
  if (noRole) return refuse('forbidden', new authCodes.ZW_ERR_FORBIDDEN(noRole));
  const session = await deps.live.alertSession(alertId);
  const notFound = () => refuse('not-found', new codes.ZW_ERR_NOT_FOUND(`alert ${alertId}`));
  if (!session) return notFound();
  // An alert of another site looks like an unknown one; a coach is told why a class alert is not theirs.
  const access = sessionAccess(user, session);
  if (!access.ok) {
    return access.refusal === 'forbidden'
      ? refuse('forbidden', new authCodes.ZW_ERR_FORBIDDEN(access.reason))
      : notFound();
  }
  const r = await deps.live.acknowledge(alertId, { userId: user.id, username: user.username }, note);
  if (!r.ok) {
    if (r.code === 'not-found') return notFound();
    return refuse(
      r.code,
      new codes.ZW_ERR_INVALID_STATE(
        r.code === 'already-closed'
          ? `alert ${alertId} is closed`
          : `alert ${alertId} is already acknowledged`,
      ),
    );
  }
  await deps.registry.transaction((tx) =>
    audit(tx, user, {
      action: 'alert.acknowledge',
      entity: 'alert',
      entityId: alertId,
      siteId: session.siteId,
      detail: { sessionId: session.id, withNote: note !== undefined },
      ...(req.requestId ? { requestId: req.requestId } : {}),
    }),
  );
  return { ok: true, alert: r.alert };
}
