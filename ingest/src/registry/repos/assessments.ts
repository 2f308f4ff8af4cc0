import { at, found, jsonObject, ms, msOrNull, type RepoContext } from '../context.js';
import { codes } from '../errors.js';
import { newId } from '../ids.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What an assessment is for (issue 15). */
export type AssessmentKind = 'baseline' | 'reassessment' | 'pre-session';
/** Typed by staff, or sent by a measuring device over the API. */
export type AssessmentSource = 'manual' | 'device';

/** One assessment (测/评) of a participant. */
export interface AssessmentRecord {
  id: string;
  participantId: string;
  kind: AssessmentKind;
  /** The day it was measured, `YYYY-MM-DD`. */
  date: string;
  source: AssessmentSource;
  /** The measuring device (name or serial), when `source` is `device`. */
  device: string | null;
  /** The user who recorded it (for a device: the account that sent it). */
  authorId: string;
  /** The assessment document; its schema belongs to protocol (`assessmentInputSchema`): parse it with it. */
  document: unknown;
  createdAt: number;
}

/** Input of {@link AssessmentsRepo.create}; the caller has validated `document` with protocol's schema. */
export interface NewAssessment {
  participantId: string;
  kind: AssessmentKind;
  /** `YYYY-MM-DD`. */
  date: string;
  source?: AssessmentSource;
  device?: string | null;
  authorId: string;
  document: object;
}

/** A clinician's explicit, audited permission for a high-risk participant to exercise at home. */
export interface HomeOverrideRecord {
  id: string;
  participantId: string;
  /** The enrolment it was given with, if any. */
  enrolmentId: string | null;
  authorId: string;
  reason: string;
  createdAt: number;
  revokedAt: number | null;
  revokedBy: string | null;
}

interface AssessmentRow {
  id: string;
  participant_id: string;
  kind: AssessmentKind;
  assessed_on: string;
  source: AssessmentSource;
  device: string | null;
  author_id: string;
  document: unknown;
  created_at: Date;
}

interface OverrideRow {
  id: string;
  participant_id: string;
  enrolment_id: string | null;
  author_id: string;
  reason: string;
  created_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
}

// assessed_on as text: pg and PGlite would turn a date into a Date at different midnights.
const COLS =
  'id, participant_id, kind, assessed_on::text AS assessed_on, source, device, author_id, document, created_at';
const OVERRIDE_COLS =
  'id, participant_id, enrolment_id, author_id, reason, created_at, revoked_at, revoked_by';

const toRecord = (r: AssessmentRow): AssessmentRecord => ({
  id: r.id,
  participantId: r.participant_id,
  kind: r.kind,
  date: r.assessed_on,
  source: r.source,
  device: r.device,
  authorId: r.author_id,
  document: r.document,
  createdAt: ms(r.created_at),
});

const toOverride = (r: OverrideRow): HomeOverrideRecord => ({
  id: r.id,
  participantId: r.participant_id,
  enrolmentId: r.enrolment_id,
  authorId: r.author_id,
  reason: r.reason,
  createdAt: ms(r.created_at),
  revokedAt: msOrNull(r.revoked_at),
  revokedBy: r.revoked_by,
});

/**
 * Assessments (issue 15). They are never edited: a correction is a new assessment, so the record shows
 * what was known when a prescription was written.
 */
export interface AssessmentsRepo {
  /** @throws ZW_ERR_INVALID_INPUT (document not an object, a bad kind or date), ZW_ERR_INVALID_REFERENCE (participant, author) */
  create(input: NewAssessment): Promise<AssessmentRecord>;
  get(id: string): Promise<AssessmentRecord | undefined>;
  /** A participant's assessments, oldest first (by date, then when recorded). */
  list(participantId: string): Promise<AssessmentRecord[]>;
  /** The latest assessment on or before `onOrBefore` (`YYYY-MM-DD`; default any), optionally of the given kinds. */
  latest(
    participantId: string,
    options?: { kinds?: readonly AssessmentKind[]; onOrBefore?: string },
  ): Promise<AssessmentRecord | undefined>;
  /** The home-session override in force for a participant, if any. */
  homeOverride(participantId: string): Promise<HomeOverrideRecord | undefined>;
  /** Every override of a participant, newest first (the record's history). */
  homeOverrides(participantId: string): Promise<HomeOverrideRecord[]>;
  /** Grants the override. @throws ZW_ERR_CONFLICT (one already in force), ZW_ERR_INVALID_INPUT (reason) */
  grantHomeOverride(input: {
    participantId: string;
    enrolmentId?: string | null;
    authorId: string;
    reason: string;
    atMs?: number;
  }): Promise<HomeOverrideRecord>;
  /** Revokes the override in force. @throws ZW_ERR_NOT_FOUND (none in force) */
  revokeHomeOverride(input: {
    participantId: string;
    by: string;
    atMs?: number;
  }): Promise<HomeOverrideRecord>;
}

