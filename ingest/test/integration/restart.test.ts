import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Console, connectConsole, login } from './stack.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SCENARIO = path.resolve(import.meta.dirname, '../fixtures/scenarios/critical-class.yaml');

interface Running {
  child: ChildProcess;
  url: string;
  logins: Map<string, { username: string; password: string }>;
}

/** Starts `npm start`'s entry point as its own process and reads the URL and demo logins it prints. */
async function startIngest(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'ingest/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      MQTT_PORT: '0',
      DATA_DIR: dataDir,
      DEMO_SCENARIO: SCENARIO,
      LOG_LEVEL: 'warn',
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
      60_000,
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
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function kill(r: Running): Promise<void> {
  return new Promise((resolve) => {
    if (r.child.exitCode !== null || r.child.signalCode !== null) return resolve();
    r.child.once('exit', () => resolve());
    r.child.kill('SIGKILL');
  });
}

/**
 * ARCHITECTURE.md, failure behaviour: "Ingest restart: open alerts and sessions are restored from the
 * registry". The process is killed outright (no graceful stop) in the middle of a class.
 */
describe('ingest killed mid-session and started again', () => {
  let dataDir: string;
  const running: Running[] = [];
  const consoles: Console[] = [];

  afterAll(async () => {
    for (const c of consoles) c.close();
    for (const r of running) await kill(r);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the open critical alert, still unacknowledged, and the session carries on', {
    timeout: 480_000,
  }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'zw-restart-'));
    const first = await startIngest(dataDir);
    running.push(first);
    const instructor = first.logins.get('instructor')!;
    const c1 = await connectConsole(
      first.url,
      await login(first.url, instructor.username, instructor.password),
    );
    consoles.push(c1);
    const sessions = (await (
      await fetch(new URL('/api/sessions?status=active', first.url), {
        headers: {
          authorization: `Bearer ${await login(first.url, instructor.username, instructor.password)}`,
        },
      })
    ).json()) as { items: { id: string; kind: string }[] };
    const sessionId = sessions.items.find((s) => s.kind === 'class')!.id;
    expect(await c1.join(sessionId)).toMatchObject({ ok: true });
    const critical = await c1.waitFor(
      () =>
        c1.alerts.find((a) => a.alert.rule === 'HR_OVER_CEILING' && a.alert.severity === 'critical')?.alert,
      60_000,
      'a critical alert before the crash',
    );
    // Pull the plug once the registry has committed the alert (the REST API reads it from there).
    const token = await login(first.url, instructor.username, instructor.password);
    await until('the alert committed to the registry', async () => {
      const res = await fetch(new URL(`/api/sessions/${sessionId}/alerts`, first.url), {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { items: { id: string }[] };
      return body.items.some((a) => a.id === critical.id) ? true : undefined;
    });
    await kill(first);
    c1.close();

    const second = await startIngest(dataDir);
    running.push(second);
    const again = second.logins.get('instructor')!;
    expect(again.password).not.toBe(instructor.password); // demo passwords are new at every start
    const c2 = await connectConsole(second.url, await login(second.url, again.username, again.password));
    consoles.push(c2);
    expect(await c2.join(sessionId)).toMatchObject({ ok: true, live: true });
    const snap = await c2.waitFor(() => c2.snapshots[0], 5_000, 'the snapshot');
    const restored = snap.alerts.find((a) => a.id === critical.id);
    expect(restored).toMatchObject({
      severity: 'critical',
      state: 'open',
      acknowledgedAt: null,
      participantId: 't-over',
    });

    // The session continues: the gateway replays and streams again, and the tiles are live.
    await c2.waitFor(
      () => c2.frames.find((f) => f.participants.every((p) => p.freshness === 'live' && p.hr !== null)),
      30_000,
      'live values after the restart',
    );
    // It still needs acknowledgement, and takes one.
    expect(await c2.ack(critical.id)).toMatchObject({ ok: true });
    expect(await c2.ack(critical.id)).toMatchObject({ ok: false, error: 'already-acknowledged' });
  });
});
