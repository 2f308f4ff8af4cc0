import type { SessionPhase } from '@zonewatch/protocol';
import { at, atOrNull, found, ms, msOrNull, type RepoContext } from '../context.js';
import { codes } from '../errors.js';
import { newId } from '../ids.js';
import type { SessionKind, SessionNameCode, SessionRecord, SessionStatus } from '../types.js';

interface SessionRow {
  id: string;
  site_id: string;
  kind: SessionKind;
  class_id: string | null;
  name: string;
  coach_id: string | null;
  status: SessionStatus;
  scheduled_at: Date | null;
  started_at: Date | null;
  ended_at: Date | null;
  created_at: Date;
  phase: SessionPhase | null;
  phase_started_at: Date | null;
  phase_starts: Partial<Record<SessionPhase, number>>;
  phase_plan: Partial<Record<SessionPhase, number>>;
  name_code: SessionNameCode | null;
  name_alias: string | null;
}

const COLS =
  'id, site_id, kind, class_id, name, coach_id, status, scheduled_at, started_at, ended_at, created_at, phase, phase_started_at, phase_starts, phase_plan, name_code, name_alias';
const toSession = (r: SessionRow): SessionRecord => ({
  id: r.id,
  siteId: r.site_id,
  kind: r.kind,
  classId: r.class_id,
  name: r.name,
  coachId: r.coach_id,
  status: r.status,
  scheduledAt: msOrNull(r.scheduled_at),
  startedAt: msOrNull(r.started_at),
  endedAt: msOrNull(r.ended_at),
  createdAt: ms(r.created_at),
  phase: r.phase,
  phaseStartedAt: msOrNull(r.phase_started_at),
  phaseStarts: r.phase_starts ?? {},
  phasePlan: r.phase_plan ?? {},
  nameCode: r.name_code ?? null,
  nameAlias: r.name_alias ?? null,
});

/** Input of {@link SessionsRepo.create}. */
export interface NewSession {
  id?: string;
  siteId: string;
  kind: SessionKind;
  /** Required for a class session, absent for a home session. */
  classId?: string;
  /** Shown on consoles; default: the class name, or "Home session" / "Class session" (marked `nameCode`). */
  name?: string;
  /**
   * The server made `name` up (the demo seed's "Home session — {alias}": `homeOf` with `nameAlias`):
   * consoles word it in their language (issue 14). Ignored without `name`.
   */
  nameCode?: 'homeOf';
  nameAlias?: string;
  /** Remote coach (home sessions) or supervising coach. */
  coachId?: string | null;
  scheduledAt?: number | null;
}

/** Sessions: scheduled → active → ended. */
export interface SessionsRepo {
  /** Creates a scheduled session. @throws ZW_ERR_INVALID_INPUT, ZW_ERR_INVALID_REFERENCE (class of another site) */
  create(input: NewSession): Promise<SessionRecord>;
  get(id: string): Promise<SessionRecord | undefined>;
  /** Sessions, newest first, filtered by site, status and/or a participant on the roster. */
  list(filter?: {
    siteId?: string;
    status?: SessionStatus;
    participantId?: string;
    limit?: number;
  }): Promise<SessionRecord[]>;
  /** Active sessions (restore after restart), optionally of some sites only. */
  active(filter?: { siteIds?: readonly string[] }): Promise<SessionRecord[]>;
  /** scheduled → active. @throws ZW_ERR_NOT_FOUND, ZW_ERR_INVALID_STATE */
  start(id: string, atMs?: number): Promise<SessionRecord>;
  /**
   * scheduled/active → ended, and unbinds every device of its roster at the same time (one transaction).
   * Alerts are left as they are: their lifecycle owner records `closed` events.
   * @throws ZW_ERR_NOT_FOUND, ZW_ERR_INVALID_STATE
   */
  end(id: string, atMs?: number): Promise<SessionRecord>;
  /**
   * Moves an active session to `phase` at `atMs` (issue 14): the phase's start is recorded (a phase entered
   * again keeps its first start), and `plan` (s per phase) is fixed the first time.
   * @throws ZW_ERR_NOT_FOUND, ZW_ERR_INVALID_STATE (not active)
   */
  setPhase(
    id: string,
    phase: SessionPhase,
    atMs: number,
    plan: Partial<Record<SessionPhase, number>>,
  ): Promise<SessionRecord>;
}

