import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { createClient } from 'redis';
import { CLUSTER_TIMEOUT_MS } from '../../live/router.js';

export interface RedisAdapterOptions {
  /** redis:// or rediss:// URL of the Redis every ingest node shares. */
  url: string;
}

/**
 * The Socket.IO Redis adapter: any node serves any console, so rooms, broadcasts and server-side requests
 * go through Redis. Its two connections close with the app.
 */
const redisAdapter: FastifyPluginAsync<RedisAdapterOptions> = async (app, opts) => {
  const pub = createClient({ url: opts.url });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on('error', (e: Error) => app.log.error({ err: e.message }, 'redis error'));
  await Promise.all([pub.connect(), sub.connect()]);
  app.io.adapter(createAdapter(pub, sub, { requestsTimeout: CLUSTER_TIMEOUT_MS }));
  app.addHook('onClose', async () => {
    for (const c of [pub, sub]) await c.quit().catch(() => undefined);
  });
};

export default fp(redisAdapter, { name: 'zw-redis-adapter', fastify: '5.x', dependencies: ['zw-socket-io'] });