/** Assessment repository over `ctx.db`. */
export function assessmentsRepo({ db, clock }: RepoContext): AssessmentsRepo {
  return {
    async create(input) {
      const document = jsonObject('document', input.document);
      if (!DATE.test(input.date)) throw new codes.ZW_ERR_INVALID_INPUT('date must be a date YYYY-MM-DD');
      const [row] = await db.query<AssessmentRow>(
        `INSERT INTO assessments (id, participant_id, kind, assessed_on, source, device, author_id, document, created_at)
         VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8::jsonb, $9) RETURNING ${COLS}`,
        [
          newId('as'),
          input.participantId,
          input.kind,
          input.date,
          input.source ?? 'manual',
          input.device ?? null,
          input.authorId,
          document,
          at('createdAt', clock()),
        ],
      );
      return toRecord(row!);
    },
    async get(id) {
      const [row] = await db.query<AssessmentRow>(`SELECT ${COLS} FROM assessments WHERE id = $1`, [id]);
      return row && toRecord(row);
    },
    async list(participantId) {
      const rows = await db.query<AssessmentRow>(
        `SELECT ${COLS} FROM assessments WHERE participant_id = $1 ORDER BY assessed_on, created_at, id`,
        [participantId],
      );
      return rows.map(toRecord);
    },
    async latest(participantId, options = {}) {
      const [row] = await db.query<AssessmentRow>(
        `SELECT ${COLS} FROM assessments WHERE participant_id = $1
           AND ($2::text[] IS NULL OR kind = ANY ($2::text[]))
           AND ($3::date IS NULL OR assessed_on <= $3::date)
         ORDER BY assessed_on DESC, created_at DESC, id DESC LIMIT 1`,
        [participantId, options.kinds ? [...options.kinds] : null, options.onOrBefore ?? null],
      );
      return row && toRecord(row);
    },
    async homeOverride(participantId) {
      const [row] = await db.query<OverrideRow>(
        `SELECT ${OVERRIDE_COLS} FROM home_overrides WHERE participant_id = $1 AND revoked_at IS NULL`,
        [participantId],
      );
      return row && toOverride(row);
    },
    async homeOverrides(participantId) {
      const rows = await db.query<OverrideRow>(
        `SELECT ${OVERRIDE_COLS} FROM home_overrides WHERE participant_id = $1 ORDER BY created_at DESC, id`,
        [participantId],
      );
      return rows.map(toOverride);
    },
    async grantHomeOverride(input) {
      if (input.reason.trim().length === 0)
        throw new codes.ZW_ERR_INVALID_INPUT('reason: a home-session override needs the reason');
      const [row] = await db.query<OverrideRow>(
        `INSERT INTO home_overrides (id, participant_id, enrolment_id, author_id, reason, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${OVERRIDE_COLS}`,
        [
          newId('ho'),
          input.participantId,
          input.enrolmentId ?? null,
          input.authorId,
          input.reason,
          at('atMs', input.atMs ?? clock()),
        ],
      );
      return toOverride(row!);
    },
    async revokeHomeOverride(input) {
      const [row] = await db.query<OverrideRow>(
        `UPDATE home_overrides SET revoked_at = $2, revoked_by = $3
         WHERE participant_id = $1 AND revoked_at IS NULL RETURNING ${OVERRIDE_COLS}`,
        [input.participantId, at('atMs', input.atMs ?? clock()), input.by],
      );
      return toOverride(found(row, 'home-session override of participant', input.participantId));
    },
  };
}
