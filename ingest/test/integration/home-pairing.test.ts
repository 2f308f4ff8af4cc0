import path from 'node:path';
import { HOME_AUTH_SCHEME, homeStateSchema, pairResponseSchema, telemetryTopic } from '@zonewatch/protocol';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closed, connect, endClient, refusalCode, subscribe } from '../../../broker/test/helpers.js';
import type { Platform } from '../../src/platform.js';
import { type DemoPlatform, startDemoPlatform } from '../security/web-stack.js';
import { loginAs, publishBatch } from './stack.js';

// Issue 17: a coach issues a one-time code; the participant's phone exchanges it for its own gateway
// credential, speaks MQTT over WebSocket on ingest's own origin, runs its home session, and is cut off
// when an admin revokes it like any gateway. The real platform: registry, embedded broker, REST API.

const SCENARIOS = [
  path.resolve(import.meta.dirname, '../fixtures/scenarios/critical-class.yaml'),
  path.resolve(import.meta.dirname, '../../../firmware-sim/scenarios/home-walk.yaml'),
].join(',');

let stack: DemoPlatform;
let platform: Platform;
let participantId: string;
const clients: MqttClient[] = [];

beforeAll(async () => {
  stack = await startDemoPlatform('home-pairing', { DEMO_SCENARIO: SCENARIOS });
  platform = stack.platform;
  participantId = platform.demo!.seed.homeSessions[0]!.participantId;
}, 180_000);
afterEach(async () => {
  for (const c of clients.splice(0)) await endClient(c);
});
afterAll(async () => {
  await stack?.close();
});

