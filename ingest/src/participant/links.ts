import { createHash, randomBytes } from 'node:crypto';
import createError from '@fastify/error';
import { newId } from '../registry/ids.js';
import type { Registry } from '../registry/index.js';

/**
 * Access links (issue 16): a clinician issues a link that opens one participant's own view on their phone.
 * The token is 32 random bytes (256 bits, base64url), shown once; only its sha256 is stored
 * (`participant_links`, migration 0009). A link is refused once it expired or was revoked.
 */
export interface ParticipantLink {
  id: string;
  participantId: string;
  /** `user:{id}` of the clinician who issued it. */
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  revokedBy: string | null;
  lastUsedAt: number | null;
  useCount: number;
}

/** Refusals of a link, answered to the participant's phone; none says anything about the participant. */
export const linkCodes = {
  /** No link has this token (mistyped, or never issued). */
  ZW_ERR_LINK_INVALID: createError<'ZW_ERR_LINK_INVALID', 401, []>(
    'ZW_ERR_LINK_INVALID',
    'This link is not valid. Ask your clinician for a new link.',
    401,
  ),
  /** The link's validity ended. */
  ZW_ERR_LINK_EXPIRED: createError<'ZW_ERR_LINK_EXPIRED', 410, []>(
    'ZW_ERR_LINK_EXPIRED',
    'This link has expired. Ask your clinician for a new link.',
    410,
  ),
  /** A clinician withdrew the link. */
  ZW_ERR_LINK_REVOKED: createError<'ZW_ERR_LINK_REVOKED', 410, []>(
    'ZW_ERR_LINK_REVOKED',
    'This link was withdrawn. Ask your clinician for a new link.',
    410,
  ),
} as const;

/** A new token: 256 random bits, base64url (43 characters). */
export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a token. */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Tokens are base64url of 32 bytes; anything else is refused before a database look-up. */
export const LINK_TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

interface LinkRow {
  id: string;
  participant_id: string;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
  last_used_at: Date | null;
  use_count: number;
}

const COLS =
  'id, participant_id, created_by, created_at, expires_at, revoked_at, revoked_by, last_used_at, use_count';
const ms = (d: Date | string) => new Date(d).getTime();
const msOrNull = (d: Date | string | null) => (d === null ? null : ms(d));
const toLink = (r: LinkRow): ParticipantLink => ({
  id: r.id,
  participantId: r.participant_id,
  createdBy: r.created_by,
  createdAt: ms(r.created_at),
  expiresAt: ms(r.expires_at),
  revokedAt: msOrNull(r.revoked_at),
  revokedBy: r.revoked_by,
  lastUsedAt: msOrNull(r.last_used_at),
  useCount: Number(r.use_count),
});

/** The link table over a registry's database handle (pass the `tx` registry inside a transaction). */
export function participantLinks(registry: Registry) {
  const { db } = registry;
  return {
    /** Issues a link; returns it with its token (the only time the token exists outside the phone). */
    async create(input: {
      participantId: string;
      createdBy: string;
      nowMs: number;
      validMs: number;
    }): Promise<{ link: ParticipantLink; token: string }> {
      const token = newLinkToken();
      const [row] = await db.query<LinkRow>(
        `INSERT INTO participant_links (id, token_hash, participant_id, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLS}`,
        [
          newId('pl'),
          hashLinkToken(token),
          input.participantId,
          input.createdBy,
          new Date(input.nowMs),
          new Date(input.nowMs + input.validMs),
        ],
      );
      return { link: toLink(row!), token };
    },
    /** Test and repair hook: a link with a given token and times (e.g. one that has already expired). */
    async insert(input: {
      token: string;
      participantId: string;
      createdBy: string;
      createdAt: number;
      expiresAt: number;
    }): Promise<ParticipantLink> {
      const [row] = await db.query<LinkRow>(
        `INSERT INTO participant_links (id, token_hash, participant_id, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLS}`,
        [
          newId('pl'),
          hashLinkToken(input.token),
          input.participantId,
          input.createdBy,
          new Date(input.createdAt),
          new Date(input.expiresAt),
        ],
      );
      return toLink(row!);
    },
    async byToken(token: string): Promise<ParticipantLink | undefined> {
      if (!LINK_TOKEN_FORMAT.test(token)) return undefined;
      const [row] = await db.query<LinkRow>(`SELECT ${COLS} FROM participant_links WHERE token_hash = $1`, [
        hashLinkToken(token),
      ]);
      return row && toLink(row);
    },
    async get(id: string): Promise<ParticipantLink | undefined> {
      const [row] = await db.query<LinkRow>(`SELECT ${COLS} FROM participant_links WHERE id = $1`, [id]);
      return row && toLink(row);
    },
    /** A participant's links, newest first. */
    async list(participantId: string): Promise<ParticipantLink[]> {
      const rows = await db.query<LinkRow>(
        `SELECT ${COLS} FROM participant_links WHERE participant_id = $1 ORDER BY created_at DESC, id`,
        [participantId],
      );
      return rows.map(toLink);
    },
    /** Withdraws a link (idempotent: a revoked link keeps its first revocation). */
    async revoke(id: string, by: string, nowMs: number): Promise<ParticipantLink | undefined> {
      const [row] = await db.query<LinkRow>(
        `UPDATE participant_links SET revoked_at = COALESCE(revoked_at, $2), revoked_by = COALESCE(revoked_by, $3)
         WHERE id = $1 RETURNING ${COLS}`,
        [id, new Date(nowMs), by],
      );
      return row && toLink(row);
    },
    /** Records a use (the audit trail has each one; this keeps the count next to the link). */
    async touch(id: string, nowMs: number): Promise<void> {
      await db.query(
        'UPDATE participant_links SET last_used_at = $2, use_count = use_count + 1 WHERE id = $1',
        [id, new Date(nowMs)],
      );
    },
  };
}

/** What a link's state is at `nowMs`. */
export function linkState(link: ParticipantLink, nowMs: number): 'active' | 'expired' | 'revoked' {
  if (link.revokedAt !== null) return 'revoked';
  if (nowMs >= link.expiresAt) return 'expired';
  return 'active';
}
