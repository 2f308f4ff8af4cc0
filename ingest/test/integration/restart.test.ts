import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kill, type Running, startIngest, until } from './process.js';
import { type Console, connectConsole, login } from './stack.js';

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
