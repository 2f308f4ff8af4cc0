// aedes-persistence-redis (12.x) ships no types. Its package root is the callback wrapper aedes 1.x refuses;
// the async class lives in this file.
declare module 'aedes-persistence-redis/asyncPersistence.js' {
  import type { Redis, RedisOptions } from 'ioredis';

  export interface AsyncRedisPersistenceOptions extends RedisOptions {
    /** An existing ioredis connection to use instead of opening one. */
    conn?: Redis;
    /**
     * Most stored QoS>0 messages sent to a persistent session when it reconnects (default 1000; the rest stay
     * in Redis until its next reconnect).
     */
    maxSessionDelivery?: number;
    /** TTL of stored packets, seconds (0 = none). */
    packetTTL?: () => number;
  }

  export default class AsyncRedisPersistence {
    constructor(opts?: AsyncRedisPersistenceOptions);
    setup(broker: unknown): Promise<void>;
    destroy(): Promise<void>;
    createRetainedStreamCombi(patterns: string[]): AsyncIterable<unknown>;
    createRetainedStream(pattern: string): AsyncIterable<unknown>;
    outgoingStream(client: unknown): AsyncIterable<unknown>;
    streamWill(brokers: unknown): AsyncIterable<unknown>;
    getClientList(topic: string): Iterable<string> | AsyncIterable<string>;
  }
}
