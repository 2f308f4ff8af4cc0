import { at, found, ms, type RepoContext } from '../context.js';
import { newId } from '../ids.js';
import type { ClassRecord } from '../types.js';

interface ClassRow {
  id: string;
  site_id: string;
  name: string;
  instructor_id: string | null;
  schedule: string | null;
  archived: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLS = 'id, site_id, name, instructor_id, schedule, archived, created_at, updated_at';
const toClass = (r: ClassRow): ClassRecord => ({
  id: r.id,
  siteId: r.site_id,
  name: r.name,
  instructorId: r.instructor_id,
  schedule: r.schedule,
  archived: r.archived,
  createdAt: ms(r.created_at),
  updatedAt: ms(r.updated_at),
});

/** Input of {@link ClassesRepo.create}. */
export interface NewClass {
  id?: string;
  siteId: string;
  name: string;
  instructorId?: string | null;
  /** Free text for people, e.g. "Mon and Thu 10:00". */
  schedule?: string | null;
}

/** Supervised classes (a recurring group; each sitting is a session). */
export interface ClassesRepo {
  /** @throws ZW_ERR_CONFLICT, ZW_ERR_INVALID_INPUT, ZW_ERR_INVALID_REFERENCE */
  create(input: NewClass): Promise<ClassRecord>;
  get(id: string): Promise<ClassRecord | undefined>;
  /** Classes of a site (or all), archived ones only when asked. */
  list(filter?: { siteId?: string; includeArchived?: boolean }): Promise<ClassRecord[]>;
  /** Undefined keeps a field; null clears instructor or schedule. @throws ZW_ERR_NOT_FOUND */
  update(
    id: string,
    patch: { name?: string; instructorId?: string | null; schedule?: string | null; archived?: boolean },
  ): Promise<ClassRecord>;
}

/** Class repository over `ctx.db`. */
export function classesRepo({ db, clock }: RepoContext): ClassesRepo {
  return {
    async create(input) {
      const now = at('createdAt', clock());
      const [row] = await db.query<ClassRow>(
        `INSERT INTO classes (id, site_id, name, instructor_id, schedule, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ${COLS}`,
        [
          input.id ?? newId('cl'),
          input.siteId,
          input.name,
          input.instructorId ?? null,
          input.schedule ?? null,
          now,
        ],
      );
      return toClass(row!);
    },
    async get(id) {
      const [row] = await db.query<ClassRow>(`SELECT ${COLS} FROM classes WHERE id = $1`, [id]);
      return row && toClass(row);
    },
    async list(filter = {}) {
      const rows = await db.query<ClassRow>(
        `SELECT ${COLS} FROM classes WHERE ($1::text IS NULL OR site_id = $1) AND (NOT archived OR $2)
         ORDER BY site_id, name, id`,
        [filter.siteId ?? null, filter.includeArchived ?? false],
      );
      return rows.map(toClass);
    },
    async update(id, patch) {
      const [row] = await db.query<ClassRow>(
        `UPDATE classes SET name = coalesce($2, name),
           instructor_id = CASE WHEN $4 THEN $3 ELSE instructor_id END,
           schedule = CASE WHEN $6 THEN $5 ELSE schedule END,
           archived = coalesce($7, archived), updated_at = $8
         WHERE id = $1 RETURNING ${COLS}`,
        [
          id,
          patch.name ?? null,
          patch.instructorId ?? null,
          patch.instructorId !== undefined,
          patch.schedule ?? null,
          patch.schedule !== undefined,
          patch.archived ?? null,
          at('updatedAt', clock()),
        ],
      );
      return toClass(found(row, 'class', id));
    },
  };
}
