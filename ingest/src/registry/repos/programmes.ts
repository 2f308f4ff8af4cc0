import { at, found, ms, msOrNull, type RepoContext, setClause } from '../context.js';
import { codes } from '../errors.js';
import { newId } from '../ids.js';

/** An enrolment runs, was completed, or the participant left early. */
export type EnrolmentStatus = 'active' | 'completed' | 'withdrawn';

/** A re-assessment point: after a session number, or at the end of a programme week (protocol's schema). */
export type ReassessPoint = { atSession: number } | { atWeek: number };

/** A programme definition: a centre's own (siteId) or a shipped preset (siteId null, `preset` its key). */
export interface ProgrammeRecord {
  id: string;
  siteId: string | null;
  preset: string | null;
  name: string;
  totalSessions: number;
  weeks: number;
  reassessAt: ReassessPoint[];
  archived: boolean;
  createdBy: string | null;
  createdAt: number;
}

/** A participant in a programme. */
export interface EnrolmentRecord {
  id: string;
  participantId: string;
  programmeId: string;
  /** First day, `YYYY-MM-DD` (week 1 starts here, site time zone). */
  startDate: string;
  reassessAt: ReassessPoint[];
  /** The participant may exercise in home sessions. */
  homeSessions: boolean;
  status: EnrolmentStatus;
  endedAt: number | null;
  enrolledBy: string;
  createdAt: number;
}

interface ProgrammeRow {
  id: string;
  site_id: string | null;
  preset: string | null;
  name: string;
  total_sessions: number;
  weeks: number;
  reassess_at: ReassessPoint[];
  archived: boolean;
  created_by: string | null;
  created_at: Date;
}

interface EnrolmentRow {
  id: string;
  participant_id: string;
  programme_id: string;
  start_date: string;
  reassess_at: ReassessPoint[];
  home_sessions: boolean;
  status: EnrolmentStatus;
  ended_at: Date | null;
  enrolled_by: string;
  created_at: Date;
}

const P_COLS =
  'id, site_id, preset, name, total_sessions, weeks, reassess_at, archived, created_by, created_at';
// start_date as text: pg and PGlite would turn a date into a Date at different midnights.
const E_COLS = `id, participant_id, programme_id, start_date::text AS start_date, reassess_at, home_sessions,
  status, ended_at, enrolled_by, created_at`;
const E_COLS_E = `e.id, e.participant_id, e.programme_id, e.start_date::text AS start_date, e.reassess_at,
  e.home_sessions, e.status, e.ended_at, e.enrolled_by, e.created_at`;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const toProgramme = (r: ProgrammeRow): ProgrammeRecord => ({
  id: r.id,
  siteId: r.site_id,
  preset: r.preset,
  name: r.name,
  totalSessions: r.total_sessions,
  weeks: r.weeks,
  reassessAt: r.reassess_at,
  archived: r.archived,
  createdBy: r.created_by,
  createdAt: ms(r.created_at),
});

const toEnrolment = (r: EnrolmentRow): EnrolmentRecord => ({
  id: r.id,
  participantId: r.participant_id,
  programmeId: r.programme_id,
  startDate: r.start_date,
  reassessAt: r.reassess_at,
  homeSessions: r.home_sessions,
  status: r.status,
  endedAt: msOrNull(r.ended_at),
  enrolledBy: r.enrolled_by,
  createdAt: ms(r.created_at),
});

const points = (p: readonly ReassessPoint[]) => JSON.stringify(p);

/** A programme's definition, as protocol's `programmeDefinitionSchema` validates it. */
export interface ProgrammeDefinitionInput {
  name: string;
  totalSessions: number;
  weeks: number;
  reassessAt: readonly ReassessPoint[];
}

/** Input of {@link ProgrammesRepo.enrol}. */
export interface NewEnrolment {
  participantId: string;
  programmeId: string;
  /** `YYYY-MM-DD`. */
  startDate: string;
  homeSessions?: boolean;
  enrolledBy: string;
}

/** The id a shipped preset has in the registry. */
export const presetProgrammeId = (preset: string): string => `preset-${preset}`;

