import { found, type RepoContext } from '../context.js';
import type { Db } from '../db.js';

/**
 * Everything the registry holds about one person, and its erasure (PIPL: the right to a copy and to
 * deletion). Both follow the schema's foreign keys instead of a list of tables, so a table a later migration
 * adds that references `participants` is exported and erased without a change here.
 */

/** A foreign key of one column: `child.column` references `parent.refColumn`. */
interface ForeignKey {
  child: string;
  column: string;
  refColumn: string;
  nullable: boolean;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function referencing(db: Db, table: string): Promise<ForeignKey[]> {
  const rows = await db.query<{ child: string; column: string; ref_column: string; not_null: boolean }>(
    `SELECT c.conrelid::regclass::text AS child, a.attname AS column, ra.attname AS ref_column,
            a.attnotnull AS not_null
     FROM pg_constraint c
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
     JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
     WHERE c.contype = 'f' AND c.confrelid = $1::regclass AND array_length(c.conkey, 1) = 1
     ORDER BY 1, 2`,
    [table],
  );
  return rows.map((r) => ({
    child: r.child,
    column: r.column,
    refColumn: r.ref_column,
    nullable: !r.not_null,
  }));
}

/** What {@link PersonDataRepo.erase} removed: rows per table (cleared references counted as `table.column`). */
export interface ErasureResult {
  participantId: string;
  siteId: string;
  /** Home sessions that were this person's alone, deleted with them (their telemetry goes too). */
  sessionIds: string[];
  /** Gateways of their phone (issue 17), revoked: the caller closes their MQTT connections. */
  gatewayIds: string[];
  rows: Record<string, number>;
}

/** Registry rows about one person, table by table (exported as they are stored). */
export interface PersonRows {
  participantId: string;
  tables: Record<string, Record<string, unknown>[]>;
}

/** Export and erasure of one person's registry data. */
export interface PersonDataRepo {
  /** Every row of every table that references the participant (and alert events of their alerts). */
  collect(participantId: string): Promise<PersonRows>;
  /**
   * Deletes the participant and every row about them, in one transaction: clinical details, consents,
   * prescriptions, roster bindings and removals, alerts and their events, reports, home sessions that were
   * theirs alone; devices they owned stay with the centre, unassigned; their phone's gateway is revoked. The audit log is not touched (it holds
   * ids, never values): the caller adds the erasure entry in the same transaction.
   * @throws ZW_ERR_NOT_FOUND
   */
  erase(participantId: string): Promise<ErasureResult>;
}

/** Person data repository over `ctx.db`. */
export function personDataRepo({ db, clock }: RepoContext): PersonDataRepo {
  return {
    async collect(participantId) {
      const tables: PersonRows['tables'] = {};
      const [p] = await db.query<Record<string, unknown>>('SELECT * FROM participants WHERE id = $1', [
        participantId,
      ]);
      tables.participants = [found(p, 'participant', participantId)];
      for (const fk of await referencing(db, 'participants')) {
        const rows = await db.query<Record<string, unknown>>(
          `SELECT * FROM ${fk.child} WHERE ${ident(fk.column)} = $1`,
          [participantId],
        );
        if (rows.length) tables[fk.child] = [...(tables[fk.child] ?? []), ...rows];
      }
      const events = await db.query<Record<string, unknown>>(
        `SELECT e.* FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE a.participant_id = $1
         ORDER BY e.alert_id, e.seq`,
        [participantId],
      );
      if (events.length) tables.alert_events = events;
      return { participantId, tables };
    },

    async erase(participantId) {
      return db.transaction(async (tx) => {
        const [p] = await tx.query<{ id: string; site_id: string }>(
          'SELECT id, site_id FROM participants WHERE id = $1 FOR UPDATE',
          [participantId],
        );
        const person = found(p, 'participant', participantId);
        // Lets the alert history's append-only guard delete this person's alert events (this transaction only).
        await tx.query("SELECT set_config('zonewatch.erasing', $1, true)", [participantId]);
        const rows: Record<string, number> = {};
        const count = (key: string, n: number) => {
          if (n > 0) rows[key] = (rows[key] ?? 0) + n;
        };

        /** Deletes `table` rows matching `where` ($1 = the parameter), children first, nullable references cleared. */
        const purge = async (table: string, where: string, param: unknown, depth: number): Promise<void> => {
          if (depth > 6) throw new Error(`erasure: foreign keys nest deeper than 6 below ${table}`);
          for (const fk of await referencing(tx, table)) {
            const sub = `${ident(fk.column)} IN (SELECT ${ident(fk.refColumn)} FROM ${table} WHERE ${where})`;
            // A device the person owned is the centre's: it stays, unassigned. Every other row is theirs.
            if (fk.nullable && fk.child === 'devices') {
              const r = await tx.query<{ n: number }>(
                `WITH u AS (UPDATE ${fk.child} SET ${ident(fk.column)} = NULL WHERE ${sub} RETURNING 1)
                 SELECT count(*)::int AS n FROM u`,
                [param],
              );
              count(`${fk.child}.${fk.column}`, r[0]?.n ?? 0);
              continue;
            }
            await purge(fk.child, sub, param, depth + 1);
          }
          const r = await tx.query<{ n: number }>(
            `WITH d AS (DELETE FROM ${table} WHERE ${where} RETURNING 1) SELECT count(*)::int AS n FROM d`,
            [param],
          );
          count(table, r[0]?.n ?? 0);
        };

        // Home sessions in which nobody else took part are the person's own: they go with them.
        const own = await tx.query<{ id: string }>(
          `SELECT s.id FROM sessions s WHERE s.kind = 'home'
             AND EXISTS (SELECT 1 FROM session_roster r WHERE r.session_id = s.id AND r.participant_id = $1)
             AND NOT EXISTS (SELECT 1 FROM session_roster r WHERE r.session_id = s.id AND r.participant_id <> $1)
             AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.session_id = s.id AND a.participant_id <> $1)
             AND NOT EXISTS (SELECT 1 FROM session_reports x WHERE x.session_id = s.id AND x.participant_id <> $1)`,
          [participantId],
        );
        const sessionIds = own.map((s) => s.id);
        // Their phone's gateway (issue 17) is theirs too: its credential is revoked and its name, which
        // quotes their alias, neutralised; the row stays for the fleet's history (the caller cuts its MQTT).
        const phones = (
          await tx.query<{ ok: boolean }>("SELECT to_regclass('home_gateways') IS NOT NULL AS ok")
        )[0]?.ok
          ? await tx.query<{ gateway_id: string }>(
              'SELECT gateway_id FROM home_gateways WHERE participant_id = $1',
              [participantId],
            )
          : [];
        const gatewayIds = phones.map((g) => g.gateway_id);
        if (gatewayIds.length) {
          const r = await tx.query<{ n: number }>(
            `WITH u AS (UPDATE gateways SET name = 'Home phone (erased participant)',
               revoked_at = coalesce(revoked_at, $2) WHERE id = ANY($1::text[]) RETURNING 1)
             SELECT count(*)::int AS n FROM u`,
            [gatewayIds, new Date(clock())],
          );
          count('gateways.revoked', r[0]?.n ?? 0);
        }
        await purge('participants', 'id = $1', participantId, 0);
        if (sessionIds.length) await purge('sessions', 'id = ANY($1::text[])', sessionIds, 0);
        return { participantId, siteId: person.site_id, sessionIds, gatewayIds, rows };
      });
    },
  };
}
