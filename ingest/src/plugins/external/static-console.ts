import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

export interface StaticConsoleOptions {
  /** The built console (`monitor-ui/dist/`), or undefined when it was not built. */
  root: string | undefined;
}

/**
 * The console's static files, with its client-side routes (/wall/…, /coach/…) all answered by index.html;
 * a clone where the console was not built yet gets a page that says how to build it.
 */
const staticConsole: FastifyPluginAsync<StaticConsoleOptions> = async (app, { root }) => {
  if (!root) {
    app.get('/', async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><title>zonewatch</title><p>The console is not built: run <code>npm start</code> (it builds it) or <code>npm run build</code>.</p>',
        ),
    );
    return;
  }
  await app.register(fastifyStatic, { root, wildcard: false });
  app.setNotFoundHandler((req, reply) =>
    req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/socket.io/')
      ? reply.sendFile('index.html')
      : reply
          .code(404)
          .send({ error: 'ZW_ERR_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` }),
  );
};

export default fp(staticConsole, { name: 'zw-static-console', fastify: '5.x' });
