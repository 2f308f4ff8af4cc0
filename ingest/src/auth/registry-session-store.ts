import type { Registry } from '../registry/index.js';
import type { SessionStore, StoredSession } from './session-store.js';

/**
 * Login sessions in the registry (table `login_sessions`): they survive an ingest restart, and every node
 * sharing the database sees them (issue 13 hole 5). Only token hashes are stored. Activity is written at
 * most every `LOGIN_TOUCH_EVERY_MS` (30 s), so idle expiry is off by at most that.
 */
export class RegistrySessionStore implements SessionStore {
  constructor(private readonly registry: Pick<Registry, 'loginSessions'>) {}

  create(session: StoredSession): Promise<void> {
    return this.registry.loginSessions.create(session);
  }
  get(tokenHash: string): Promise<StoredSession | undefined> {
    return this.registry.loginSessions.get(tokenHash);
  }
  touch(tokenHash: string, atMs: number): Promise<void> {
    return this.registry.loginSessions.touch(tokenHash, atMs);
  }
  delete(tokenHash: string): Promise<void> {
    return this.registry.loginSessions.delete(tokenHash);
  }
  deleteByUser(userId: string): Promise<number> {
    return this.registry.loginSessions.deleteByUser(userId);
  }
}
