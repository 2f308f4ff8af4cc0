/**
 * The participant's own view (issue 16) in Chromium on a phone (360 × 740, zh-CN), opened with a link a
 * clinician issued through the API of a real platform: it shows that participant's figures only, in Chinese
 * with nothing cut, the plain-language summary of their session and a printable session page; the last
 * loaded page opens offline; a revoked or expired link shows a clear page and no data.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newLinkToken, participantLinks } from '../../ingest/src/participant/links.js';
import { loginAs } from '../../ingest/test/integration/stack.js';
import { ACK_NOTE, FIGURES, seedReports } from '../../ingest/test/pdf/fixtures.js';
import { type DemoPlatform, startDemoPlatform } from '../../ingest/test/security/web-stack.js';
import { ensureBuilt, launchBrowser, login, newContext, SCREENSHOTS, visibleUiText } from './harness.js';

let demo: DemoPlatform;
let browser: Browser;
let ids: Awaited<ReturnType<typeof seedReports>>;
let clinician: string;

async function issueLink(participantId: string): Promise<{ url: string; linkId: string; token: string }> {
  const res = await fetch(new URL(`/api/participants/${participantId}/access-links`, demo.platform.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${clinician}`, 'content-type': 'application/json' },
    body: JSON.stringify({ validDays: 14 }),
  });
  expect(res.status).toBe(201);
  const b = (await res.json()) as { path: string; token: string; link: { id: string } };
  return { url: new URL(b.path, demo.platform.url).toString(), linkId: b.link.id, token: b.token };
}

/** Text that is cut (wider than its box) anywhere on the page. */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
      .map((el) => `${el.tagName}.${el.className}: ${el.textContent?.slice(0, 40)}`)
      .concat(document.documentElement.scrollWidth > window.innerWidth ? ['the page scrolls sideways'] : []),
  );
}

/** Latin words on a zh-CN page other than units and the PDF format's name. */
async function englishWords(page: Page): Promise<string[]> {
  const allowed = new Set(['PDF', 'CSV', 'bpm', 'SpO2']);
  return (await visibleUiText(page))
    .flatMap((t) => t.match(/[A-Za-z]{2,}/g) ?? [])
    .filter((w) => !allowed.has(w));
}

