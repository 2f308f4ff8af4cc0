/**
 * The real ingest platform for the web/auth hardening tests (issue 13 holes 2, 3, 5, 8): registry seeded
 * with the demo site (`DEMO=seed`: logins, a class, no simulated gateway), the embedded broker, the HTTP
 * app on port 0 with its console, in a temp data dir; plus plain-HTTP helpers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { type Platform, type PlatformDeps, startPlatform } from '../../src/platform.js';
import { FAST_SCRYPT } from '../registry/fixtures.js';

const SCENARIO = path.resolve(import.meta.dirname, '../fixtures/scenarios/critical-class.yaml');

export type DemoRole = 'admin' | 'clinician' | 'instructor' | 'coach' | 'ops';

export interface WebStack {
  platform: Platform;
  /** The console's origin, e.g. `http://127.0.0.1:41234`. */
  origin: string;
  /** Username and one-time password of the demo login of `role`. */
  user(role: DemoRole): { username: string; password: string; userId: string };
  /** `POST /api/auth/login` with extra headers; the raw response. */
  login(username: string, password: string, headers?: Record<string, string>): Promise<Response>;
  /** The `zw_session` cookie value of a successful login (throws otherwise). */
  cookieOf(role: DemoRole): Promise<string>;
  close(): Promise<void>;
}

/** A platform on its own data dir (see `startDemoPlatform`). */
export interface DemoPlatform {
  platform: Platform;
  dataDir: string;
  /** Closes the platform and removes a data dir it made (a given one is kept). */
  close(): Promise<void>;
}

/**
 * The real platform (`startPlatform`) on port 0 with the demo site seeded from the critical-class scenario
 * (`DEMO=seed`, silent), `env` on top (a key set to undefined takes the config's default), in a temp data dir
 * named `zw-{prefix}-…` unless `deps.dataDir` is given.
 */
export async function startDemoPlatform(
  prefix: string,
  env: Record<string, string | undefined> = {},
  deps: Partial<PlatformDeps> & { dataDir?: string } = {},
): Promise<DemoPlatform> {
  const { dataDir: kept, logger = pino({ level: 'silent' }), ...platformDeps } = deps;
  // A given data dir outlives the stack (restart tests); a made one goes with it.
  const dataDir = kept ?? (await mkdtemp(path.join(tmpdir(), `zw-${prefix}-`)));
  const cleanup = () => (kept ? Promise.resolve() : rm(dataDir, { recursive: true, force: true }));
  let platform: Platform;
  try {
    platform = await startPlatform(
      loadConfig({
        PORT: '0',
        MQTT_PORT: '0',
        DATA_DIR: dataDir,
        DEMO: 'seed',
        DEMO_SCENARIO: SCENARIO,
        LOG_LEVEL: 'silent',
        ...env,
      }),
      { logger, ...platformDeps },
    );
  } catch (err) {
    await cleanup();
    throw err;
  }
  return {
    platform,
    dataDir,
    async close() {
      await platform.close();
      await cleanup();
    },
  };
}

/** Starts the platform with `env` on top of the test defaults. */
export async function startWebStack(
  env: Record<string, string> = {},
  logger: Logger = pino({ level: 'silent' }),
  deps: { socketRevalidateMs?: number; dataDir?: string } = {},
): Promise<WebStack> {
  // Cheap scrypt: these tests log in (and fail to) dozens of times on a shared 2-core machine.
  const demo = await startDemoPlatform('web', env, { logger, passwordParams: FAST_SCRYPT, ...deps });
  const { platform } = demo;
  const origin = new URL(platform.url).origin;
  const user = (role: DemoRole) => {
    const u = platform.demo!.seed.users.find((x) => x.role === role)!;
    return { username: u.username, password: u.password, userId: u.userId };
  };
  const login = (username: string, password: string, headers: Record<string, string> = {}) =>
    fetch(new URL('/api/auth/login', origin), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ username, password }),
    });
  return {
    platform,
    origin,
    user,
    login,
    async cookieOf(role) {
      const u = user(role);
      const res = await login(u.username, u.password);
      if (res.status !== 200) throw new Error(`login ${role}: HTTP ${res.status} ${await res.text()}`);
      const value = /zw_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
      if (!value) throw new Error('login set no zw_session cookie');
      return value;
    },
    close: demo.close,
  };
}
