import { at, found, ms, type RepoContext, setClause } from '../context.js';
import { newId } from '../ids.js';
import type { Site } from '../types.js';

interface SiteRow {
  id: string;
  name: string;
  timezone: string;
  created_at: Date;
}

const COLS = 'id, name, timezone, created_at';
const toSite = (r: SiteRow): Site => ({
  id: r.id,
  name: r.name,
  timezone: r.timezone,
  createdAt: ms(r.created_at),
});

/** Sites (a clinic, a gym, or the "home" programme of a clinic). */
export interface SitesRepo {
  /** Creates a site; `id` must be `[a-z0-9-]{1,64}` (it appears in MQTT topics). @throws ZW_ERR_CONFLICT, ZW_ERR_INVALID_INPUT */
  create(input: { id?: string; name: string; timezone?: string }): Promise<Site>;
  /** The site, or undefined. */
  get(id: string): Promise<Site | undefined>;
  /** Every site, by id. */
  list(): Promise<Site[]>;
  /** Renames or moves a site to another time zone. @throws ZW_ERR_NOT_FOUND */
  update(id: string, patch: { name?: string; timezone?: string }): Promise<Site>;
}

/** Site repository over `ctx.db`. */
export function sitesRepo({ db, clock }: RepoContext): SitesRepo {
  const get = async (id: string) => {
    const [row] = await db.query<SiteRow>(`SELECT ${COLS} FROM sites WHERE id = $1`, [id]);
    return row && toSite(row);
  };
  return {
    async create(input) {
      const [row] = await db.query<SiteRow>(
        `INSERT INTO sites (id, name, timezone, created_at) VALUES ($1, $2, $3, $4) RETURNING ${COLS}`,
        [input.id ?? newId('site'), input.name, input.timezone ?? 'UTC', at('createdAt', clock())],
      );
      return toSite(row!);
    },
    get,
    async list() {
      return (await db.query<SiteRow>(`SELECT ${COLS} FROM sites ORDER BY id`)).map(toSite);
    },
    async update(id, patch) {
      const set = setClause(patch, { name: 'name', timezone: 'timezone' });
      if (!set.sql) return found(await get(id), 'site', id);
      const [row] = await db.query<SiteRow>(`UPDATE sites SET ${set.sql} WHERE id = $1 RETURNING ${COLS}`, [
        id,
        ...set.params,
      ]);
      return toSite(found(row, 'site', id));
    },
  };
}
