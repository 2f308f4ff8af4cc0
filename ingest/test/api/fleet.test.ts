import { verifySecret } from '@zonewatch/broker';
import { describe, expect, it } from 'vitest';
import { errorOf, uid, useApi } from './helpers.js';

describe('devices and gateways', () => {
  const h = useApi();

  describe('devices', () => {
    it('lists devices of your sites for ops and instructors; refuses clinicians and coaches', async () => {
      for (const who of ['ops', 'instructor'] as const) {
        const res = await h.as(who, { method: 'GET', url: '/api/devices' });
        expect(res.statusCode).toBe(200);
        const ids = res.json().items.map((d: { id: string }) => d.id);
        expect(ids).toEqual(expect.arrayContaining([h.world.strapA, h.world.oxiA]));
        expect(ids).not.toContain(h.world.strapSiteB);
      }
      for (const who of ['clinician', 'coach'] as const) {
        expect((await h.as(who, { method: 'GET', url: '/api/devices' })).statusCode).toBe(403);
      }
      expect(
        (await h.as('ops', { method: 'GET', url: `/api/devices?siteId=${h.world.siteB}` })).statusCode,
      ).toBe(403);
    });

    it('registers, relabels and retires a device (ops), audited', async () => {
      const id = uid('AA:BB:CC');
      const created = await h.as('ops', {
        method: 'POST',
        url: '/api/devices',
        payload: { id, siteId: h.world.siteA, kind: 'watch', model: 'Band 7', label: 'Watch #3' },
      });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ id, kind: 'watch', label: 'Watch #3', retiredAt: null });
      const relabelled = await h.as('ops', {
        method: 'PATCH',
        url: `/api/devices/${id}`,
        payload: { label: null },
      });
      expect(relabelled.json().label).toBeNull();
      const retired = await h.as('ops', { method: 'DELETE', url: `/api/devices/${id}` });
      expect(retired.statusCode).toBe(200);
      expect(retired.json().retiredAt).toBe(h.clock.now);
      const list = await h.as('ops', { method: 'GET', url: `/api/devices?siteId=${h.world.siteA}` });
      expect(list.json().items.map((d: { id: string }) => d.id)).not.toContain(id);
      const withRetired = await h.as('ops', {
        method: 'GET',
        url: `/api/devices?siteId=${h.world.siteA}&includeRetired=true`,
      });
      expect(withRetired.json().items.map((d: { id: string }) => d.id)).toContain(id);
      const audit = await h.registry.audit.list({ entity: 'device', entityId: id });
      expect(audit.map((a) => a.action).sort()).toEqual(['device.create', 'device.retire', 'device.update']);
    });

    it('refuses bad bodies naming the field, duplicates, instructors writing, and other sites', async () => {
      const bad = await h.as('ops', {
        method: 'POST',
        url: '/api/devices',
        payload: { id: 'has space', siteId: h.world.siteA, kind: 'toaster' },
      });
      expect(bad.statusCode).toBe(400);
      expect(errorOf(bad).issues?.map((i) => i.path)).toEqual(['body.id', 'body.kind']);
      expect(errorOf(bad).message).toContain(
        'body.kind: must be one of hr-strap, oximeter, pedometer, footpod, watch',
      );
      const dup = await h.as('ops', {
        method: 'POST',
        url: '/api/devices',
        payload: { id: h.world.strapA, siteId: h.world.siteA, kind: 'hr-strap' },
      });
      expect(dup.statusCode).toBe(409);
      const inst = await h.as('instructor', {
        method: 'POST',
        url: '/api/devices',
        payload: { id: uid('X'), siteId: h.world.siteA, kind: 'hr-strap' },
      });
      expect(inst.statusCode).toBe(403);
      const other = await h.as('ops', {
        method: 'POST',
        url: '/api/devices',
        payload: { id: uid('X'), siteId: h.world.siteB, kind: 'hr-strap' },
      });
      expect(other.statusCode).toBe(403);
      expect(
        (await h.as('ops', { method: 'DELETE', url: `/api/devices/${h.world.strapSiteB}` })).statusCode,
      ).toBe(404);
      const move = await h.as('ops', {
        method: 'PATCH',
        url: `/api/devices/${h.world.oxiA}`,
        payload: { siteId: h.world.siteB },
      });
      expect(move.statusCode).toBe(403);
    });

    it('will not retire a device bound in a session that has not ended', async () => {
      const s = await h.registry.sessions.create({
        siteId: h.world.siteA,
        kind: 'class',
        classId: h.world.classA,
      });
      await h.registry.rosters.bind({
        sessionId: s.id,
        participantId: h.world.ann,
        deviceId: h.world.strapB,
      });
      const res = await h.as('ops', { method: 'DELETE', url: `/api/devices/${h.world.strapB}` });
      expect(res.statusCode).toBe(409);
      expect(errorOf(res).message).toBe(
        `Invalid state: device ${h.world.strapB} is bound in session ${s.id}; unbind it first`,
      );
      await h.registry.sessions.end(s.id);
    });
  });

  describe('gateways', () => {
    it('issues the MQTT secret once and stores only its hash (the broker verifies it)', async () => {
      const id = uid('gw-room');
      const res = await h.as('ops', {
        method: 'POST',
        url: '/api/gateways',
        payload: { id, siteId: h.world.siteA, name: 'Room 1' },
      });
      expect(res.statusCode).toBe(201);
      const { gateway, secret, mqttUsername } = res.json();
      expect(gateway).toMatchObject({ id, siteId: h.world.siteA, name: 'Room 1', revokedAt: null });
      expect(mqttUsername).toBe(id);
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const cred = await h.registry.gateways.lookupCredential(id);
      expect(cred?.secretHash).toMatch(/^scrypt\$/);
      expect(cred?.secretHash).not.toContain(secret);
      expect(await verifySecret(secret, cred!.secretHash)).toBe(true);

      // Never shown again: neither in lists nor anywhere in the database.
      const list = await h.as('ops', { method: 'GET', url: '/api/gateways' });
      expect(list.body).not.toContain(secret);
      expect(list.body).not.toContain('scrypt');
      const dump = JSON.stringify(await h.db.query('SELECT * FROM gateways'));
      expect(dump).not.toContain(secret);
      const audit = JSON.stringify(await h.registry.audit.list({ entity: 'gateway', entityId: id }));
      expect(audit).toContain('gateway.create');
      expect(audit).not.toContain(secret);

      const rotated = await h.as('ops', { method: 'POST', url: `/api/gateways/${id}/rotate-secret` });
      expect(rotated.statusCode).toBe(200);
      const next = rotated.json().secret as string;
      expect(next).not.toBe(secret);
      const after = await h.registry.gateways.lookupCredential(id);
      expect(await verifySecret(next, after!.secretHash)).toBe(true);
      expect(await verifySecret(secret, after!.secretHash)).toBe(false);

      const revoked = await h.as('ops', { method: 'DELETE', url: `/api/gateways/${id}` });
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json().revokedAt).toBe(h.clock.now);
      expect(await h.registry.gateways.lookupCredential(id)).toBeUndefined();
      const again = await h.as('ops', { method: 'POST', url: `/api/gateways/${id}/rotate-secret` });
      expect(again.statusCode).toBe(409);
    });

    it('refuses clinicians and instructors, other sites, bad ids and duplicates', async () => {
      for (const who of ['clinician', 'instructor', 'coach'] as const) {
        expect((await h.as(who, { method: 'GET', url: '/api/gateways' })).statusCode).toBe(403);
        const post = await h.as(who, {
          method: 'POST',
          url: '/api/gateways',
          payload: { id: uid('gw'), siteId: h.world.siteA },
        });
        expect(post.statusCode).toBe(403);
      }
      const other = await h.as('ops', {
        method: 'POST',
        url: '/api/gateways',
        payload: { id: uid('gw'), siteId: h.world.siteB },
      });
      expect(other.statusCode).toBe(403);
      const bad = await h.as('ops', {
        method: 'POST',
        url: '/api/gateways',
        payload: { id: 'GW 1', siteId: h.world.siteA },
      });
      expect(bad.statusCode).toBe(400);
      expect(errorOf(bad).issues?.[0]?.path).toBe('body.id');
      const id = uid('gw-dup');
      await h.as('ops', { method: 'POST', url: '/api/gateways', payload: { id, siteId: h.world.siteA } });
      const dup = await h.as('ops', {
        method: 'POST',
        url: '/api/gateways',
        payload: { id, siteId: h.world.siteA },
      });
      expect(dup.statusCode).toBe(409);
      const b = await h.as('admin', {
        method: 'POST',
        url: '/api/gateways',
        payload: { id: uid('gw-b'), siteId: h.world.siteB },
      });
      expect(b.statusCode).toBe(201);
      const hidden = await h.as('ops', {
        method: 'POST',
        url: `/api/gateways/${b.json().gateway.id}/rotate-secret`,
      });
      expect(hidden.statusCode).toBe(404);
      expect(
        (await h.as('ops', { method: 'DELETE', url: `/api/gateways/${b.json().gateway.id}` })).statusCode,
      ).toBe(404);
    });
  });
});
