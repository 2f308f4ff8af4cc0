import { at, found, ms, type RepoContext } from '../context.js';
import { codes } from '../errors.js';
import { newId } from '../ids.js';
import { hashPassword, MIN_PASSWORD_LENGTH, needsRehash, verifyPassword } from '../passwords.js';
import { ROLES, type Role, type User } from '../types.js';

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  roles: Role[];
  site_ids: string[] | null;
  disabled: boolean;
  created_at: Date;
  updated_at: Date;
}

// The password hash is selected only by authenticate().
const SELECT = `SELECT u.id, u.username, u.display_name, u.roles, u.disabled, u.created_at, u.updated_at,
  (SELECT array_agg(s.site_id ORDER BY s.site_id) FROM user_sites s WHERE s.user_id = u.id) AS site_ids
  FROM users u`;

const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  roles: [...r.roles].sort(),
  siteIds: r.site_ids ?? [],
  disabled: r.disabled,
  createdAt: ms(r.created_at),
  updatedAt: ms(r.updated_at),
});

/** Input of {@link UsersRepo.create}. */
export interface NewUser {
  id?: string;
  /** Login name; stored lower-case, `[a-z0-9._-]{3,64}`. */
  username: string;
  displayName: string;
  /** Plain password (at least 10 characters); only its scrypt hash is stored. */
  password: string;
  roles: Role[];
  siteIds?: string[];
}

/** Staff accounts, their roles and site memberships, and login. */
export interface UsersRepo {
  /** Creates a user and hashes the password. @throws ZW_ERR_CONFLICT (username taken), ZW_ERR_INVALID_INPUT, ZW_ERR_INVALID_REFERENCE (site) */
  create(input: NewUser): Promise<User>;
  get(id: string): Promise<User | undefined>;
  /** Case-insensitive lookup by login name (no password hash; use {@link UsersRepo.authenticate} to log in). */
  findByUsername(username: string): Promise<User | undefined>;
  /** Users, optionally only members of a site and/or holders of a role (e.g. escalation to a site's staff). */
  list(filter?: { siteId?: string; role?: Role; includeDisabled?: boolean }): Promise<User[]>;
  /** Changes display name, roles or the disabled flag. @throws ZW_ERR_NOT_FOUND */
  update(id: string, patch: { displayName?: string; roles?: Role[]; disabled?: boolean }): Promise<User>;
  /** Replaces the password. @throws ZW_ERR_NOT_FOUND, ZW_ERR_INVALID_INPUT */
  setPassword(id: string, password: string): Promise<void>;
  /** Adds a site membership (no-op if present). @throws ZW_ERR_NOT_FOUND, ZW_ERR_INVALID_REFERENCE */
  addSite(userId: string, siteId: string): Promise<User>;
  /** Removes a site membership (no-op if absent). @throws ZW_ERR_NOT_FOUND */
  removeSite(userId: string, siteId: string): Promise<User>;
  /**
   * Checks a login. Returns the user when the password matches and the account is enabled, else undefined.
   * An unknown username costs the same scrypt work as a wrong password (no user enumeration by timing).
   * A hash made with older cost parameters is upgraded on success.
   */
  authenticate(username: string, password: string): Promise<User | undefined>;
}

function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new codes.ZW_ERR_INVALID_INPUT(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
}

function checkRoles(roles: readonly string[]): void {
  for (const r of roles) {
    if (!(ROLES as readonly string[]).includes(r)) {
      throw new codes.ZW_ERR_INVALID_INPUT(
        `roles: unknown role ${JSON.stringify(r)}; expected ${ROLES.join(', ')}`,
      );
    }
  }
}

// One hash per cost setting, so an unknown username costs what a real check costs.
const dummyHashes = new Map<string, Promise<string>>();

