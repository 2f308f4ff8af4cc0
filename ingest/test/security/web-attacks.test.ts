import { randomBytes } from 'node:crypto';
import { SESSION_COOKIE, SOCKET_EVENTS } from '@zonewatch/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SuiteStack, socketHandshake, startSuiteStack } from './suite-stack.js';

/**
 * Issue 13 security suite, web side: the REST API and the live channel as an attacker without a login, with a
 * forged or ended one, from a foreign page (CSRF / cross-site WebSocket hijacking), with a lesser role, and
 * with oversized requests — against the real ingest over HTTP and a real socket.io-client.
 */
describe('security suite: REST and Socket.IO attacks on a running ingest', () => {
  let stack: SuiteStack;
  let instructor: { token: string; cookie: string };
  let admin: { token: string; cookie: string };
  const json = { 'content-type': 'application/json' };

  beforeAll(async () => {
    stack = await startSuiteStack();
    instructor = await stack.login('instructor');
    admin = await stack.login('admin');
    // Seeding the demo hashes every login and gateway secret with scrypt: slow on a busy 2-core machine.
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
  });

  const status = async (res: Response) => ({
    status: res.status,
    error: ((await res.json()) as { error?: string }).error,
  });

  it('REST without a login, or with a forged session cookie or bearer token, answers 401 and reveals nothing', async () => {
    const forged = randomBytes(32).toString('base64url');
    const attempts: [string, RequestInit][] = [
      ['/api/sessions', {}],
      [`/api/sessions/${stack.classSessionId}/roster`, {}],
      ['/api/participants/demo-p1/clinical', {}],
      ['/api/sessions', { headers: { cookie: `${SESSION_COOKIE}=${forged}` } }],
      ['/api/sessions', { headers: { cookie: `${SESSION_COOKIE}=${'A'.repeat(4000)}` } }],
      ['/api/sessions', { headers: { cookie: `${SESSION_COOKIE}=../../etc/passwd; ${SESSION_COOKIE}=` } }],
      ['/api/sessions', { headers: { authorization: `Bearer ${forged}` } }],
      ['/api/sessions', { headers: { authorization: 'Bearer x' } }],
      ['/api/users', { headers: { cookie: `${SESSION_COOKIE}=${forged}` } }],
      [
        '/api/sessions',
        { method: 'POST', headers: { ...json, cookie: `${SESSION_COOKIE}=${forged}` }, body: '{}' },
      ],
    ];
    for (const [pathname, init] of attempts) {
      const res = await stack.http(pathname, init);
      const body = await res.text();
      expect({ pathname, status: res.status, body: JSON.parse(body).error }).toEqual({
        pathname,
        status: 401,
        body: 'ZW_ERR_UNAUTHENTICATED',
      });
      // Nothing of the demo site leaks into a refusal.
      expect(body).not.toMatch(/demo-p\d|Ada|demo-site/);
    }
  });

  it('a session cookie stops working once its login ended (logout), over REST and Socket.IO', async () => {
    const { token, cookie } = await stack.login('clinician');
    expect((await stack.http('/api/auth/me', { headers: { cookie } })).status).toBe(200);
    const out = await stack.http('/api/auth/logout', { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(204);
    expect(await status(await stack.http('/api/auth/me', { headers: { cookie } }))).toEqual({
      status: 401,
      error: 'ZW_ERR_UNAUTHENTICATED',
    });
    expect(await socketHandshake(stack.origin, { token })).toMatchObject({
      connected: false,
      error: expect.stringContaining('ZW_ERR_UNAUTHENTICATED'),
    });
  });

  it('a state-changing request from a foreign Origin is refused (403) and changes nothing, with a valid cookie', async () => {
    const sessionsBefore = (await (
      await stack.http('/api/sessions', { headers: { cookie: instructor.cookie } })
    ).json()) as { items: unknown[] };
    const coach = stack.user('coach');
    const port = new URL(stack.origin).port;
    // A different site, the literal `null` (sandboxed frames, file://), and a sibling origin on the same host.
    for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${Number(port) + 1}`]) {
      const cross = (method: string, pathname: string, who: { cookie: string }, body?: unknown) =>
        stack.http(pathname, {
          method,
          headers: { ...json, cookie: who.cookie, origin },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      const refused = [
        await cross('POST', '/api/sessions', instructor, {
          siteId: stack.siteId,
          kind: 'class',
          classId: stack.classId,
        }),
        await cross('POST', `/api/sessions/${stack.classSessionId}/stop`, instructor, {}),
        await cross('POST', '/api/alerts/some-alert/ack', instructor, {}),
        await cross('PATCH', `/api/users/${coach.userId}`, admin, { disabled: true }),
        await cross('POST', '/api/users', admin, {
          username: 'csrf-admin',
          displayName: 'x',
          password: 'long enough password',
          roles: ['admin'],
          siteIds: [],
        }),
        await cross('DELETE', '/api/gateways/phone-hw-0142', admin),
        await cross('POST', '/api/auth/logout', instructor, {}),
      ];
      for (const res of refused) {
        expect({ origin, status: res.status, text: await res.text() }).toMatchObject({
          origin,
          status: 403,
          text: expect.stringContaining('cross-site request refused'),
        });
      }
    }
    // Nothing changed: same sessions, the class still running, the coach can still log in, the gateway is
    // still enrolled, no `csrf-admin`, and the instructor's login survived the forged logout.
    const sessionsAfter = (await (
      await stack.http('/api/sessions', { headers: { cookie: instructor.cookie } })
    ).json()) as { items: { id: string; status: string }[] };
    expect(sessionsAfter.items).toHaveLength(sessionsBefore.items.length);
    expect(sessionsAfter.items.find((s) => s.id === stack.classSessionId)?.status).toBe('active');
    await stack.login('coach');
    const gateways = (await (
      await stack.http('/api/gateways', { headers: { cookie: admin.cookie } })
    ).json()) as { items: { id: string; revokedAt: number | null }[] };
    expect(gateways.items.find((g) => g.id === 'phone-hw-0142')?.revokedAt).toBeNull();
    const users = (await (await stack.http('/api/users', { headers: { cookie: admin.cookie } })).json()) as {
      items: { username: string }[];
    };
    expect(users.items.map((u) => u.username)).not.toContain('csrf-admin');
    // The same request from the console's own origin goes through (the check is not a blanket refusal).
    const same = await stack.http('/api/sessions', {
      method: 'POST',
      headers: { ...json, cookie: instructor.cookie, origin: stack.origin },
      body: JSON.stringify({ siteId: stack.siteId, kind: 'class', classId: stack.classId, name: 'control' }),
    });
    expect(same.status).toBe(201);
  });

  it('a lesser role cannot reach admin routes or escalate itself; a coach cannot read a class session', async () => {
    const coach = await stack.login('coach');
    const ops = await stack.login('ops');
    const clinician = await stack.login('clinician');
    const me = stack.user('instructor');
    const as = (who: { cookie: string }, method: string, pathname: string, body?: unknown) =>
      stack.http(pathname, {
        method,
        headers: { ...json, cookie: who.cookie },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const forbidden: [string, Response][] = [
      ['instructor lists users', await as(instructor, 'GET', '/api/users')],
      [
        'instructor makes an admin',
        await as(instructor, 'POST', '/api/users', {
          username: 'sneaky-admin',
          displayName: 'x',
          password: 'long enough password',
          roles: ['admin'],
          siteIds: [],
        }),
      ],
      [
        'instructor grants itself admin',
        await as(instructor, 'PATCH', `/api/users/${me.userId}`, { roles: ['admin'] }),
      ],
      ['instructor reads the audit log', await as(instructor, 'GET', '/api/audit')],
      [
        'instructor creates a site',
        await as(instructor, 'POST', '/api/sites', { id: 'rogue-site', name: 'x' }),
      ],
      [
        'instructor reads clinical details',
        await as(instructor, 'GET', '/api/participants/demo-p1/clinical'),
      ],
      ['coach reads the class session', await as(coach, 'GET', `/api/sessions/${stack.classSessionId}`)],
      ['coach reads its roster', await as(coach, 'GET', `/api/sessions/${stack.classSessionId}/roster`)],
      ['coach reads its alerts', await as(coach, 'GET', `/api/sessions/${stack.classSessionId}/alerts`)],
      ['coach reads its report', await as(coach, 'GET', `/api/sessions/${stack.classSessionId}/report`)],
      ['coach stops it', await as(coach, 'POST', `/api/sessions/${stack.classSessionId}/stop`, {})],
      ['ops lists participants', await as(ops, 'GET', `/api/participants?siteId=${stack.siteId}`)],
      ['ops reads the class session', await as(ops, 'GET', `/api/sessions/${stack.classSessionId}`)],
      [
        'clinician enrols a gateway',
        await as(clinician, 'POST', '/api/gateways', { siteId: stack.siteId, id: 'x-gw' }),
      ],
    ];
    for (const [what, res] of forbidden) {
      expect({ what, ...(await status(res)) }).toEqual({ what, status: 403, error: 'ZW_ERR_FORBIDDEN' });
    }
    // Still an instructor, and no admin was made.
    const self = (await (await as(instructor, 'GET', '/api/auth/me')).json()) as {
      user: { roles: string[] };
    };
    expect(self.user.roles).toEqual(['instructor']);
    // Over the live channel the coach's join of the class looks like an unknown session.
    const live = await socketHandshake(stack.origin, { token: coach.token });
    if (!live.connected) throw new Error(`coach socket refused: ${live.error}`);
    try {
      const reply = await live.socket.emitWithAck(SOCKET_EVENTS.join, { sessionId: stack.classSessionId });
      expect(reply).toMatchObject({ ok: false, error: 'not-found' });
    } finally {
      live.socket.close();
    }
  });

  it('staff of another site see nothing of the demo site: its session and participants look unknown (404)', async () => {
    const res = await stack.http('/api/sites', {
      method: 'POST',
      headers: { ...json, cookie: admin.cookie },
      body: JSON.stringify({ id: 'other-site', name: 'Other centre' }),
    });
    expect(res.status).toBe(201);
    const created = await stack.http('/api/users', {
      method: 'POST',
      headers: { ...json, cookie: admin.cookie },
      body: JSON.stringify({
        username: 'other-instructor',
        displayName: 'Other instructor',
        password: 'another long password',
        roles: ['instructor', 'clinician'],
        siteIds: ['other-site'],
      }),
    });
    expect(created.status).toBe(201);
    const login = await stack.http('/api/auth/login', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        username: 'other-instructor',
        password: 'another long password',
        returnToken: true,
      }),
    });
    const { token } = (await login.json()) as { token: string };
    const bearer = { authorization: `Bearer ${token}` };
    for (const pathname of [
      `/api/sessions/${stack.classSessionId}`,
      `/api/sessions/${stack.classSessionId}/roster`,
      '/api/participants/demo-p1',
    ]) {
      expect({ pathname, ...(await status(await stack.http(pathname, { headers: bearer }))) }).toEqual({
        pathname,
        status: 404,
        error: 'ZW_ERR_NOT_FOUND',
      });
    }
    const live = await socketHandshake(stack.origin, { token });
    if (!live.connected) throw new Error(`socket refused: ${live.error}`);
    try {
      expect(
        await live.socket.emitWithAck(SOCKET_EVENTS.join, { sessionId: stack.classSessionId }),
      ).toMatchObject({
        ok: false,
        error: 'not-found',
      });
    } finally {
      live.socket.close();
    }
  });

  it('a Socket.IO handshake without a login, or with a forged token or cookie, is refused', async () => {
    const forged = randomBytes(32).toString('base64url');
    for (const opts of [{}, { token: forged }, { headers: { cookie: `${SESSION_COOKIE}=${forged}` } }]) {
      expect(await socketHandshake(stack.origin, opts)).toEqual({
        connected: false,
        error: expect.stringContaining('ZW_ERR_UNAUTHENTICATED'),
      });
    }
    // The console's own way in (the cookie, from its own origin) works.
    const ok = await socketHandshake(stack.origin, {
      headers: { cookie: instructor.cookie, origin: stack.origin },
    });
    expect(ok.connected).toBe(true);
    if (ok.connected) ok.socket.close();
  });

  // Issue 13 hole 3 (cross-site WebSocket hijacking): its failing-first test is cswsh.test.ts; here the same
  // attack from three kinds of foreign page, on the suite's running class.
  it('hole 3: a Socket.IO handshake carrying a valid cookie from a foreign Origin is refused and receives nothing', async () => {
    const port = new URL(stack.origin).port;
    for (const origin of ['https://evil.example', `http://localhost:${Number(port) + 1}`, 'null']) {
      const attempt = await socketHandshake(stack.origin, { headers: { cookie: instructor.cookie, origin } });
      if (attempt.connected) {
        const reply = await attempt.socket.emitWithAck(SOCKET_EVENTS.join, {
          sessionId: stack.classSessionId,
        });
        attempt.socket.close();
        throw new Error(`a handshake from ${origin} was accepted (join answered ${JSON.stringify(reply)})`);
      }
      expect(attempt.error).not.toBe('');
    }
  });

  // Issue 13 hole 8 (no security headers; OpenAPI and docs answered without login): its failing-first test is
  // security-headers.test.ts; here on the suite's running platform, with the API's error and 404 answers too.
  it('hole 8: the console and the API send CSP with frame-ancestors, nosniff and a Referrer-Policy; OpenAPI and docs need a login', async () => {
    for (const pathname of ['/', '/api/auth/me', '/api/sessions', '/api/no-such-route']) {
      const res = await stack.http(pathname, { headers: { cookie: instructor.cookie } });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect({ pathname, csp }).toEqual({ pathname, csp: expect.stringMatching(/default-src [^;]*'self'/) });
      expect({ pathname, csp }).toEqual({
        pathname,
        csp: expect.stringMatching(/frame-ancestors ('none'|'self')/),
      });
      expect({ pathname, nosniff: res.headers.get('x-content-type-options') }).toEqual({
        pathname,
        nosniff: 'nosniff',
      });
      expect({ pathname, referrer: res.headers.get('referrer-policy') }).toEqual({
        pathname,
        referrer: expect.stringMatching(
          /^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/,
        ),
      });
    }
    for (const pathname of ['/api/openapi.json', '/api/docs', '/api/docs/']) {
      expect({ pathname, status: (await stack.http(pathname, { redirect: 'manual' })).status }).toEqual({
        pathname,
        status: 401,
      });
    }
    expect((await stack.http('/api/openapi.json', { headers: { cookie: instructor.cookie } })).status).toBe(
      200,
    );
  });

  it('an HTTP body or header over the limit is refused with 413 / 431 and ingest keeps serving', async () => {
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const login = await stack.http('/api/auth/login', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username: huge, password: 'x' }),
    });
    expect(login.status).toBe(413);
    const body = await stack.http('/api/participants', {
      method: 'POST',
      headers: { ...json, cookie: (await stack.login('clinician')).cookie },
      body: JSON.stringify({ siteId: stack.siteId, alias: 'x', clinical: { notes: huge } }),
    });
    expect(await status(body)).toEqual({ status: 413, error: 'ZW_ERR_BAD_REQUEST' });
    const header = await stack.http('/api/sessions', {
      headers: { cookie: `${SESSION_COOKIE}=${'a'.repeat(64 * 1024)}` },
    });
    expect(header.status).toBe(431);
    // A live-channel message over Socket.IO's buffer limit closes that socket only.
    const big = await socketHandshake(stack.origin, { token: instructor.token });
    const bystander = await socketHandshake(stack.origin, { token: instructor.token });
    if (!big.connected || !bystander.connected) throw new Error('instructor sockets refused');
    const gone = new Promise<string>((resolve) => big.socket.once('disconnect', (reason) => resolve(reason)));
    big.socket.emit(SOCKET_EVENTS.join, { sessionId: huge });
    expect(await gone).toBe('transport close');
    expect(
      await bystander.socket.emitWithAck(SOCKET_EVENTS.join, { sessionId: stack.classSessionId }),
    ).toMatchObject({
      ok: true,
    });
    bystander.socket.close();
    // Still serving: health, a fresh login.
    expect((await stack.http('/healthz')).status).toBe(200);
    await stack.login('instructor');
  });

  it('an expired login (2 h without a request: the idle limit) is refused over REST and Socket.IO', async () => {
    const { token, cookie } = await stack.login('instructor');
    stack.advanceClock(2 * 3600_000 + 1000);
    expect(await status(await stack.http('/api/auth/me', { headers: { cookie } }))).toEqual({
      status: 401,
      error: 'ZW_ERR_UNAUTHENTICATED',
    });
    expect(await socketHandshake(stack.origin, { token })).toMatchObject({ connected: false });
  });
});
