import { createHash, randomBytes } from 'node:crypto';
import { at, found, ms, msOrNull, type RepoContext, type Ts } from '../context.js';
import { newId } from '../ids.js';

/** A hospital system allowed to read the FHIR facade (its token is never stored, only its sha256). */
export interface FhirClient {
  id: string;
  /** The hospital (or its system), as the admin named it. */
  name: string;
  /** The one site whose participants it may read. */
  siteId: string;
  /** Whether Patient resources carry the name and birth date (else pseudonymous: id and alias-free). */
  allowIdentity: boolean;
  createdBy: string | null;
  createdAt: number;
  revokedAt: number | null;
}

interface FhirClientRow {
  id: string;
  name: string;
  site_id: string;
  allow_identity: boolean;
  created_by: string | null;
  created_at: Date;
  revoked_at: Ts;
}

const COLS = 'id, name, site_id, allow_identity, created_by, created_at, revoked_at';
const toClient = (r: FhirClientRow): FhirClient => ({
  id: r.id,
  name: r.name,
  siteId: r.site_id,
  allowIdentity: r.allow_identity,
  createdBy: r.created_by,
  createdAt: ms(r.created_at),
  revokedAt: msOrNull(r.revoked_at),
});

/** sha256 (hex) of a bearer token. */
export const hashFhirToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** FHIR clients (bearer tokens of hospital systems). */
export interface FhirClientsRepo {
  /** Creates a client and returns it with its token, shown this once. @throws ZW_ERR_INVALID_REFERENCE (site) */
  create(input: {
    name: string;
    siteId: string;
    allowIdentity: boolean;
    createdBy?: string | null;
  }): Promise<{ client: FhirClient; token: string }>;
  list(filter?: { siteId?: string; includeRevoked?: boolean }): Promise<FhirClient[]>;
  get(id: string): Promise<FhirClient | undefined>;
  /** The unrevoked client a bearer token belongs to, or undefined. */
  authenticate(token: string): Promise<FhirClient | undefined>;
  /** Revokes the token (idempotent: keeps the first revocation time). @throws ZW_ERR_NOT_FOUND */
  revoke(id: string): Promise<FhirClient>;
}

/** FHIR client repository over `ctx.db`. */
export function fhirClientsRepo({ db, clock }: RepoContext): FhirClientsRepo {
  return {
    async create(input) {
      const token = `zwf_${randomBytes(32).toString('base64url')}`;
      const [row] = await db.query<FhirClientRow>(
        `INSERT INTO fhir_clients (id, name, site_id, allow_identity, token_hash, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLS}`,
        [
          newId('fc'),
          input.name.trim(),
          input.siteId,
          input.allowIdentity,
          hashFhirToken(token),
          input.createdBy ?? null,
          at('createdAt', clock()),
        ],
      );
      return { client: toClient(row!), token };
    },
    async list(filter = {}) {
      const rows = await db.query<FhirClientRow>(
        `SELECT ${COLS} FROM fhir_clients WHERE ($1::text IS NULL OR site_id = $1)
           AND (revoked_at IS NULL OR $2) ORDER BY created_at, id`,
        [filter.siteId ?? null, filter.includeRevoked ?? false],
      );
      return rows.map(toClient);
    },
    async get(id) {
      const [row] = await db.query<FhirClientRow>(`SELECT ${COLS} FROM fhir_clients WHERE id = $1`, [id]);
      return row && toClient(row);
    },
    async authenticate(token) {
      const [row] = await db.query<FhirClientRow>(
        `SELECT ${COLS} FROM fhir_clients WHERE token_hash = $1 AND revoked_at IS NULL`,
        [hashFhirToken(token)],
      );
      return row && toClient(row);
    },
    async revoke(id) {
      const [row] = await db.query<FhirClientRow>(
        `UPDATE fhir_clients SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING ${COLS}`,
        [id, at('revokedAt', clock())],
      );
      return toClient(found(row, 'FHIR client', id));
    },
  };
}