/** Session repository over `ctx.db`. */
export function sessionsRepo({ db, clock }: RepoContext): SessionsRepo {
  const get = async (id: string) => {
    const [row] = await db.query<SessionRow>(`SELECT ${COLS} FROM sessions WHERE id = $1`, [id]);
    return row && toSession(row);
  };

  async function transition(id: string, from: SessionStatus[], to: SessionStatus, sql: string, atMs: number) {
    return db.transaction(async (tx) => {
      const [current] = await tx.query<SessionRow>(`SELECT ${COLS} FROM sessions WHERE id = $1 FOR UPDATE`, [
        id,
      ]);
      const s = found(current, 'session', id);
      if (!from.includes(s.status)) {
        throw new codes.ZW_ERR_INVALID_STATE(`session ${id} is ${s.status}; cannot make it ${to}`);
      }
      const [row] = await tx.query<SessionRow>(`${sql} RETURNING ${COLS}`, [id, at('at', atMs)]);
      if (to === 'ended') {
        await tx.query(
          'UPDATE session_roster SET unbound_at = greatest(bound_at, $2) WHERE session_id = $1 AND unbound_at IS NULL',
          [id, at('at', atMs)],
        );
      }
      return toSession(row!);
    });
  }

  return {
    async create(input) {
      if (input.kind === 'class' && !input.classId)
        throw new codes.ZW_ERR_INVALID_INPUT('classId is required for a class session');
      if (input.kind === 'home' && input.classId)
        throw new codes.ZW_ERR_INVALID_INPUT('a home session has no classId');
      let name = input.name;
      const typed = name !== undefined;
      if (name === undefined && input.classId) {
        const [c] = await db.query<{ name: string }>('SELECT name FROM classes WHERE id = $1', [
          input.classId,
        ]);
        name = c?.name;
      }
      // No name and no class name to borrow: the server's own, marked so consoles word it (issue 14).
      const made = name === undefined;
      const marked = typed && input.nameCode === 'homeOf' && !!input.nameAlias;
      const [row] = await db.query<SessionRow>(
        `INSERT INTO sessions (id, site_id, kind, class_id, name, coach_id, scheduled_at, created_at, name_code, name_alias)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLS}`,
        [
          input.id ?? newId('s'),
          input.siteId,
          input.kind,
          input.classId ?? null,
          name ?? (input.kind === 'home' ? 'Home session' : 'Class session'),
          input.coachId ?? null,
          atOrNull('scheduledAt', input.scheduledAt),
          at('createdAt', clock()),
          made ? input.kind : marked ? input.nameCode : null,
          marked ? input.nameAlias : null,
        ],
      );
      return toSession(row!);
    },
    get,
    async list(filter = {}) {
      const rows = await db.query<SessionRow>(
        `SELECT ${COLS} FROM sessions s WHERE ($1::text IS NULL OR site_id = $1) AND ($2::text IS NULL OR status = $2)
           AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM session_roster r WHERE r.session_id = s.id AND r.participant_id = $3))
         ORDER BY coalesce(started_at, scheduled_at, created_at) DESC, id LIMIT $4`,
        [filter.siteId ?? null, filter.status ?? null, filter.participantId ?? null, filter.limit ?? 200],
      );
      return rows.map(toSession);
    },
    async active(filter = {}) {
      const rows = await db.query<SessionRow>(
        `SELECT ${COLS} FROM sessions WHERE status = 'active' AND ($1::text[] IS NULL OR site_id = ANY ($1::text[]))
         ORDER BY started_at, id`,
        [filter.siteIds ? [...filter.siteIds] : null],
      );
      return rows.map(toSession);
    },
    start(id, atMs = clock()) {
      return transition(
        id,
        ['scheduled'],
        'active',
        "UPDATE sessions SET status = 'active', started_at = $2 WHERE id = $1",
        atMs,
      );
    },
    async setPhase(id, phase, atMs, plan) {
      return db.transaction(async (tx) => {
        const [current] = await tx.query<SessionRow>(
          `SELECT ${COLS} FROM sessions WHERE id = $1 FOR UPDATE`,
          [id],
        );
        const s = found(current, 'session', id);
        if (s.status !== 'active')
          throw new codes.ZW_ERR_INVALID_STATE(
            `session ${id} is ${s.status}; phases move only while it is active`,
          );
        const starts = { ...(s.phase_starts ?? {}) };
        starts[phase] ??= atMs;
        const keepPlan = Object.keys(s.phase_plan ?? {}).length > 0;
        const [row] = await tx.query<SessionRow>(
          `UPDATE sessions SET phase = $2, phase_started_at = $3, phase_starts = $4::jsonb, phase_plan = $5::jsonb
           WHERE id = $1 RETURNING ${COLS}`,
          [id, phase, at('at', atMs), JSON.stringify(starts), JSON.stringify(keepPlan ? s.phase_plan : plan)],
        );
        return toSession(row!);
      });
    },
    end(id, atMs = clock()) {
      return transition(
        id,
        ['scheduled', 'active'],
        'ended',
        "UPDATE sessions SET status = 'ended', ended_at = greatest(started_at, $2) WHERE id = $1",
        atMs,
      );
    },
  };
}
