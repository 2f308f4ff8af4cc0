import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.js';
import { zhCN } from '../src/i18n/zh-CN.js';
import { apiLogin, launchBrowser, login, newContext, type Stack, startStack } from './harness.js';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  // Open consoles' logins are checked again every 500 ms instead of 30 s: the test need not wait long.
  stack = await startStack({ socketRevalidateMs: 500 });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/**
 * Issue 13 hole 5, the console: when its login ended, the wall said "Live link lost… Reconnecting…" with
 * empty tiles for good and never asked anyone to log in. Real Chromium, real stack; the login is ended on
 * the server (an administrator changes the instructor's password), not in the page.
 */
describe('hole 5: a console whose login has ended', () => {
  it('shows the login page with a translated message, and goes back to the wall after signing in again', async () => {
    const ctx = await newContext(browser, { lang: 'en' });
    // Everything the page loads must pass the Content-Security-Policy (issue 13 hole 8).
    await ctx.addInitScript(() => {
      const w = window as unknown as { cspViolations: string[] };
      w.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    const page = await ctx.newPage();
    await login(page, stack.url, stack.users.instructor);
    await page.goto(`${stack.url}#/wall/${stack.classSessionId}`);
    await page.locator(`.wall[data-session="${stack.classSessionId}"]`).waitFor();
    await expect
      .poll(() => page.locator('.tile[data-freshness=live]').count(), { timeout: 30_000 })
      .toBeGreaterThan(0);

    // An administrator changes the instructor's password: every login of theirs ends on the server.
    const instructorId = stack.platform.demo!.seed.users.find((u) => u.role === 'instructor')!.userId;
    const password = 'the instructor has a new password';
    const res = await fetch(`${stack.url}api/users/${instructorId}`, {
      method: 'PATCH',
      headers: { cookie: await apiLogin(stack.url, stack.users.admin), 'content-type': 'application/json' },
      body: JSON.stringify({ password }),
    });
    expect(res.status).toBe(200);

    const notice = page.locator('[data-testid=login-notice]');
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.textContent()).toBe(en['error.unauthenticated']);
    expect(await page.locator('form.login-card').isVisible()).toBe(true);
    expect(await page.locator('.wall').count()).toBe(0);
    expect(await page.getByText(en['link.reconnecting']).count()).toBe(0);

    // The message is translated like every other string.
    await page.locator('[data-lang="zh-CN"]').click();
    await expect.poll(() => notice.textContent()).toBe(zhCN['error.unauthenticated']);
    await page.locator('[data-lang="en"]').click();

    // Signing in again leads back to the wall that was open, live.
    await page.locator('input[name=username]').fill(stack.users.instructor.username);
    await page.locator('input[name=password]').fill(password);
    await page.locator('form.login-card button[type=submit]').click();
    await page.locator(`.wall[data-session="${stack.classSessionId}"]`).waitFor();
    expect(await notice.count()).toBe(0);
    await expect
      .poll(() => page.locator('.tile[data-freshness=live]').count(), { timeout: 30_000 })
      .toBeGreaterThan(0);

    expect(
      await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
    ).toEqual([]);
    await ctx.close();
  }, 150_000);
});
