import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The Content-Security-Policy of every answer. The console (Vite-built Preact, `monitor-ui/dist`) loads
 * only its own scripts and stylesheets from `/assets/` (no inline script or style element; styles set from
 * script go through the CSSOM, which CSP does not restrict), talks to `/api` and to Socket.IO on its own
 * origin (`'self'` covers ws:/wss: to it), and draws its charts itself. Nothing may frame it.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // frame-ancestors for browsers that predate it.
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Security headers on every HTTP answer of the app — the console page and its client-side routes, static
 * assets, `/api/*` including errors and 404s, `/healthz` (issue 13 hole 8). A route that sets one of them
 * itself keeps its own.
 */
const securityHeaders: FastifyPluginAsync = async (app) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(HEADERS)) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    return payload;
  });
};

export default fp(securityHeaders, { name: 'zw-security-headers', fastify: '5.x' });
