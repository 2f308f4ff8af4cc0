import { at, found, jsonObject, ms, msOrNull, type RepoContext } from '../context.js';
import { codes } from '../errors.js';
import { newId } from '../ids.js';
import type { PrescriptionRecord } from '../types.js';

interface PrescriptionRow {
  id: string;
  participant_id: string;
  version: number;
  effective_from: Date;
  effective_to: Date | null;
  author_id: string;
  body: unknown;
  note: string | null;
  created_at: Date;
}

const COLS = 'id, participant_id, version, effective_from, effective_to, author_id, body, note, created_at';

const toRecord = (r: PrescriptionRow): PrescriptionRecord => ({
  id: r.id,
  participantId: r.participant_id,
  version: r.version,
  effectiveFrom: ms(r.effective_from),
  effectiveTo: msOrNull(r.effective_to),
  authorId: r.author_id,
  body: r.body,
  note: r.note,
  createdAt: ms(r.created_at),
});

/** Input of {@link PrescriptionsRepo.create}. */
export interface NewPrescription {
  participantId: string;
  /** The clinician who wrote it. */
  authorId: string;
  /** The prescription document, validated by the caller with the rules engine's schema; stored as JSONB. */
  body: object;
  /** When it takes effect (ms; default now). Must be after the latest version's effectiveFrom. */
  effectiveFrom?: number;
  /** Why it changed (shown in the history). */
  note?: string;
}

/** Versioned prescriptions (CLINICAL-RULES.md section 1). Versions are immutable once written. */
export interface PrescriptionsRepo {
  /**
   * Writes the next version and closes the previous one at the new effectiveFrom, atomically (the
   * participant row is locked, so two clinicians saving at once get versions n and n+1, never two n).
   * @throws ZW_ERR_NOT_FOUND (participant), ZW_ERR_INVALID_INPUT (body not an object, effectiveFrom not after
   *   the latest version's), ZW_ERR_INVALID_REFERENCE (author)
   */
  create(input: NewPrescription): Promise<PrescriptionRecord>;
  get(id: string): Promise<PrescriptionRecord | undefined>;
  /** The version in force at `atMs` (default now): effectiveFrom ≤ at < effectiveTo. */
  current(participantId: string, atMs?: number): Promise<PrescriptionRecord | undefined>;
  /** The versions in force at `atMs` for many participants at once (restore after restart), one per participant. */
  currentMany(participantIds: readonly string[], atMs?: number): Promise<PrescriptionRecord[]>;
  /** Every version of a participant, oldest first. */
  history(participantId: string): Promise<PrescriptionRecord[]>;
}

/** Prescription repository over `ctx.db`. */
export function prescriptionsRepo({ db, clock }: RepoContext): PrescriptionsRepo {
  return {
    async create(input) {
      const body = jsonObject('body', input.body);
      const from = input.effectiveFrom ?? clock();
      const row = await db.transaction(async (tx) => {
        const [p] = await tx.query('SELECT id FROM participants WHERE id = $1 FOR UPDATE', [
          input.participantId,
        ]);
        found(p, 'participant', input.participantId);
        const [latest] = await tx.query<{ id: string; version: number; effective_from: Date }>(
          `SELECT id, version, effective_from FROM prescriptions WHERE participant_id = $1
           ORDER BY version DESC LIMIT 1`,
          [input.participantId],
        );
        if (latest && from <= ms(latest.effective_from)) {
          throw new codes.ZW_ERR_INVALID_INPUT(
            `effectiveFrom must be after the effectiveFrom of version ${latest.version} (${new Date(ms(latest.effective_from)).toISOString()})`,
          );
        }
        if (latest) {
          await tx.query(
            'UPDATE prescriptions SET effective_to = $2 WHERE id = $1 AND (effective_to IS NULL OR effective_to > $2)',
            [latest.id, at('effectiveFrom', from)],
          );
        }
        const [inserted] = await tx.query<PrescriptionRow>(
          `INSERT INTO prescriptions (id, participant_id, version, effective_from, author_id, body, note, created_at)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8) RETURNING ${COLS}`,
          [
            newId('rx'),
            input.participantId,
            (latest?.version ?? 0) + 1,
            at('effectiveFrom', from),
            input.authorId,
            body,
            input.note ?? null,
            at('createdAt', clock()),
          ],
        );
        return inserted!;
      });
      return toRecord(row);
    },
    async get(id) {
      const [row] = await db.query<PrescriptionRow>(`SELECT ${COLS} FROM prescriptions WHERE id = $1`, [id]);
      return row && toRecord(row);
    },
    async current(participantId, atMs = clock()) {
      const [row] = await db.query<PrescriptionRow>(
        `SELECT ${COLS} FROM prescriptions WHERE participant_id = $1 AND effective_from <= $2
           AND (effective_to IS NULL OR effective_to > $2)
         ORDER BY version DESC LIMIT 1`,
        [participantId, at('at', atMs)],
      );
      return row && toRecord(row);
    },
    async currentMany(participantIds, atMs = clock()) {
      if (participantIds.length === 0) return [];
      const rows = await db.query<PrescriptionRow>(
        `SELECT DISTINCT ON (participant_id) ${COLS} FROM prescriptions
         WHERE participant_id = ANY ($1::text[]) AND effective_from <= $2 AND (effective_to IS NULL OR effective_to > $2)
         ORDER BY participant_id, version DESC`,
        [[...participantIds], at('at', atMs)],
      );
      return rows.map(toRecord);
    },
    async history(participantId) {
      const rows = await db.query<PrescriptionRow>(
        `SELECT ${COLS} FROM prescriptions WHERE participant_id = $1 ORDER BY version`,
        [participantId],
      );
      return rows.map(toRecord);
    },
  };
}
