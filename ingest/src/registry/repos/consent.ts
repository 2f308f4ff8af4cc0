import { at, ms, type RepoContext } from '../context.js';
import { codes } from '../errors.js';
import { newId } from '../ids.js';

/**
 * What a participant consents to, separately (PIPL: health data is sensitive personal information and each
 * use needs its own consent):
 * - `wall-name`: their alias on the shared class wall, where other people see it;
 * - `home-monitoring`: being monitored remotely in home sessions (no home session starts without it);
 * - `hospital-sharing`: their record shared with the referring hospital over FHIR (without it the facade
 *   returns nothing about them).
 */
export const CONSENT_PURPOSES = ['wall-name', 'home-monitoring', 'hospital-sharing'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** One consent decision as staff recorded it. */
export interface ConsentRecord {
  id: string;
  participantId: string;
  purpose: ConsentPurpose;
  /** true = granted, false = withdrawn (or refused). */
  granted: boolean;
  /** Version of the privacy notice the participant was shown, e.g. `2026-12`. */
  noticeVersion: string;
  /** When it was recorded (ms since epoch). */
  recordedAt: number;
  /** The staff user who recorded it; null for the system (demo seed). */
  recordedBy: string | null;
  note: string | null;
}

/** Input of {@link ConsentRepo.record}. */
export interface NewConsent {
  participantId: string;
  purpose: ConsentPurpose;
  granted: boolean;
  noticeVersion: string;
  recordedBy?: string | null;
  note?: string | null;
  atMs?: number;
}

interface ConsentRow {
  id: string;
  participant_id: string;
  purpose: ConsentPurpose;
  granted: boolean;
  notice_version: string;
  recorded_at: Date;
  recorded_by: string | null;
  note: string | null;
}

const COLS = 'id, participant_id, purpose, granted, notice_version, recorded_at, recorded_by, note';
const toRecord = (r: ConsentRow): ConsentRecord => ({
  id: r.id,
  participantId: r.participant_id,
  purpose: r.purpose,
  granted: r.granted,
  noticeVersion: r.notice_version,
  recordedAt: ms(r.recorded_at),
  recordedBy: r.recorded_by,
  note: r.note,
});

/** The decision in force per purpose (undefined: never asked, which counts as no consent). */
export type ConsentState = Record<ConsentPurpose, ConsentRecord | undefined>;

/**
 * Consent decisions, a history per participant and purpose: the newest decision is in force. Nothing is
 * updated in place, so "who recorded what, when, under which notice" stays answerable.
 */
export interface ConsentRepo {
  /** Records a grant or a withdrawal. @throws ZW_ERR_INVALID_REFERENCE (unknown participant), ZW_ERR_INVALID_INPUT */
  record(input: NewConsent): Promise<ConsentRecord>;
  /** Every decision of a participant, oldest first. */
  history(participantId: string): Promise<ConsentRecord[]>;
  /** The decision in force per purpose. */
  current(participantId: string): Promise<ConsentState>;
  /** Whether the participant's decision in force for `purpose` is a grant. */
  has(participantId: string, purpose: ConsentPurpose): Promise<boolean>;
  /** Those of `participantIds` without a grant in force for `purpose` (input order kept). */
  missing(participantIds: readonly string[], purpose: ConsentPurpose): Promise<string[]>;
}

/** Consent repository over `ctx.db`. */
export function consentRepo({ db, clock }: RepoContext): ConsentRepo {
  const latest = async (ids: readonly string[], purpose: ConsentPurpose | null) => {
    if (ids.length === 0) return [];
    const rows = await db.query<ConsentRow>(
      `SELECT DISTINCT ON (participant_id, purpose) ${COLS} FROM participant_consents
       WHERE participant_id = ANY($1::text[]) AND ($2::text IS NULL OR purpose = $2)
       ORDER BY participant_id, purpose, recorded_at DESC, seq DESC`,
      [ids, purpose],
    );
    return rows.map(toRecord);
  };
  const repo: ConsentRepo = {
    async record(input) {
      if (!(CONSENT_PURPOSES as readonly string[]).includes(input.purpose)) {
        throw new codes.ZW_ERR_INVALID_INPUT(`purpose must be one of ${CONSENT_PURPOSES.join(', ')}`);
      }
      const [p] = await db.query('SELECT id FROM participants WHERE id = $1', [input.participantId]);
      if (!p)
        throw new codes.ZW_ERR_INVALID_REFERENCE(`participantId: unknown participant ${input.participantId}`);
      const [row] = await db.query<ConsentRow>(
        `INSERT INTO participant_consents (id, participant_id, purpose, granted, notice_version, recorded_at,
           recorded_by, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLS}`,
        [
          newId('cn'),
          input.participantId,
          input.purpose,
          input.granted,
          input.noticeVersion.trim(),
          at('atMs', input.atMs ?? clock()),
          input.recordedBy ?? null,
          input.note ?? null,
        ],
      );
      return toRecord(row!);
    },
    async history(participantId) {
      const rows = await db.query<ConsentRow>(
        `SELECT ${COLS} FROM participant_consents WHERE participant_id = $1 ORDER BY recorded_at, seq`,
        [participantId],
      );
      return rows.map(toRecord);
    },
    async current(participantId) {
      const state = Object.fromEntries(CONSENT_PURPOSES.map((p) => [p, undefined])) as ConsentState;
      for (const r of await latest([participantId], null)) state[r.purpose] = r;
      return state;
    },
    async has(participantId, purpose) {
      return (await repo.missing([participantId], purpose)).length === 0;
    },
    async missing(participantIds, purpose) {
      const granted = new Set(
        (await latest(participantIds, purpose)).filter((r) => r.granted).map((r) => r.participantId),
      );
      return participantIds.filter((id) => !granted.has(id));
    },
  };
  return repo;
}
