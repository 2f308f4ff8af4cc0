/**
 * Migrations (idempotent, ordered, atomic, checksummed, safe with concurrent nodes), engine parity
 * (PGlite and Postgres end with the same schema) and restart (a file-backed PGlite reopens with its data).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Db,
  MIGRATIONS_DIR,
  migrate,
  openPostgres,
  openRegistry,
  openRegistryDb,
  pgliteDir,
  type Registry,
} from '../../src/registry/index.js';
import { FAST_SCRYPT, T0 } from './fixtures.js';
import { type PgServer, startPostgres } from './pg-server.js';

/** Tables, columns, constraints, indexes, triggers and functions of the public schema, as comparable text. */
async function schemaOf(db: Db): Promise<string[]> {
  const rows = await db.query<{ line: string }>(
    `SELECT line FROM (
       SELECT 'column ' || table_name || '.' || column_name || ': ' || data_type || ' null=' || is_nullable
              || ' default=' || coalesce(column_default, '-') || ' identity=' || is_identity AS line
         FROM information_schema.columns WHERE table_schema = 'public'
       UNION ALL
       SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ': ' || pg_get_constraintdef(oid)
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype IN ('c', 'f', 'p', 'u', 'x')
       UNION ALL
       SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
       UNION ALL
       SELECT 'trigger ' || tgname || ': ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
       UNION ALL
       SELECT 'function ' || proname || ': ' || prosrc FROM pg_proc WHERE pronamespace = 'public'::regnamespace
     ) s ORDER BY line`,
  );
  return rows.map((r) => r.line);
}

