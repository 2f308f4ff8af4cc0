import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, UI_ROOT } from '../../../monitor-ui/test/harness.js';
import { startWebStack, type WebStack } from './web-stack.js';

/** The headers every answer must carry, and what each must say. */
function expectSecurityHeaders(res: Response, what: string): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
  expect(directives.get('default-src'), `${what}: ${csp}`).toEqual(["'self'"]);
  expect(directives.get('script-src'), what).toEqual(["'self'"]);
  expect(directives.get('style-src'), what).toEqual(["'self'"]);
  expect(directives.get('connect-src'), what).toEqual(["'self'"]);
  expect(directives.get('object-src'), what).toEqual(["'none'"]);
  expect(directives.get('frame-ancestors'), what).toEqual(["'none'"]);
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('x-frame-options'), what).toBe('DENY');
  expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
}

/**
 * Issue 13 hole 8: `/` and `/api/*` answered without CSP, `X-Content-Type-Options`, frame-ancestors or
 * `Referrer-Policy`, and the OpenAPI document and docs UI answered without login. Real app over HTTP,
 * serving the built console.
 */
describe('hole 8: no security headers', () => {
  let stack: WebStack;
  let cookie: string;
  let indexHtml: string;
  const get = (url: string, withLogin = false) =>
    fetch(new URL(url, stack.origin), withLogin ? { headers: { cookie: `zw_session=${cookie}` } } : {});

  beforeAll(async () => {
    await ensureBuilt();
    indexHtml = await readFile(path.join(UI_ROOT, 'dist/index.html'), 'utf8');
    stack = await startWebStack();
    cookie = await stack.cookieOf('instructor');
  }, 120_000);
  afterAll(() => stack?.close());

  it('the console page, its client-side routes and its static assets carry them', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expectSecurityHeaders(page, '/');
    expectSecurityHeaders(await get('/wall/some-session'), '/wall/…');
    const assets = [...indexHtml.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const res = await get(asset);
      expect(res.status, asset).toBe(200);
      expectSecurityHeaders(res, asset);
    }
  });

  it('every /api answer carries them, refusals and unknown routes included', async () => {
    expectSecurityHeaders(await get('/api/auth/me', true), 'GET /api/auth/me');
    const refused = await get('/api/auth/me');
    expect(refused.status).toBe(401);
    expectSecurityHeaders(refused, '401');
    const missing = await get('/api/no-such-route');
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing, '404');
    expectSecurityHeaders(await get('/healthz'), '/healthz');
  });

  it('the policy allows what the built console loads: its own scripts and styles, nothing inline', () => {
    const tags = [...indexHtml.matchAll(/<(script|link|style)\b[^>]*>/g)].map((m) => m[0]);
    for (const tag of tags) {
      if (tag.startsWith('<style')) throw new Error(`inline style in index.html: ${tag}`);
      if (tag.startsWith('<script')) expect(tag, 'a script with a same-origin src').toMatch(/ src="\/[^/]/);
      if (/rel="(stylesheet|modulepreload)"/.test(tag)) expect(tag).toMatch(/ href="\/[^/]/);
    }
    expect(indexHtml).not.toMatch(/ style="/);
    expect(indexHtml).not.toMatch(/ on[a-z]+="/);
  });

  it('the OpenAPI document and the docs UI answer 401 without login and 200 with one', async () => {
    for (const url of ['/api/openapi.json', '/api/docs', '/api/docs/json', '/api/docs/static/index.html']) {
      const anonymous = await get(url);
      expect(anonymous.status, `${url} without login`).toBe(401);
      expect(((await anonymous.json()) as { error: string }).error).toBe('ZW_ERR_UNAUTHENTICATED');
      const res = await get(url, true);
      expect(res.status, `${url} with a login`).toBe(200);
      expectSecurityHeaders(res, url);
    }
    const doc = (await (await get('/api/openapi.json', true)).json()) as { openapi: string };
    expect(doc.openapi).toBe('3.0.3');
  });
});
