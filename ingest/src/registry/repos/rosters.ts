import { at, found, ms, msOrNull, type RepoContext } from '../context.js';
import { codes } from '../errors.js';
import { newId } from '../ids.js';
import type { ActiveBinding, RosterBinding } from '../types.js';

interface BindingRow {
  id: string;
  session_id: string;
  participant_id: string;
  device_id: string;
  bound_at: Date;
  unbound_at: Date | null;
  bound_by: string | null;
}

const COLS = 'id, session_id, participant_id, device_id, bound_at, unbound_at, bound_by';
const toBinding = (r: BindingRow): RosterBinding => ({
  id: r.id,
  sessionId: r.session_id,
  participantId: r.participant_id,
  deviceId: r.device_id,
  boundAt: ms(r.bound_at),
  unboundAt: msOrNull(r.unbound_at),
  boundBy: r.bound_by,
});

/** Input of {@link RostersRepo.bind}. */
export interface NewBinding {
  sessionId: string;
  participantId: string;
  deviceId: string;
  atMs?: number;
  /** Who paired the device (null: the system). */
  actorId?: string | null;
}

/** Session rosters: which device is worn by which participant in a session. */
export interface RostersRepo {
  /**
   * Binds a device to a participant for a session (scheduled or active). The session, participant and device
   * must be of one site; a device is worn by one person at a time, and a participant is in one live session.
   * @throws ZW_ERR_NOT_FOUND (session), ZW_ERR_INVALID_STATE (session ended, device retired, participant
   *   inactive), ZW_ERR_INVALID_REFERENCE (unknown or other-site participant/device), ZW_ERR_CONFLICT (device
   *   already bound, participant bound in another session)
   */
  bind(input: NewBinding): Promise<RosterBinding>;
  /**
   * Takes a participant out of a session's roster at `atMs`: ends their live bindings and records the
   * removal (a later bind brings them back). Returns the bindings it ended.
   * @throws ZW_ERR_NOT_FOUND when the participant was never on this session's roster
   */
  removeParticipant(input: {
    sessionId: string;
    participantId: string;
    atMs?: number;
    actorId?: string | null;
  }): Promise<RosterBinding[]>;
  /** Participants removed from a session (see {@link removeParticipant}). */
  removed(sessionId: string): Promise<string[]>;
  /** Ends the live binding of a device in a session. @throws ZW_ERR_NOT_FOUND when the device is not bound there */
  unbind(input: { sessionId: string; deviceId: string; atMs?: number }): Promise<RosterBinding>;
  /** The roster of a session; by default the live bindings only, else the full history. */
  list(sessionId: string, options?: { includeUnbound?: boolean }): Promise<RosterBinding[]>;
  /** Live bindings of every active session (routing samples; restore after restart), optionally of some sites. */
  activeBindings(filter?: { siteIds?: readonly string[] }): Promise<ActiveBinding[]>;
}

