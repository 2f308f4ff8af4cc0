import { at, ms, type RepoContext } from '../context.js';

/** A pairing code as stored: only the sha256 of the code. */
export interface PairingCodeRecord {
  codeHash: string;
  participantId: string;
  issuedBy: string;
  issuedAt: number;
  expiresAt: number;
  usedAt: number | null;
  gatewayId: string | null;
}

/** A phone gateway and the one participant it belongs to. */
export interface HomeGatewayRecord {
  gatewayId: string;
  participantId: string;
  pairedAt: number;
}

interface CodeRow {
  code_hash: string;
  participant_id: string;
  issued_by: string;
  issued_at: Date;
  expires_at: Date;
  used_at: Date | null;
  gateway_id: string | null;
}

const toCode = (r: CodeRow): PairingCodeRecord => ({
  codeHash: r.code_hash,
  participantId: r.participant_id,
  issuedBy: r.issued_by,
  issuedAt: ms(r.issued_at),
  expiresAt: ms(r.expires_at),
  usedAt: r.used_at ? ms(r.used_at) : null,
  gatewayId: r.gateway_id,
});

/**
 * Home monitoring from the participant's phone (migration 0005, issue 17): one-time pairing codes and the
 * phone gateways they created. The gateway itself (credential, revocation) lives in `gateways`.
 */
export interface HomePairingRepo {
  /** Stores a new code (its hash) and deletes codes that expired unused a day ago or more. */
  issue(input: {
    codeHash: string;
    participantId: string;
    issuedBy: string;
    issuedAt: number;
    expiresAt: number;
  }): Promise<void>;
  /** An unused, unexpired code, locked until the transaction ends; undefined when unknown, used or expired. */
  pending(codeHash: string, atMs: number): Promise<PairingCodeRecord | undefined>;
  /**
   * Marks an unused, unexpired code used by `gatewayId`, atomically (two phones racing get one winner).
   * Returns the code, or undefined when it is unknown, used or expired.
   */
  redeem(codeHash: string, gatewayId: string, atMs: number): Promise<PairingCodeRecord | undefined>;
  /** Ties a (just created) gateway to its participant. */
  linkGateway(input: HomeGatewayRecord): Promise<void>;
  /** The participant a phone gateway belongs to, if it is one. */
  gatewayOf(gatewayId: string): Promise<HomeGatewayRecord | undefined>;
}

export function homePairingRepo({ db }: RepoContext): HomePairingRepo {
  return {
    async issue(c) {
      await db.query('DELETE FROM pairing_codes WHERE used_at IS NULL AND expires_at < $1', [
        at('issuedAt', c.issuedAt - 86_400_000),
      ]);
      await db.query(
        `INSERT INTO pairing_codes (code_hash, participant_id, issued_by, issued_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [c.codeHash, c.participantId, c.issuedBy, at('issuedAt', c.issuedAt), at('expiresAt', c.expiresAt)],
      );
    },
    async pending(codeHash, atMs) {
      const [row] = await db.query<CodeRow>(
        `SELECT code_hash, participant_id, issued_by, issued_at, expires_at, used_at, gateway_id
           FROM pairing_codes WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 FOR UPDATE`,
        [codeHash, at('atMs', atMs)],
      );
      return row && toCode(row);
    },
    async redeem(codeHash, gatewayId, atMs) {
      const [row] = await db.query<CodeRow>(
        `UPDATE pairing_codes SET used_at = $3, gateway_id = $2
          WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $3
          RETURNING code_hash, participant_id, issued_by, issued_at, expires_at, used_at, gateway_id`,
        [codeHash, gatewayId, at('atMs', atMs)],
      );
      return row && toCode(row);
    },
    async linkGateway(g) {
      await db.query(
        'INSERT INTO home_gateways (gateway_id, participant_id, paired_at) VALUES ($1, $2, $3)',
        [g.gatewayId, g.participantId, at('pairedAt', g.pairedAt)],
      );
    },
    async gatewayOf(gatewayId) {
      const [row] = await db.query<{ gateway_id: string; participant_id: string; paired_at: Date }>(
        'SELECT gateway_id, participant_id, paired_at FROM home_gateways WHERE gateway_id = $1',
        [gatewayId],
      );
      return (
        row && { gatewayId: row.gateway_id, participantId: row.participant_id, pairedAt: ms(row.paired_at) }
      );
    },
  };
}
