import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  login,
  newContext,
  SCREENSHOTS,
  type Stack,
  startStack,
  visibleUiText,
} from './harness.js';

/**
 * Pairing a participant's phone from the console (issue 17) in real headless Chromium against the real
 * stack: a coach issues a one-time code from the home session's view and sees it large, with its expiry,
 * the link and a QR code; a clinician issuing one for a participant without home-monitoring consent sees
 * the refusal in their language. `ZW_SCREENSHOTS=1` writes docs/screenshots/pair-phone*.png.
 */
const SHOOT = process.env['ZW_SCREENSHOTS'] === '1';
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  // The demo's home walker consents to home monitoring, a class participant has withdrawn it (recorded by
  // the clinician, as on the consent page).
  const token = await staffToken('clinician');
  for (const [id, granted] of [
    [homeParticipant(), true],
    [classParticipant(), false],
  ] as const) {
    const res = await fetch(new URL(`/api/participants/${id}/consent`, stack.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ purpose: 'home-monitoring', granted, noticeVersion: 'e2e' }),
    });
    expect(res.status).toBe(201);
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

function homeParticipant(): string {
  return stack.platform.demo!.seed.homeSessions[0]!.participantId;
}

function classParticipant(): string {
  return stack.platform.demo!.seed.participantIds.find((id) => id !== homeParticipant())!;
}

async function staffToken(role: 'clinician' | 'coach'): Promise<string> {
  const res = await fetch(new URL('/api/auth/login', stack.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...stack.users[role], returnToken: true }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function as(role: 'clinician' | 'coach', lang: 'en' | 'zh-CN'): Promise<Page> {
  const ctx = await newContext(browser, { lang, width: 1280, height: 900 });
  const page = await ctx.newPage();
  await login(page, stack.url, stack.users[role]);
  return page;
}

/** Latin words on the page outside data (ids, the code, the link). */
async function englishWords(page: Page): Promise<string[]> {
  const allowed = new Set(['bpm', 'SpO2', 'CSV', 'PDF', 'MQTT']);
  return (await visibleUiText(page))
    .flatMap((t) => (t.match(/[A-Za-z]{2,}/g) ?? []).map((w) => [w, t] as const))
    .filter(([w]) => !allowed.has(w))
    .map(([w, t]) => `${w} ← "${t}"`);
}

/** Issues a code from the coach's home-session view and checks what the coach sees. */
async function issueAsCoach(page: Page): Promise<string> {
  await page.goto(`${stack.url}#/coach/live/${stack.homeSessionId}`);
  const panel = page.locator('[data-testid=pair-phone]');
  await panel.waitFor({ timeout: 15_000 });
  await panel.locator('button.btn-primary').click();
  const card = panel.locator('[data-testid=pair-code]');
  await card.waitFor({ timeout: 10_000 });
  const digits = (await card.locator('[data-testid=pair-digits]').textContent()) ?? '';
  expect(digits).toMatch(/^[2-9A-HJKMNP-Z]{4}[2-9A-HJKMNP-Z]{4}$/);
  // Shown in two groups of four, large enough to read out across a desk.
  expect(await card.locator('[data-testid=pair-digits] span').count()).toBe(2);
  const fontPx = await card
    .locator('[data-testid=pair-digits]')
    .evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
  expect(fontPx).toBeGreaterThanOrEqual(32);
  // The link opens the phone page with this code.
  const link = (await card.locator('[data-testid=pair-link]').textContent()) ?? '';
  expect(link).toBe(`${stack.url}home/#code=${digits}`);
  expect(await card.locator('[data-testid=pair-link] a').getAttribute('href')).toBe(link);
  // The QR code is an image drawn in the browser, with a real size, inside the card.
  const qr = card.locator('[data-testid=pair-qr]');
  const natural = await qr.evaluate((img) => [
    (img as HTMLImageElement).naturalWidth,
    (img as HTMLImageElement).complete,
  ]);
  expect(natural[0]).toBeGreaterThan(100);
  expect(natural[1]).toBe(true);
  const qrBox = (await qr.boundingBox())!;
  const cardBox = (await card.boundingBox())!;
  expect(qrBox.width).toBeGreaterThan(150);
  expect(qrBox.height).toBeGreaterThan(150);
  expect(qrBox.x + qrBox.width).toBeLessThanOrEqual(cardBox.x + cardBox.width);
  expect(qrBox.y + qrBox.height).toBeLessThanOrEqual(cardBox.y + cardBox.height);
  // Nothing overflows its box.
  const overflowing = await card.evaluate((root) =>
    [root, ...root.querySelectorAll<HTMLElement>('*')]
      .filter((el) => el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0)
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  expect(overflowing).toEqual([]);
  return digits;
}

describe('pairing a phone from the console', () => {
  it('a coach issues a code for a consenting participant: code, countdown, link and QR code', async () => {
    const page = await as('coach', 'en');
    const code = await issueAsCoach(page);
    const expiry = page.locator('[data-testid=pair-expiry]');
    expect(await expiry.textContent()).toMatch(/^Valid for 1[45]:\d\d more$/);
    // The countdown moves on its own.
    const first = await expiry.textContent();
    await expect.poll(() => expiry.textContent(), { timeout: 5_000 }).not.toBe(first);
    if (SHOOT) await page.screenshot({ path: `${SCREENSHOTS}/pair-phone.png`, fullPage: true });
    // The code really pairs a phone: the public endpoint accepts it once.
    const res = await fetch(new URL('/api/home/pair', stack.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    expect(res.status).toBe(201);
    await page.context().close();
  }, 60_000);

  it('in zh-CN the panel has no English', async () => {
    const page = await as('coach', 'zh-CN');
    await issueAsCoach(page);
    expect(await page.locator('[data-testid=pair-expiry]').textContent()).toMatch(
      /^剩余有效时间 1[45]:\d\d$/,
    );
    const panelWords = (await englishWords(page)).filter((w) => !w.includes('Walker'));
    expect(panelWords).toEqual([]);
    if (SHOOT) await page.screenshot({ path: `${SCREENSHOTS}/pair-phone-zh.png`, fullPage: true });
    await page.context().close();
  }, 60_000);

  it('a participant without home-monitoring consent: the refusal, translated', async () => {
    const noConsent = classParticipant();
    for (const [lang, text] of [
      ['zh-CN', '该参与者未同意居家监测：请先登记其同意，再配对手机。'],
      [
        'en',
        'This participant has not consented to home monitoring: record their consent before pairing a phone.',
      ],
    ] as const) {
      const page = await as('clinician', lang);
      await page.goto(`${stack.url}#/admin/participants/${noConsent}`);
      const panel = page.locator('[data-testid=pair-phone]');
      await panel.waitFor({ timeout: 15_000 });
      await panel.locator('button.btn-primary').click();
      const error = panel.locator('[data-testid=pair-error]');
      await error.waitFor({ timeout: 10_000 });
      expect(await error.textContent()).toBe(text);
      expect(await panel.locator('[data-testid=pair-code]').count()).toBe(0);
      if (lang === 'zh-CN') {
        expect(await panel.textContent()).not.toMatch(/[A-Za-z]{2,}/);
        if (SHOOT) await page.screenshot({ path: `${SCREENSHOTS}/pair-phone-refused-zh.png` });
      }
      await page.context().close();
    }
  }, 60_000);
});
