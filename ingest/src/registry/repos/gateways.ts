import { at, found, ms, msOrNull, type RepoContext } from '../context.js';
import { codes } from '../errors.js';
import { isPasswordHash } from '../passwords.js';
import type { Gateway, GatewayCredential } from '../types.js';

interface GatewayRow {
  id: string;
  site_id: string;
  name: string | null;
  created_at: Date;
  last_seen: Date | null;
  revoked_at: Date | null;
}

const COLS = 'id, site_id, name, created_at, last_seen, revoked_at';
const toGateway = (r: GatewayRow): Gateway => ({
  id: r.id,
  siteId: r.site_id,
  name: r.name,
  createdAt: ms(r.created_at),
  lastSeen: msOrNull(r.last_seen),
  revokedAt: msOrNull(r.revoked_at),
});

function checkHash(secretHash: string): void {
  if (!isPasswordHash(secretHash)) {
    throw new codes.ZW_ERR_INVALID_INPUT(
      'secretHash must be a scrypt$N$r$p$salt$hash string (hashSecret/hashPassword)',
    );
  }
}

/** Gateways and their MQTT credentials (only hashes are stored; the secret is shown once by its creator). */
export interface GatewaysRepo {
  /** Registers a gateway; `id` is its MQTT username and must be `[a-z0-9-]{1,64}`. @throws ZW_ERR_CONFLICT, ZW_ERR_INVALID_INPUT */
  create(input: { id: string; siteId: string; name?: string; secretHash: string }): Promise<Gateway>;
  get(id: string): Promise<Gateway | undefined>;
  list(filter?: { siteId?: string }): Promise<Gateway[]>;
  /**
   * For the broker's CredentialStore: the credential of an enabled gateway, or undefined (unknown or
   * revoked). Never throws for an unknown id.
   */
  lookupCredential(gatewayId: string): Promise<GatewayCredential | undefined>;
  /** Every enabled gateway credential (to fill an in-memory CredentialStore at start-up). */
  listCredentials(filter?: { siteIds?: readonly string[] }): Promise<GatewayCredential[]>;
  /** Replaces the secret hash (rotation); un-revokes nothing. @throws ZW_ERR_NOT_FOUND */
  rotateSecret(id: string, secretHash: string): Promise<void>;
  /** Records that the gateway was seen (status message, connect); never moves last_seen backwards. */
  touch(id: string, atMs?: number): Promise<void>;
  /** Disables a gateway's credential. @throws ZW_ERR_NOT_FOUND */
  revoke(id: string, atMs?: number): Promise<Gateway>;
}

interface CredRow {
  id: string;
  site_id: string;
  secret_hash: string;
}
const toCred = (r: CredRow): GatewayCredential => ({
  username: r.id,
  siteId: r.site_id,
  gatewayId: r.id,
  secretHash: r.secret_hash,
});

/** Gateway repository over `ctx.db`. */
export function gatewaysRepo({ db, clock }: RepoContext): GatewaysRepo {
  return {
    async create(input) {
      checkHash(input.secretHash);
      const [row] = await db.query<GatewayRow>(
        `INSERT INTO gateways (id, site_id, name, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5)
         RETURNING ${COLS}`,
        [input.id, input.siteId, input.name ?? null, input.secretHash, at('createdAt', clock())],
      );
      return toGateway(row!);
    },
    async get(id) {
      const [row] = await db.query<GatewayRow>(`SELECT ${COLS} FROM gateways WHERE id = $1`, [id]);
      return row && toGateway(row);
    },
    async list(filter = {}) {
      const rows = await db.query<GatewayRow>(
        `SELECT ${COLS} FROM gateways WHERE ($1::text IS NULL OR site_id = $1) ORDER BY site_id, id`,
        [filter.siteId ?? null],
      );
      return rows.map(toGateway);
    },
    async lookupCredential(gatewayId) {
      const [row] = await db.query<CredRow>(
        'SELECT id, site_id, secret_hash FROM gateways WHERE id = $1 AND revoked_at IS NULL',
        [gatewayId],
      );
      return row && toCred(row);
    },
    async listCredentials(filter = {}) {
      const rows = await db.query<CredRow>(
        `SELECT id, site_id, secret_hash FROM gateways WHERE revoked_at IS NULL
           AND ($1::text[] IS NULL OR site_id = ANY ($1::text[])) ORDER BY id`,
        [filter.siteIds ? [...filter.siteIds] : null],
      );
      return rows.map(toCred);
    },
    async rotateSecret(id, secretHash) {
      checkHash(secretHash);
      const rows = await db.query('UPDATE gateways SET secret_hash = $2 WHERE id = $1 RETURNING id', [
        id,
        secretHash,
      ]);
      found(rows[0], 'gateway', id);
    },
    async touch(id, atMs = clock()) {
      await db.query(
        'UPDATE gateways SET last_seen = $2 WHERE id = $1 AND (last_seen IS NULL OR last_seen < $2)',
        [id, at('at', atMs)],
      );
    },
    async revoke(id, atMs = clock()) {
      const [row] = await db.query<GatewayRow>(
        `UPDATE gateways SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING ${COLS}`,
        [id, at('revokedAt', atMs)],
      );
      return toGateway(found(row, 'gateway', id));
    },
  };
}