/** Programme definitions (centre-defined and presets) and enrolments (issue 15). */
export interface ProgrammesRepo {
  /** A centre's programme. @throws ZW_ERR_INVALID_INPUT (a range), ZW_ERR_INVALID_REFERENCE (site) */
  create(
    input: ProgrammeDefinitionInput & { siteId: string; createdBy?: string | null },
  ): Promise<ProgrammeRecord>;
  /**
   * Writes the shipped presets (protocol's PROGRAMME_PRESETS) as rows `preset-{key}` of no site, updating
   * them when the code's definition changed; idempotent.
   */
  syncPresets(presets: Readonly<Record<string, ProgrammeDefinitionInput>>): Promise<void>;
  get(id: string): Promise<ProgrammeRecord | undefined>;
  /** The presets and the programmes of `siteIds` (undefined: every site), presets first, then by name. */
  list(filter?: { siteIds?: readonly string[]; includeArchived?: boolean }): Promise<ProgrammeRecord[]>;
  /** Renames, re-plans or archives a centre's programme (presets are fixed). @throws ZW_ERR_NOT_FOUND, ZW_ERR_INVALID_STATE (preset) */
  update(
    id: string,
    patch: Partial<ProgrammeDefinitionInput> & { archived?: boolean },
  ): Promise<ProgrammeRecord>;
  /**
   * Enrols a participant (re-assessment points copied from the programme).
   * @throws ZW_ERR_CONFLICT (already in an active programme), ZW_ERR_NOT_FOUND (programme)
   */
  enrol(input: NewEnrolment): Promise<EnrolmentRecord>;
  getEnrolment(id: string): Promise<EnrolmentRecord | undefined>;
  /** The participant's active enrolment, if any. */
  activeEnrolment(participantId: string): Promise<EnrolmentRecord | undefined>;
  /** Every enrolment of a participant, oldest first. */
  enrolments(participantId: string): Promise<EnrolmentRecord[]>;
  /** Active enrolments of participants of `siteIds` (undefined: every site). */
  activeEnrolments(filter?: { siteIds?: readonly string[] }): Promise<EnrolmentRecord[]>;
  /** Completes or withdraws an active enrolment. @throws ZW_ERR_NOT_FOUND, ZW_ERR_INVALID_STATE (not active) */
  endEnrolment(id: string, status: 'completed' | 'withdrawn', atMs?: number): Promise<EnrolmentRecord>;
}