/** User repository over `ctx.db` (hashes with `ctx.passwordParams`). */
export function usersRepo(ctx: RepoContext): UsersRepo {
  const { db, clock } = ctx;
  const get = async (id: string) => {
    const [row] = await db.query<UserRow>(`${SELECT} WHERE u.id = $1`, [id]);
    return row && toUser(row);
  };
  const mustGet = async (id: string) => found(await get(id), 'user', id);

  return {
    async create(input) {
      checkPassword(input.password);
      checkRoles(input.roles);
      const hash = await hashPassword(input.password, ctx.passwordParams);
      const id = input.id ?? newId('u');
      const now = at('createdAt', clock());
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO users (id, username, display_name, password_hash, roles, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5::text[], $6, $6)`,
          [id, normalizeUsername(input.username), input.displayName, hash, [...new Set(input.roles)], now],
        );
        for (const siteId of new Set(input.siteIds ?? [])) {
          await tx.query('INSERT INTO user_sites (user_id, site_id) VALUES ($1, $2)', [id, siteId]);
        }
      });
      return mustGet(id);
    },
    get,
    async findByUsername(username) {
      const [row] = await db.query<UserRow>(`${SELECT} WHERE u.username = $1`, [normalizeUsername(username)]);
      return row && toUser(row);
    },
    async list(filter = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.siteId !== undefined) {
        params.push(filter.siteId);
        where.push(
          `EXISTS (SELECT 1 FROM user_sites s WHERE s.user_id = u.id AND s.site_id = $${params.length})`,
        );
      }
      if (filter.role !== undefined) {
        params.push(filter.role);
        where.push(`$${params.length} = ANY (u.roles)`);
      }
      if (!filter.includeDisabled) where.push('NOT u.disabled');
      const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY u.username`;
      return (await db.query<UserRow>(sql, params)).map(toUser);
    },
    async update(id, patch) {
      if (patch.roles) checkRoles(patch.roles);
      const rows = await db.query(
        `UPDATE users SET display_name = coalesce($2, display_name), roles = coalesce($3::text[], roles),
           disabled = coalesce($4, disabled), updated_at = $5 WHERE id = $1 RETURNING id`,
        [
          id,
          patch.displayName ?? null,
          patch.roles ? [...new Set(patch.roles)] : null,
          patch.disabled ?? null,
          at('updatedAt', clock()),
        ],
      );
      found(rows[0], 'user', id);
      return mustGet(id);
    },
    async setPassword(id, password) {
      checkPassword(password);
      const hash = await hashPassword(password, ctx.passwordParams);
      const rows = await db.query(
        'UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1 RETURNING id',
        [id, hash, at('updatedAt', clock())],
      );
      found(rows[0], 'user', id);
    },
    async addSite(userId, siteId) {
      await mustGet(userId);
      await db.query('INSERT INTO user_sites (user_id, site_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        userId,
        siteId,
      ]);
      return mustGet(userId);
    },
    async removeSite(userId, siteId) {
      await mustGet(userId);
      await db.query('DELETE FROM user_sites WHERE user_id = $1 AND site_id = $2', [userId, siteId]);
      return mustGet(userId);
    },
    async authenticate(username, password) {
      const [row] = await db.query<{ id: string; password_hash: string; disabled: boolean }>(
        'SELECT id, password_hash, disabled FROM users WHERE username = $1',
        [normalizeUsername(username)],
      );
      if (!row) {
        const { N, r, p } = ctx.passwordParams;
        const key = `${N}/${r}/${p}`;
        let dummy = dummyHashes.get(key);
        if (!dummy) {
          dummy = hashPassword('zonewatch-timing-equaliser', ctx.passwordParams);
          dummyHashes.set(key, dummy);
        }
        await verifyPassword(password, await dummy);
        return undefined;
      }
      const ok = await verifyPassword(password, row.password_hash);
      if (!ok || row.disabled) return undefined;
      if (needsRehash(row.password_hash, ctx.passwordParams)) {
        const hash = await hashPassword(password, ctx.passwordParams);
        await db.query('UPDATE users SET password_hash = $2 WHERE id = $1 AND password_hash = $3', [
          row.id,
          hash,
          row.password_hash,
        ]);
      }
      return get(row.id);
    },
  };
}
