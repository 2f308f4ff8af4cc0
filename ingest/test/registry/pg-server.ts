/**
 * Starts a throw-away Debian Postgres server for integration tests: initdb into a temp dir, trust auth on
 * 127.0.0.1 only, a free port, fsync off. As root, the server runs as the `postgres` user (Postgres refuses
 * root); otherwise as the current user. `stop()` shuts it down (fast) and deletes the directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PgServer {
  /** `postgres://postgres@127.0.0.1:{port}/postgres`. */
  url: string;
  port: number;
  /** Server major version, e.g. 15. */
  version: number;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL as the superuser on the `postgres` database (roles, grants). */
  admin(sql: string): Promise<void>;
  stop(): Promise<void>;
}

const MISSING =
  'Postgres server binaries not found (looked in /usr/lib/postgresql/*/bin). Install the Debian package ' +
  '`postgresql` (apt-get install -y postgresql); the registry integration tests need a real server.';

/** The newest installed `{root}/{major}/bin` (Debian layout); throws naming the package when there is none. */
export function findPgBin(root = '/usr/lib/postgresql'): { bin: string; version: number } {
  const majors = existsSync(root)
    ? readdirSync(root)
        .map(Number)
        .filter((n) => Number.isInteger(n) && existsSync(join(root, String(n), 'bin', 'postgres')))
        .sort((a, b) => b - a)
    : [];
  const major = majors[0];
  if (major === undefined) throw new Error(MISSING);
  return { bin: join(root, String(major), 'bin'), version: major };
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new Error(`running as root but there is no postgres user. ${MISSING}`);
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function run(cmd: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      ...user,
      env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' },
      stdio: 'pipe',
    });
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err.slice(-2000)}`)),
    );
  });
}

/** Waits for "ready to accept connections", or rejects when the server exits first (e.g. port taken). */
function waitReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(
      () => done(new Error(`postgres not ready after ${timeoutMs} ms: ${log.slice(-2000)}`)),
      timeoutMs,
    );
    const onData = (b: Buffer) => {
      log += b.toString();
      if (log.includes('ready to accept connections')) done();
    };
    const onExit = (code: number | null) =>
      done(new Error(`postgres exited (${code}) while starting: ${log.slice(-2000)}`));
    function done(err?: Error) {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining the pipe so a chatty server never blocks on a full stderr buffer.
      child.stderr?.resume();
      if (err) reject(err);
      else resolve();
    }
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Starts a server; see the module comment. */
export async function startPostgres(): Promise<PgServer> {
  const { bin, version } = findPgBin();
  const user = postgresUser();
  const dir = await mkdtemp(join(tmpdir(), 'zw-registry-pg-'));
  if (user) await chown(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  try {
    await run(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
      user,
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    const c = spawn(
      join(bin, 'postgres'),
      [
        '-D',
        data,
        '-k',
        dir,
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        // A non-UTC server zone proves timestamps do not depend on it.
        '-c',
        'timezone=Asia/Shanghai',
      ],
      { ...user, env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    try {
      await waitReady(c, 20_000);
      child = c;
    } catch (err) {
      c.kill('SIGKILL');
      if (attempt === 4) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  const proc = child!;
  // If the test process dies without teardown, do not leave a server behind.
  const onExit = () => proc.kill('SIGQUIT');
  process.once('exit', onExit);

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    url,
    port,
    version,
    admin,
    async createDatabase(name) {
      if (!/^[a-z0-9_]{1,60}$/.test(name)) throw new Error(`bad database name ${name}`);
      await admin(`CREATE DATABASE ${name}`);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      process.off('exit', onExit);
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
        proc.kill('SIGINT'); // fast shutdown: disconnect clients, checkpoint, exit
        const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
