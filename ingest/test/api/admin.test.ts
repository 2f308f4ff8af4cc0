import { describe, expect, it } from 'vitest';
import { errorOf, PASSWORD, uid, useApi } from './helpers.js';

describe('sites, users, audit, documents and errors', () => {
  const h = useApi();

  describe('sites', () => {
    it('lists only your sites; admins see all', async () => {
      const mine = await h.as('clinician', { method: 'GET', url: '/api/sites' });
      expect(mine.statusCode).toBe(200);
      expect(mine.json().items.map((s: { id: string }) => s.id)).toEqual([h.world.siteA]);
      const all = await h.as('admin', { method: 'GET', url: '/api/sites' });
      expect(all.json().items.map((s: { id: string }) => s.id)).toEqual(
        expect.arrayContaining([h.world.siteA, h.world.siteB]),
      );
    });

    it('creates a site (admin) and audits it', async () => {
      const id = uid('gym');
      const res = await h.as('admin', {
        method: 'POST',
        url: '/api/sites',
        payload: { id, name: '社区康复中心', timezone: 'Asia/Shanghai' },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ id, name: '社区康复中心', timezone: 'Asia/Shanghai' });
      const audit = await h.registry.audit.list({ entity: 'site', entityId: id });
      expect(audit[0]).toMatchObject({ action: 'site.create', actor: `user:${h.world.users.admin.id}` });
      const dup = await h.as('admin', { method: 'POST', url: '/api/sites', payload: { id, name: 'Again' } });
      expect(dup.statusCode).toBe(409);
      expect(dup.json()).toEqual({
        error: 'ZW_ERR_CONFLICT',
        message: 'Conflict: a site with this id already exists',
      });
    });

    it('refuses non-admins and bad bodies, naming the field', async () => {
      const forbidden = await h.as('clinician', {
        method: 'POST',
        url: '/api/sites',
        payload: { id: 'x', name: 'X' },
      });
      expect(forbidden.statusCode).toBe(403);
      expect(errorOf(forbidden)).toEqual({
        error: 'ZW_ERR_FORBIDDEN',
        message: 'Forbidden: this needs the role admin; you have clinician',
      });
      const bad = await h.as('admin', {
        method: 'POST',
        url: '/api/sites',
        payload: { id: 'Bad Id', name: '', timezone: 'Mars/Olympus' },
      });
      expect(bad.statusCode).toBe(400);
      const body = errorOf(bad);
      expect(body.error).toBe('ZW_ERR_VALIDATION');
      expect(body.issues?.map((i) => i.path)).toEqual(['body.id', 'body.name', 'body.timezone']);
      expect(body.message).toContain('body.timezone: must be an IANA time zone');
      const extra = await h.as('admin', {
        method: 'POST',
        url: '/api/sites',
        payload: { id: 'ok', name: 'Ok', x: 1 },
      });
      expect(extra.statusCode).toBe(400);
      expect(errorOf(extra).message).toMatch(/^body: Unrecognized key: "x"/);
    });
  });

  describe('users', () => {
    it('creates a user without ever returning a hash, and lists users (admin)', async () => {
      const username = uid('Nurse.Ling');
      const res = await h.as('admin', {
        method: 'POST',
        url: '/api/users',
        payload: {
          username,
          displayName: '护士 玲',
          password: PASSWORD,
          roles: ['clinician'],
          siteIds: [h.world.siteA],
        },
      });
      expect(res.statusCode).toBe(201);
      const user = res.json();
      expect(Object.keys(user).sort()).toEqual(
        ['createdAt', 'disabled', 'displayName', 'id', 'roles', 'siteIds', 'updatedAt', 'username'].sort(),
      );
      expect(user.username).toBe(username.toLowerCase());
      expect(res.body).not.toContain('scrypt');
      const list = await h.as('admin', {
        method: 'GET',
        url: `/api/users?siteId=${h.world.siteA}&role=clinician`,
      });
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((u: { id: string }) => u.id)).toEqual(
        expect.arrayContaining([user.id, h.world.users.clinician.id]),
      );
      expect(list.body).not.toContain('scrypt');
      const audit = await h.registry.audit.list({ entity: 'user', entityId: user.id });
      expect(audit.map((a) => a.action)).toEqual(['user.create']);
      expect(JSON.stringify(audit)).not.toContain(PASSWORD);
    });

    it('changes roles, sites and password; refuses a short password and unknown roles naming the field', async () => {
      const created = await h.as('admin', {
        method: 'POST',
        url: '/api/users',
        payload: {
          username: uid('multi'),
          displayName: 'Multi',
          password: PASSWORD,
          roles: ['instructor'],
          siteIds: [h.world.siteA],
        },
      });
      const id = created.json().id as string;
      const patched = await h.as('admin', {
        method: 'PATCH',
        url: `/api/users/${id}`,
        payload: { roles: ['instructor', 'coach'], siteIds: [h.world.siteB], displayName: 'Multi Site' },
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({
        roles: ['coach', 'instructor'],
        siteIds: [h.world.siteB],
        displayName: 'Multi Site',
      });
      const bad = await h.as('admin', {
        method: 'PATCH',
        url: `/api/users/${id}`,
        payload: { password: 'short', roles: ['nurse'] },
      });
      expect(bad.statusCode).toBe(400);
      expect(errorOf(bad).issues?.map((i) => i.path)).toEqual(['body.roles.0', 'body.password']);
      const empty = await h.as('admin', { method: 'PATCH', url: `/api/users/${id}`, payload: {} });
      expect(errorOf(empty).message).toBe('body: must change at least one field');
      const missing = await h.as('admin', {
        method: 'PATCH',
        url: '/api/users/u-nope',
        payload: { disabled: true },
      });
      expect(missing.statusCode).toBe(404);
      const audit = await h.registry.audit.list({ entity: 'user', entityId: id });
      expect(audit[0]).toMatchObject({
        action: 'user.update',
        detail: { fields: ['displayName', 'roles', 'siteIds'] },
      });
    });

    it('refuses an admin disabling or demoting themselves', async () => {
      const res = await h.as('admin', {
        method: 'PATCH',
        url: `/api/users/${h.world.users.admin.id}`,
        payload: { roles: ['clinician'] },
      });
      expect(res.statusCode).toBe(409);
      expect(errorOf(res).message).toContain('cannot disable yourself or remove your own admin role');
    });

    it('is admin only', async () => {
      for (const who of ['clinician', 'instructor', 'coach', 'ops'] as const) {
        expect((await h.as(who, { method: 'GET', url: '/api/users' })).statusCode).toBe(403);
        const post = await h.as(who, { method: 'POST', url: '/api/users', payload: {} });
        expect(post.statusCode).toBe(403);
        const patch = await h.as(who, {
          method: 'PATCH',
          url: `/api/users/${h.world.users.ops.id}`,
          payload: { disabled: true },
        });
        expect(patch.statusCode).toBe(403);
      }
    });
  });

  describe('audit', () => {
    it('filters by entity and actor (admin only)', async () => {
      const res = await h.as('admin', {
        method: 'GET',
        url: `/api/audit?entity=site&actor=user:${h.world.users.admin.id}`,
      });
      expect(res.statusCode).toBe(200);
      const items = res.json().items as { action: string; entity: string; actor: string }[];
      expect(items.length).toBeGreaterThan(0);
      for (const i of items)
        expect(i).toMatchObject({ entity: 'site', actor: `user:${h.world.users.admin.id}` });
      expect((await h.as('clinician', { method: 'GET', url: '/api/audit' })).statusCode).toBe(403);
      const bad = await h.as('admin', { method: 'GET', url: '/api/audit?limit=0' });
      expect(bad.statusCode).toBe(400);
      expect(errorOf(bad).issues?.[0]?.path).toBe('querystring.limit');
    });
  });

  describe('documents', () => {
    it('serves the OpenAPI document and its UI to staff who are logged in', async () => {
      const doc = await h.as('instructor', { method: 'GET', url: '/api/openapi.json' });
      expect(doc.statusCode).toBe(200);
      const json = doc.json();
      expect(json.openapi).toBe('3.0.3');
      expect(Object.keys(json.paths)).toEqual(
        expect.arrayContaining(['/api/sessions/{id}/report.csv', '/api/alerts/{id}/ack']),
      );
      const rx =
        json.paths['/api/participants/{id}/prescriptions'].post.requestBody.content['application/json']
          .schema;
      expect(rx.properties.body.properties.zone.properties).toHaveProperty('high');
      const ui = await h.as('instructor', { method: 'GET', url: '/api/docs/' });
      expect(ui.statusCode).toBe(200);
      expect((await h.as(null, { method: 'GET', url: '/api/docs/' })).statusCode).toBe(401);
      expect((await h.as(null, { method: 'GET', url: '/api/openapi.json' })).statusCode).toBe(401);
      expect(ui.headers['content-type']).toContain('text/html');
    });
  });

  describe('errors', () => {
    it('answers unknown API routes with a typed 404 and malformed JSON with a typed 400', async () => {
      const nf = await h.as('admin', { method: 'GET', url: '/api/nope?x=1' });
      expect(nf.statusCode).toBe(404);
      expect(nf.json()).toEqual({ error: 'ZW_ERR_NOT_FOUND', message: 'Not found: no route GET /api/nope' });
      const bad = await h.as('admin', {
        method: 'POST',
        url: '/api/sites',
        headers: { 'content-type': 'application/json' },
        payload: '{"id": ',
      });
      expect(bad.statusCode).toBe(400);
      expect(errorOf(bad).error).toBe('ZW_ERR_BAD_REQUEST');
    });

    it('hides internal errors: the body says nothing, the log has the detail', async () => {
      const session = await h.registry.sessions.create({
        siteId: h.world.siteA,
        kind: 'class',
        classId: h.world.classA,
      });
      h.live.failStart = new Error('live room exploded at /var/lib/zonewatch');
      try {
        const res = await h.as('instructor', { method: 'POST', url: `/api/sessions/${session.id}/start` });
        expect(res.statusCode).toBe(500);
        expect(res.json()).toEqual({ error: 'ZW_ERR_INTERNAL', message: 'internal error' });
        expect(res.body).not.toContain('exploded');
        expect(h.log.text).toContain('live room exploded');
      } finally {
        h.live.failStart = undefined;
      }
    });
  });
});
