import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type InfluxQLRow, queryInfluxQL } from '../../src/telemetry/index.js';

/**
 * A real InfluxDB for tests: Debian's `influxd` (1.6.7) in a temp dir, HTTP and RPC bound to
 * 127.0.0.1 on free ports, usage reporting off. Reused by the Grafana dashboard and end-to-end tests.
 *
 * ```ts
 * const influx = await startInflux();
 * const config = loadInfluxConfig({ ...influx.env, INFLUX_FLUSH_INTERVAL_MS: '200' });
 * await influx.query('SELECT count(bpm) FROM hr');
 * await influx.close();
 * ```
 */
export interface InfluxServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Database created at start (`zonewatch` unless told otherwise). */
  readonly database: string;
  /** Temp folder holding meta, data, WAL, the config file and `influxd.log`. */
  readonly dir: string;
  /** `INFLUX_URL` and `INFLUX_DATABASE`, ready for `loadInfluxConfig({ ...server.env, … })`. */
  readonly env: { INFLUX_URL: string; INFLUX_DATABASE: string };
  /** True while the process runs. */
  readonly running: boolean;
  /**
   * Stops the process and keeps its data for {@link restart}. `SIGKILL` (the default) simulates a crash
   * or a pulled plug; `SIGTERM` a clean shutdown.
   */
  stop(opts?: { signal?: 'SIGKILL' | 'SIGTERM' }): Promise<void>;
  /** Starts the server again with the same data dir and port (stops it first if it runs). */
  restart(): Promise<void>;
  /** Runs InfluxQL on {@link database} (or `db`); rows with `time` in ms. */
  query(q: string, db?: string): Promise<InfluxQLRow[]>;
  /** Stops the server and removes the temp dir. Idempotent. */
  close(): Promise<void>;
}

export interface StartInfluxOptions {
  /** Database to create (default `zonewatch`). */
  database?: string;
  /** Path of `influxd` (default `$INFLUXD_BIN` or `/usr/bin/influxd`). */
  binary?: string;
  /** Longest wait for `/ping` to answer, in ms (default 20 000). */
  readyTimeoutMs?: number;
}

/** Starts `influxd` on free ports in a new temp dir and creates the database. */
export async function startInflux(opts: StartInfluxOptions = {}): Promise<InfluxServer> {
  const binary = opts.binary ?? process.env.INFLUXD_BIN ?? '/usr/bin/influxd';
  try {
    await access(binary, constants.X_OK);
  } catch {
    throw new Error(
      `influxd not found at ${binary}: install the Debian package \`influxdb\` (apt-get install influxdb) or set INFLUXD_BIN`,
    );
  }
  const pdeathsig = await access('/usr/bin/setpriv', constants.X_OK).then(
    () => true,
    () => false,
  );
  const database = opts.database ?? 'zonewatch';
  const readyTimeoutMs = opts.readyTimeoutMs ?? 20_000;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'zw-influx-'));
  const logFile = path.join(dir, 'influxd.log');
  const confFile = path.join(dir, 'influxdb.conf');

  let child: ChildProcess | undefined;
  let port = 0;
  let url = '';
  let closed = false;
  const killOnExit = () => child?.kill('SIGKILL');
  process.on('exit', killOnExit);

  async function launch(): Promise<void> {
    const fd = openSync(logFile, 'a');
    // setpriv --pdeathsig: influxd dies with the test process even when the runner kills it outright.
    const [cmd, args] = pdeathsig
      ? ['/usr/bin/setpriv', ['--pdeathsig', 'KILL', binary, '-config', confFile]]
      : [binary, ['-config', confFile]];
    const proc = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child = proc;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        child = undefined;
        throw new Error(
          `influxd exited (${proc.exitCode ?? proc.signalCode}) during start-up:\n${logTail()}`,
        );
      }
      try {
        const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(500) });
        if (res.status === 204) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        await exited;
        child = undefined;
        throw new Error(`influxd did not answer /ping within ${readyTimeoutMs} ms:\n${logTail()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  function logTail(): string {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async function stopProcess(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const proc = child;
    if (!proc) return;
    child = undefined;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  // Free ports are picked before influxd binds them; if another process wins the race, try new ones.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const rpcPort = await freePort();
    url = `http://127.0.0.1:${port}`;
    await writeFile(confFile, influxConf(dir, port, rpcPort));
    try {
      await launch();
      break;
    } catch (err) {
      if (attempt >= 3) {
        process.off('exit', killOnExit);
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  const query = (q: string, db = database) => queryInfluxQL({ url, database: db }, q);
  await query(`CREATE DATABASE "${database}"`);

  return {
    url,
    port,
    database,
    dir,
    env: { INFLUX_URL: url, INFLUX_DATABASE: database },
    get running() {
      return child !== undefined;
    },
    stop: (o = {}) => stopProcess(o.signal ?? 'SIGKILL'),
    async restart() {
      if (closed) throw new Error('influx server closed');
      await stopProcess('SIGTERM');
      await launch();
    },
    query,
    async close() {
      if (closed) return;
      closed = true;
      await stopProcess('SIGTERM');
      process.off('exit', killOnExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function influxConf(dir: string, httpPort: number, rpcPort: number): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${path.join(dir, 'meta')}"

[data]
  dir = "${path.join(dir, 'data')}"
  wal-dir = "${path.join(dir, 'wal')}"
  query-log-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  enabled = false

[logging]
  level = "warn"
`;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