beforeAll(async () => {
  await ensureBuilt();
  demo = await startDemoPlatform('p-view');
  ids = await seedReports(demo.platform);
  clinician = await loginAs(demo.platform, 'clinician');
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

describe('participant view on a phone', () => {
  it('zh-CN at 360 × 740: only this participant’s figures, a plain summary, nothing cut, no English', async () => {
    const { url } = await issueLink(ids.p0);
    const ctx = await newContext(browser, { lang: 'en', width: 360, height: 740 });
    const page = await ctx.newPage();
    await page.goto(url);
    await page.locator('.p-alias').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN'); // Chinese by default, whatever the phone
    const body = await page.locator('body').textContent();
    expect(await page.locator('.p-alias').textContent()).toBe(ids.alias0);
    expect(body).toMatch(new RegExp(`区间内 ${FIGURES.minutesIn}( / \\d+)? 分钟`)); // this week
    expect(body).toContain(
      `您在目标心率区间内运动了 ${FIGURES.minutesIn} 分钟（目标 ${FIGURES.target} 分钟）。`,
    );
    expect(body).toContain(`运动结束后第一分钟，您的心率下降了 ${FIGURES.drop} 次/分。`);
    expect(body).toContain('下次复评');
    for (const other of [ids.alias1, ids.instructorName, ACK_NOTE]) expect(body).not.toContain(other);
    expect(await englishWords(page)).toEqual([]);
    expect(await overflowing(page)).toEqual([]);
    const size = await page
      .locator('.p-session .p-line-text')
      .first()
      .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(16);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'participant-view-zh-CN.png'), fullPage: true });

    // The session page: the same sentences, the figures, the alert without who handled it; printable.
    await page.locator('.p-session').first().click();
    await page.locator('.p-session-page').waitFor();
    const detail = await page.locator('body').textContent();
    expect(detail).toContain('训练小结');
    expect(detail).toContain(`${FIGURES.hrPeak} 次/分`);
    expect(detail).toContain('心率超过安全上限');
    for (const other of [ids.alias1, ids.instructorName, ACK_NOTE]) expect(detail).not.toContain(other);
    expect(await englishWords(page)).toEqual([]);
    expect(await overflowing(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'participant-session-zh-CN.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.p-actions').isVisible()).toBe(false);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBe(1);
    await ctx.close();
  });

  it('opens the last loaded page offline', async () => {
    const { url } = await issueLink(ids.p0);
    const ctx = await newContext(browser, { width: 360, height: 740 });
    const page = await ctx.newPage();
    await page.goto(url);
    await page.locator('.p-alias').waitFor();
    // Wait until the service worker controls the page (it keeps the page and its assets).
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller)
        await new Promise((r) =>
          navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }),
        );
    });
    await page.reload();
    await page.locator('.p-alias').waitFor();
    await ctx.setOffline(true);
    await page.reload();
    await page.locator('.p-offline').waitFor();
    expect(await page.locator('.p-alias').textContent()).toBe(ids.alias0);
    expect(await page.locator('body').textContent()).toContain(
      `您在目标心率区间内运动了 ${FIGURES.minutesIn} 分钟`,
    );
    await ctx.close();
  });

  it('a revoked link shows a clear page and no data, also after it was seen before', async () => {
    const { url, linkId } = await issueLink(ids.p0);
    const ctx = await newContext(browser, { width: 360, height: 740 });
    const page = await ctx.newPage();
    await page.goto(url);
    await page.locator('.p-alias').waitFor();
    const res = await fetch(
      new URL(`/api/participants/${ids.p0}/access-links/${linkId}`, demo.platform.url),
      {
        method: 'DELETE',
        headers: { authorization: `Bearer ${clinician}` },
      },
    );
    expect(res.status).toBe(200);
    await page.reload();
    await page.locator('.p-refused').waitFor();
    const body = await page.locator('body').textContent();
    expect(body).toContain('此链接已被撤销。请向您的医生索取新的链接。');
    for (const data of [ids.alias0, String(FIGURES.minutesIn)]) expect(body).not.toContain(data);
    expect(
      await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('zw.p.cache.'))),
    ).toEqual([]);
    await ctx.close();
  });

  it('an expired link and a made-up one show a clear page and no data', async () => {
    const token = newLinkToken();
    const now = demo.platform.registry.now();
    await participantLinks(demo.platform.registry).insert({
      token,
      participantId: ids.p0,
      createdBy: 'user:test',
      createdAt: now - 20 * 86_400_000,
      expiresAt: now - 60_000,
    });
    const ctx = await newContext(browser, { width: 360, height: 740 });
    const page = await ctx.newPage();
    await page.goto(new URL(`/p/#${token}`, demo.platform.url).toString());
    await page.locator('.p-refused').waitFor();
    let body = await page.locator('body').textContent();
    expect(body).toContain('此链接已过期。请向您的医生索取新的链接。');
    expect(body).not.toContain(ids.alias0);
    expect(await englishWords(page)).toEqual([]);
    await page.goto(new URL(`/p/#${newLinkToken()}`, demo.platform.url).toString());
    await page.reload();
    await page.locator('.p-refused[data-refused="invalid"]').waitFor();
    body = await page.locator('body').textContent();
    expect(body).toContain('此链接无效');
    expect(body).not.toContain(ids.alias0);
    await ctx.close();
  });
});

