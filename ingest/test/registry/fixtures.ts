import { afterAll, beforeAll } from 'vitest';
import {
  createRegistry,
  type Db,
  migrate,
  openPglite,
  openPostgres,
  type Registry,
  type ScryptParams,
} from '../../src/registry/index.js';
import { type PgServer, startPostgres } from './pg-server.js';

/** Cheap scrypt for tests that create many users (the defaults are tested in passwords.test.ts). */
export const FAST_SCRYPT: ScryptParams = { N: 1024, r: 8, p: 1 };

/** 2025-01-06 09:00 UTC: a Monday morning class. */
export const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

export interface Engine {
  name: 'PGlite' | 'Postgres';
  /** Opens an empty database; `stop` also stops the server it started. */
  open(): Promise<{ db: Db; server?: PgServer; stop(): Promise<void> }>;
}

export const ENGINES: Engine[] = [
  {
    name: 'PGlite',
    async open() {
      const db = await openPglite('memory');
      return { db, stop: () => db.close() };
    },
  },
  {
    name: 'Postgres',
    async open() {
      const server = await startPostgres();
      try {
        const db = await openPostgres(await server.createDatabase('registry_test'));
        return {
          db,
          server,
          async stop() {
            await db.close();
            await server.stop();
          },
        };
      } catch (err) {
        await server.stop();
        throw err;
      }
    },
  },
];

/** A migrated database and a registry on it for one describe block (one database per engine per file). */
export function useRegistry(engine: Engine) {
  const state = {} as { db: Db; registry: Registry; server?: PgServer; clock: { now: number } };
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const opened = await engine.open();
    stop = opened.stop;
    await migrate(opened.db);
    state.db = opened.db;
    if (opened.server) state.server = opened.server;
    state.clock = { now: T0 };
    state.registry = createRegistry(opened.db, { clock: () => state.clock.now, passwordParams: FAST_SCRYPT });
  });
  afterAll(async () => {
    await stop?.();
  });
  return state;
}

let counter = 0;
/** A unique id-ish token (lower-case, digits, "-") for this test file. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A site with a clinician, an instructor, two participants, three devices, a class and a scheduled session. */
export async function world(r: Registry) {
  const site = await r.sites.create({ id: uid('site'), name: 'Heart clinic' });
  const clinician = await r.users.create({
    username: uid('clin'),
    displayName: 'Dr C',
    password: 'correct horse battery',
    roles: ['clinician'],
    siteIds: [site.id],
  });
  const instructor = await r.users.create({
    username: uid('inst'),
    displayName: 'Ines',
    password: 'correct horse battery',
    roles: ['instructor'],
    siteIds: [site.id],
  });
  const ann = await r.participants.create({ siteId: site.id, alias: 'Ann' });
  const bob = await r.participants.create({ siteId: site.id, alias: 'Bob' });
  const strapA = await r.devices.create({ id: uid('C8:4F:12:00:01'), siteId: site.id, kind: 'hr-strap' });
  const oxiA = await r.devices.create({ id: uid('OX-'), siteId: site.id, kind: 'oximeter' });
  const strapB = await r.devices.create({ id: uid('C8:4F:12:00:02'), siteId: site.id, kind: 'hr-strap' });
  const cls = await r.classes.create({ siteId: site.id, name: 'Cardiac rehab', instructorId: instructor.id });
  const session = await r.sessions.create({ siteId: site.id, kind: 'class', classId: cls.id });
  return { site, clinician, instructor, ann, bob, strapA, oxiA, strapB, cls, session };
}
