import type { RedisClientType } from 'redis';
import type { SessionStore, StoredSession } from './session-store.js';

/** The node-redis commands this store uses (any client created with `createClient`). */
type RedisClient = Pick<RedisClientType, 'multi' | 'get' | 'set' | 'del' | 'sRem' | 'sMembers'>;

const sessionKey = (hash: string) => `zw:auth:session:${hash}`;
const userKey = (userId: string) => `zw:auth:user:${userId}`;

/**
 * Login sessions in Redis, shared by every ingest node (a console's REST calls and its socket may land on
 * different nodes). Only token hashes are stored; each record expires in Redis at its absolute expiry.
 */
export class RedisSessionStore implements SessionStore {
  constructor(private readonly redis: RedisClient) {}

  async create(session: StoredSession): Promise<void> {
    await this.redis
      .multi()
      .set(sessionKey(session.tokenHash), JSON.stringify(session), {
        expiration: { type: 'PXAT', value: session.expiresAt },
      })
      .sAdd(userKey(session.userId), session.tokenHash)
      .pExpireAt(userKey(session.userId), session.expiresAt)
      .exec();
  }

  async get(tokenHash: string): Promise<StoredSession | undefined> {
    const raw = await this.redis.get(sessionKey(tokenHash));
    return raw ? (JSON.parse(raw) as StoredSession) : undefined;
  }

  async touch(tokenHash: string, atMs: number): Promise<void> {
    const s = await this.get(tokenHash);
    if (!s || atMs <= s.lastSeenAt) return;
    await this.redis.set(sessionKey(tokenHash), JSON.stringify({ ...s, lastSeenAt: atMs }), {
      expiration: { type: 'PXAT', value: s.expiresAt },
      condition: 'XX',
    });
  }

  async delete(tokenHash: string): Promise<void> {
    const s = await this.get(tokenHash);
    await this.redis.del(sessionKey(tokenHash));
    if (s) await this.redis.sRem(userKey(s.userId), tokenHash);
  }

  async deleteByUser(userId: string): Promise<number> {
    const hashes = await this.redis.sMembers(userKey(userId));
    if (hashes.length === 0) return 0;
    const n = await this.redis.del(hashes.map(sessionKey));
    await this.redis.del(userKey(userId));
    return Number(n);
  }
}
