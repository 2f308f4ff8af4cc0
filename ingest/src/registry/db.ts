import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import { codes, translateDbError } from './errors.js';

/**
 * The one query path of the registry: plain SQL with `$1` parameters, identical on PGlite and Postgres.
 *
 * Row values come back as the drivers parse them, and both agree on the types the registry uses:
 * `timestamptz` → `Date`, `jsonb` → parsed JSON, `text[]` → `string[]`, `integer`/`boolean` → number/boolean.
 * They disagree on `bigint` (Postgres: string, PGlite: number) and `date` (a `Date` at local or UTC
 * midnight): cast those in SQL (`count(*)::int`, `dob::text`). Pass JSON as `JSON.stringify(x)` with a
 * `$n::jsonb` cast (pg would turn a JS array into a Postgres array).
 */
export interface Db {
  /** Which engine answers: the embedded PGlite or a Postgres server. */
  readonly engine: 'pglite' | 'postgres';
  /** Runs one statement (extended protocol) and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of one or more statements without parameters (simple protocol); for migrations. */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` inside a transaction with a handle bound to it: committed when `fn` resolves, rolled back when
   * it throws. Called on a transaction handle, `fn` joins the outer transaction (no savepoint).
   * While `fn` runs, queries on the outer handle from the same async context throw ZW_ERR_DB_USAGE.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Closes the database (PGlite: flushes and stops the engine; Postgres: ends the pool). */
  close(): Promise<void>;
}

/** Minimal logger the database layer needs (a pino logger fits). Only codes and counts are logged. */
export interface DbLogger {
  warn(obj: object, msg?: string): void;
}

const inTransaction = new AsyncLocalStorage<object>();

function guardOuter(owner: object): void {
  if (inTransaction.getStore() === owner) {
    throw new codes.ZW_ERR_DB_USAGE(
      'query on the outer handle inside its own transaction; use the tx handle',
    );
  }
}

async function translated<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw translateDbError(err);
  }
}

interface Queryable {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

function txHandle(engine: Db['engine'], q: Queryable, exec: (sql: string) => Promise<unknown>): Db {
  const tx: Db = {
    engine,
    query: <T>(sql: string, params: readonly unknown[] = []) =>
      translated(async () => (await q.query<T>(sql, [...params])).rows),
    exec: (sql) => translated(async () => void (await exec(sql))),
    transaction: (fn) => fn(tx),
    close: async () => {
      throw new codes.ZW_ERR_DB_USAGE('close() called on a transaction handle');
    },
  };
  return tx;
}

/**
 * Opens the embedded engine: `'memory'` for an in-memory database (tests), otherwise a directory that is
 * created if missing. The first open of a new directory runs initdb (about 5 s); reopening takes well
 * under a second. One process per directory: PGlite takes no file lock.
 * @throws ZW_ERR_DB_OPEN when the directory or the engine cannot be opened.
 */
export async function openPglite(where: string): Promise<Db> {
  let engine: PGlite;
  try {
    if (where === 'memory') {
      engine = await PGlite.create();
    } else {
      await mkdir(where, { recursive: true });
      engine = await PGlite.create(where);
    }
  } catch (err) {
    throw new codes.ZW_ERR_DB_OPEN(`PGlite at ${where}: ${(err as Error).message}`);
  }
  const owner = {};
  const wrapTx = (t: Transaction): Db => txHandle('pglite', t, (sql) => t.exec(sql));
  const db: Db = {
    engine: 'pglite',
    query: <T>(sql: string, params: readonly unknown[] = []) => {
      guardOuter(owner);
      return translated(async () => (await engine.query<T>(sql, [...params])).rows);
    },
    exec: (sql) => {
      guardOuter(owner);
      return translated(async () => void (await engine.exec(sql)));
    },
    transaction: <T>(fn: (tx: Db) => Promise<T>) => {
      guardOuter(owner);
      return translated(() => engine.transaction((t) => inTransaction.run(owner, () => fn(wrapTx(t)))));
    },
    close: () => engine.close(),
  };
  return db;
}

/** Options of {@link openPostgres}. */
export interface PostgresOptions {
  /** Pool size (connections), default 10. */
  max?: number;
  /** Receives idle-connection errors (server restart, network) so they do not crash the process. */
  logger?: DbLogger;
}

/** `postgres://user@host:port/db` without the password, for messages. */
export function redactUrl(databaseUrl: string): string {
  try {
    const u = new URL(databaseUrl);
    u.password = '';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * Connects a pg Pool to a Postgres server and checks that it answers.
 * @throws ZW_ERR_DB_OPEN when the URL is invalid or the server unreachable (the password is never quoted).
 */
export async function openPostgres(databaseUrl: string, options: PostgresOptions = {}): Promise<Db> {
  let pool: pg.Pool;
  try {
    const u = new URL(databaseUrl);
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error('expected postgres://');
    pool = new pg.Pool({
      connectionString: databaseUrl,
      max: options.max ?? 10,
      application_name: 'zonewatch-registry',
    });
  } catch (err) {
    throw new codes.ZW_ERR_DB_OPEN(
      `invalid DATABASE_URL ${redactUrl(databaseUrl)}: ${(err as Error).message}`,
    );
  }
  pool.on('error', (err) => {
    options.logger?.warn(
      { code: (err as { code?: string }).code },
      'registry: idle Postgres connection failed',
    );
  });
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    const code = (err as { code?: string }).code ?? (err as Error).name;
    throw new codes.ZW_ERR_DB_OPEN(`Postgres at ${redactUrl(databaseUrl)} did not answer (${code})`);
  }
  const owner = {};
  const db: Db = {
    engine: 'postgres',
    query: <T>(sql: string, params: readonly unknown[] = []) => {
      guardOuter(owner);
      return translated(async () => (await pool.query(sql, [...params])).rows as T[]);
    },
    exec: (sql) => {
      guardOuter(owner);
      return translated(async () => void (await pool.query(sql)));
    },
    transaction: async <T>(fn: (tx: Db) => Promise<T>) => {
      guardOuter(owner);
      const client = await translated(() => pool.connect());
      const handle = txHandle('postgres', client as unknown as Queryable, (sql) => client.query(sql));
      let broken: Error | undefined;
      try {
        await translated(() => client.query('BEGIN'));
        const result = await inTransaction.run(owner, () => fn(handle));
        await translated(() => client.query('COMMIT'));
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackErr) {
          broken = rollbackErr as Error;
        }
        throw translateDbError(err);
      } finally {
        // A connection whose ROLLBACK failed is in an unknown state: destroy it instead of reusing it.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
  return db;
}

/** Where {@link openRegistryDb} puts the embedded database: `{dataDir}/registry`. */
export function pgliteDir(dataDir: string): string {
  return join(dataDir, 'registry');
}

/** Options of {@link openRegistryDb}. */
export interface RegistryDbOptions {
  /** A Postgres server (`postgres://…`); when unset, the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** The service's data directory; PGlite lives in `{dataDir}/registry`, or `'memory'` for tests. */
  dataDir: string;
  logger?: DbLogger;
}

/** Picks the engine: Postgres when `databaseUrl` is set, otherwise PGlite under `{dataDir}/registry`. */
export function openRegistryDb(options: RegistryDbOptions): Promise<Db> {
  if (options.databaseUrl) {
    return openPostgres(options.databaseUrl, options.logger ? { logger: options.logger } : {});
  }
  return openPglite(options.dataDir === 'memory' ? 'memory' : pgliteDir(options.dataDir));
}
