import { at, found, ms, type RepoContext } from '../context.js';
import { codes } from '../errors.js';
import { newId } from '../ids.js';
import type { ClinicalDetails, ClinicalInput, Participant, Sex } from '../types.js';

interface ParticipantRow {
  id: string;
  site_id: string;
  alias: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

interface ClinicalRow {
  participant_id: string;
  full_name: string | null;
  date_of_birth: string | null;
  age_years: number | null;
  sex: Sex | null;
  conditions: string[];
  medications: string[];
  beta_blocker: boolean;
  notes: string | null;
  updated_at: Date;
}

const COLS = 'id, site_id, alias, active, created_at, updated_at';
// date_of_birth as text: pg and PGlite would turn a date into a Date at different midnights.
const CLINICAL_COLS = `participant_id, full_name, date_of_birth::text AS date_of_birth, age_years, sex, conditions,
  medications, beta_blocker, notes, updated_at`;

const toParticipant = (r: ParticipantRow): Participant => ({
  id: r.id,
  siteId: r.site_id,
  alias: r.alias,
  active: r.active,
  createdAt: ms(r.created_at),
  updatedAt: ms(r.updated_at),
});

const toClinical = (r: ClinicalRow): ClinicalDetails => ({
  participantId: r.participant_id,
  fullName: r.full_name,
  dateOfBirth: r.date_of_birth,
  ageYears: r.age_years,
  sex: r.sex,
  conditions: r.conditions,
  medications: r.medications,
  betaBlocker: r.beta_blocker,
  notes: r.notes,
  updatedAt: ms(r.updated_at),
});

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Input of {@link ParticipantsRepo.create}. */
export interface NewParticipant {
  id?: string;
  siteId: string;
  alias: string;
  clinical?: ClinicalInput;
}

/**
 * Participants. Every function except {@link ParticipantsRepo.getClinical} and
 * {@link ParticipantsRepo.setClinical} reads the `participants` table only: no clinical detail can leak
 * into a class wall, a roster or the live service.
 */
export interface ParticipantsRepo {
  /** Creates a participant (and its clinical details, in the same transaction). @throws ZW_ERR_CONFLICT (alias in use at the site), ZW_ERR_INVALID_REFERENCE */
  create(input: NewParticipant): Promise<Participant>;
  get(id: string): Promise<Participant | undefined>;
  /** Participants of a site (or all), active only unless asked, by alias. */
  list(filter?: { siteId?: string; includeInactive?: boolean }): Promise<Participant[]>;
  /** Renames the alias or (de)activates. @throws ZW_ERR_NOT_FOUND, ZW_ERR_CONFLICT */
  update(id: string, patch: { alias?: string; active?: boolean }): Promise<Participant>;
  /** Clinical details (login only; callers audit the read), or undefined when none are recorded. */
  getClinical(participantId: string): Promise<ClinicalDetails | undefined>;
  /** Creates or updates clinical details; omitted fields keep their value. @throws ZW_ERR_NOT_FOUND, ZW_ERR_INVALID_INPUT */
  setClinical(participantId: string, input: ClinicalInput): Promise<ClinicalDetails>;
}

/** Participant repository over `ctx.db`. */
export function participantsRepo({ db, clock }: RepoContext): ParticipantsRepo {
  const get = async (id: string) => {
    const [row] = await db.query<ParticipantRow>(`SELECT ${COLS} FROM participants WHERE id = $1`, [id]);
    return row && toParticipant(row);
  };

  async function upsertClinical(
    tx: RepoContext['db'],
    participantId: string,
    input: ClinicalInput,
    now: Date,
  ) {
    if (input.dateOfBirth != null && !DATE.test(input.dateOfBirth)) {
      throw new codes.ZW_ERR_INVALID_INPUT('dateOfBirth must be YYYY-MM-DD');
    }
    const has = (k: keyof ClinicalInput) => input[k] !== undefined;
    // $n is the value; $n+1 says whether it was given (so an explicit null clears, undefined keeps).
    const [row] = await tx.query<ClinicalRow>(
      `INSERT INTO participant_clinical AS c (participant_id, full_name, date_of_birth, age_years, sex, conditions,
         medications, beta_blocker, notes, updated_at)
       VALUES ($1, $2, $4::date, $6, $8, coalesce($10::text[], '{}'), coalesce($12::text[], '{}'),
         coalesce($14, false), $16, $18)
       ON CONFLICT (participant_id) DO UPDATE SET
         full_name = CASE WHEN $3 THEN excluded.full_name ELSE c.full_name END,
         date_of_birth = CASE WHEN $5 THEN excluded.date_of_birth ELSE c.date_of_birth END,
         age_years = CASE WHEN $7 THEN excluded.age_years ELSE c.age_years END,
         sex = CASE WHEN $9 THEN excluded.sex ELSE c.sex END,
         conditions = CASE WHEN $11 THEN excluded.conditions ELSE c.conditions END,
         medications = CASE WHEN $13 THEN excluded.medications ELSE c.medications END,
         beta_blocker = CASE WHEN $15 THEN excluded.beta_blocker ELSE c.beta_blocker END,
         notes = CASE WHEN $17 THEN excluded.notes ELSE c.notes END,
         updated_at = excluded.updated_at
       RETURNING ${CLINICAL_COLS}`,
      [
        participantId,
        input.fullName ?? null,
        has('fullName'),
        input.dateOfBirth ?? null,
        has('dateOfBirth'),
        input.ageYears ?? null,
        has('ageYears'),
        input.sex ?? null,
        has('sex'),
        input.conditions ?? null,
        has('conditions'),
        input.medications ?? null,
        has('medications'),
        input.betaBlocker ?? null,
        has('betaBlocker'),
        input.notes ?? null,
        has('notes'),
        now,
      ],
    );
    return toClinical(row!);
  }

  return {
    async create(input) {
      const id = input.id ?? newId('p');
      const now = at('createdAt', clock());
      const [row] = await db.transaction(async (tx) => {
        const rows = await tx.query<ParticipantRow>(
          `INSERT INTO participants (id, site_id, alias, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
           RETURNING ${COLS}`,
          [id, input.siteId, input.alias.trim(), now],
        );
        if (input.clinical) await upsertClinical(tx, id, input.clinical, now);
        return rows;
      });
      return toParticipant(row!);
    },
    get,
    async list(filter = {}) {
      const rows = await db.query<ParticipantRow>(
        `SELECT ${COLS} FROM participants WHERE ($1::text IS NULL OR site_id = $1) AND (active OR $2)
         ORDER BY site_id, lower(alias), id`,
        [filter.siteId ?? null, filter.includeInactive ?? false],
      );
      return rows.map(toParticipant);
    },
    async update(id, patch) {
      const [row] = await db.query<ParticipantRow>(
        `UPDATE participants SET alias = coalesce($2, alias), active = coalesce($3, active), updated_at = $4
         WHERE id = $1 RETURNING ${COLS}`,
        [id, patch.alias?.trim() ?? null, patch.active ?? null, at('updatedAt', clock())],
      );
      return toParticipant(found(row, 'participant', id));
    },
    async getClinical(participantId) {
      const [row] = await db.query<ClinicalRow>(
        `SELECT ${CLINICAL_COLS} FROM participant_clinical WHERE participant_id = $1`,
        [participantId],
      );
      return row && toClinical(row);
    },
    async setClinical(participantId, input) {
      return db.transaction(async (tx) => {
        const [p] = await tx.query('SELECT id FROM participants WHERE id = $1 FOR UPDATE', [participantId]);
        found(p, 'participant', participantId);
        return upsertClinical(tx, participantId, input, at('updatedAt', clock()));
      });
    },
  };
}
