import path from 'node:path';
import { type AckReply, type Alert, ackReplySchema } from '@zonewatch/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/platform.js';
import { type DemoPlatform, startDemoPlatform } from '../security/web-stack.js';
import { type Console, connectConsole, loginAs } from './stack.js';

const SCENARIOS = [
  path.resolve(import.meta.dirname, '../fixtures/scenarios/critical-class.yaml'),
  path.resolve(import.meta.dirname, '../../../firmware-sim/scenarios/home-walk.yaml'),
].join(',');
const SITE = 'test-site';
const GATEWAY = 'test-gw-1';
const STRAPS = { over: 'AA:00:00:00:00:01', calm: 'AA:00:00:00:00:02' };

type Role = 'instructor' | 'clinician' | 'coach' | 'ops';

/**
 * Issue 11: one acknowledge path. The real app (registry seeded, no simulated gateway: the test hands the
 * live service the telemetry batches the MQTT consumer would) with real Socket.IO clients: an acknowledgement
 * over the socket obeys the same role rule, answers the same refusals (REST's ZW_ERR_* status as the reply's
 * code, the same message), and writes the same
 * audit entry as one over REST.
 */
describe('acknowledging over Socket.IO and over REST', () => {
  let stack: DemoPlatform;
  let platform: Platform;
  let classId: string;
  const tokens = new Map<Role, string>();
  const consoles = new Map<Role, Console>();
  let seq = 0;

  /** Strap `device` reads `bpm` once a second for the last `seconds` (far over any ceiling: a critical). */
  function heartRate(device: string, bpm: number, seconds = 20) {
    const now = Date.now();
    platform.live.onBatch(SITE, {
      v: 1,
      gatewayId: GATEWAY,
      seq: seq++,
      sentAt: now,
      samples: Array.from({ length: seconds }, (_, i) => ({
        kind: 'hr' as const,
        device,
        t: now - (seconds - 1 - i) * 1000,
        bpm,
        contact: true,
      })),
    });
  }

  function openAlertOf(participantId: string): Alert {
    const a = platform.live.snapshot(classId)?.alerts.find((x) => x.participantId === participantId);
    if (a?.state !== 'open') throw new Error(`no open alert of ${participantId}`);
    return a;
  }

  const rest = (role: Role, alertId: string, body: object = {}) =>
    fetch(new URL(`/api/alerts/${alertId}/ack`, platform.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.get(role)}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** Acknowledges over the role's socket; the reply must match the wire contract. */
  const socket = async (role: Role, alertId: string, note?: string): Promise<AckReply> =>
    ackReplySchema.parse(await consoles.get(role)!.ack(alertId, note));

  beforeAll(async () => {
    stack = await startDemoPlatform('ack', { DEMO_SCENARIO: SCENARIOS });
    platform = stack.platform;
    classId = platform.demo!.seed.sessionId;
    for (const role of ['instructor', 'clinician', 'coach', 'ops'] as const) {
      const token = await loginAs(platform, role);
      tokens.set(role, token);
      consoles.set(role, await connectConsole(platform.url, token));
    }
    heartRate(STRAPS.over, 195);
    heartRate(STRAPS.calm, 195);
  }, 120_000);

  afterAll(async () => {
    for (const c of consoles.values()) c.close();
    await stack?.close();
  });

  it('refuses clinicians, ops staff, and coaches on a class alert alike, with the same code and message', async () => {
    const alert = openAlertOf('t-over');
    for (const role of ['clinician', 'ops', 'coach'] as const) {
      const overRest = await rest(role, alert.id);
      const restBody = (await overRest.json()) as { error: string; message: string };
      expect(overRest.status, role).toBe(403);
      expect(restBody.error, role).toBe('ZW_ERR_FORBIDDEN');
      expect(await socket(role, alert.id), role).toEqual({
        ok: false,
        error: 'forbidden',
        message: restBody.message,
      });
    }
    expect(openAlertOf('t-over').state).toBe('open');
    expect(await platform.registry.audit.list({ entity: 'alert', entityId: alert.id })).toEqual([]);
  });

  it('writes the same audit entry for an acknowledgement over the socket as over REST, and refuses a second one alike', async () => {
    const overSocket = openAlertOf('t-over');
    const overRest = openAlertOf('t-calm');
    expect(await socket('instructor', overSocket.id, 'sat him down')).toMatchObject({
      ok: true,
      alert: { id: overSocket.id, state: 'acknowledged' },
    });
    const r = await rest('instructor', overRest.id, { note: 'she rests' });
    expect(r.status).toBe(200);

    const [viaSocket] = await platform.registry.audit.list({ entity: 'alert', entityId: overSocket.id });
    const [viaRest] = await platform.registry.audit.list({ entity: 'alert', entityId: overRest.id });
    const instructor = platform.demo!.seed.users.find((x) => x.role === 'instructor')!;
    const expected = {
      actor: `user:${instructor.userId}`,
      action: 'alert.acknowledge',
      entity: 'alert',
      siteId: SITE,
      detail: { sessionId: classId, withNote: true },
    };
    expect(viaSocket).toMatchObject({ ...expected, entityId: overSocket.id });
    // REST adds the request id it answered under; nothing else differs.
    const { requestId, ...restDetail } = viaRest!.detail;
    expect(requestId).toEqual(expect.any(String));
    expect({ ...viaRest, detail: restDetail }).toMatchObject({ ...expected, entityId: overRest.id });
    expect(viaSocket!.detail).toEqual(expected.detail);

    // Twice: refused with the same code and message both ways, and not audited again.
    const twiceRest = await rest('instructor', overSocket.id);
    const twiceBody = (await twiceRest.json()) as { error: string; message: string };
    expect(twiceRest.status).toBe(409);
    expect(twiceBody).toMatchObject({
      error: 'ZW_ERR_INVALID_STATE',
      message: `Invalid state: alert ${overSocket.id} is already acknowledged`,
    });
    expect(await socket('instructor', overRest.id)).toEqual({
      ok: false,
      error: 'already-acknowledged',
      message: `Invalid state: alert ${overRest.id} is already acknowledged`,
    });
    expect(await platform.registry.audit.list({ entity: 'alert', entityId: overSocket.id })).toHaveLength(1);
    expect(await platform.registry.audit.list({ entity: 'alert', entityId: overRest.id })).toHaveLength(1);
  });

  it('answers an unknown alert alike', async () => {
    const overRest = await rest('instructor', 'al-unknown');
    expect(overRest.status).toBe(404);
    const body = (await overRest.json()) as { message: string };
    expect(await socket('instructor', 'al-unknown')).toEqual({
      ok: false,
      error: 'not-found',
      message: body.message,
    });
  });
});