async function rest(method: string, url: string, auth: string | undefined, body?: unknown) {
  const res = await fetch(new URL(url, platform.url), {
    method,
    headers: {
      ...(auth ? { authorization: auth } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function issueCode(role = 'coach'): Promise<string> {
  const token = await loginAs(platform, role);
  const res = await rest('POST', `/api/participants/${participantId}/pairing-codes`, `Bearer ${token}`);
  expect(res.status).toBe(201);
  expect(res.json.code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  expect(res.json.pairPath).toBe(`/home/#code=${String(res.json.code).replace('-', '')}`);
  return res.json.code as string;
}

async function pair(code: string) {
  const res = await rest('POST', '/api/home/pair', undefined, { code: code.toLowerCase() });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return pairResponseSchema.parse(res.json);
}

const wsUrl = () => `ws://127.0.0.1:${new URL(platform.url).port}/mqtt`;
const phoneMqtt = (p: { gatewayId: string; secret: string }) =>
  connect(wsUrl(), { username: p.gatewayId, password: p.secret, clientId: p.gatewayId }).then((c) => {
    clients.push(c);
    return c;
  });

describe('pairing a phone to a participant (issue 17)', () => {
  it('needs the participant’s home-monitoring consent (issue 16)', async () => {
    const token = await loginAs(platform, 'clinician');
    const withdraw = await rest('POST', `/api/participants/${participantId}/consent`, `Bearer ${token}`, {
      purpose: 'home-monitoring',
      granted: false,
      noticeVersion: 'v1',
    });
    expect(withdraw.status, JSON.stringify(withdraw.json)).toBe(201);
    const refused = await rest('POST', `/api/participants/${participantId}/pairing-codes`, `Bearer ${token}`);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toBe('ZW_ERR_CONSENT_REQUIRED');
    const grant = await rest('POST', `/api/participants/${participantId}/consent`, `Bearer ${token}`, {
      purpose: 'home-monitoring',
      granted: true,
      noticeVersion: 'v1',
    });
    expect(grant.status).toBe(201);
  });

  it('only staff issue codes; an instructor is refused', async () => {
    const token = await loginAs(platform, 'instructor');
    const res = await rest('POST', `/api/participants/${participantId}/pairing-codes`, `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect((await rest('POST', `/api/participants/${participantId}/pairing-codes`, undefined)).status).toBe(
      401,
    );
  });

  it('a code pairs one phone, once; the phone gets its own credential and the zone', async () => {
    const code = await issueCode();
    const phone = await pair(code);
    expect(phone.gatewayId).toMatch(/^phone-[0-9a-f]{12}$/);
    expect(phone.mqttUrl).toBe('/mqtt');
    expect(phone.participantAlias).toBe('Walker 142');
    const again = await rest('POST', '/api/home/pair', undefined, { code });
    expect(again.status).toBe(404);
    expect(again.json.message).toMatch(/already used or expired/);
    const bad = await rest('POST', '/api/home/pair', undefined, { code: 'O0I1-LLLL' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toMatch(/code.*letters and digits/);

    const me = await rest('GET', '/api/home/me', `${HOME_AUTH_SCHEME} ${phone.gatewayId}:${phone.secret}`);
    expect(me.status).toBe(200);
    const state = homeStateSchema.parse(me.json);
    expect(state.participantAlias).toBe('Walker 142');
    expect(state.zone?.ceilingBpm).toBeGreaterThan(state.zone?.zoneHighBpm ?? 999);
    const wrong = await rest('GET', '/api/home/me', `${HOME_AUTH_SCHEME} ${phone.gatewayId}:not-the-secret`);
    expect(wrong.status).toBe(401);
  });

  it('the phone runs its home session and publishes over WebSocket on the page’s origin, inside its own topics only', async () => {
    const phone = await pair(await issueCode('clinician'));
    const auth = `${HOME_AUTH_SCHEME} ${phone.gatewayId}:${phone.secret}`;
    // The demo's home session is running with the simulated phone's devices: the phone ends it and starts its own.
    expect(homeStateSchema.parse((await rest('GET', '/api/home/me', auth)).json).session?.status).toBe(
      'active',
    );
    expect((await rest('POST', '/api/home/session/end', auth)).status).toBe(200);
    expect(homeStateSchema.parse((await rest('GET', '/api/home/me', auth)).json).session).toBeNull();
    const strap = `wb-${phone.gatewayId}-hr`;
    const started = await rest('POST', '/api/home/session/start', auth, {
      devices: [{ id: strap, kind: 'hr-strap' }],
    });
    expect(started.status, JSON.stringify(started.json)).toBe(200);
    const sessionId = started.json.id as string;

    const gw = await phoneMqtt(phone);
    const t = Date.now();
    await publishBatch(gw, phone.siteId, phone.gatewayId, 1, [
      { device: strap, t, kind: 'hr', bpm: 96 },
      { device: strap, t: t + 1000, kind: 'hr', bpm: 98 },
    ]);
    // The rules engine's trace (down-sampled: 96 and 98 may share a bucket) has the phone's samples.
    const hrs = () =>
      platform.live
        .recentTrace(sessionId, 60_000)
        ?.flatMap((x) => x.points.flatMap((y) => (y.hr === null ? [] : [y.hr]))) ?? [];
    await expect.poll(() => hrs().length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(hrs().every((hr) => hr >= 96 && hr <= 98)).toBe(true);

    // Subscribing to another gateway's data is refused; publishing to it closes the connection.
    expect(await subscribe(gw, 'zw/v1/+/+/telemetry')).toBe(0x80);
    const other = platform.demo!.seed.gateways.find((g) => g.gatewayId !== phone.gatewayId)!;
    gw.publish(telemetryTopic(other.siteId, other.gatewayId), '{}', { qos: 1 });
    await closed(gw);
  });

  it('revoking the phone on the admin API cuts its open connection and refuses it afterwards', async () => {
    const phone = await pair(await issueCode());
    const auth = `${HOME_AUTH_SCHEME} ${phone.gatewayId}:${phone.secret}`;
    const gw = await phoneMqtt(phone);
    const gone = closed(gw, 10_000);
    const ops = await loginAs(platform, 'ops');
    const listed = await rest('GET', '/api/gateways', `Bearer ${ops}`);
    expect((listed.json.items as { id: string }[]).some((g) => g.id === phone.gatewayId)).toBe(true);
    expect((await rest('DELETE', `/api/gateways/${phone.gatewayId}`, `Bearer ${ops}`)).status).toBe(200);
    await gone;
    expect(
      await refusalCode(wsUrl(), {
        username: phone.gatewayId,
        password: phone.secret,
        clientId: phone.gatewayId,
      }),
    ).toBe(5);
    expect((await rest('GET', '/api/home/me', auth)).status).toBe(401);
  });
});