/** Roster repository over `ctx.db`. */
export function rostersRepo({ db, clock }: RepoContext): RostersRepo {
  return {
    async bind(input) {
      const when = at('at', input.atMs ?? clock());
      const row = await db.transaction(async (tx) => {
        // Locking the session serialises bind against end().
        const [s] = await tx.query<{ site_id: string; status: string }>(
          'SELECT site_id, status FROM sessions WHERE id = $1 FOR UPDATE',
          [input.sessionId],
        );
        const session = found(s, 'session', input.sessionId);
        if (session.status === 'ended')
          throw new codes.ZW_ERR_INVALID_STATE(`session ${input.sessionId} has ended`);
        const [p] = await tx.query<{ site_id: string; active: boolean }>(
          'SELECT site_id, active FROM participants WHERE id = $1 FOR UPDATE',
          [input.participantId],
        );
        if (!p || p.site_id !== session.site_id) {
          throw new codes.ZW_ERR_INVALID_REFERENCE(
            `participant ${input.participantId} is not a participant of this site`,
          );
        }
        if (!p.active) throw new codes.ZW_ERR_INVALID_STATE(`participant ${input.participantId} is inactive`);
        const [d] = await tx.query<{ site_id: string; retired_at: Date | null }>(
          'SELECT site_id, retired_at FROM devices WHERE id = $1',
          [input.deviceId],
        );
        if (!d || d.site_id !== session.site_id) {
          throw new codes.ZW_ERR_INVALID_REFERENCE(`device ${input.deviceId} is not a device of this site`);
        }
        if (d.retired_at) throw new codes.ZW_ERR_INVALID_STATE(`device ${input.deviceId} is retired`);
        const [elsewhere] = await tx.query<{ session_id: string }>(
          `SELECT r.session_id FROM session_roster r JOIN sessions s ON s.id = r.session_id
           WHERE r.participant_id = $1 AND r.unbound_at IS NULL AND r.session_id <> $2 AND s.status <> 'ended' LIMIT 1`,
          [input.participantId, input.sessionId],
        );
        if (elsewhere) {
          throw new codes.ZW_ERR_CONFLICT(
            `participant ${input.participantId} is bound in session ${elsewhere.session_id}`,
          );
        }
        await tx.query('DELETE FROM session_removals WHERE session_id = $1 AND participant_id = $2', [
          input.sessionId,
          input.participantId,
        ]);
        const [inserted] = await tx.query<BindingRow>(
          `INSERT INTO session_roster (id, session_id, participant_id, device_id, bound_at, bound_by)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLS}`,
          [newId('rb'), input.sessionId, input.participantId, input.deviceId, when, input.actorId ?? null],
        );
        return inserted!;
      });
      return toBinding(row);
    },
    async removeParticipant(input) {
      const when = at('at', input.atMs ?? clock());
      return db.transaction(async (tx) => {
        const [ever] = await tx.query<{ n: number }>(
          'SELECT 1 AS n FROM session_roster WHERE session_id = $1 AND participant_id = $2 LIMIT 1',
          [input.sessionId, input.participantId],
        );
        found(ever, 'participant on the roster', `${input.participantId} in session ${input.sessionId}`);
        const ended = await tx.query<BindingRow>(
          `UPDATE session_roster SET unbound_at = greatest(bound_at, $3)
           WHERE session_id = $1 AND participant_id = $2 AND unbound_at IS NULL RETURNING ${COLS}`,
          [input.sessionId, input.participantId, when],
        );
        await tx.query(
          `INSERT INTO session_removals (session_id, participant_id, removed_at, removed_by)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (session_id, participant_id) DO UPDATE SET removed_at = $3, removed_by = $4`,
          [input.sessionId, input.participantId, when, input.actorId ?? null],
        );
        return ended.map(toBinding);
      });
    },
    async removed(sessionId) {
      const rows = await db.query<{ participant_id: string }>(
        'SELECT participant_id FROM session_removals WHERE session_id = $1 ORDER BY participant_id',
        [sessionId],
      );
      return rows.map((r) => r.participant_id);
    },
    async unbind(input) {
      const [row] = await db.query<BindingRow>(
        `UPDATE session_roster SET unbound_at = greatest(bound_at, $3)
         WHERE session_id = $1 AND device_id = $2 AND unbound_at IS NULL RETURNING ${COLS}`,
        [input.sessionId, input.deviceId, at('at', input.atMs ?? clock())],
      );
      return toBinding(found(row, 'binding of device', `${input.deviceId} in session ${input.sessionId}`));
    },
    async list(sessionId, options = {}) {
      const rows = await db.query<BindingRow>(
        `SELECT ${COLS} FROM session_roster WHERE session_id = $1 AND (unbound_at IS NULL OR $2)
         ORDER BY bound_at, id`,
        [sessionId, options.includeUnbound ?? false],
      );
      return rows.map(toBinding);
    },
    async activeBindings(filter = {}) {
      const rows = await db.query<{
        site_id: string;
        device_id: string;
        session_id: string;
        participant_id: string;
        alias: string;
        bound_at: Date;
      }>(
        `SELECT s.site_id, r.device_id, r.session_id, r.participant_id, p.alias, r.bound_at
         FROM session_roster r JOIN sessions s ON s.id = r.session_id JOIN participants p ON p.id = r.participant_id
         WHERE r.unbound_at IS NULL AND s.status = 'active' AND ($1::text[] IS NULL OR s.site_id = ANY ($1::text[]))
         ORDER BY s.site_id, r.device_id`,
        [filter.siteIds ? [...filter.siteIds] : null],
      );
      return rows.map((r) => ({
        siteId: r.site_id,
        deviceId: r.device_id,
        sessionId: r.session_id,
        participantId: r.participant_id,
        alias: r.alias,
        boundAt: ms(r.bound_at),
      }));
    },
  };
}
