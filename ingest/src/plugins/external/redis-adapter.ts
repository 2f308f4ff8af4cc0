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
  // A broadcast that waits is sent late, not dropped: at a restart of 7,000 participants every signal-lost
  // alert raises and clears within seconds (8,700 publishes and 7 MB in one second), and node-redis's default
  // command timeout of 5 s dropped thousands of them (measured: publish latency up to 5.6 s, 8,154 dropped).
  const pub = createClient({ url: opts.url, commandOptions: { timeout: ADAPTER_COMMAND_TIMEOUT_MS } });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on('error', (e: Error) => app.log.error({ err: e.message }, 'redis error'));
  await Promise.all([pub.connect(), sub.connect()]);
  // The adapter publishes without awaiting, and node-redis rejects a command that got no answer within its
  // timeout (see above): unhandled, that rejection ended the whole node (seen at 10,000 participants while
  // the event loop was busy). A lost broadcast is logged; the node, and every site it holds, goes on.
  for (const [client, methods] of [
    [pub, ['publish', 'sPublish']],
    [sub, ['subscribe', 'pSubscribe', 'sSubscribe']],
  ] as const)
    for (const m of methods)
      catchRejections(client as unknown as Record<string, unknown>, m, (err) =>
        app.log.error({ err: err.message, command: m }, 'redis command for the Socket.IO adapter failed'),
      );
  app.io.adapter(createAdapter(pub, sub, { requestsTimeout: CLUSTER_TIMEOUT_MS }));
  app.addHook('onClose', async () => {
    for (const c of [pub, sub]) await c.quit().catch(() => undefined);
  });
};

/** How long a Socket.IO broadcast may wait for Redis before it is given up (and logged). */
export const ADAPTER_COMMAND_TIMEOUT_MS = 30_000;

export default fp(redisAdapter, { name: 'zw-redis-adapter', fastify: '5.x', dependencies: ['zw-socket-io'] });

/** Wraps `client[method]` so a rejection of the promise it returns is reported, never left unhandled. */
function catchRejections(
  client: Record<string, unknown>,
  method: string,
  report: (err: Error) => void,
): void {
  const original = client[method];
  if (typeof original !== 'function') return;
  client[method] = (...args: unknown[]) => {
    const result: unknown = original.apply(client, args);
    if (result instanceof Promise) result.catch(report);
    return result;
  };
}
