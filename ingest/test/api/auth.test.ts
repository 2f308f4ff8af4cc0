import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../src/api/index.js';
import { authPlugin, createAuthService, hashToken, InMemorySessionStore } from '../../src/auth/index.js';
import { errorOf, PASSWORD, uid, useApi } from './helpers.js';

const HOUR = 3600_000;

/** `zw_session=…` of a Set-Cookie header, and its attributes. */
function sessionCookie(setCookie: string | string[] | undefined) {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const line = all.find((c) => c.startsWith('zw_session='));
  if (!line) throw new Error(`no zw_session cookie in ${JSON.stringify(setCookie)}`);
  const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
  return { value: pair.slice('zw_session='.length), attrs: attrs.map((a) => a.toLowerCase()), line };
}

describe('auth', () => {
  const h = useApi({
    loginLimits: {
      maxFailuresPerUser: 3,
      maxFailuresPerAddress: 8,
      windowMs: 10 * 60_000,
      lockoutMs: 5 * 60_000,
    },
  });

  describe('cookie flow', () => {
    it('login sets an httpOnly SameSite=Lax session cookie; me and logout use it', async () => {
      const { username } = h.world.users.instructor;
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: PASSWORD },
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.user).toEqual({
        id: h.world.users.instructor.id,
        username,
        displayName: 'inst user',
        roles: ['instructor'],
        siteIds: [h.world.siteA],
      });
      expect(body.token).toBeUndefined();
      expect(body.expiresAt).toBe(h.clock.now + 12 * HOUR);
      const cookie = sessionCookie(res.headers['set-cookie']);
      expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(cookie.attrs).toEqual(
        expect.arrayContaining(['httponly', 'samesite=lax', 'path=/', 'max-age=43200']),
      );
      expect(cookie.attrs).not.toContain('secure');
      expect(res.headers['cache-control']).toBe('no-store');

      const me = await h.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        cookies: { zw_session: cookie.value },
      });
      expect(me.statusCode).toBe(200);
      expect(me.json().user.username).toBe(username);

      const out = await h.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        cookies: { zw_session: cookie.value },
      });
      expect(out.statusCode).toBe(204);
      const cleared = sessionCookie(out.headers['set-cookie']);
      expect(cleared.value).toBe('');
      const after = await h.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        cookies: { zw_session: cookie.value },
      });
      expect(after.statusCode).toBe(401);
      expect(errorOf(after).error).toBe('ZW_ERR_UNAUTHENTICATED');
    });

    it('the same token works as Authorization: Bearer; a malformed one is ignored', async () => {
      const token = await h.login(h.world.users.coach.username);
      const me = await h.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(me.statusCode).toBe(200);
      expect(me.json().user.roles).toEqual(['coach']);
      const bad = await h.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: 'Bearer nope' },
      });
      expect(bad.statusCode).toBe(401);
    });

    it('marks the cookie Secure when the API is configured for it', async () => {
      const app = Fastify();
      await app.register(authPlugin, { registry: h.registry, clock: () => h.clock.now });
      await app.register(apiRoutes, {
        prefix: '/api',
        registry: h.registry,
        live: h.live,
        secureCookies: true,
        docs: false,
      });
      try {
        const res = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: h.world.users.ops.username, password: PASSWORD },
        });
        expect(res.statusCode).toBe(200);
        expect(sessionCookie(res.headers['set-cookie']).attrs).toContain('secure');
      } finally {
        await app.close();
      }
    });

    it('stores only the sha256 of a token', async () => {
      const store = new InMemorySessionStore();
      const auth = createAuthService({ registry: h.registry, store, clock: () => h.clock.now });
      const { token } = await auth.login(h.world.users.ops.username, PASSWORD, '10.9.9.9');
      expect(store.size).toBe(1);
      expect(await store.get(token)).toBeUndefined();
      expect(await store.get(hashToken(token))).toMatchObject({ userId: h.world.users.ops.id });
    });

    it('refuses a cookie-authenticated change from another site (Origin check)', async () => {
      const token = await h.login(h.world.users.admin.username);
      const evil = await h.app.inject({
        method: 'POST',
        url: '/api/sites',
        cookies: { zw_session: token },
        headers: { origin: 'https://evil.example' },
        payload: { id: uid('evil'), name: 'Evil' },
      });
      expect(evil.statusCode).toBe(403);
      expect(errorOf(evil).message).toContain('cross-site request refused');
      const same = await h.app.inject({
        method: 'POST',
        url: '/api/sites',
        cookies: { zw_session: token },
        headers: { host: 'console.example:8443', origin: 'https://console.example:8443' },
        payload: { id: uid('same'), name: 'Same origin' },
      });
      expect(same.statusCode).toBe(201);
    });
  });

  describe('login refusals and lock-out', () => {
    it('answers a wrong password and an unknown user alike, naming neither', async () => {
      const wrong = await h.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: h.world.users.clinician.username, password: 'wrong password!' },
        remoteAddress: '10.1.0.1',
      });
      const unknown = await h.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'nobody-here', password: 'wrong password!' },
        remoteAddress: '10.1.0.1',
      });
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(wrong.json()).toEqual(unknown.json());
      expect(wrong.json()).toEqual({
        error: 'ZW_ERR_LOGIN_FAILED',
        message: 'Login failed: username or password is wrong',
      });
      expect(wrong.headers['set-cookie']).toBeUndefined();
    });

    it('refuses a login body without a password, naming the field', async () => {
      const res = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x' } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'ZW_ERR_VALIDATION', message: 'body.password: is required' });
    });

    it('locks a username out from one address after repeated failures, even for the right password', async () => {
      const { username } = h.world.users.clinicianB;
      const attempt = (password: string, remoteAddress = '10.2.0.1') =>
        h.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username, password },
          remoteAddress,
        });
      expect((await attempt('bad password 1')).statusCode).toBe(401);
      expect((await attempt('bad password 2')).statusCode).toBe(401);
      const third = await attempt('bad password 3');
      expect(third.statusCode).toBe(429);
      expect(third.headers['retry-after']).toBe('300');
      expect(errorOf(third).error).toBe('ZW_ERR_LOGIN_LOCKED');

      const right = await attempt(PASSWORD);
      expect(right.statusCode).toBe(429);
      expect(right.headers['set-cookie']).toBeUndefined();

      // Another address is not locked out (a colleague elsewhere keeps working).
      expect((await attempt(PASSWORD, '10.2.0.2')).statusCode).toBe(200);

      // After the lock-out window the right password works again.
      h.clock.now += 5 * 60_000 + 1;
      expect((await attempt(PASSWORD)).statusCode).toBe(200);
    });

    it('slows password spraying: too many failures from one address lock it for every username', async () => {
      const spray = (username: string) =>
        h.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username, password: 'Spring2025!!' },
          remoteAddress: '10.3.0.1',
        });
      const codes: number[] = [];
      for (let i = 0; i < 8; i++) codes.push((await spray(`sprayed-${i}`)).statusCode);
      expect(codes.slice(0, 7)).toEqual(Array(7).fill(401));
      expect(codes[7]).toBe(429);
      const real = await h.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: h.world.users.ops.username, password: PASSWORD },
        remoteAddress: '10.3.0.1',
      });
      expect(real.statusCode).toBe(429);
    });
  });

  describe('session expiry and revocation', () => {
    it('ends a session after 2 h idle', async () => {
      const token = await h.login(h.world.users.ops.username);
      const me = () =>
        h.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
      h.clock.now += 2 * HOUR - 1000;
      expect((await me()).statusCode).toBe(200);
      h.clock.now += 2 * HOUR - 1000;
      expect((await me()).statusCode).toBe(200);
      h.clock.now += 2 * HOUR;
      expect((await me()).statusCode).toBe(401);
    });

    it('ends a busy session 12 h after login whatever the activity', async () => {
      const token = await h.login(h.world.users.ops.username);
      const me = () =>
        h.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 11; i++) {
        h.clock.now += HOUR;
        expect((await me()).statusCode).toBe(200);
      }
      h.clock.now += HOUR;
      expect((await me()).statusCode).toBe(401);
    });

    it('ends the sessions of a user who is disabled or whose password changes', async () => {
      const adminToken = await h.login(h.world.users.admin.username);
      const username = uid('temp');
      const created = await h.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: { authorization: `Bearer ${adminToken}` },
        payload: {
          username,
          displayName: 'Temp',
          password: PASSWORD,
          roles: ['ops'],
          siteIds: [h.world.siteA],
        },
      });
      expect(created.statusCode).toBe(201);
      const id = created.json().id as string;
      const patch = (payload: object) =>
        h.app.inject({
          method: 'PATCH',
          url: `/api/users/${id}`,
          headers: { authorization: `Bearer ${adminToken}` },
          payload,
        });
      const me = (t: string) =>
        h.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${t}` } });

      const t1 = await h.login(username);
      expect((await patch({ password: 'another long password' })).statusCode).toBe(200);
      expect((await me(t1)).statusCode).toBe(401);
      const t2 = await h.login(username, 'another long password');
      expect((await patch({ disabled: true })).statusCode).toBe(200);
      expect((await me(t2)).statusCode).toBe(401);
      const again = await h.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: 'another long password' },
        remoteAddress: '10.4.0.1',
      });
      expect(again.statusCode).toBe(401);
    });

    it('a role change applies to the next request of an open session', async () => {
      const adminToken = await h.login(h.world.users.admin.username);
      const username = uid('promo');
      const created = await h.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: { authorization: `Bearer ${adminToken}` },
        payload: {
          username,
          displayName: 'Promo',
          password: PASSWORD,
          roles: ['ops'],
          siteIds: [h.world.siteA],
        },
      });
      const id = created.json().id as string;
      const t = await h.login(username);
      const clinical = () =>
        h.app.inject({
          method: 'GET',
          url: `/api/participants/${h.world.ann}/clinical`,
          headers: { authorization: `Bearer ${t}` },
        });
      expect((await clinical()).statusCode).toBe(403);
      await h.app.inject({
        method: 'PATCH',
        url: `/api/users/${id}`,
        headers: { authorization: `Bearer ${adminToken}` },
        payload: { roles: ['clinician'] },
      });
      expect((await clinical()).statusCode).toBe(200);
    });
  });

  describe('Socket.IO handshake', () => {
    it('accepts the session cookie or auth.token and refuses anything else', async () => {
      const token = await h.login(h.world.users.instructor.username);
      const byCookie = await h.app.auth.authenticateSocketHandshake({
        headers: { cookie: `a=b; zw_session=${token}` },
      });
      expect(byCookie).toMatchObject({
        id: h.world.users.instructor.id,
        roles: ['instructor'],
        siteIds: [h.world.siteA],
      });
      const byToken = await h.app.auth.authenticateSocketHandshake({ headers: {}, auth: { token } });
      expect(byToken?.username).toBe(h.world.users.instructor.username);
      expect(
        await h.app.auth.authenticateSocketHandshake({ headers: {}, auth: { token: 'forged' } }),
      ).toBeNull();
      expect(await h.app.auth.authenticateSocketHandshake({ headers: { cookie: 'zw_session=' } })).toBeNull();
      expect(await h.app.auth.authenticateSocketHandshake({})).toBeNull();
      await h.app.auth.logout(token);
      expect(await h.app.auth.authenticateSocketHandshake({ auth: { token } })).toBeNull();
    });
  });

  describe('every route', () => {
    it('answers 401 without a session (the route list comes from the OpenAPI document)', async () => {
      const doc = (await h.as('admin', { method: 'GET', url: '/api/openapi.json' })).json<{
        paths: Record<string, Record<string, unknown>>;
      }>();
      // Login, logout, and the phone's exchange of a one-time pairing code for its gateway credential
      // (issue 17: the code is the credential; a bad one is refused on its own terms, see home-pairing).
      const open = new Set(['POST /api/auth/login', 'POST /api/auth/logout', 'POST /api/home/pair']);
      const checked: string[] = [];
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const method of Object.keys(methods)) {
          const m = method.toUpperCase();
          if (open.has(`${m} ${path}`)) continue;
          const url = path.replace('{id}', 'some-id').replace('{deviceId}', 'some-device');
          const res = await h.app.inject({
            method: m as 'GET',
            url,
            ...(m === 'GET' || m === 'DELETE' ? {} : { payload: {} }),
          });
          expect({ route: `${m} ${path}`, status: res.statusCode, error: errorOf(res).error }).toEqual({
            route: `${m} ${path}`,
            status: 401,
            // The participant's own view is opened by a link a clinician issued, not a login (issue 16).
            error: path.startsWith('/api/me') ? 'ZW_ERR_LINK_INVALID' : 'ZW_ERR_UNAUTHENTICATED',
          });
          checked.push(`${m} ${path}`);
        }
      }
      expect(checked.length).toBeGreaterThanOrEqual(40);
    });
  });
});
