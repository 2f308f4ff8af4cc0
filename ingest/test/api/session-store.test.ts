import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthService, hashToken, RegistrySessionStore } from '../../src/auth/index.js';
import {
  createRegistry,
  type Db,
  LOGIN_TOUCH_EVERY_MS,
  migrate,
  openPglite,
  type Registry,
} from '../../src/registry/index.js';
import { FAST_SCRYPT, PASSWORD, T0 } from './helpers.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * Issue 13 hole 5, the store: logins kept in the registry (`login_sessions`) as token hashes only, with the
 * auth service's expiry rules unchanged — idle and absolute expiry on an injected clock, logout, and the
 * end of every login of a user whose password changed or who was disabled.
 */
describe('hole 5: login sessions in the registry', () => {
  let db: Db;
  let registry: Registry;
  const clock = { now: T0 };
  let userId: string;
  /** A new auth service over the same database: what a restarted ingest builds. */
  const restarted = () =>
    createAuthService({ registry, clock: () => clock.now, store: new RegistrySessionStore(registry) });

  beforeAll(async () => {
    db = await openPglite('memory');
    await migrate(db);
    registry = createRegistry(db, { clock: () => clock.now, passwordParams: FAST_SCRYPT });
    userId = (
      await registry.users.create({
        username: 'nurse.li',
        displayName: 'Li',
        password: PASSWORD,
        roles: ['instructor'],
      })
    ).id;
  });
  afterAll(() => db?.close());

  it('a login made by one service instance is a login for the next, and only its hash is stored', async () => {
    const { token, expiresAt } = await restarted().login('nurse.li', PASSWORD, '127.0.0.1');
    expect(await restarted().resolve(token)).toMatchObject({ user: { id: userId }, expiresAt });
    const rows = await db.query<Record<string, unknown>>('SELECT * FROM login_sessions');
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.map((r) => r['token_hash'])).toContain(hashToken(token));
  });

  it('idle expiry: activity keeps a login (written at most every 30 s), silence ends it', async () => {
    const { token } = await restarted().login('nurse.li', PASSWORD, '127.0.0.1');
    clock.now += HOUR + 59 * MIN; // just under the 2 h idle limit
    expect(await restarted().resolve(token)).not.toBeNull();
    clock.now += HOUR + 59 * MIN; // again: the activity above counts
    expect(await restarted().resolve(token)).not.toBeNull();
    clock.now += LOGIN_TOUCH_EVERY_MS / 2; // a request within 30 s is not written, and need not be
    expect(await restarted().resolve(token)).not.toBeNull();
    clock.now += 2 * HOUR;
    expect(await restarted().resolve(token)).toBeNull();
    expect(await registry.loginSessions.get(hashToken(token))).toBeUndefined();
  });

  it('absolute expiry ends a login however active it is, and expired rows are purged', async () => {
    const { token } = await restarted().login('nurse.li', PASSWORD, '127.0.0.1');
    for (let h = 0; h < 11; h++) {
      clock.now += HOUR;
      expect(await restarted().resolve(token), `after ${h + 1} h`).not.toBeNull();
    }
    clock.now += HOUR;
    expect(await restarted().resolve(token)).toBeNull();
    // A row left behind by a login nobody used again goes at the next login.
    const stale = await restarted().login('nurse.li', PASSWORD, '127.0.0.1');
    clock.now += 13 * HOUR;
    await restarted().login('nurse.li', PASSWORD, '127.0.0.1');
    expect(await registry.loginSessions.get(hashToken(stale.token))).toBeUndefined();
  });

  it('logout ends one login; revokeUser (password change, disabled account) ends all of them', async () => {
    const a = await restarted().login('nurse.li', PASSWORD, '127.0.0.1');
    const b = await restarted().login('nurse.li', PASSWORD, '127.0.0.1');
    const c = await restarted().login('nurse.li', PASSWORD, '127.0.0.1');
    await restarted().logout(a.token);
    expect(await restarted().resolve(a.token)).toBeNull();
    expect(await restarted().resolve(b.token)).not.toBeNull();
    expect(await restarted().revokeUser(userId)).toBeGreaterThanOrEqual(2);
    expect(await restarted().resolve(b.token)).toBeNull();
    expect(await restarted().resolve(c.token)).toBeNull();
    // A disabled account's leftover row would not log anyone in either.
    const d = await restarted().login('nurse.li', PASSWORD, '127.0.0.1');
    await registry.users.update(userId, { disabled: true });
    expect(await restarted().resolve(d.token)).toBeNull();
  });
});
