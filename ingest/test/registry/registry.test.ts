/**
 * The repository suite, run against both engines: PGlite in memory and a real Debian Postgres started here.
 * One database per engine for the whole file; each test builds its own site so tests never see each other.
 */
import { describe, expect, it } from 'vitest';
import {
  CONSTRAINT_MESSAGES,
  createRegistry,
  isRegistryError,
  openPostgres,
  type Registry,
  seedDemo,
  verifyPassword,
} from '../../src/registry/index.js';
import { ENGINES, FAST_SCRYPT, T0, uid, useRegistry, world } from './fixtures.js';

const MIN = 60_000;

describe.each(ENGINES)('registry on $name', (engine) => {
  const ctx = useRegistry(engine);
  const reg = (): Registry => ctx.registry;

  describe('schema', () => {
    it('has a client-safe message for every CHECK constraint and unique index', async () => {
      const rows = await ctx.db.query<{ name: string }>(
        `SELECT c.conname AS name FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
         WHERE n.nspname = 'public' AND c.contype IN ('c', 'u', 'p', 'x')
         UNION
         SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
           JOIN pg_namespace n ON n.oid = i.relnamespace WHERE n.nspname = 'public' AND x.indisunique`,
      );
      const missing = rows.map((r) => r.name).filter((n) => !(n in CONSTRAINT_MESSAGES));
      expect(missing).toEqual([]);
    });
  });

  describe('db handle', () => {
    it('rolls a transaction back when its function throws', async () => {
      const id = uid('site');
      await expect(
        ctx.db.transaction(async (tx) => {
          await tx.query('INSERT INTO sites (id, name) VALUES ($1, $2)', [id, 'Gone']);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await reg().sites.get(id)).toBeUndefined();
    });

    it('refuses the outer handle inside its own transaction (PGlite would deadlock)', async () => {
      await expect(ctx.db.transaction(() => ctx.db.query('SELECT 1'))).rejects.toMatchObject({
        code: 'ZW_ERR_DB_USAGE',
      });
      await expect(ctx.db.transaction((tx) => tx.close())).rejects.toMatchObject({ code: 'ZW_ERR_DB_USAGE' });
      // A nested transaction joins the outer one.
      const n = await ctx.db.transaction((tx) =>
        tx.transaction(async (inner) => (await inner.query('SELECT 1 AS n'))[0]),
      );
      expect(n).toEqual({ n: 1 });
    });

    it('keeps row values out of translated errors (no health data in messages or logs)', async () => {
      const w = await world(reg());
      const err = await reg()
        .participants.setClinical(w.ann.id, { notes: 'SECRET-CLINICAL-NOTE', ageYears: 400 })
        .catch((e: unknown) => e);
      expect(isRegistryError(err, 'ZW_ERR_INVALID_INPUT')).toBe(true);
      const e = err as Error & { constraint?: string; statusCode?: number };
      expect(e.message).toBe('Invalid input: age must be 0-130 years');
      expect(e.constraint).toBe('participant_clinical_age_range');
      expect(e.statusCode).toBe(400);
      const everything = `${e.message} ${e.stack} ${JSON.stringify(e)} ${String((e as { cause?: unknown }).cause)}`;
      expect(everything).not.toContain('SECRET-CLINICAL-NOTE');
    });
  });

  describe('sites', () => {
    it('creates, gets, lists and updates', async () => {
      const id = uid('site');
      const site = await reg().sites.create({ id, name: 'Gym', timezone: 'Europe/Berlin' });
      expect(site).toEqual({ id, name: 'Gym', timezone: 'Europe/Berlin', createdAt: T0 });
      expect(await reg().sites.get(id)).toEqual(site);
      expect((await reg().sites.list()).map((s) => s.id)).toContain(id);
      expect(await reg().sites.update(id, { name: 'Gym 2' })).toMatchObject({
        name: 'Gym 2',
        timezone: 'Europe/Berlin',
      });
      expect(await reg().sites.update(id, {})).toMatchObject({ name: 'Gym 2' });
      const generated = await reg().sites.create({ name: 'Auto id' });
      expect(generated.id).toMatch(/^site-[a-z2-7]{16}$/);
    });

    it('refuses bad ids, duplicates and unknown sites with typed errors naming the field', async () => {
      await expect(reg().sites.create({ id: 'Bad Id', name: 'x' })).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
        message: expect.stringContaining('site id must be'),
      });
      const id = uid('site');
      await reg().sites.create({ id, name: 'x' });
      await expect(reg().sites.create({ id, name: 'y' })).rejects.toMatchObject({
        code: 'ZW_ERR_CONFLICT',
        statusCode: 409,
      });
      await expect(reg().sites.update('nope', { name: 'z' })).rejects.toMatchObject({
        code: 'ZW_ERR_NOT_FOUND',
        statusCode: 404,
      });
    });
  });

  describe('users', () => {
    it('creates users with roles and sites; never exposes the password hash', async () => {
      const { site } = await world(reg());
      const name = uid('Alice.Admin');
      const u = await reg().users.create({
        username: `  ${name.toUpperCase()} `,
        displayName: 'Alice',
        password: 'a long enough password',
        roles: ['admin', 'clinician', 'admin'],
        siteIds: [site.id],
      });
      expect(u).toMatchObject({
        username: name.toLowerCase(),
        roles: ['admin', 'clinician'],
        siteIds: [site.id],
      });
      expect(Object.keys(u).sort()).toEqual(
        ['createdAt', 'disabled', 'displayName', 'id', 'roles', 'siteIds', 'updatedAt', 'username'].sort(),
      );
      expect(await reg().users.findByUsername(name.toUpperCase())).toEqual(u);
      expect(await reg().users.get(u.id)).toEqual(u);
      const [{ password_hash }] = (await ctx.db.query<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE id = $1',
        [u.id],
      )) as [{ password_hash: string }];
      expect(password_hash).toMatch(/^scrypt\$1024\$8\$1\$/);
      expect(password_hash).not.toContain('a long enough password');
    });

    it('lists by site and role, updates, manages memberships', async () => {
      const w = await world(reg());
      const other = await reg().sites.create({ id: uid('site'), name: 'Other' });
      expect((await reg().users.list({ siteId: w.site.id })).map((u) => u.id).sort()).toEqual(
        [w.clinician.id, w.instructor.id].sort(),
      );
      expect((await reg().users.list({ siteId: w.site.id, role: 'instructor' })).map((u) => u.id)).toEqual([
        w.instructor.id,
      ]);
      ctx.clock.now = T0 + 1000;
      const updated = await reg().users.update(w.instructor.id, {
        displayName: 'Ines B',
        roles: ['instructor', 'coach'],
      });
      expect(updated).toMatchObject({
        displayName: 'Ines B',
        roles: ['coach', 'instructor'],
        updatedAt: T0 + 1000,
      });
      ctx.clock.now = T0;
      await reg().users.update(w.instructor.id, { disabled: true });
      expect((await reg().users.list({ siteId: w.site.id })).map((u) => u.id)).toEqual([w.clinician.id]);
      expect(await reg().users.list({ siteId: w.site.id, includeDisabled: true })).toHaveLength(2);
      expect((await reg().users.addSite(w.clinician.id, other.id)).siteIds).toEqual(
        [w.site.id, other.id].sort(),
      );
      expect((await reg().users.addSite(w.clinician.id, other.id)).siteIds).toHaveLength(2);
      expect((await reg().users.removeSite(w.clinician.id, w.site.id)).siteIds).toEqual([other.id]);
      await expect(reg().users.addSite(w.clinician.id, 'no-such-site')).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_REFERENCE',
      });
      await expect(reg().users.update('nope', { disabled: true })).rejects.toMatchObject({
        code: 'ZW_ERR_NOT_FOUND',
      });
    });

    it('refuses taken usernames, unknown roles, short passwords and unknown sites', async () => {
      const w = await world(reg());
      const base = { displayName: 'X', password: 'long enough pw', roles: ['ops' as const] };
      await expect(
        reg().users.create({ ...base, username: w.clinician.username.toUpperCase() }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_CONFLICT',
        message: 'Conflict: username is already taken',
      });
      await expect(
        reg().users.create({ ...base, username: uid('x'), roles: ['root' as never] }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_INPUT', message: expect.stringContaining('roles') });
      await expect(
        reg().users.create({ ...base, username: uid('x'), password: 'short' }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
        message: expect.stringContaining('password must be at least 10'),
      });
      await expect(reg().users.create({ ...base, username: 'a b' })).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
        message: expect.stringContaining('username must be'),
      });
      const ghost = uid('ghost');
      await expect(
        reg().users.create({ ...base, username: ghost, siteIds: ['no-such-site'] }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_REFERENCE',
      });
      // The failed membership rolled the user back too.
      expect(await reg().users.findByUsername(ghost)).toBeUndefined();
    });

    it('authenticates, refuses wrong passwords, unknown and disabled users, and re-hashes old costs', async () => {
      const w = await world(reg());
      const u = w.clinician;
      expect(await reg().users.authenticate(u.username.toUpperCase(), 'correct horse battery')).toMatchObject(
        {
          id: u.id,
        },
      );
      expect(await reg().users.authenticate(u.username, 'wrong horse battery')).toBeUndefined();
      expect(await reg().users.authenticate(uid('nobody'), 'correct horse battery')).toBeUndefined();
      await reg().users.setPassword(u.id, 'a new password!');
      expect(await reg().users.authenticate(u.username, 'correct horse battery')).toBeUndefined();
      expect(await reg().users.authenticate(u.username, 'a new password!')).toBeDefined();
      await expect(reg().users.setPassword(u.id, 'short')).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
      });
      await expect(reg().users.setPassword('nope', 'long enough pw')).rejects.toMatchObject({
        code: 'ZW_ERR_NOT_FOUND',
      });

      const stronger = createRegistry(ctx.db, { passwordParams: { N: 2048, r: 8, p: 1 } });
      expect(await stronger.users.authenticate(u.username, 'a new password!')).toBeDefined();
      const [row] = await ctx.db.query<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE id = $1',
        [u.id],
      );
      expect(row?.password_hash).toMatch(/^scrypt\$2048\$8\$1\$/);
      expect(await verifyPassword('a new password!', row!.password_hash)).toBe(true);

      await reg().users.update(u.id, { disabled: true });
      expect(await reg().users.authenticate(u.username, 'a new password!')).toBeUndefined();
    });
  });

  describe('participants', () => {
    it('keeps the alias apart from clinical details', async () => {
      const { site } = await world(reg());
      const p = await reg().participants.create({
        siteId: site.id,
        alias: ' Carl ',
        clinical: {
          fullName: 'Carl Example',
          dateOfBirth: '1961-02-03',
          sex: 'male',
          conditions: ['heart failure'],
          medications: ['bisoprolol'],
          betaBlocker: true,
        },
      });
      expect(p).toEqual({
        id: p.id,
        siteId: site.id,
        alias: 'Carl',
        active: true,
        createdAt: T0,
        updatedAt: T0,
      });
      expect(await reg().participants.get(p.id)).toEqual(p);
      expect(await reg().participants.getClinical(p.id)).toEqual({
        participantId: p.id,
        fullName: 'Carl Example',
        dateOfBirth: '1961-02-03',
        ageYears: null,
        sex: 'male',
        conditions: ['heart failure'],
        medications: ['bisoprolol'],
        betaBlocker: true,
        notes: null,
        updatedAt: T0,
      });
      const listed = await reg().participants.list({ siteId: site.id });
      expect(listed.map((x) => x.alias)).toEqual(['Ann', 'Bob', 'Carl']);
      for (const x of listed) expect(Object.keys(x)).not.toContain('fullName');
    });

    it('updates clinical details partially: undefined keeps, null clears', async () => {
      const { ann } = await world(reg());
      expect(await reg().participants.getClinical(ann.id)).toBeUndefined();
      await reg().participants.setClinical(ann.id, { ageYears: 64, sex: 'female', notes: 'knee' });
      ctx.clock.now = T0 + 5000;
      const c = await reg().participants.setClinical(ann.id, { notes: null, conditions: ['COPD'] });
      ctx.clock.now = T0;
      expect(c).toMatchObject({
        ageYears: 64,
        sex: 'female',
        notes: null,
        conditions: ['COPD'],
        updatedAt: T0 + 5000,
      });
      await expect(
        reg().participants.setClinical(ann.id, { dateOfBirth: '03/02/1961' }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
        message: expect.stringContaining('dateOfBirth'),
      });
      await expect(reg().participants.setClinical('nope', { ageYears: 1 })).rejects.toMatchObject({
        code: 'ZW_ERR_NOT_FOUND',
      });
    });

    it('refuses a second active participant with the same alias at a site (case-insensitive)', async () => {
      const { site, ann } = await world(reg());
      await expect(reg().participants.create({ siteId: site.id, alias: 'ANN' })).rejects.toMatchObject({
        code: 'ZW_ERR_CONFLICT',
        constraint: 'participants_site_alias_key',
      });
      await reg().participants.update(ann.id, { active: false });
      const ann2 = await reg().participants.create({ siteId: site.id, alias: 'Ann' });
      expect(await reg().participants.list({ siteId: site.id })).toHaveLength(2);
      expect(await reg().participants.list({ siteId: site.id, includeInactive: true })).toHaveLength(3);
      expect(await reg().participants.update(ann2.id, { alias: 'Ann M' })).toMatchObject({ alias: 'Ann M' });
      await expect(reg().participants.update('nope', { alias: 'x' })).rejects.toMatchObject({
        code: 'ZW_ERR_NOT_FOUND',
      });
      await expect(reg().participants.create({ siteId: 'no-such-site', alias: 'x' })).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_REFERENCE',
      });
    });
  });

  describe('prescriptions', () => {
    const body = (high: number) => ({
      hrRest: 70,
      hrMax: { source: 'tanaka' },
      zone: { method: 'hrr', low: 0.4, high },
    });

    it('versions: a new version closes the previous one; current() answers for any time', async () => {
      const { ann, clinician } = await world(reg());
      const v1 = await reg().prescriptions.create({
        participantId: ann.id,
        authorId: clinician.id,
        body: body(0.6),
        effectiveFrom: T0,
      });
      expect(v1).toMatchObject({
        version: 1,
        effectiveFrom: T0,
        effectiveTo: null,
        body: body(0.6),
        note: null,
      });
      const v2 = await reg().prescriptions.create({
        participantId: ann.id,
        authorId: clinician.id,
        body: body(0.7),
        effectiveFrom: T0 + 10 * MIN,
        note: 'tolerating well',
      });
      expect(v2).toMatchObject({ version: 2, effectiveTo: null, note: 'tolerating well' });
      expect(await reg().prescriptions.get(v1.id)).toMatchObject({ effectiveTo: T0 + 10 * MIN });
      expect(await reg().prescriptions.current(ann.id, T0 - 1)).toBeUndefined();
      expect((await reg().prescriptions.current(ann.id, T0))?.version).toBe(1);
      expect((await reg().prescriptions.current(ann.id, T0 + 10 * MIN - 1))?.version).toBe(1);
      expect((await reg().prescriptions.current(ann.id, T0 + 10 * MIN))?.version).toBe(2);
      // Future-dated v3: v2 stays in force until then.
      await reg().prescriptions.create({
        participantId: ann.id,
        authorId: clinician.id,
        body: body(0.8),
        effectiveFrom: T0 + 60 * MIN,
      });
      expect((await reg().prescriptions.current(ann.id, T0 + 30 * MIN))?.version).toBe(2);
      expect((await reg().prescriptions.current(ann.id))?.version).toBe(1);
      const history = await reg().prescriptions.history(ann.id);
      expect(history.map((h) => [h.version, h.effectiveFrom, h.effectiveTo])).toEqual([
        [1, T0, T0 + 10 * MIN],
        [2, T0 + 10 * MIN, T0 + 60 * MIN],
        [3, T0 + 60 * MIN, null],
      ]);
      expect(await reg().prescriptions.get('nope')).toBeUndefined();
    });

    it('currentMany returns the version in force per participant', async () => {
      const { ann, bob, clinician } = await world(reg());
      await reg().prescriptions.create({
        participantId: ann.id,
        authorId: clinician.id,
        body: body(0.6),
        effectiveFrom: T0,
      });
      await reg().prescriptions.create({
        participantId: ann.id,
        authorId: clinician.id,
        body: body(0.65),
        effectiveFrom: T0 + MIN,
      });
      await reg().prescriptions.create({
        participantId: bob.id,
        authorId: clinician.id,
        body: body(0.5),
        effectiveFrom: T0,
      });
      const many = await reg().prescriptions.currentMany([ann.id, bob.id, 'nobody'], T0 + 2 * MIN);
      expect(many.map((m) => [m.participantId, m.version]).sort()).toEqual(
        [
          [ann.id, 2],
          [bob.id, 1],
        ].sort(),
      );
      expect(await reg().prescriptions.currentMany([])).toEqual([]);
    });

    it('refuses out-of-order versions, non-object bodies, unknown participants and authors', async () => {
      const { ann, clinician } = await world(reg());
      await reg().prescriptions.create({
        participantId: ann.id,
        authorId: clinician.id,
        body: body(0.6),
        effectiveFrom: T0,
      });
      await expect(
        reg().prescriptions.create({
          participantId: ann.id,
          authorId: clinician.id,
          body: body(0.7),
          effectiveFrom: T0,
        }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
        message: expect.stringContaining('effectiveFrom'),
      });
      await expect(
        reg().prescriptions.create({ participantId: ann.id, authorId: clinician.id, body: [1, 2] }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
        message: 'Invalid input: body must be a JSON object',
      });
      await expect(
        reg().prescriptions.create({ participantId: 'nope', authorId: clinician.id, body: body(0.6) }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_NOT_FOUND' });
      await expect(
        reg().prescriptions.create({
          participantId: ann.id,
          authorId: 'nobody',
          body: body(0.6),
          effectiveFrom: T0 + MIN,
        }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_REFERENCE' });
      // The failed insert rolled back the closing of version 1.
      expect((await reg().prescriptions.current(ann.id, T0 + 2 * MIN))?.version).toBe(1);
    });

    it('serialises concurrent saves: versions stay contiguous with one open version', async () => {
      const { ann, clinician } = await world(reg());
      const results = await Promise.allSettled(
        [0, 1, 2, 3, 4].map((i) =>
          reg().prescriptions.create({
            participantId: ann.id,
            authorId: clinician.id,
            body: body(0.5 + i / 100),
            effectiveFrom: T0 + i * MIN,
          }),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      expect(ok.length).toBeGreaterThanOrEqual(1);
      for (const r of results)
        if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'ZW_ERR_INVALID_INPUT' });
      const history = await reg().prescriptions.history(ann.id);
      expect(history.map((h) => h.version)).toEqual(history.map((_, i) => i + 1));
      expect(history.filter((h) => h.effectiveTo === null)).toHaveLength(1);
    });
  });

  describe('devices', () => {
    it('creates, lists, updates and retires', async () => {
      const { site, strapA } = await world(reg());
      expect(strapA).toMatchObject({ siteId: site.id, kind: 'hr-strap', model: null, retiredAt: null });
      const d = await reg().devices.create({
        id: uid('AA:BB:CC'),
        siteId: site.id,
        kind: 'watch',
        model: 'W1',
        label: 'red',
      });
      expect(await reg().devices.get(d.id)).toEqual(d);
      expect(await reg().devices.update(d.id, { label: null })).toMatchObject({ model: 'W1', label: null });
      expect(await reg().devices.update(d.id, { model: 'W2' })).toMatchObject({ model: 'W2', label: null });
      expect(await reg().devices.list({ siteId: site.id })).toHaveLength(4);
      expect(await reg().devices.retire(d.id, T0 + MIN)).toMatchObject({ retiredAt: T0 + MIN });
      expect(await reg().devices.retire(d.id, T0 + 2 * MIN)).toMatchObject({ retiredAt: T0 + MIN });
      expect(await reg().devices.list({ siteId: site.id })).toHaveLength(3);
      expect(await reg().devices.list({ siteId: site.id, includeRetired: true })).toHaveLength(4);
      await expect(reg().devices.retire('nope')).rejects.toMatchObject({ code: 'ZW_ERR_NOT_FOUND' });
    });

    it('refuses bad ids, unknown kinds and duplicates', async () => {
      const { site, strapA } = await world(reg());
      await expect(
        reg().devices.create({ id: 'has space', siteId: site.id, kind: 'hr-strap' }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
        message: expect.stringContaining('device id'),
      });
      await expect(
        reg().devices.create({ id: uid('d'), siteId: site.id, kind: 'toaster' as never }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
        message: expect.stringContaining('device kind'),
      });
      await expect(
        reg().devices.create({ id: strapA.id, siteId: site.id, kind: 'hr-strap' }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_CONFLICT',
      });
    });
  });

  describe('gateways', () => {
    const HASH = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';

    it('stores hashed credentials for the broker; revoked gateways have none', async () => {
      const { site } = await world(reg());
      const id = uid('gw-room');
      const gw = await reg().gateways.create({ id, siteId: site.id, name: 'Room 1', secretHash: HASH });
      expect(gw).toEqual({
        id,
        siteId: site.id,
        name: 'Room 1',
        createdAt: T0,
        lastSeen: null,
        revokedAt: null,
      });
      expect(await reg().gateways.get(id)).toEqual(gw);
      expect(await reg().gateways.list({ siteId: site.id })).toEqual([gw]);
      expect(await reg().gateways.lookupCredential(id)).toEqual({
        username: id,
        siteId: site.id,
        gatewayId: id,
        secretHash: HASH,
      });
      expect(await reg().gateways.listCredentials({ siteIds: [site.id] })).toHaveLength(1);
      const rotated = HASH.replace('c2FsdHNh', 'b3RoZXJz');
      await reg().gateways.rotateSecret(id, rotated);
      expect((await reg().gateways.lookupCredential(id))?.secretHash).toBe(rotated);
      await reg().gateways.touch(id, T0 + 2 * MIN);
      await reg().gateways.touch(id, T0 + MIN);
      expect((await reg().gateways.get(id))?.lastSeen).toBe(T0 + 2 * MIN);
      expect(await reg().gateways.revoke(id, T0 + 3 * MIN)).toMatchObject({ revokedAt: T0 + 3 * MIN });
      expect(await reg().gateways.lookupCredential(id)).toBeUndefined();
      expect(await reg().gateways.listCredentials({ siteIds: [site.id] })).toEqual([]);
      expect(await reg().gateways.lookupCredential('unknown-gw')).toBeUndefined();
    });

    it('refuses malformed hashes and ids', async () => {
      const { site } = await world(reg());
      await expect(
        reg().gateways.create({ id: uid('gw'), siteId: site.id, secretHash: 'plain-secret' }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
        message: expect.stringContaining('secretHash'),
      });
      await expect(
        reg().gateways.create({ id: 'GW_1', siteId: site.id, secretHash: HASH }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
        message: expect.stringContaining('gateway id'),
      });
      await expect(reg().gateways.rotateSecret('nope', HASH)).rejects.toMatchObject({
        code: 'ZW_ERR_NOT_FOUND',
      });
      await expect(reg().gateways.revoke('nope')).rejects.toMatchObject({ code: 'ZW_ERR_NOT_FOUND' });
    });
  });

  describe('classes and sessions', () => {
    it('creates, lists and updates classes', async () => {
      const { site, cls, instructor } = await world(reg());
      expect(cls).toMatchObject({
        siteId: site.id,
        name: 'Cardiac rehab',
        instructorId: instructor.id,
        archived: false,
      });
      expect(await reg().classes.get(cls.id)).toEqual(cls);
      const u = await reg().classes.update(cls.id, { schedule: 'Mon, Thu 10:00', instructorId: null });
      expect(u).toMatchObject({ schedule: 'Mon, Thu 10:00', instructorId: null, name: 'Cardiac rehab' });
      await reg().classes.update(cls.id, { archived: true });
      expect(await reg().classes.list({ siteId: site.id })).toEqual([]);
      expect(await reg().classes.list({ siteId: site.id, includeArchived: true })).toHaveLength(1);
      await expect(reg().classes.update('nope', { name: 'x' })).rejects.toMatchObject({
        code: 'ZW_ERR_NOT_FOUND',
      });
    });

    it('moves sessions scheduled → active → ended and refuses other transitions', async () => {
      const { site, session, cls } = await world(reg());
      expect(session).toMatchObject({
        kind: 'class',
        classId: cls.id,
        name: 'Cardiac rehab',
        status: 'scheduled',
      });
      expect((await reg().sessions.active({ siteIds: [site.id] })).map((s) => s.id)).toEqual([]);
      const started = await reg().sessions.start(session.id, T0 + MIN);
      expect(started).toMatchObject({ status: 'active', startedAt: T0 + MIN, endedAt: null });
      expect((await reg().sessions.active({ siteIds: [site.id] })).map((s) => s.id)).toEqual([session.id]);
      expect((await reg().sessions.active()).map((s) => s.id)).toContain(session.id);
      await expect(reg().sessions.start(session.id)).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_STATE',
        message: expect.stringContaining('is active'),
      });
      const ended = await reg().sessions.end(session.id, T0 + 60 * MIN);
      expect(ended).toMatchObject({ status: 'ended', endedAt: T0 + 60 * MIN });
      await expect(reg().sessions.end(session.id)).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_STATE' });
      await expect(reg().sessions.start('nope')).rejects.toMatchObject({ code: 'ZW_ERR_NOT_FOUND' });
      expect(await reg().sessions.active({ siteIds: [site.id] })).toEqual([]);
      // A scheduled session can be cancelled (ended without starting).
      const other = await reg().sessions.create({
        siteId: site.id,
        kind: 'class',
        classId: cls.id,
        name: 'Extra',
      });
      expect(await reg().sessions.end(other.id, T0)).toMatchObject({ status: 'ended', startedAt: null });
    });

    it('validates kinds and keeps class sessions at their class site', async () => {
      const { site, cls, ann, strapA } = await world(reg());
      const other = await reg().sites.create({ id: uid('site'), name: 'Other' });
      await expect(reg().sessions.create({ siteId: site.id, kind: 'class' })).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
      });
      await expect(
        reg().sessions.create({ siteId: site.id, kind: 'home', classId: cls.id }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
      });
      await expect(
        reg().sessions.create({ siteId: other.id, kind: 'class', classId: cls.id }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_REFERENCE',
        constraint: 'sessions_class_site_fkey',
      });
      const home = await reg().sessions.create({ siteId: site.id, kind: 'home', scheduledAt: T0 + MIN });
      // A name the server made up is marked, so consoles word it; the same words typed are a typed name.
      expect(home).toMatchObject({
        name: 'Home session',
        nameCode: 'home',
        nameAlias: null,
        classId: null,
        scheduledAt: T0 + MIN,
      });
      const typed = await reg().sessions.create({ siteId: site.id, kind: 'home', name: 'Home session' });
      expect(typed).toMatchObject({ name: 'Home session', nameCode: null });
      const seeded = await reg().sessions.create({
        siteId: site.id,
        kind: 'home',
        name: 'Home session — Ann',
        nameCode: 'homeOf',
        nameAlias: 'Ann',
      });
      expect(seeded).toMatchObject({ nameCode: 'homeOf', nameAlias: 'Ann' });
      expect(
        (await reg().sessions.create({ siteId: site.id, kind: 'class', classId: cls.id })).nameCode,
      ).toBeNull();
      await reg().rosters.bind({ sessionId: home.id, participantId: ann.id, deviceId: strapA.id });
      expect((await reg().sessions.list({ participantId: ann.id })).map((s) => s.id)).toEqual([home.id]);
      expect((await reg().sessions.list({ siteId: site.id, status: 'scheduled' })).length).toBe(5);
      expect(await reg().sessions.list({ siteId: site.id, status: 'ended' })).toEqual([]);
      expect(await reg().sessions.get(home.id)).toEqual(home);
    });
  });

  describe('rosters', () => {
    it('binds devices; activeBindings routes only active sessions; end() unbinds', async () => {
      const { site, session, ann, bob, strapA, oxiA, strapB, instructor } = await world(reg());
      const b1 = await reg().rosters.bind({
        sessionId: session.id,
        participantId: ann.id,
        deviceId: strapA.id,
        atMs: T0,
        actorId: instructor.id,
      });
      expect(b1).toMatchObject({
        participantId: ann.id,
        deviceId: strapA.id,
        boundAt: T0,
        unboundAt: null,
        boundBy: instructor.id,
      });
      await reg().rosters.bind({ sessionId: session.id, participantId: ann.id, deviceId: oxiA.id, atMs: T0 });
      await reg().rosters.bind({
        sessionId: session.id,
        participantId: bob.id,
        deviceId: strapB.id,
        atMs: T0,
      });
      expect(await reg().rosters.list(session.id)).toHaveLength(3);
      // Scheduled: bound but not routed yet.
      expect(await reg().rosters.activeBindings({ siteIds: [site.id] })).toEqual([]);
      await reg().sessions.start(session.id, T0 + MIN);
      const live = await reg().rosters.activeBindings({ siteIds: [site.id] });
      expect(live).toEqual(
        [
          {
            siteId: site.id,
            deviceId: strapA.id,
            sessionId: session.id,
            participantId: ann.id,
            alias: 'Ann',
            boundAt: T0,
          },
          {
            siteId: site.id,
            deviceId: oxiA.id,
            sessionId: session.id,
            participantId: ann.id,
            alias: 'Ann',
            boundAt: T0,
          },
          {
            siteId: site.id,
            deviceId: strapB.id,
            sessionId: session.id,
            participantId: bob.id,
            alias: 'Bob',
            boundAt: T0,
          },
        ].sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1)),
      );
      expect((await reg().rosters.activeBindings()).length).toBeGreaterThanOrEqual(3);

      const un = await reg().rosters.unbind({ sessionId: session.id, deviceId: oxiA.id, atMs: T0 + 5 * MIN });
      expect(un.unboundAt).toBe(T0 + 5 * MIN);
      await expect(reg().rosters.unbind({ sessionId: session.id, deviceId: oxiA.id })).rejects.toMatchObject({
        code: 'ZW_ERR_NOT_FOUND',
      });
      expect(await reg().rosters.list(session.id)).toHaveLength(2);
      expect(await reg().rosters.list(session.id, { includeUnbound: true })).toHaveLength(3);

      await reg().sessions.end(session.id, T0 + 60 * MIN);
      expect(await reg().rosters.activeBindings({ siteIds: [site.id] })).toEqual([]);
      const history = await reg().rosters.list(session.id, { includeUnbound: true });
      expect(history.map((b) => b.unboundAt).sort()).toEqual([T0 + 5 * MIN, T0 + 60 * MIN, T0 + 60 * MIN]);
      await expect(
        reg().rosters.bind({ sessionId: session.id, participantId: ann.id, deviceId: oxiA.id }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_STATE' });
    });

    it('a device is worn by one person, a participant is in one live session, all of one site', async () => {
      const { site, session, cls, ann, bob, strapA, strapB } = await world(reg());
      await reg().rosters.bind({ sessionId: session.id, participantId: ann.id, deviceId: strapA.id });
      await expect(
        reg().rosters.bind({ sessionId: session.id, participantId: bob.id, deviceId: strapA.id }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_CONFLICT', constraint: 'session_roster_device_bound' });
      const second = await reg().sessions.create({ siteId: site.id, kind: 'class', classId: cls.id });
      await expect(
        reg().rosters.bind({ sessionId: second.id, participantId: ann.id, deviceId: strapB.id }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_CONFLICT', message: expect.stringContaining(ann.id) });

      const other = await world(reg());
      await expect(
        reg().rosters.bind({ sessionId: session.id, participantId: other.ann.id, deviceId: strapB.id }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_REFERENCE' });
      await expect(
        reg().rosters.bind({ sessionId: session.id, participantId: bob.id, deviceId: other.strapB.id }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_REFERENCE' });
      await expect(
        reg().rosters.bind({ sessionId: 'nope', participantId: bob.id, deviceId: strapB.id }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_NOT_FOUND' });
      await reg().devices.retire(strapB.id);
      await expect(
        reg().rosters.bind({ sessionId: session.id, participantId: bob.id, deviceId: strapB.id }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_STATE', message: expect.stringContaining('retired') });
    });
  });

  describe('alerts', () => {
    async function activeWorld() {
      const w = await world(reg());
      await reg().rosters.bind({ sessionId: w.session.id, participantId: w.ann.id, deviceId: w.strapA.id });
      await reg().sessions.start(w.session.id, T0);
      return w;
    }

    it("persist stores the engine's decision as given: one event, the row as the engine left it", async () => {
      const { session, ann, clinician } = await activeWorld();
      const { alert } = await reg().alerts.raise({
        sessionId: session.id,
        participantId: ann.id,
        rule: 'SPO2_LOW',
        severity: 'warning',
        atMs: T0 + 15_000,
      });
      const after = {
        severity: 'warning' as const,
        unconfirmed: false,
        state: 'acknowledged' as const,
        conditionCleared: false,
        escalationLevel: 0,
        acknowledgedAt: T0 + 20_000,
        acknowledgedBy: clinician.id,
        closedAt: null,
      };
      await reg().alerts.persist({
        alertId: alert.id,
        event: 'acknowledged',
        atMs: T0 + 20_000,
        actorId: clinician.id,
        after,
      });
      // A possible critical on a warning (issue 12, ruling 1): same severity, unconfirmed, needs a new
      // acknowledgement — recordEvent would refuse it (not stronger); the engine decided it.
      const possible = await reg().alerts.persist({
        alertId: alert.id,
        event: 'upgraded',
        atMs: T0 + 26_000,
        after: { ...after, unconfirmed: true, state: 'open', acknowledgedAt: null, acknowledgedBy: null },
      });
      expect(possible.alert).toMatchObject({
        severity: 'warning',
        unconfirmed: true,
        state: 'open',
        acknowledgedAt: null,
      });
      expect(possible.events).toEqual([
        {
          alertId: alert.id,
          seq: 3,
          event: 'upgraded',
          severity: 'warning',
          at: T0 + 26_000,
          actorId: null,
          note: null,
        },
      ]);
      const closed = await reg().alerts.persist({
        alertId: alert.id,
        event: 'closed',
        atMs: T0 + 60_000,
        note: 'session ended',
        after: {
          ...after,
          unconfirmed: true,
          state: 'closed',
          acknowledgedAt: null,
          acknowledgedBy: null,
          closedAt: T0 + 60_000,
        },
      });
      expect(closed.alert).toMatchObject({ state: 'closed', closedAt: T0 + 60_000 });
      await expect(
        reg().alerts.persist({ alertId: alert.id, event: 'cleared', atMs: T0 + 61_000, after }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_STATE' });
      await expect(
        reg().alerts.persist({
          alertId: alert.id,
          event: 'raised' as never,
          atMs: T0 + 61_000,
          after,
        }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_INPUT' });
    });

    it('advisory → upgraded → escalated → cleared closes by itself, every step an event', async () => {
      const { session, ann } = await activeWorld();
      const raised = await reg().alerts.raise({
        sessionId: session.id,
        participantId: ann.id,
        rule: 'HR_ABOVE_ZONE',
        severity: 'advisory',
        atMs: T0 + 30_000,
      });
      expect(raised.alert).toMatchObject({
        state: 'open',
        severity: 'advisory',
        conditionCleared: false,
        raisedAt: T0 + 30_000,
        escalationLevel: 0,
        unconfirmed: false,
      });
      expect(raised.events).toEqual([
        {
          alertId: raised.alert.id,
          seq: 1,
          event: 'raised',
          severity: 'advisory',
          at: T0 + 30_000,
          actorId: null,
          note: null,
        },
      ]);
      const id = raised.alert.id;
      const up = await reg().alerts.recordEvent({
        alertId: id,
        event: 'upgraded',
        severity: 'warning',
        atMs: T0 + 45_000,
      });
      expect(up.alert.severity).toBe('warning');
      await expect(
        reg().alerts.recordEvent({ alertId: id, event: 'upgraded', severity: 'advisory', atMs: T0 + 46_000 }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_INPUT', message: expect.stringContaining('stronger') });
      const esc = await reg().alerts.recordEvent({ alertId: id, event: 'escalated', atMs: T0 + 105_000 });
      expect(esc.alert.escalationLevel).toBe(1);
      await expect(
        reg().alerts.recordEvent({ alertId: id, event: 'escalated', escalationLevel: 1, atMs: T0 + 106_000 }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_INPUT' });
      const cleared = await reg().alerts.recordEvent({ alertId: id, event: 'cleared', atMs: T0 + 120_000 });
      expect(cleared.alert).toMatchObject({
        state: 'closed',
        conditionCleared: true,
        closedAt: T0 + 120_000,
      });
      expect(cleared.events.map((e) => e.event)).toEqual(['cleared', 'closed']);
      expect((await reg().alerts.events(id)).map((e) => [e.seq, e.event, e.severity])).toEqual([
        [1, 'raised', 'advisory'],
        [2, 'upgraded', 'warning'],
        [3, 'escalated', 'warning'],
        [4, 'cleared', 'warning'],
        [5, 'closed', 'warning'],
      ]);
      await expect(
        reg().alerts.recordEvent({ alertId: id, event: 'resounded', atMs: T0 + 130_000 }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_STATE',
      });
      expect(await reg().alerts.get(id)).toEqual(cleared.alert);
    });

    it('critical alerts latch until acknowledged, whichever comes first', async () => {
      const { session, ann, bob, strapB, instructor } = await activeWorld();
      await reg().rosters.bind({ sessionId: session.id, participantId: bob.id, deviceId: strapB.id });
      // Clear first, then acknowledge.
      const a = (
        await reg().alerts.raise({
          sessionId: session.id,
          participantId: ann.id,
          rule: 'SPO2_LOW',
          severity: 'critical',
          atMs: T0,
        })
      ).alert;
      const c1 = await reg().alerts.recordEvent({ alertId: a.id, event: 'cleared', atMs: T0 + 40_000 });
      expect(c1.alert).toMatchObject({ state: 'open', conditionCleared: true, closedAt: null });
      expect(c1.events.map((e) => e.event)).toEqual(['cleared']);
      await expect(
        reg().alerts.recordEvent({ alertId: a.id, event: 'cleared', atMs: T0 + 41_000 }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_STATE',
      });
      await expect(
        reg().alerts.recordEvent({ alertId: a.id, event: 'acknowledged', atMs: T0 + 50_000 }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_INPUT', message: expect.stringContaining('actorId') });
      const ack = await reg().alerts.recordEvent({
        alertId: a.id,
        event: 'acknowledged',
        actorId: instructor.id,
        note: 'sat down, oxygen on',
        atMs: T0 + 50_000,
      });
      expect(ack.alert).toMatchObject({
        state: 'closed',
        acknowledgedAt: T0 + 50_000,
        acknowledgedBy: instructor.id,
        closedAt: T0 + 50_000,
      });
      expect(ack.events.map((e) => [e.event, e.actorId, e.note])).toEqual([
        ['acknowledged', instructor.id, 'sat down, oxygen on'],
        ['closed', instructor.id, null],
      ]);

      // Acknowledge first (stays open until the condition clears), then clear.
      const b = (
        await reg().alerts.raise({
          sessionId: session.id,
          participantId: bob.id,
          rule: 'HR_LOW',
          severity: 'critical',
          atMs: T0,
        })
      ).alert;
      const ackB = await reg().alerts.recordEvent({
        alertId: b.id,
        event: 'acknowledged',
        actorId: instructor.id,
        atMs: T0 + 5000,
      });
      expect(ackB.alert).toMatchObject({ state: 'acknowledged', closedAt: null });
      await expect(
        reg().alerts.recordEvent({
          alertId: b.id,
          event: 'acknowledged',
          actorId: instructor.id,
          atMs: T0 + 6000,
        }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_STATE' });
      // Still active a minute after the acknowledgement: it sounds again and needs a new acknowledgement.
      const res = await reg().alerts.recordEvent({ alertId: b.id, event: 'resounded', atMs: T0 + 65_000 });
      expect(res.alert).toMatchObject({ state: 'open', acknowledgedAt: null });
      const clrB = await reg().alerts.recordEvent({ alertId: b.id, event: 'cleared', atMs: T0 + 70_000 });
      expect(clrB.alert).toMatchObject({ state: 'open', conditionCleared: true, closedAt: null });
      const ackB2 = await reg().alerts.recordEvent({
        alertId: b.id,
        event: 'acknowledged',
        actorId: instructor.id,
        atMs: T0 + 75_000,
      });
      expect(ackB2.alert).toMatchObject({ state: 'closed', closedAt: T0 + 75_000 });
      expect(ackB2.events.map((e) => e.event)).toEqual(['acknowledged', 'closed']);

      const all = await reg().alerts.eventsBySession(session.id);
      expect(all.map((e) => e.event)).toEqual([
        'raised',
        'raised',
        'acknowledged',
        'cleared',
        'acknowledged',
        'closed',
        'resounded',
        'cleared',
        'acknowledged',
        'closed',
      ]);
      expect((await reg().alerts.listBySession(session.id)).map((x) => x.id)).toEqual(
        [a.id, b.id].sort((x, y) => (x < y ? -1 : 1)),
      );
    });

    it('a latched critical (cleared, not yet acknowledged) does not block a new raise of the same rule', async () => {
      const { session, ann, instructor } = await activeWorld();
      const input = {
        sessionId: session.id,
        participantId: ann.id,
        rule: 'HR_OVER_CEILING',
        severity: 'critical' as const,
      };
      const latched = await reg().alerts.raise({ ...input, atMs: T0 });
      await reg().alerts.recordEvent({ alertId: latched.alert.id, event: 'cleared', atMs: T0 + 20_000 });
      const again = await reg().alerts.raise({ ...input, atMs: T0 + 30_000 });
      expect(again.alert.state).toBe('open');
      // Two active conditions of one rule are still refused.
      await expect(reg().alerts.raise({ ...input, atMs: T0 + 31_000 })).rejects.toMatchObject({
        code: 'ZW_ERR_CONFLICT',
      });
      const ack = await reg().alerts.recordEvent({
        alertId: latched.alert.id,
        event: 'acknowledged',
        actorId: instructor.id,
        atMs: T0 + 40_000,
      });
      expect(ack.alert.state).toBe('closed');
    });

    it('one live alert per (session, participant, rule): unique partial index; closed alerts free the slot', async () => {
      const { session, ann, instructor } = await activeWorld();
      const input = {
        sessionId: session.id,
        participantId: ann.id,
        rule: 'HR_OVER_CEILING',
        severity: 'warning' as const,
      };
      const first = await reg().alerts.raise({ ...input, atMs: T0 });
      await expect(reg().alerts.raise({ ...input, atMs: T0 + 1000 })).rejects.toMatchObject({
        code: 'ZW_ERR_CONFLICT',
        constraint: 'alerts_one_live',
        message: expect.stringContaining('already open'),
      });
      await reg().alerts.recordEvent({
        alertId: first.alert.id,
        event: 'acknowledged',
        actorId: instructor.id,
        atMs: T0 + 2000,
      });
      await expect(reg().alerts.raise({ ...input, atMs: T0 + 3000 })).rejects.toMatchObject({
        code: 'ZW_ERR_CONFLICT',
      });
      // A different rule may be open at the same time.
      await reg().alerts.raise({ ...input, rule: 'HR_ABOVE_ZONE', atMs: T0 + 3000 });
      await reg().alerts.recordEvent({ alertId: first.alert.id, event: 'cleared', atMs: T0 + 60_000 });
      const again = await reg().alerts.raise({ ...input, atMs: T0 + 120_000 });
      expect(again.alert.state).toBe('open');
      await expect(reg().alerts.raise({ ...input, rule: 'bad rule', atMs: T0 })).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
        constraint: 'alerts_rule_format',
      });
      await expect(
        reg().alerts.raise({ ...input, severity: 'fatal' as never, atMs: T0 }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
      });
      await expect(
        reg().alerts.recordEvent({ alertId: 'nope', event: 'cleared', atMs: T0 }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_NOT_FOUND',
      });
      await expect(
        reg().alerts.recordEvent({ alertId: again.alert.id, event: 'raised' as never, atMs: T0 }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_INPUT' });
    });

    it('an upgrade after an acknowledgement needs a new acknowledgement', async () => {
      const { session, ann, instructor } = await activeWorld();
      const { alert } = await reg().alerts.raise({
        sessionId: session.id,
        participantId: ann.id,
        rule: 'HR_OVER_CEILING',
        severity: 'warning',
        atMs: T0,
      });
      await reg().alerts.recordEvent({
        alertId: alert.id,
        event: 'acknowledged',
        actorId: instructor.id,
        atMs: T0 + 1000,
      });
      const up = await reg().alerts.recordEvent({
        alertId: alert.id,
        event: 'upgraded',
        severity: 'critical',
        atMs: T0 + 2000,
      });
      expect(up.alert).toMatchObject({
        state: 'open',
        acknowledgedAt: null,
        acknowledgedBy: null,
        severity: 'critical',
      });
      const cleared = await reg().alerts.recordEvent({
        alertId: alert.id,
        event: 'cleared',
        atMs: T0 + 3000,
      });
      expect(cleared.alert.state).toBe('open');
      const acked = await reg().alerts.recordEvent({
        alertId: alert.id,
        event: 'acknowledged',
        actorId: instructor.id,
        atMs: T0 + 4000,
      });
      expect(acked.alert).toMatchObject({ state: 'closed', acknowledgedAt: T0 + 4000 });
      expect((await reg().alerts.events(alert.id)).map((e) => e.event)).toEqual([
        'raised',
        'acknowledged',
        'upgraded',
        'cleared',
        'acknowledged',
        'closed',
      ]);
    });

    it('unconfirmed warnings can be confirmed by an upgrade; closed can be recorded directly', async () => {
      const { session, ann } = await activeWorld();
      const a = await reg().alerts.raise({
        sessionId: session.id,
        participantId: ann.id,
        rule: 'HR_OVER_CEILING',
        severity: 'warning',
        unconfirmed: true,
        atMs: T0,
      });
      expect(a.alert.unconfirmed).toBe(true);
      const up = await reg().alerts.recordEvent({
        alertId: a.alert.id,
        event: 'upgraded',
        severity: 'critical',
        atMs: T0 + 1,
      });
      expect(up.alert).toMatchObject({ severity: 'critical', unconfirmed: false });
      const closed = await reg().alerts.recordEvent({
        alertId: a.alert.id,
        event: 'closed',
        note: 'session ended',
        atMs: T0 + 2,
      });
      expect(closed.alert).toMatchObject({ state: 'closed', conditionCleared: false });
      expect(closed.events).toHaveLength(1);
    });

    it('open() restores live alerts by site or session; concurrent events keep a gapless sequence', async () => {
      const { site, session, ann, instructor } = await activeWorld();
      const other = await activeWorld();
      const a = await reg().alerts.raise({
        sessionId: session.id,
        participantId: ann.id,
        rule: 'SPO2_LOW',
        severity: 'critical',
        atMs: T0,
      });
      const b = await reg().alerts.raise({
        sessionId: session.id,
        participantId: ann.id,
        rule: 'NO_CONTACT',
        severity: 'advisory',
        atMs: T0 + 1,
      });
      await reg().alerts.recordEvent({
        alertId: a.alert.id,
        event: 'acknowledged',
        actorId: instructor.id,
        atMs: T0 + 2,
      });
      await reg().alerts.raise({
        sessionId: other.session.id,
        participantId: other.ann.id,
        rule: 'SPO2_LOW',
        severity: 'warning',
        atMs: T0,
      });
      const open = await reg().alerts.open({ siteIds: [site.id] });
      expect(open.map((x) => [x.id, x.state])).toEqual([
        [a.alert.id, 'acknowledged'],
        [b.alert.id, 'open'],
      ]);
      expect(await reg().alerts.open({ sessionId: session.id })).toEqual(open);
      expect((await reg().alerts.open()).length).toBeGreaterThanOrEqual(3);

      await Promise.all([
        reg().alerts.recordEvent({ alertId: b.alert.id, event: 'escalated', atMs: T0 + 30_000 }),
        reg().alerts.recordEvent({ alertId: b.alert.id, event: 'resounded', atMs: T0 + 30_000 }),
        reg().alerts.recordEvent({
          alertId: b.alert.id,
          event: 'upgraded',
          severity: 'warning',
          atMs: T0 + 30_000,
        }),
      ]);
      expect((await reg().alerts.events(b.alert.id)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);

      await reg().alerts.recordEvent({ alertId: b.alert.id, event: 'cleared', atMs: T0 + 60_000 });
      expect((await reg().alerts.open({ siteIds: [site.id] })).map((x) => x.id)).toEqual([a.alert.id]);
    });

    it('the alert history is append-only', async () => {
      const { session, ann } = await activeWorld();
      const a = await reg().alerts.raise({
        sessionId: session.id,
        participantId: ann.id,
        rule: 'HR_LOW',
        severity: 'critical',
        atMs: T0,
      });
      await expect(
        ctx.db.query("UPDATE alert_events SET note = 'rewritten' WHERE alert_id = $1", [a.alert.id]),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_STATE',
        message: 'Invalid state: alert_events is append-only',
      });
      await expect(
        ctx.db.query('DELETE FROM alert_events WHERE alert_id = $1', [a.alert.id]),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_STATE',
      });
    });
  });

  describe('reports', () => {
    it('saves, replaces and lists session reports', async () => {
      const { session, ann, bob } = await world(reg());
      const body = { durationS: 3600, secondsIn: 2400, hrMean: 112.4, trace: [[0, 80, 97]] };
      const saved = await reg().reports.save({
        sessionId: session.id,
        participantId: ann.id,
        body,
        atMs: T0 + 60 * MIN,
      });
      expect(saved).toEqual({
        sessionId: session.id,
        participantId: ann.id,
        body,
        createdAt: T0 + 60 * MIN,
        updatedAt: T0 + 60 * MIN,
      });
      const again = await reg().reports.save({
        sessionId: session.id,
        participantId: ann.id,
        body: { ...body, hrMean: 113 },
        atMs: T0 + 61 * MIN,
      });
      expect(again).toMatchObject({
        createdAt: T0 + 60 * MIN,
        updatedAt: T0 + 61 * MIN,
        body: { hrMean: 113 },
      });
      expect(await reg().reports.get(session.id, ann.id)).toEqual(again);
      expect(await reg().reports.get(session.id, bob.id)).toBeUndefined();
      await reg().reports.save({ sessionId: session.id, participantId: bob.id, body: { durationS: 3600 } });
      expect(await reg().reports.listBySession(session.id)).toHaveLength(2);
      expect(await reg().reports.listByParticipant(ann.id)).toEqual([again]);
      await expect(
        reg().reports.save({ sessionId: session.id, participantId: ann.id, body: [] as unknown as object }),
      ).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_INPUT' });
      await expect(
        reg().reports.save({ sessionId: 'nope', participantId: ann.id, body: {} }),
      ).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_REFERENCE',
      });
    });
  });

  describe('audit log', () => {
    it('logs and filters who saw or changed what; refuses edits', async () => {
      const { site, ann, clinician } = await world(reg());
      const actor = `user:${clinician.id}`;
      const e1 = await reg().audit.log({
        actor,
        action: 'participant.view-clinical',
        entity: 'participant',
        entityId: ann.id,
        siteId: site.id,
        atMs: T0 + 1000,
      });
      expect(e1).toMatchObject({ actor, entityId: ann.id, siteId: site.id, detail: {}, at: T0 + 1000 });
      const e2 = await reg().audit.log({
        actor,
        action: 'participant.update',
        entity: 'participant',
        entityId: ann.id,
        siteId: site.id,
        detail: { fields: ['alias'] },
        atMs: T0 + 2000,
      });
      expect(Number(e2.id)).toBeGreaterThan(Number(e1.id));
      expect((await reg().audit.list({ entity: 'participant', entityId: ann.id })).map((e) => e.id)).toEqual([
        e2.id,
        e1.id,
      ]);
      expect(await reg().audit.list({ actor, sinceMs: T0 + 1500 })).toEqual([e2]);
      expect(await reg().audit.list({ siteId: site.id, untilMs: T0 + 1500 })).toEqual([e1]);
      expect(await reg().audit.list({ actor, limit: 1 })).toEqual([e2]);
      await expect(ctx.db.query('DELETE FROM audit_log WHERE id = $1', [e1.id])).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_STATE',
        message: 'Invalid state: audit_log is append-only',
      });
      await expect(ctx.db.exec('TRUNCATE audit_log')).rejects.toMatchObject({ code: 'ZW_ERR_INVALID_STATE' });
      await expect(reg().audit.log({ actor: '', action: 'x', entity: 'y' })).rejects.toMatchObject({
        code: 'ZW_ERR_INVALID_INPUT',
      });
    });

    it('records a change and its audit entry in one transaction (both or neither)', async () => {
      const { ann, clinician } = await world(reg());
      await reg().transaction(async (tx) => {
        await tx.participants.update(ann.id, { alias: 'Annie' });
        await tx.audit.log({
          actor: `user:${clinician.id}`,
          action: 'participant.update',
          entity: 'participant',
          entityId: ann.id,
        });
      });
      await expect(
        reg().transaction(async (tx) => {
          await tx.participants.update(ann.id, { alias: 'Anna' });
          await tx.audit.log({
            actor: `user:${clinician.id}`,
            action: 'participant.update',
            entity: 'participant',
            entityId: ann.id,
          });
          throw new Error('request aborted');
        }),
      ).rejects.toThrow('request aborted');
      expect((await reg().participants.get(ann.id))?.alias).toBe('Annie');
      expect(await reg().audit.list({ entity: 'participant', entityId: ann.id })).toHaveLength(1);
    });
  });

  describe('demo seed', () => {
    const rx = (high: number) => ({
      hrRest: 68,
      hrMax: { source: 'tanaka' },
      zone: { method: 'hrr', low: 0.4, high },
    });
    const demo = (siteId: string, high = 0.6) => ({
      site: { id: siteId, name: 'Demo clinic' },
      usernamePrefix: siteId,
      gatewayIds: [`${siteId}-gw`],
      participants: [
        {
          id: `${siteId}-p1`,
          alias: 'Mei',
          age: 64,
          sex: 'female' as const,
          condition: 'heart failure',
          betaBlocker: true,
          hrRest: 68,
          deviceIds: [`${siteId}-hr1`, { id: `${siteId}-ox1`, kind: 'oximeter' as const }],
          prescription: rx(high),
        },
        {
          id: `${siteId}-p2`,
          alias: 'Tom',
          age: 58,
          sex: 'male' as const,
          condition: 'COPD',
          betaBlocker: false,
          hrRest: 72,
          hrMax: 160,
          deviceIds: [`${siteId}-hr2`],
          prescription: rx(0.7),
        },
        {
          id: `${siteId}-p3`,
          alias: 'Ada',
          age: 71,
          sex: 'female' as const,
          condition: 'diabetes',
          betaBlocker: false,
          hrRest: 75,
          deviceIds: [`${siteId}-hr3`],
          prescription: rx(0.55),
          home: true,
        },
      ],
    });

    it('seeds everything once, returns random passwords, and is idempotent', async () => {
      const siteId = uid('demo');
      const first = await seedDemo(reg(), demo(siteId));
      expect(first.created).toBe(true);
      expect(first.users.map((u) => u.role)).toEqual(['admin', 'clinician', 'instructor', 'coach', 'ops']);
      for (const u of first.users) {
        expect(u.password).toMatch(/^[A-Za-z0-9_-]{20}$/);
        expect(await reg().users.authenticate(u.username, u.password)).toMatchObject({
          id: u.userId,
          roles: [u.role],
        });
      }
      expect(new Set(first.users.map((u) => u.password)).size).toBe(5);
      const live = await reg().rosters.activeBindings({ siteIds: [siteId] });
      expect(live.map((b) => [b.deviceId, b.participantId, b.sessionId]).sort()).toEqual(
        [
          [`${siteId}-hr1`, `${siteId}-p1`, first.sessionId],
          [`${siteId}-ox1`, `${siteId}-p1`, first.sessionId],
          [`${siteId}-hr2`, `${siteId}-p2`, first.sessionId],
          [`${siteId}-hr3`, `${siteId}-p3`, first.homeSessions[0]?.sessionId],
        ].sort(),
      );
      expect(await reg().devices.get(`${siteId}-ox1`)).toMatchObject({ kind: 'oximeter' });
      expect(await reg().participants.getClinical(`${siteId}-p1`)).toMatchObject({
        ageYears: 64,
        sex: 'female',
        conditions: ['heart failure'],
        betaBlocker: true,
      });
      expect((await reg().prescriptions.current(`${siteId}-p1`))?.body).toEqual(rx(0.6));
      const home = await reg().sessions.get(first.homeSessions[0]!.sessionId);
      expect(home).toMatchObject({ kind: 'home', status: 'active', coachId: first.users[3]?.userId });
      const cred = await reg().gateways.lookupCredential(`${siteId}-gw`);
      expect(cred?.siteId).toBe(siteId);
      expect(await verifyPassword(first.gateways[0]!.secret, cred!.secretHash)).toBe(true);

      const second = await seedDemo(reg(), demo(siteId));
      expect(second).toMatchObject({
        created: false,
        siteId,
        classId: first.classId,
        sessionId: first.sessionId,
        homeSessions: first.homeSessions,
        participantIds: first.participantIds,
      });
      expect(second.users.map((u) => u.userId)).toEqual(first.users.map((u) => u.userId));
      for (const [i, u] of second.users.entries()) {
        expect(u.password).not.toBe(first.users[i]?.password);
        expect(await reg().users.authenticate(u.username, u.password)).toBeDefined();
        expect(await reg().users.authenticate(u.username, first.users[i]!.password)).toBeUndefined();
      }
      expect(await reg().rosters.activeBindings({ siteIds: [siteId] })).toHaveLength(4);
      expect(await reg().prescriptions.history(`${siteId}-p1`)).toHaveLength(1);
      expect(await reg().sessions.active({ siteIds: [siteId] })).toHaveLength(2);

      // A changed demo prescription becomes version 2; an ended class gets a new active session.
      ctx.clock.now = T0 + 1000;
      await reg().sessions.end(first.sessionId);
      const third = await seedDemo(reg(), demo(siteId, 0.65));
      ctx.clock.now = T0;
      expect(third.sessionId).not.toBe(first.sessionId);
      expect((await reg().prescriptions.history(`${siteId}-p1`)).map((p) => p.version)).toEqual([1, 2]);
      expect((await reg().prescriptions.current(`${siteId}-p1`, T0 + 1000))?.body).toEqual(rx(0.65));
      expect(await reg().rosters.activeBindings({ siteIds: [siteId] })).toHaveLength(4);
      expect((await reg().audit.list({ entity: 'site', entityId: siteId })).map((e) => e.action)).toEqual([
        'demo.reseed',
        'demo.reseed',
        'demo.seed',
      ]);
    });
  });

  // Roles and grants need a server; PGlite runs as one superuser.
  if (engine.name === 'Postgres') {
    it('least privilege: a role without access to clinical details runs every live-service query', async () => {
      const server = ctx.server!;
      const { site, session, ann, strapA } = await world(reg());
      await reg().participants.setClinical(ann.id, { notes: 'private' });
      await reg().rosters.bind({ sessionId: session.id, participantId: ann.id, deviceId: strapA.id });
      await reg().sessions.start(session.id, T0);
      await reg().alerts.raise({
        sessionId: session.id,
        participantId: ann.id,
        rule: 'HR_LOW',
        severity: 'critical',
        atMs: T0,
      });
      await server.admin(`CREATE ROLE class_wall LOGIN`);
      const dbUrl = new URL(server.url);
      dbUrl.pathname = '/registry_test';
      const adminDb = await openPostgres(dbUrl.toString());
      await adminDb.exec(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO class_wall;
        REVOKE SELECT ON participant_clinical FROM class_wall;`);
      await adminDb.close();
      dbUrl.username = 'class_wall';
      const wallDb = await openPostgres(dbUrl.toString());
      try {
        const wall = createRegistry(wallDb, { passwordParams: FAST_SCRYPT });
        expect((await wall.participants.list({ siteId: site.id })).map((p) => p.alias)).toEqual([
          'Ann',
          'Bob',
        ]);
        expect(await wall.participants.get(ann.id)).toBeDefined();
        expect(await wall.sessions.active({ siteIds: [site.id] })).toHaveLength(1);
        expect(await wall.rosters.activeBindings({ siteIds: [site.id] })).toHaveLength(1);
        expect(await wall.alerts.open({ siteIds: [site.id] })).toHaveLength(1);
        expect(await wall.prescriptions.currentMany([ann.id])).toEqual([]);
        await expect(wall.participants.getClinical(ann.id)).rejects.toMatchObject({
          code: 'ZW_ERR_DB',
          sqlState: '42501',
          message: 'Database error (SQLSTATE 42501)',
        });
      } finally {
        await wallDb.close();
      }
    });
  }
});
