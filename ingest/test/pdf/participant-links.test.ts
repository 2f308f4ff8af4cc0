/**
 * Access links to the participant's own view (issue 16) over the REST API of a real platform: a clinician
 * issues one; with it a phone reads that participant's figures only (no other participant, no staff names
 * or notes), every use is audited; a revoked or expired link and a made-up token are refused with a code
 * the phone words, and the refusal carries no data.
 */
import { PARTICIPANT_LINK_HEADER, PROGRAMME_PRESETS } from '@zonewatch/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newLinkToken, participantLinks } from '../../src/participant/links.js';
import { loginAs } from '../integration/stack.js';
import { type DemoPlatform, startDemoPlatform } from '../security/web-stack.js';
import { ACK_NOTE, FIGURES, seedReports } from './fixtures.js';

let demo: DemoPlatform;
let ids: Awaited<ReturnType<typeof seedReports>>;
const tokens: Record<string, string> = {};

async function staff(role: string, method: string, url: string, body?: unknown): Promise<Response> {
  tokens[role] ??= await loginAs(demo.platform, role);
  return fetch(new URL(url, demo.platform.url), {
    method,
    headers: {
      authorization: `Bearer ${tokens[role]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const me = (token: string, url = '/api/me') =>
  fetch(new URL(url, demo.platform.url), { headers: { [PARTICIPANT_LINK_HEADER]: token } });

async function issue(participantId: string): Promise<{ token: string; linkId: string; path: string }> {
  const res = await staff('clinician', 'POST', `/api/participants/${participantId}/access-links`, {
    validDays: 7,
  });
  expect(res.status).toBe(201);
  const b = (await res.json()) as { token: string; path: string; link: { id: string; expiresAt: number } };
  return { token: b.token, linkId: b.link.id, path: b.path };
}

beforeAll(async () => {
  demo = await startDemoPlatform('links');
  ids = await seedReports(demo.platform);
}, 180_000);

afterAll(async () => {
  await demo?.close();
});

describe('participant access links', () => {
  it('a link opens that participant’s own figures and nothing about anyone else; each use is audited', async () => {
    const { token, linkId, path } = await issue(ids.p0);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 random bits
    expect(path).toBe(`/p/#${token}`);
    const res = await me(token);
    expect(res.status).toBe(200);
    const text = await res.text();
    const view = JSON.parse(text) as {
      alias: string;
      sessions: {
        sessionId: string;
        minutesInZone: number;
        targetMinutesInZone: number;
        hrRecoveryDropBpm: number;
      }[];
      thisWeek: { minutesInZone: number };
    };
    expect(view.alias).toBe(ids.alias0);
    expect(view.sessions[0]).toMatchObject({
      sessionId: ids.sessionId,
      minutesInZone: FIGURES.minutesIn,
      targetMinutesInZone: FIGURES.target,
      hrRecoveryDropBpm: FIGURES.drop,
    });
    expect(view.thisWeek.minutesInZone).toBe(FIGURES.minutesIn);
    expect(text).not.toContain(ids.alias1);
    expect(text).not.toContain(ids.p1);

    const detail = await me(token, `/api/me/sessions/${ids.sessionId}`);
    expect(detail.status).toBe(200);
    const detailText = await detail.text();
    // (The live service may add a SIGNAL_LOST of its own: the seeded class is running without devices.)
    expect(JSON.parse(detailText).alerts).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'HR_OVER_CEILING', severity: 'critical' })]),
    );
    for (const hidden of [ids.alias1, ids.instructorName, ACK_NOTE]) expect(detailText).not.toContain(hidden);

    const pdf = await me(token, `/api/me/sessions/${ids.sessionId}/report.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');

    // Another participant's session (or a made-up one) looks unknown.
    const other = await demo.platform.registry.sessions.create({
      siteId: demo.platform.demo!.seed.siteId,
      kind: 'home',
    });
    expect((await me(token, `/api/me/sessions/${other.id}`)).status).toBe(404);

    const uses = await demo.platform.registry.audit.list({ actor: `link:${linkId}` });
    expect(uses.map((u) => [u.action, u.entityId, u.detail['what']])).toEqual(
      expect.arrayContaining([
        ['participant-link.use', ids.p0, 'view'],
        ['participant-link.use', ids.p0, 'session'],
        ['participant-link.use', ids.p0, 'session-pdf'],
      ]),
    );
    const created = await demo.platform.registry.audit.list({ entityId: ids.p0, entity: 'participant' });
    expect(created.some((e) => e.action === 'participant-link.create' && e.detail['linkId'] === linkId)).toBe(
      true,
    );
  });

  it('the next re-assessment is the participant’s programme’s (issue 15’s record)', async () => {
    const { token } = await issue(ids.p0);
    const before = (await (await me(token)).json()) as { nextReassessmentAt: number | null };
    expect(before.nextReassessmentAt).toBeNull();
    const now = demo.platform.registry.now();
    const today = new Date(now).toISOString().slice(0, 10);
    const clinician = demo.platform.demo!.seed.users.find((u) => u.role === 'clinician')!;
    await demo.platform.registry.programmes.syncPresets(PROGRAMME_PRESETS);
    await demo.platform.registry.programmes.enrol({
      participantId: ids.p0,
      programmeId: 'preset-cardiac-rehab',
      startDate: today,
      enrolledBy: clinician.userId,
    });
    const after = (await (await me(token)).json()) as { nextReassessmentAt: number | null };
    expect(after.nextReassessmentAt).toBeGreaterThan(now);
  });

  it('a revoked link is refused at once, without data, and the refusal is audited', async () => {
    const { token, linkId } = await issue(ids.p0);
    expect((await me(token)).status).toBe(200);
    const revoke = await staff('clinician', 'DELETE', `/api/participants/${ids.p0}/access-links/${linkId}`);
    expect(revoke.status).toBe(200);
    expect(((await revoke.json()) as { state: string }).state).toBe('revoked');
    const res = await me(token);
    expect(res.status).toBe(410);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ error: 'ZW_ERR_LINK_REVOKED', message: expect.any(String) });
    expect(JSON.stringify(body)).not.toContain(ids.alias0);
    const refused = await demo.platform.registry.audit.list({ actor: `link:${linkId}` });
    expect(refused[0]).toMatchObject({
      action: 'participant-link.refused',
      detail: expect.objectContaining({ state: 'revoked' }),
    });
  });

  it('an expired link and a made-up token are refused', async () => {
    const token = newLinkToken();
    const now = demo.platform.registry.now();
    await participantLinks(demo.platform.registry).insert({
      token,
      participantId: ids.p0,
      createdBy: 'user:test',
      createdAt: now - 20 * 86_400_000,
      expiresAt: now - 86_400_000,
    });
    const expired = await me(token);
    expect(expired.status).toBe(410);
    expect(((await expired.json()) as { error: string }).error).toBe('ZW_ERR_LINK_EXPIRED');
    const invalid = await me(newLinkToken());
    expect(invalid.status).toBe(401);
    expect(((await invalid.json()) as { error: string }).error).toBe('ZW_ERR_LINK_INVALID');
    expect((await fetch(new URL('/api/me', demo.platform.url))).status).toBe(401);
  });

  it('only clinicians (and admins) issue, list and revoke links; the list never shows a token', async () => {
    expect((await staff('instructor', 'POST', `/api/participants/${ids.p0}/access-links`, {})).status).toBe(
      403,
    );
    expect(
      (await staff('clinician', 'POST', `/api/participants/${ids.p0}/access-links`, { validDays: 365 }))
        .status,
    ).toBe(400);
    const list = await staff('admin', 'GET', `/api/participants/${ids.p0}/access-links`);
    expect(list.status).toBe(200);
    const items = ((await list.json()) as { items: Record<string, unknown>[] }).items;
    expect(items.length).toBeGreaterThanOrEqual(2);
    for (const i of items) expect(Object.keys(i)).not.toContain('token');
    expect(
      (await staff('clinician', 'DELETE', `/api/participants/${ids.p1}/access-links/${items[0]!['id']}`))
        .status,
    ).toBe(404);
  });
});
