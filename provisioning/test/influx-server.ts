import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real `influxd` (Debian's 1.x) started for one test file, on free loopback ports, in a temp dir. */
export interface InfluxServer {
  /** `http://127.0.0.1:{port}` */
  readonly url: string;
  /** Version from the `X-Influxdb-Version` header of `/ping`. */
  readonly version: string;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function influxdBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v influxd'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(
      'influxd not found: these tests run a real InfluxDB. Install the Debian package `influxdb` ' +
        '(sudo apt-get install -y influxdb), or run `npm test`, which installs it when run as root.',
    );
  }
  return path;
}

/**
 * Starts `influxd` with a config that keeps everything in a temp dir, binds HTTP and RPC to
 * 127.0.0.1 only and turns usage reporting off. Resolves once `/ping` answers.
 */
export async function startInflux(): Promise<InfluxServer> {
  const bin = influxdBinary();
  const dir = await mkdtemp(join(tmpdir(), 'zw-influxd-'));
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const config = [
    'reporting-disabled = true',
    `bind-address = "127.0.0.1:${rpcPort}"`,
    '[meta]',
    `  dir = "${join(dir, 'meta')}"`,
    '[data]',
    `  dir = "${join(dir, 'data')}"`,
    `  wal-dir = "${join(dir, 'wal')}"`,
    '  query-log-enabled = false',
    '[http]',
    '  enabled = true',
    `  bind-address = "127.0.0.1:${httpPort}"`,
    '  log-enabled = false',
    '[monitor]',
    '  store-enabled = false',
    '[continuous_queries]',
    '  enabled = true',
    '  log-enabled = false',
    '[logging]',
    '  level = "warn"',
  ].join('\n');
  const configPath = join(dir, 'influxdb.conf');
  await writeFile(configPath, config);

  let stderr = '';
  const child: ChildProcess = spawn(bin, ['-config', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/ping`);
      if (res.status === 204) {
        return { url, version: res.headers.get('x-influxdb-version') ?? 'unknown', stop };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`influxd did not answer /ping within 20 s; stderr:\n${stderr}`);
}
