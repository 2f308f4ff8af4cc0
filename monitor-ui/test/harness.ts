import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TruthRecord } from '@zonewatch/firmware-sim';
import { type RoleName as Role, SESSION_COOKIE } from '@zonewatch/protocol';
import pino from 'pino';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { loadConfig } from '../../ingest/src/config.js';
import { type Platform, startPlatform } from '../../ingest/src/platform.js';
import { loadInfluxConfig } from '../../ingest/src/telemetry/index.js';

export const UI_ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(UI_ROOT, 'dist');
export const FIXTURES = path.join(import.meta.dirname, 'fixtures');
export const SCREENSHOTS = path.resolve(UI_ROOT, '../docs/screenshots');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? await newestMtime(p) : (await stat(p)).mtimeMs);
  }
  return newest;
}

/**
 * Builds `monitor-ui/dist` when it is missing or older than the sources, as ingest serves it. A lock
 * directory keeps two test files from building at once.
 */
export async function ensureBuilt(): Promise<void> {
  const lock = path.join(UI_ROOT, '.build-lock');
  for (let i = 0; ; i++) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (i > 600) throw new Error(`${lock} held for a minute: remove it if no build is running`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    const built = await stat(path.join(DIST, 'index.html')).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    const sources = Math.max(
      await newestMtime(path.join(UI_ROOT, 'src')),
      (await stat(path.join(UI_ROOT, 'index.html'))).mtimeMs,
      await newestMtime(path.join(UI_ROOT, 'home')),
      await newestMtime(path.join(UI_ROOT, 'public')),
      (await stat(path.join(UI_ROOT, 'vite.config.ts'))).mtimeMs,
    );
    if (built < sources)
      await build({ root: UI_ROOT, configFile: path.join(UI_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

export interface Stack {
  platform: Platform;
  /** Base URL of the console (ends with `/`). */
  url: string;
  /** Demo logins per role (fresh passwords at every start). */
  users: Record<Role, { username: string; password: string }>;
  siteId: string;
  classId: string;
  classSessionId: string;
  homeSessionId: string;
  truth: TruthRecord[];
  close(): Promise<void>;
}

/**
 * The real platform (registry on PGlite, embedded broker, ingest with API and console, simulated gateway
 * and wearables) playing the console's own scenarios (`fixtures/` file names; default the six-person class
 * and the home walk), serving the built console from `monitor-ui/dist`.
 * `socketRevalidateMs`: how often open consoles' logins are checked again (default 30 s).
 */
export async function startStack(
  opts: { socketRevalidateMs?: number; scenarios?: readonly string[]; demoRecord?: boolean } = {},
): Promise<Stack> {
  await ensureBuilt();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zw-ui-e2e-'));
  const truth: TruthRecord[] = [];
  const config = loadConfig({
    PORT: '0',
    MQTT_PORT: '0',
    DATA_DIR: dataDir,
    DEMO: 'true',
    DEMO_SCENARIO: (opts.scenarios ?? ['e2e-class.yaml', 'e2e-home.yaml'])
      .map((f) => path.join(FIXTURES, f))
      .join(','),
    LOG_LEVEL: 'silent',
    // Issue 15: the demo's exercise-health record (ten past weeks through the real rules engine).
    ...(opts.demoRecord ? { DEMO_RECORD: 'true' } : {}),
  });
  const platform = await startPlatform(config, {
    logger: pino({ level: 'silent' }),
    // No InfluxDB: live views and reports do not depend on it.
    influx: loadInfluxConfig({}),
    onTruth: (t) => truth.push(t),
    ...(opts.socketRevalidateMs ? { socketRevalidateMs: opts.socketRevalidateMs } : {}),
  });
  const seed = platform.demo?.seed;
  if (!seed) throw new Error('the platform seeded no demo');
  const users = Object.fromEntries(
    seed.users.map((u) => [u.role, { username: u.username, password: u.password }]),
  ) as Stack['users'];
  const home = seed.homeSessions[0];
  if (!home) throw new Error('the demo has no home session');
  return {
    platform,
    url: platform.url,
    users,
    siteId: seed.siteId,
    classId: seed.classId,
    classSessionId: seed.sessionId,
    homeSessionId: home.sessionId,
    truth,
    async close() {
      await platform.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium with the flags that work on these machines (FIELD-NOTES.md). */
export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // Alarm sounds play in a headless test without a click.
      '--autoplay-policy=no-user-gesture-required',
      ...extraArgs,
    ],
  });
}

export async function newContext(
  browser: Browser,
  opts: { lang?: 'en' | 'zh-CN'; width?: number; height?: number } = {},
): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport: { width: opts.width ?? 1920, height: opts.height ?? 1080 },
    locale: opts.lang ?? 'en',
  });
  return ctx;
}

/** Logs in through the login page and waits for the role's start page. */
export async function login(
  page: Page,
  base: string,
  user: { username: string; password: string },
): Promise<void> {
  await page.goto(base);
  await page.locator('input[name=username]').fill(user.username);
  await page.locator('input[name=password]').fill(user.password);
  await page.locator('form.login-card button[type=submit]').click();
  await page.locator('.app-header').waitFor();
}

/**
 * Every visible text on the page that is not marked as untranslatable data (`translate="no"`: aliases,
 * user names, ids), with the element it sits in.
 */
export function visibleUiText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      const el = n.parentElement;
      if (!text || !el) continue;
      if (el.closest('[translate="no"], script, style, .u-legend .u-value')) continue;
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
      out.push(text);
    }
    // Attributes may name data too ("Participant {alias}"): take out every data string shown on the page.
    const data = [...document.querySelectorAll('[translate="no"]')]
      .map((el) => el.textContent?.trim() ?? '')
      .filter(Boolean)
      .sort((x, y) => y.length - x.length);
    for (const el of document.querySelectorAll<HTMLElement>('[aria-label], [title], input[placeholder]')) {
      if (el.closest('[translate="no"]')) continue;
      for (const a of ['aria-label', 'title', 'placeholder']) {
        let v = el.getAttribute(a) ?? '';
        for (const d of data) v = v.split(d).join(' ');
        if (v.trim()) out.push(v.trim());
      }
    }
    return out;
  });
}

/** Logs `user` in over REST on the stack at `baseUrl`; the session cookie (`name=value`) to send back. */
export async function apiLogin(
  baseUrl: string,
  user: { username: string; password: string },
): Promise<string> {
  const res = await fetch(`${baseUrl}api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  if (res.status !== 200) throw new Error(`login as ${user.username}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}

/**
 * One REST call with a session cookie (`path` after `/api`); the parsed JSON answer (null when empty). Any
 * answer other than 2xx fails the calling test with the method, path, status and body.
 */
export async function api(
  baseUrl: string,
  cookie: string,
  method: string,
  path: string,
  body?: object,
): Promise<unknown> {
  const res = await fetch(`${baseUrl}api${path}`, {
    method,
    headers: { cookie, ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
    ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
