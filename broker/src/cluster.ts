import { Readable } from 'node:stream';
import AsyncRedisPersistence from 'aedes-persistence-redis/asyncPersistence.js';
import { Redis } from 'ioredis';
import mqemitterRedis from 'mqemitter-redis';
import type { Logger } from 'pino';

type AnyIterable = Iterable<unknown> | AsyncIterable<unknown>;

const asStream = (source: AnyIterable | Readable): Readable =>
  source instanceof Readable ? source : Readable.from(source);

/**
 * aedes-persistence-redis 12 returns async generators from its `*Stream*` methods, but aedes 1.2 calls
 * `.pipe()` on the retained stream of a new subscription (`lib/handlers/subscribe.js`): it would throw
 * `stream.pipe is not a function` the first time anyone subscribes. Wrap each one in a Readable, as
 * aedes-persistence's in-memory class does.
 */
class StreamingRedisPersistence extends AsyncRedisPersistence {
  override createRetainedStreamCombi(patterns: string[]): Readable {
    return asStream(super.createRetainedStreamCombi(patterns));
  }
  override createRetainedStream(pattern: string): Readable {
    return asStream(super.createRetainedStream(pattern));
  }
  override outgoingStream(client: unknown): Readable {
    return asStream(super.outgoingStream(client));
  }
  override streamWill(brokers: unknown): Readable {
    return asStream(super.streamWill(brokers));
  }
  override getClientList(topic: string): Readable {
    return asStream(super.getClientList(topic));
  }
}

export interface RedisBackends {
  /** mqemitter-redis: every node sees every message. */
  mq: unknown;
  /** Sessions, subscriptions, retained messages and wills shared by all nodes. */
  persistence: { setup(broker: unknown): Promise<void>; destroy(): Promise<void> };
  /** Releases what aedes does not close itself (aedes closes `mq`, not the persistence). */
  destroyPersistence(): Promise<void>;
  /** For a failed start: drops every connection. */
  abort(): void;
}

/** Builds the Redis-backed message bus and persistence for cluster mode. */
export function createRedisBackends(url: string, log: Logger): RedisBackends {
  const safe = (err: Error) => ({ message: err.message });
  const conn = new Redis(url);
  conn.on('error', (err: Error) => log.error({ error: safe(err) }, 'redis (persistence) error'));
  // Every message kept for a persistent session is sent when it comes back. The package's default
  // (`maxSessionDelivery` 1000) sends only the oldest 1,001 and leaves the rest in Redis until the session's
  // next reconnect: an ingest node taking over a site after a gap of more than 1,001 batches silently missed
  // the rest (measured: 3,000 kept, 1,001 delivered; the failover bench lost 6,211 samples at 7,000).
  const persistence = new StreamingRedisPersistence({ conn, maxSessionDelivery: Number.MAX_SAFE_INTEGER });
  const mq = mqemitterRedis({ connectionString: url, matchEmptyLevels: true });
  // mqemitter-redis reports connection errors on `state`; unhandled they would crash the process.
  (mq as unknown as { state: NodeJS.EventEmitter }).state.on('error', (err: Error) =>
    log.error({ error: safe(err) }, 'redis (mqemitter) error'),
  );
  let destroyed = false;
  return {
    mq,
    persistence,
    async destroyPersistence() {
      if (destroyed) return;
      destroyed = true;
      await persistence.destroy();
    },
    abort() {
      mq.close(() => {});
      conn.disconnect();
    },
  };
}
