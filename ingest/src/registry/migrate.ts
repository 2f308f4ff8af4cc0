import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';
import { codes, isRegistryError } from './errors.js';

/** The migrations shipped with the registry. */
export const MIGRATIONS_DIR: string = fileURLToPath(new URL('./migrations/', import.meta.url));

/** One migration file `NNNN_name.sql`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** sha256 of the file, recorded so an edited, already-applied migration is detected. */
  checksum: string;
}

/** Result of {@link migrate}. */
export interface MigrateResult {
  /** Versions applied by this call, in order (empty when the schema was up to date). */
  applied: number[];
  /** Highest version now recorded. */
  current: number;
}

/** Minimal logger for migrations (a pino logger fits). */
export interface MigrateLogger {
  info(obj: object, msg?: string): void;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;
// Arbitrary constant: serialises migrations of ingest nodes starting together against one Postgres.
const LOCK_KEY = 7_246_915_301;

/**
 * Reads `NNNN_name.sql` files from `dir`, sorted by version.
 * @throws ZW_ERR_MIGRATION on a stray file name, a duplicate version or a gap in the numbering.
 */
export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const out: Migration[] = [];
  for (const name of names) {
    const m = FILE.exec(name);
    if (!m) throw new codes.ZW_ERR_MIGRATION(`file ${name} does not match NNNN_name.sql`);
    const sql = await readFile(`${dir.replace(/\/?$/, '/')}${name}`, 'utf8');
    out.push({
      version: Number(m[1]),
      name: m[2]!,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  out.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new codes.ZW_ERR_MIGRATION(
        `expected version ${i + 1}, found ${String(m.version).padStart(4, '0')}_${m.name}`,
      );
    }
  });
  return out;
}

/**
 * Brings the schema up to date: applies every migration not yet recorded in `schema_migrations`, in order,
 * in one transaction (all or nothing) under an advisory lock, so several ingest nodes may start at once.
 * Running it again is a no-op.
 * @throws ZW_ERR_MIGRATION when an applied migration's file changed, the database is newer than this code,
 *   or a migration fails (nothing is applied then).
 */
export async function migrate(
  db: Db,
  options: { dir?: string; logger?: MigrateLogger } = {},
): Promise<MigrateResult> {
  const migrations = await loadMigrations(options.dir);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await tx.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    const known = new Map(migrations.map((m) => [m.version, m]));
    for (const row of rows) {
      const m = known.get(row.version);
      if (!m) {
        throw new codes.ZW_ERR_MIGRATION(
          `database has version ${row.version} (${row.name}), unknown to this build`,
        );
      }
      if (m.checksum !== row.checksum) {
        throw new codes.ZW_ERR_MIGRATION(
          `migration ${row.version} (${row.name}) was edited after it was applied`,
        );
      }
    }
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      try {
        await tx.exec(m.sql);
      } catch (err) {
        const why = isRegistryError(err) ? err.message : 'unexpected error';
        throw new codes.ZW_ERR_MIGRATION(`${String(m.version).padStart(4, '0')}_${m.name}: ${why}`);
      }
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      applied.push(m.version);
      options.logger?.info({ version: m.version, name: m.name }, 'registry: migration applied');
    }
    return { applied, current: migrations.at(-1)?.version ?? 0 };
  });
}