/** Programme and enrolment repository over `ctx.db`. */
export function programmesRepo({ db, clock }: RepoContext): ProgrammesRepo {
  const get = async (id: string) => {
    const [row] = await db.query<ProgrammeRow>(`SELECT ${P_COLS} FROM programmes WHERE id = $1`, [id]);
    return row && toProgramme(row);
  };
  const getEnrolment = async (id: string) => {
    const [row] = await db.query<EnrolmentRow>(`SELECT ${E_COLS} FROM enrolments WHERE id = $1`, [id]);
    return row && toEnrolment(row);
  };
  return {
    get,
    getEnrolment,
    async create(input) {
      const [row] = await db.query<ProgrammeRow>(
        `INSERT INTO programmes (id, site_id, name, total_sessions, weeks, reassess_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8) RETURNING ${P_COLS}`,
        [
          newId('pg'),
          input.siteId,
          input.name,
          input.totalSessions,
          input.weeks,
          points(input.reassessAt),
          input.createdBy ?? null,
          at('createdAt', clock()),
        ],
      );
      return toProgramme(row!);
    },
    async syncPresets(presets) {
      for (const [key, def] of Object.entries(presets)) {
        await db.query(
          `INSERT INTO programmes (id, preset, name, total_sessions, weeks, reassess_at, created_at)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, total_sessions = excluded.total_sessions,
             weeks = excluded.weeks, reassess_at = excluded.reassess_at
           WHERE (programmes.name, programmes.total_sessions, programmes.weeks, programmes.reassess_at)
             IS DISTINCT FROM (excluded.name, excluded.total_sessions, excluded.weeks, excluded.reassess_at)`,
          [
            presetProgrammeId(key),
            key,
            def.name,
            def.totalSessions,
            def.weeks,
            points(def.reassessAt),
            at('createdAt', clock()),
          ],
        );
      }
    },
    async list(filter = {}) {
      const rows = await db.query<ProgrammeRow>(
        `SELECT ${P_COLS} FROM programmes
         WHERE (site_id IS NULL OR $1::text[] IS NULL OR site_id = ANY ($1::text[]))
           AND ($2 OR NOT archived)
         ORDER BY (site_id IS NOT NULL), name, id`,
        [filter.siteIds ? [...filter.siteIds] : null, filter.includeArchived ?? false],
      );
      return rows.map(toProgramme);
    },
    async update(id, patch) {
      const existing = found(await get(id), 'programme', id);
      if (existing.preset !== null)
        throw new codes.ZW_ERR_INVALID_STATE(`programme ${id} is a preset; define the centre's own instead`);
      const { sql, params } = setClause(
        { ...patch, ...(patch.reassessAt ? { reassessAt: points(patch.reassessAt) } : {}) },
        {
          name: 'name',
          totalSessions: 'total_sessions',
          weeks: 'weeks',
          reassessAt: 'reassess_at',
          archived: 'archived',
        },
      );
      if (!sql) return existing;
      const [row] = await db.query<ProgrammeRow>(
        `UPDATE programmes SET ${sql} WHERE id = $1 RETURNING ${P_COLS}`,
        [id, ...params],
      );
      return toProgramme(found(row, 'programme', id));
    },
    async enrol(input) {
      const programme = found(await get(input.programmeId), 'programme', input.programmeId);
      if (!DATE.test(input.startDate))
        throw new codes.ZW_ERR_INVALID_INPUT('startDate must be a date YYYY-MM-DD');
      const [row] = await db.query<EnrolmentRow>(
        `INSERT INTO enrolments (id, participant_id, programme_id, start_date, reassess_at, home_sessions, enrolled_by, created_at)
         VALUES ($1, $2, $3, $4::date, $5::jsonb, $6, $7, $8) RETURNING ${E_COLS}`,
        [
          newId('en'),
          input.participantId,
          input.programmeId,
          input.startDate,
          points(programme.reassessAt),
          input.homeSessions ?? false,
          input.enrolledBy,
          at('createdAt', clock()),
        ],
      );
      return toEnrolment(row!);
    },
    async activeEnrolment(participantId) {
      const [row] = await db.query<EnrolmentRow>(
        `SELECT ${E_COLS} FROM enrolments WHERE participant_id = $1 AND status = 'active'`,
        [participantId],
      );
      return row && toEnrolment(row);
    },
    async enrolments(participantId) {
      const rows = await db.query<EnrolmentRow>(
        `SELECT ${E_COLS} FROM enrolments WHERE participant_id = $1 ORDER BY start_date, created_at, id`,
        [participantId],
      );
      return rows.map(toEnrolment);
    },
    async activeEnrolments(filter = {}) {
      const rows = await db.query<EnrolmentRow>(
        `SELECT ${E_COLS_E} FROM enrolments e JOIN participants p ON p.id = e.participant_id
         WHERE e.status = 'active' AND ($1::text[] IS NULL OR p.site_id = ANY ($1::text[]))
         ORDER BY e.start_date, e.id`,
        [filter.siteIds ? [...filter.siteIds] : null],
      );
      return rows.map(toEnrolment);
    },
    async endEnrolment(id, status, atMs = clock()) {
      const [row] = await db.query<EnrolmentRow>(
        `UPDATE enrolments SET status = $2, ended_at = $3 WHERE id = $1 AND status = 'active' RETURNING ${E_COLS}`,
        [id, status, at('atMs', atMs)],
      );
      if (!row) {
        found(await getEnrolment(id), 'enrolment', id);
        throw new codes.ZW_ERR_INVALID_STATE(`enrolment ${id} has already ended`);
      }
      return toEnrolment(row);
    },
  };
}