describe('registry migrations and restart', () => {
  let server: PgServer;
  let tmp: string;
  let dbCount = 0;
  const toClose: Db[] = [];
  const freshPostgres = async () => {
    dbCount += 1;
    const db = await openPostgres(await server.createDatabase(`mig_${dbCount}`));
    toClose.push(db);
    return db;
  };
  /** A migrations directory: the shipped 0001 plus extra files. */
  /** Versions this build ships, and the file name of a version past them. */
  const SHIPPED = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_.*\.sql$/.test(f))
    .sort();
  const ALL = SHIPPED.map((_, i) => i + 1);
  const N = SHIPPED.length;
  const next = (k: number, name: string) => `${String(N + k).padStart(4, '0')}_${name}.sql`;
  const migrationsDir = async (name: string, extra: Record<string, string>) => {
    const dir = join(tmp, name);
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    for (const f of SHIPPED) await copyFile(join(MIGRATIONS_DIR, f), join(dir, f));
    for (const [file, sql] of Object.entries(extra)) await writeFile(join(dir, file), sql);
    return dir;
  };

  beforeAll(async () => {
    [server, tmp] = await Promise.all([startPostgres(), mkdtemp(join(tmpdir(), 'zw-registry-mig-'))]);
  });
  afterAll(async () => {
    for (const db of toClose) await db.close().catch(() => undefined);
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  let pglite: Registry;
  const restored = { sessionId: '', participantId: '' };

  it('file-backed PGlite: migrating twice is a no-op, and a reopened database has its data (restart)', async () => {
    const dataDir = join(tmp, 'data');
    const opts = { dataDir, clock: () => T0, passwordParams: FAST_SCRYPT };
    const first = await openRegistry(opts);
    expect(first.registry.db.engine).toBe('pglite');
    expect(first.migration).toEqual({ applied: ALL, current: N });
    expect(await migrate(first.registry.db)).toEqual({ applied: [], current: N });

    const r = first.registry;
    await r.sites.create({ id: 'clinic-a', name: 'Clinic A' });
    const nurse = await r.users.create({
      username: 'nurse',
      displayName: 'Nurse',
      password: 'long enough pw',
      roles: ['instructor'],
      siteIds: ['clinic-a'],
    });
    const p = await r.participants.create({ siteId: 'clinic-a', alias: 'Ann', clinical: { ageYears: 64 } });
    await r.prescriptions.create({
      participantId: p.id,
      authorId: nurse.id,
      body: { zone: { low: 0.4 } },
      effectiveFrom: T0,
    });
    await r.devices.create({ id: 'C8:4F:12:00:01:A1', siteId: 'clinic-a', kind: 'hr-strap' });
    const cls = await r.classes.create({ siteId: 'clinic-a', name: 'Rehab' });
    const s = await r.sessions.create({ siteId: 'clinic-a', kind: 'class', classId: cls.id });
    await r.rosters.bind({ sessionId: s.id, participantId: p.id, deviceId: 'C8:4F:12:00:01:A1', atMs: T0 });
    await r.sessions.start(s.id, T0);
    const alert = await r.alerts.raise({
      sessionId: s.id,
      participantId: p.id,
      rule: 'SPO2_LOW',
      severity: 'critical',
      atMs: T0 + 1000,
    });
    const before = {
      sessions: await r.sessions.active(),
      bindings: await r.rosters.activeBindings(),
      alerts: await r.alerts.open(),
    };
    await r.db.close();

    const second = await openRegistry(opts);
    pglite = second.registry;
    expect(second.migration.applied).toEqual([]);
    const again = second.registry;
    expect(await again.sessions.active()).toEqual(before.sessions);
    expect(await again.rosters.activeBindings()).toEqual(before.bindings);
    expect(await again.alerts.open()).toEqual(before.alerts);
    expect(await again.participants.getClinical(p.id)).toMatchObject({ ageYears: 64 });
    expect((await again.prescriptions.current(p.id, T0))?.body).toEqual({ zone: { low: 0.4 } });
    expect(await again.users.authenticate('nurse', 'long enough pw')).toMatchObject({ id: nurse.id });
    // The restored critical alert still latches: clearing leaves it open until someone acknowledges it.
    const cleared = await again.alerts.recordEvent({
      alertId: alert.alert.id,
      event: 'cleared',
      atMs: T0 + 60_000,
    });
    expect(cleared.alert.state).toBe('open');
    const acked = await again.alerts.recordEvent({
      alertId: alert.alert.id,
      event: 'acknowledged',
      actorId: nurse.id,
      atMs: T0 + 70_000,
    });
    expect(acked.alert.state).toBe('closed');
    expect(pgliteDir(dataDir)).toBe(join(dataDir, 'registry'));
    Object.assign(restored, { sessionId: s.id, participantId: p.id });
  });

  it('Postgres ends with exactly the same schema as PGlite', async () => {
    const pg = await openRegistry({
      databaseUrl: await server.createDatabase('parity'),
      dataDir: join(tmp, 'unused'),
    });
    toClose.push(pg.registry.db);
    expect(pg.registry.db.engine).toBe('postgres');
    expect(pg.migration.applied).toEqual(ALL);
    expect(await migrate(pg.registry.db)).toEqual({ applied: [], current: N });
    const [a, b] = [await schemaOf(pglite.db), await schemaOf(pg.registry.db)];
    expect(a.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
    await pglite.db.close();
  });

  it('a process killed with SIGKILL right after a commit loses nothing (file-backed PGlite)', async () => {
    const dataDir = join(tmp, 'data');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./crash-writer.ts', import.meta.url)),
        dataDir,
        restored.sessionId,
        restored.participantId,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const alertId = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /committed (\S+)\n/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`crash-writer exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await exited;
    const { registry } = await openRegistry({ dataDir });
    try {
      expect((await registry.alerts.open()).map((a) => [a.id, a.rule, a.state])).toContainEqual([
        alertId,
        'HR_OVER_CEILING',
        'open',
      ]);
    } finally {
      await registry.db.close();
    }
  });

  it('nodes starting together against one Postgres apply each migration once', async () => {
    const url = await server.createDatabase('race');
    const dbs = await Promise.all([1, 2, 3].map(() => openPostgres(url)));
    toClose.push(...dbs);
    const results = await Promise.all(dbs.map((db) => migrate(db)));
    expect(results.flatMap((r) => r.applied).sort((a, b) => a - b)).toEqual(ALL);
    const rows = await dbs[0]!.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(rows).toEqual(ALL.map((version) => ({ version })));
  });

  it('applies only new migrations, in order; a failing one applies nothing', async () => {
    const db = await freshPostgres();
    await migrate(db);
    const good = await migrationsDir('good', {
      [next(1, 'notes')]: 'ALTER TABLE sites ADD COLUMN notes text;',
      [next(2, 'more')]: 'ALTER TABLE sites ADD COLUMN phone text;',
    });
    expect(await migrate(db, { dir: good })).toEqual({ applied: [N + 1, N + 2], current: N + 2 });
    expect(await migrate(db, { dir: good })).toEqual({ applied: [], current: N + 2 });

    const db2 = await freshPostgres();
    await migrate(db2);
    const bad = await migrationsDir('bad', {
      [next(1, 'ok')]: 'CREATE TABLE extra (id int);',
      [next(2, 'broken')]: 'CREATE TABLE broken (id int REFERENCES nowhere (id));',
    });
    await expect(migrate(db2, { dir: bad })).rejects.toMatchObject({
      code: 'ZW_ERR_MIGRATION',
      message: expect.stringContaining(next(2, 'broken').replace('.sql', '')),
    });
    expect(await db2.query('SELECT version FROM schema_migrations ORDER BY version')).toEqual(
      ALL.map((version) => ({ version })),
    );
    expect(await db2.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'extra'")).toEqual([]);
  });

  it('refuses edited, unknown, misnamed and missing migrations', async () => {
    const db = await freshPostgres();
    await migrate(db);
    const edited = await migrationsDir('edited', {});
    await writeFile(join(edited, '0001_init.sql'), '-- tweaked\n', { flag: 'a' });
    await expect(migrate(db, { dir: edited })).rejects.toMatchObject({
      code: 'ZW_ERR_MIGRATION',
      message: expect.stringContaining('edited after it was applied'),
    });
    const newer = await migrationsDir('newer', { [next(1, 'x')]: 'SELECT 1;' });
    await migrate(db, { dir: newer });
    await expect(migrate(db)).rejects.toMatchObject({
      message: expect.stringContaining('unknown to this build'),
    });
    const misnamed = await migrationsDir('misnamed', { '2_x.sql': 'SELECT 1;' });
    await expect(migrate(db, { dir: misnamed })).rejects.toMatchObject({
      message: expect.stringContaining('does not match NNNN_name.sql'),
    });
    const gap = await migrationsDir('gap', { [next(2, 'x')]: 'SELECT 1;' });
    await expect(migrate(db, { dir: gap })).rejects.toMatchObject({
      message: expect.stringContaining(`expected version ${N + 1}`),
    });
  });

  it('reports an unreachable or invalid DATABASE_URL without its password', async () => {
    const err = await openRegistryDb({
      databaseUrl: 'postgres://zw:hunter2@127.0.0.1:1/registry',
      dataDir: tmp,
    }).catch((e: Error) => e);
    expect(err).toMatchObject({
      code: 'ZW_ERR_DB_OPEN',
      message: expect.stringContaining('127.0.0.1:1/registry'),
    });
    expect((err as Error).message).not.toContain('hunter2');
    await expect(openRegistryDb({ databaseUrl: 'mysql://x@y/z', dataDir: tmp })).rejects.toMatchObject({
      code: 'ZW_ERR_DB_OPEN',
    });
  });
});
