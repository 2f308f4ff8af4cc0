/**
 * Ingest as a real process (`ingest/src/main.ts`, what `npm start` runs) for restart tests: start it on a
 * data directory, read the URL and demo logins it prints, kill it outright.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SCENARIO = path.resolve(import.meta.dirname, '../fixtures/scenarios/critical-class.yaml');

export interface Running {
  child: ChildProcess;
  url: string;
  logins: Map<string, { username: string; password: string }>;
}

/**
 * Starts `npm start`'s entry point as its own process (the critical-class demo, on `dataDir`, `env` on top)
 * and reads the URL and demo logins it prints.
 */
export async function startIngest(dataDir: string, env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'ingest/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      MQTT_PORT: '0',
      DATA_DIR: dataDir,
      DEMO_SCENARIO: SCENARIO,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise<Running>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`ingest did not start in 180 s:\n${out}\n${err}`)),
      180_000,
    );
    child.once('exit', (code) => reject(new Error(`ingest exited with ${code}:\n${out}\n${err}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /zonewatch console: (\S+)/.exec(out)?.[1];
      const logins = new Map<string, { username: string; password: string }>();
      for (const m of out.matchAll(/^\s+(admin|clinician|instructor|coach|ops)\s+(\S+)\s+(\S+)\s*$/gm)) {
        logins.set(m[1]!, { username: m[2]!, password: m[3]! });
      }
      if (url && logins.size === 5) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, url, logins });
      }
    });
  });
}

/** Resolves with the first defined answer of `probe`, asking again after each answer (no fixed sleep). */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function kill(r: Running): Promise<void> {
  return new Promise((resolve) => {
    if (r.child.exitCode !== null || r.child.signalCode !== null) return resolve();
    r.child.once('exit', () => resolve());
    r.child.kill('SIGKILL');
  });
}
