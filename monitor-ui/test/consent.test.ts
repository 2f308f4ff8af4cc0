import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, login, newContext, SCREENSHOTS, type Stack, startStack } from './harness.js';

/**
 * The consent screen (issue 16) in real headless Chromium against the real stack: a clinician sees each
 * purpose's decision in force and records a withdrawal of home-monitoring consent with the notice version;
 * an instructor then starting a home session for that person is refused with the translated message.
 */
let stack: Stack;
let browser: Browser;
const HOME = 'e2e-h1';
const STRAP = 'C8:4F:12:E2:09:01';

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function as(role: keyof Stack['users'], lang: 'en' | 'zh-CN'): Promise<Page> {
  const ctx = await newContext(browser, { lang });
  const page = await ctx.newPage();
  await login(page, stack.url, stack.users[role]);
  return page;
}

async function token(role: keyof Stack['users']): Promise<string> {
  const res = await fetch(new URL('/api/auth/login', stack.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...stack.users[role], returnToken: true }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function api(method: string, p: string, bearer: string, body?: unknown) {
  const res = await fetch(new URL(p, stack.url), {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json!;
}

describe('consent', () => {
  it('a clinician withdraws home-monitoring consent; starting a home session for that person is refused', async () => {
    // A home session for the demo's home participant, with their strap, not started yet (the demo's own
    // home session ends first: the strap is free then).
    const instructor = await token('instructor');
    const demoHome = await api('GET', `/api/sessions/${stack.homeSessionId}`, instructor);
    await api('POST', `/api/sessions/${stack.homeSessionId}/stop`, instructor);
    const created = await api('POST', '/api/sessions', instructor, {
      siteId: demoHome['siteId'],
      kind: 'home',
      name: 'Consent check',
    });
    await api('POST', `/api/sessions/${created['id']}/bindings`, instructor, {
      participantId: HOME,
      deviceId: STRAP,
    });

    // The clinician's consent screen, in Chinese: the demo granted everything.
    const page = await as('clinician', 'zh-CN');
    await page.goto(`${stack.url}#/admin/participants/${HOME}`);
    const panel = page.locator('[data-testid=consent]');
    await panel.waitFor({ timeout: 15_000 });
    const row = panel.locator('tr[data-purpose=home-monitoring]');
    await expect.poll(() => row.getAttribute('data-granted'), { timeout: 10_000 }).toBe('true');
    expect(await row.textContent()).toContain('已同意');
    // No notice version: refused in the console before anything is sent.
    await row.locator('button[name=withdraw-home-monitoring]').click();
    await panel.locator('p.error', { hasText: '隐私告知版本' }).waitFor({ timeout: 5_000 });
    await panel.locator('input[name=consent-notice]').fill('2026-12');
    await row.locator('button[name=withdraw-home-monitoring]').click();
    await expect.poll(() => row.getAttribute('data-granted'), { timeout: 10_000 }).toBe('false');
    expect(await row.textContent()).toContain('已撤回');
    expect(await row.textContent()).toContain('2026-12');
    expect(await panel.locator('p.error').count()).toBe(0);
    // The other purposes are untouched; the history lists the withdrawal first.
    expect(await panel.locator('tr[data-purpose=wall-name]').getAttribute('data-granted')).toBe('true');
    await panel.locator('details summary').click();
    expect(await panel.locator('[data-testid=consent-history] li').first().textContent()).toContain(
      '居家监测',
    );
    const table = panel.locator('[data-testid=consent-current]');
    expect(await table.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'consent-zh-CN.png') });
    await page.context().close();

    // The instructor starts the home session from its wall: refused, with the translated message.
    const wall = await as('instructor', 'zh-CN');
    await wall.goto(`${stack.url}#/wall/${created['id']}`);
    const start = wall.locator('.wall-bar button.btn-primary', { hasText: '开始' });
    await start.waitFor({ timeout: 15_000 });
    await start.click();
    const refusal = wall.locator('p.error', { hasText: '该参与者未同意此项用途（居家监测）' });
    await refusal.waitFor({ timeout: 10_000 });
    const after = await api('GET', `/api/sessions/${created['id']}`, instructor);
    expect(after['status']).toBe('scheduled');
    await wall.context().close();
  });
});
