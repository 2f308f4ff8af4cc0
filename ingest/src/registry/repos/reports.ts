import { at, jsonObject, ms, type RepoContext } from '../context.js';
import type { SessionReport } from '../types.js';

interface ReportRow {
  session_id: string;
  participant_id: string;
  body: unknown;
  created_at: Date;
  updated_at: Date;
}

const COLS = 'session_id, participant_id, body, created_at, updated_at';
const toReport = (r: ReportRow): SessionReport => ({
  sessionId: r.session_id,
  participantId: r.participant_id,
  body: r.body,
  createdAt: ms(r.created_at),
  updatedAt: ms(r.updated_at),
});

/** Session reports, one per (session, participant), written when a session ends (CLINICAL-RULES.md section 6). */
export interface ReportsRepo {
  /**
   * Saves a report; saving again replaces the body (a report recomputed after a restart) and keeps createdAt.
   * @throws ZW_ERR_INVALID_INPUT (body not an object), ZW_ERR_INVALID_REFERENCE (unknown session/participant)
   */
  save(input: {
    sessionId: string;
    participantId: string;
    body: object;
    atMs?: number;
  }): Promise<SessionReport>;
  get(sessionId: string, participantId: string): Promise<SessionReport | undefined>;
  /** Every report of a session, by participant id. */
  listBySession(sessionId: string): Promise<SessionReport[]>;
  /** A participant's reports, newest first (adherence, history). */
  listByParticipant(participantId: string, options?: { limit?: number }): Promise<SessionReport[]>;
}

/** Session report repository over `ctx.db`. */
export function reportsRepo({ db, clock }: RepoContext): ReportsRepo {
  return {
    async save(input) {
      const [row] = await db.query<ReportRow>(
        `INSERT INTO session_reports (session_id, participant_id, body, created_at, updated_at)
         VALUES ($1, $2, $3::jsonb, $4, $4)
         ON CONFLICT (session_id, participant_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
         RETURNING ${COLS}`,
        [
          input.sessionId,
          input.participantId,
          jsonObject('body', input.body),
          at('atMs', input.atMs ?? clock()),
        ],
      );
      return toReport(row!);
    },
    async get(sessionId, participantId) {
      const [row] = await db.query<ReportRow>(
        `SELECT ${COLS} FROM session_reports WHERE session_id = $1 AND participant_id = $2`,
        [sessionId, participantId],
      );
      return row && toReport(row);
    },
    async listBySession(sessionId) {
      const rows = await db.query<ReportRow>(
        `SELECT ${COLS} FROM session_reports WHERE session_id = $1 ORDER BY participant_id`,
        [sessionId],
      );
      return rows.map(toReport);
    },
    async listByParticipant(participantId, options = {}) {
      const rows = await db.query<ReportRow>(
        `SELECT ${COLS} FROM session_reports WHERE participant_id = $1 ORDER BY created_at DESC, session_id LIMIT $2`,
        [participantId, options.limit ?? 100],
      );
      return rows.map(toReport);
    },
  };
}
