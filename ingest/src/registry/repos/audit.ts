import { at, atOrNull, jsonObject, ms, type RepoContext } from '../context.js';
import type { AuditEntry } from '../types.js';

interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  site_id: string | null;
  detail: Record<string, unknown>;
}

const COLS = 'id::text AS id, at, actor, action, entity, entity_id, site_id, detail';
const toEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  at: ms(r.at),
  actor: r.actor,
  action: r.action,
  entity: r.entity,
  entityId: r.entity_id,
  siteId: r.site_id,
  detail: r.detail,
});

/** Input of {@link AuditRepo.log}. */
export interface AuditInput {
  /** Who: `user:{id}`, `system:{component}`, `gateway:{id}`. */
  actor: string;
  /** What was done, e.g. `participant.view-clinical`, `prescription.create`, `alert.acknowledge`. */
  action: string;
  /** Kind of thing it was done to, e.g. `participant`. */
  entity: string;
  entityId?: string | null;
  siteId?: string | null;
  /**
   * Context: ids, changed field names, request id. Keep clinical values out (the trail says who touched a
   * record, the record says what it holds).
   */
  detail?: Record<string, unknown>;
  atMs?: number;
}

/** The audit trail of who saw or changed what. Append-only (the database refuses UPDATE and DELETE). */
export interface AuditRepo {
  /** Appends an entry. Call it inside `registry.transaction` with the change it records. */
  log(input: AuditInput): Promise<AuditEntry>;
  /** Entries newest first, filtered by entity (and id), actor, site and time range [since, until). */
  list(filter?: {
    entity?: string;
    entityId?: string;
    actor?: string;
    siteId?: string;
    sinceMs?: number;
    untilMs?: number;
    limit?: number;
  }): Promise<AuditEntry[]>;
}

/** Audit log repository over `ctx.db`. */
export function auditRepo({ db, clock }: RepoContext): AuditRepo {
  return {
    async log(input) {
      const [row] = await db.query<AuditRow>(
        `INSERT INTO audit_log (at, actor, action, entity, entity_id, site_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING ${COLS}`,
        [
          at('atMs', input.atMs ?? clock()),
          input.actor,
          input.action,
          input.entity,
          input.entityId ?? null,
          input.siteId ?? null,
          jsonObject('detail', input.detail ?? {}),
        ],
      );
      return toEntry(row!);
    },
    async list(filter = {}) {
      const rows = await db.query<AuditRow>(
        `SELECT ${COLS} FROM audit_log
         WHERE ($1::text IS NULL OR entity = $1) AND ($2::text IS NULL OR entity_id = $2)
           AND ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR site_id = $4)
           AND ($5::timestamptz IS NULL OR at >= $5) AND ($6::timestamptz IS NULL OR at < $6)
         ORDER BY at DESC, audit_log.id DESC LIMIT $7`,
        [
          filter.entity ?? null,
          filter.entityId ?? null,
          filter.actor ?? null,
          filter.siteId ?? null,
          atOrNull('sinceMs', filter.sinceMs),
          atOrNull('untilMs', filter.untilMs),
          filter.limit ?? 100,
        ],
      );
      return rows.map(toEntry);
    },
  };
}