describe('audit screen (admin)', () => {
  it('lists who read or changed whose record, filters by person, user and time, exports CSV', async () => {
    const { url } = await issueLink(ids.p0);
    await fetch(new URL('/api/me', demo.platform.url), {
      headers: { 'x-zw-link': new URL(url).hash.slice(1) },
    });
    const admin = demo.platform.demo!.seed.users.find((u) => u.role === 'admin')!;
    const ctx = await newContext(browser, { lang: 'zh-CN', width: 1280, height: 900 });
    const page = await ctx.newPage();
    await login(page, demo.platform.url, admin);
    await page.goto(new URL('#/admin/audit', demo.platform.url).toString());
    await page.locator('.audit-table tbody tr').first().waitFor();
    await page.locator('select[name=participant]').selectOption(ids.p0);
    await page.locator('.audit-table tr[data-action="participant-link.use"]').first().waitFor();
    const rows = await page.locator('.audit-table tbody tr').allTextContents();
    expect(rows.some((r) => r.includes('参与者查看了自己的记录') && r.includes(ids.alias0))).toBe(true);
    expect(rows.some((r) => r.includes('发放访问链接'))).toBe(true);
    expect(rows.every((r) => r.includes(ids.alias0))).toBe(true);
    // By user: the clinician's actions only.
    const clinicianUser = demo.platform.demo!.seed.users.find((u) => u.role === 'clinician')!;
    await page.locator('select[name=user]').selectOption(clinicianUser.userId);
    await expect
      .poll(() => page.locator('.audit-table tr[data-action="participant-link.use"]').count())
      .toBe(0);
    const mine = await page.locator('.audit-table tbody tr').count();
    expect(mine).toBeGreaterThan(0);
    // A time window in the future holds nothing.
    await page.locator('input[name=since]').fill('2099-01-01T00:00');
    await page.locator('input[name=since]').dispatchEvent('change');
    await expect.poll(() => page.locator('.audit-table tbody tr').count()).toBe(0);
    await page.locator('input[name=since]').fill('');
    await page.locator('input[name=since]').dispatchEvent('change');
    await page.locator('.audit-table tbody tr').first().waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.audit-filter button').click(),
    ]);
    const csv = await new Promise<string>((resolve, reject) => {
      download.createReadStream().then((s) => {
        let out = '';
        s.on('data', (c: Buffer) => {
          out += c.toString('utf8');
        });
        s.on('end', () => resolve(out));
        s.on('error', reject);
      }, reject);
    });
    expect(csv.startsWith('\uFEFF时间,用户,操作,相关档案,代码')).toBe(true);
    expect(csv).toContain('participant-link.create');
    expect(csv).toContain(ids.alias0);
    expect(await englishWords(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'audit-zh-CN.png') });
    await ctx.close();
  });
});

describe('issuing a link in the console (clinician)', () => {
  it('issues a link shown once, the phone opens it, revoking it closes it', async () => {
    const user = demo.platform.demo!.seed.users.find((u) => u.role === 'clinician')!;
    const ctx = await newContext(browser, { lang: 'zh-CN', width: 1280, height: 900 });
    const page = await ctx.newPage();
    await login(page, demo.platform.url, user);
    await page.goto(new URL(`#/admin/participants/${ids.p0}`, demo.platform.url).toString());
    await page.locator('.access-links button.btn-primary').click();
    const link = await page.locator('input.link-once').inputValue();
    expect(link).toMatch(/\/p\/#[A-Za-z0-9_-]{43}$/);
    const phone = await newContext(browser, { width: 360, height: 740 });
    const p = await phone.newPage();
    await p.goto(link);
    expect(await p.locator('.p-alias').textContent()).toBe(ids.alias0);
    const id = link.split('#')[1]!;
    const row = page.locator('.access-links tr[data-state="active"]').first();
    await row.waitFor();
    expect(await visibleUiText(page)).not.toContain(id);
    const n = await page.locator('.access-links tr[data-state="active"]').count();
    await row.locator('button').click();
    await expect.poll(() => page.locator('.access-links tr[data-state="active"]').count()).toBe(n - 1);
    await p.reload();
    await p.locator('.p-refused[data-refused="revoked"]').waitFor();
    await phone.close();
    await ctx.close();
  });
});
