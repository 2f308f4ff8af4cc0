import { at, found, jsonObject, ms, msOrNull, type RepoContext } from '../context.js';
import { codes } from '../errors.js';
import { newId } from '../ids.js';

/** A proposal waits for a clinician (`proposed`), was accepted (new prescription version) or rejected, or a newer one replaced it. */
export type ProposalStatus = 'proposed' | 'accepted' | 'rejected' | 'superseded';

/** One weekly progression proposal (issue 15). */
export interface ProgressionProposalRecord {
  id: string;
  participantId: string;
  enrolmentId: string | null;
  /** The week the proposal looks back on: [weekStart, weekEnd) (ms). */
  weekStart: number;
  weekEnd: number;
  /** The prescription version it starts from. */
  prescriptionId: string;
  /** What it proposes. */
  kind: ProgressionKind;
  /** The proposal document (clinical `proposeProgression`): proposed prescription, reasons, sessions, figures. */
  body: unknown;
  status: ProposalStatus;
  decidedBy: string | null;
  decidedAt: number | null;
  /** Why it was rejected (kept). */
  reason: string | null;
  /** The prescription version accepting it created. */
  resultPrescriptionId: string | null;
  createdAt: number;
}

/** Input of {@link ProgressionRepo.create}. */
export interface NewProposal {
  participantId: string;
  enrolmentId?: string | null;
  weekStart: number;
  weekEnd: number;
  prescriptionId: string;
  kind: ProgressionKind;
  body: object;
  atMs?: number;
}

interface ProposalRow {
  id: string;
  participant_id: string;
  enrolment_id: string | null;
  week_start: Date;
  week_end: Date;
  prescription_id: string;
  kind: ProgressionKind;
  body: unknown;
  status: ProposalStatus;
  decided_by: string | null;
  decided_at: Date | null;
  reason: string | null;
  result_prescription_id: string | null;
  created_at: Date;
}

const COLS = `id, participant_id, enrolment_id, week_start, week_end, prescription_id, kind, body, status,
  decided_by, decided_at, reason, result_prescription_id, created_at`;

const toRecord = (r: ProposalRow): ProgressionProposalRecord => ({
  id: r.id,
  participantId: r.participant_id,
  enrolmentId: r.enrolment_id,
  weekStart: ms(r.week_start),
  weekEnd: ms(r.week_end),
  prescriptionId: r.prescription_id,
  kind: r.kind,
  body: r.body,
  status: r.status,
  decidedBy: r.decided_by,
  decidedAt: msOrNull(r.decided_at),
  reason: r.reason,
  resultPrescriptionId: r.result_prescription_id,
  createdAt: ms(r.created_at),
});

/** What a proposal proposes. */
export type ProgressionKind = 'progress' | 'hold' | 'step-back';

/** Weekly progression proposals: every one is kept with the decision taken on it. */
export interface ProgressionRepo {
  /**
   * Writes an open proposal; a still-open older one of the participant becomes `superseded` (a
   * clinician decides on the newest evidence only). Atomic.
   * @throws ZW_ERR_CONFLICT (a proposal for this week exists), ZW_ERR_INVALID_REFERENCE
   */
  create(input: NewProposal): Promise<ProgressionProposalRecord>;
  get(id: string): Promise<ProgressionProposalRecord | undefined>;
  /** A participant's proposals, newest week first. */
  list(participantId: string): Promise<ProgressionProposalRecord[]>;
  /** The open (`proposed`) proposal of a participant, if any. */
  open(participantId: string): Promise<ProgressionProposalRecord | undefined>;
  /** The proposal for the week starting at `weekStart`, if any. */
  forWeek(participantId: string, weekStart: number): Promise<ProgressionProposalRecord | undefined>;
  /** Marks an open proposal accepted with the version it created. @throws ZW_ERR_NOT_FOUND, ZW_ERR_INVALID_STATE (not open) */
  accept(
    id: string,
    decision: { by: string; prescriptionId: string; atMs?: number },
  ): Promise<ProgressionProposalRecord>;
  /** Marks an open proposal rejected, keeping the reason. @throws ZW_ERR_NOT_FOUND, ZW_ERR_INVALID_STATE (not open) */
  reject(
    id: string,
    decision: { by: string; reason: string; atMs?: number },
  ): Promise<ProgressionProposalRecord>;
}

/** Progression proposal repository over `ctx.db`. */
export function progressionRepo({ db, clock }: RepoContext): ProgressionRepo {
  const get = async (id: string) => {
    const [row] = await db.query<ProposalRow>(`SELECT ${COLS} FROM progression_proposals WHERE id = $1`, [
      id,
    ]);
    return row && toRecord(row);
  };
  const decide = async (id: string, sql: string, params: unknown[]) => {
    const [row] = await db.query<ProposalRow>(
      `UPDATE progression_proposals SET ${sql} WHERE id = $1 AND status = 'proposed' RETURNING ${COLS}`,
      [id, ...params],
    );
    if (row) return toRecord(row);
    const existing = found(await get(id), 'progression proposal', id);
    throw new codes.ZW_ERR_INVALID_STATE(`progression proposal ${id} is already ${existing.status}`);
  };
  return {
    get,
    async create(input) {
      const body = jsonObject('body', input.body);
      const now = at('atMs', input.atMs ?? clock());
      const row = await db.transaction(async (tx) => {
        await tx.query(
          `UPDATE progression_proposals SET status = 'superseded', decided_at = $2
           WHERE participant_id = $1 AND status = 'proposed'`,
          [input.participantId, now],
        );
        const [inserted] = await tx.query<ProposalRow>(
          `INSERT INTO progression_proposals (id, participant_id, enrolment_id, week_start, week_end, prescription_id, kind, body, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9) RETURNING ${COLS}`,
          [
            newId('pp'),
            input.participantId,
            input.enrolmentId ?? null,
            at('weekStart', input.weekStart),
            at('weekEnd', input.weekEnd),
            input.prescriptionId,
            input.kind,
            body,
            now,
          ],
        );
        return inserted!;
      });
      return toRecord(row);
    },
    async list(participantId) {
      const rows = await db.query<ProposalRow>(
        `SELECT ${COLS} FROM progression_proposals WHERE participant_id = $1 ORDER BY week_start DESC, created_at DESC`,
        [participantId],
      );
      return rows.map(toRecord);
    },
    async open(participantId) {
      const [row] = await db.query<ProposalRow>(
        `SELECT ${COLS} FROM progression_proposals WHERE participant_id = $1 AND status = 'proposed'`,
        [participantId],
      );
      return row && toRecord(row);
    },
    async forWeek(participantId, weekStart) {
      const [row] = await db.query<ProposalRow>(
        `SELECT ${COLS} FROM progression_proposals WHERE participant_id = $1 AND week_start = $2`,
        [participantId, at('weekStart', weekStart)],
      );
      return row && toRecord(row);
    },
    accept: (id, d) =>
      decide(id, `status = 'accepted', decided_by = $2, decided_at = $3, result_prescription_id = $4`, [
        d.by,
        at('atMs', d.atMs ?? clock()),
        d.prescriptionId,
      ]),
    reject: (id, d) =>
      decide(id, `status = 'rejected', decided_by = $2, decided_at = $3, reason = $4`, [
        d.by,
        at('atMs', d.atMs ?? clock()),
        d.reason,
      ]),
  };
}
