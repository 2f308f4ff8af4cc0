import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  apiLogin,
  launchBrowser,
  login,
  newContext,
  SCREENSHOTS,
  type Stack,
  startStack,
  visibleUiText,
} from './harness.js';

/**
 * Issue 15, the exercise-health record (运动健康档案), in real headless Chromium against the real stack
 * (`fixtures/e2e-class.yaml`: six participants in a live class). A clinician records a baseline with a
 * 6-minute walk and a symptom-limited test, derives a prescription from it and saves it, enrols the
 * participant in a programme; the class the simulator really played ends (its reports written by the rules
 * engine); the record shows "session n of N", trend charts, a due re-assessment (also a notice on the
 * instructor's roster) and a progression proposal the clinician accepts (a new prescription version
 * appears). The same in zh-CN with no English word and nothing cut, printable on A4. `ZW_SCREENSHOTS=1`
 * writes the zh-CN record page to docs/screenshots/record-zh.png.
 */

const SHOOT = process.env['ZW_SCREENSHOTS'] === '1';
let stack: Stack;
let browser: Browser;
const DAY = 86_400_000;
/** The demo's ten-week record (ingest `demo-record.ts`): sessions the real rules engine computed. */
const DEMO = 'demo-record-0007';

/** Waits until the demo record (seeded in the background at start) has its open proposal. */
async function demoRecordReady(cookie: string): Promise<void> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const res = await fetch(`${stack.url}api/participants/${DEMO}/record`, { headers: { cookie } });
    if (res.ok) {
      const r = (await res.json()) as { proposals: { status: string }[] };
      if (r.proposals.some((p) => p.status === 'proposed')) return;
    }
    if (Date.now() > deadline) throw new Error('the demo record was not seeded');
    await new Promise((r) => setTimeout(r, 500));
  }
}

function points(page: Page, id: string): Promise<number> {
  return page
    .locator(`[data-testid=${id}]`)
    .getAttribute('data-points')
    .then((v) => Number(v));
}

/** YYYY-MM-DD of a local date `days` from today. */
function isoDay(days: number): string {
  const d = new Date(Date.now() + days * DAY);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Every element inside `root` whose content is wider than its box (text cut or spilling). */
function overflowing(page: Page, root: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const out: string[] = [];
    const host = document.querySelector(sel);
    if (!host) return ['(no root)'];
    for (const el of [host, ...host.querySelectorAll<HTMLElement>('*')]) {
      if (!(el instanceof HTMLElement) || el.closest('.uplot')) continue;
      const style = getComputedStyle(el);
      if (style.display === 'inline' || el.clientWidth === 0) continue;
      if (el.scrollWidth > el.clientWidth + 1)
        out.push(`${el.tagName.toLowerCase()}.${el.className}: ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return out;
  }, root);
}

/** Latin-letter words on a zh-CN page outside data (aliases, ids are `translate="no"`). */
async function english(page: Page): Promise<string[]> {
  const KEEP = new Set(['zonewatch']);
  return (await visibleUiText(page)).flatMap((t) =>
    (t.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !KEEP.has(w)).map((w) => `${w} ← "${t}"`),
  );
}

function field(page: Page, name: string) {
  return page.locator(`[data-testid=assessment-form] [name="${name}"]`);
}

/**
 * The clinician's part on the page: a baseline with a 6-minute walk and a symptom-limited test (a systolic
 * of 400 first, refused in the browser naming the field), the derived prescription saved, the enrolment.
 */
async function assessDeriveEnrol(page: Page, participantId: string, lang: 'en' | 'zh-CN') {
  await page.goto(`${stack.url}#/records`);
  const row = page.locator(`[data-participant-row="${participantId}"]`);
  await row.waitFor({ timeout: 20_000 });
  await row.locator('a.btn').click();
  await page
    .locator(
      `main.record-page[data-participant="${participantId}"] [data-testid=timeline], main.record-page [data-testid=no-programme]`,
    )
    .first()
    .waitFor({ timeout: 20_000 });

  await page.locator('main.record-page .record-bar button').first().click();
  const form = page.locator('[data-testid=assessment-form]');
  await form.waitFor();
  expect(await field(page, 'kind').inputValue()).toBe('baseline');
  const values: Record<string, string> = {
    'anthropometrics.heightCm': '172',
    'anthropometrics.weightKg': '84',
    restingHrBpm: '76',
    'restingBp.systolicMmHg': '400',
    'restingBp.diastolicMmHg': '84',
    'sixMinuteWalk.distanceM': '412',
    'sixMinuteWalk.hrBeforeBpm': '78',
    'sixMinuteWalk.hrAfterBpm': '112',
    'sixMinuteWalk.spo2BeforePercent': '96',
    'sixMinuteWalk.spo2AfterPercent': '93',
    'sixMinuteWalk.spo2LowestPercent': '92',
    'sixMinuteWalk.borgDyspnoea': '3',
    'sixMinuteWalk.borgFatigue': '2',
    'exerciseTest.peakHrBpm': '138',
    'exerciseTest.peakMets': '6.5',
    'exerciseTest.ischaemicThresholdBpm': '125',
  };
  for (const [name, v] of Object.entries(values)) await field(page, name).fill(v);
  await field(page, 'exerciseTest.stopReason').selectOption('dyspnoea');
  await field(page, 'exerciseTest.onCurrentMedication').check();
  // BMI is derived as the form is typed: 84 / 1.72² = 28.4.
  expect(await form.locator('[data-testid=bmi] strong').textContent()).toContain('28.4');

  // A systolic of 400 is refused in the browser, naming the field in the page's language; nothing is sent.
  const posts: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().includes('/assessments')) posts.push(r.url());
  });
  await form.locator('button[type=submit]').click();
  const err = form.locator('[data-testid=field-error][data-field="restingBp.systolicMmHg"]');
  await err.waitFor();
  expect(await err.textContent()).toBe(lang === 'en' ? 'must be 60–300 mmHg' : '应为 60–300 毫米汞柱');
  expect(await field(page, 'restingBp.systolicMmHg').getAttribute('aria-invalid')).toBe('true');
  expect(posts).toEqual([]);
  await field(page, 'restingBp.systolicMmHg').fill('138');
  await form.locator('button[type=submit]').click();

  // The proposal with its derivation; saved only on the clinician's click.
  const derivation = page.locator('[data-testid=derivation]');
  await derivation.waitFor({ timeout: 15_000 });
  const steps = await derivation.locator('.derivation-steps li').allTextContents();
  const codes = await derivation
    .locator('.derivation-steps li')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
  expect(codes).toEqual(
    expect.arrayContaining(['hrMax.measured', 'ceiling.ischaemicThreshold', 'walkingPace.sixMinuteWalk']),
  );
  expect(steps.join(' ')).toContain('138');
  expect(steps.join(' ')).not.toMatch(/\{\w+\}/);
  expect(steps.join(' ')).toContain('115');
  const versionsBefore = await page.locator('[data-testid=timeline] li[data-type=prescription]').count();
  await derivation.locator('[data-testid=derivation-save]').click();
  await page.locator('[data-testid=record-saved]').waitFor();
  await expect
    .poll(() => page.locator('[data-testid=timeline] li[data-type=prescription]').count(), {
      timeout: 10_000,
    })
    .toBe(versionsBefore + 1);

  // Enrolment in cardiac rehabilitation, started seven weeks ago (week 6's re-assessment is due).
  await page
    .locator('main.record-page .record-bar button', { hasText: lang === 'en' ? 'Enrol' : '加入' })
    .click();
  const enrol = page.locator('[data-testid=enrol-form]');
  await enrol.waitFor();
  await expect.poll(() => enrol.locator('select[name=programme] option').count()).toBeGreaterThan(0);
  const cardiac = await enrol
    .locator('select[name=programme] option', { hasText: lang === 'en' ? 'Cardiac' : '心脏' })
    .first()
    .getAttribute('value');
  await enrol.locator('select[name=programme]').selectOption(cardiac ?? '');
  await enrol.locator('input[name=startDate]').fill(isoDay(-49));
  await enrol.locator('button[type=submit]').click();
  await page.locator('[data-testid=session-of-n]').waitFor({ timeout: 10_000 });
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack({ demoRecord: true }), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
}, 60_000);

describe('The exercise-health record', () => {
  it('a clinician records a baseline, derives and saves a prescription, enrols; the roster shows the due notice', async () => {
    const ctx = await newContext(browser, { lang: 'en' });
    const page = await ctx.newPage();
    await login(page, stack.url, stack.users.clinician);
    await assessDeriveEnrol(page, 'e2e-p2', 'en');
    expect(await page.locator('[data-testid=reassessment-due]').textContent()).toContain('Re-assessment due');
    await ctx.close();

    // The instructor's roster: a notice beside Bo, never an alarm (no alarm class, nothing to acknowledge).
    const ictx = await newContext(browser, { lang: 'en' });
    const ip = await ictx.newPage();
    await login(ip, stack.url, stack.users.instructor);
    await ip.goto(`${stack.url}#/wall/${encodeURIComponent(stack.classSessionId)}`);
    await ip.locator('.tile').first().waitFor({ timeout: 20_000 });
    await ip.locator('button', { hasText: 'Roster' }).first().click();
    const bo = ip.locator('.dialog tr', { hasText: 'Bo' });
    await bo.locator('[data-testid=due-notice]').waitFor({ timeout: 10_000 });
    expect(await bo.locator('[data-testid=due-notice]').textContent()).toBe('Re-assessment due');
    expect(await ip.locator('.alert-row', { hasText: 'Re-assessment' }).count()).toBe(0);
    await ictx.close();
  }, 180_000);

  it('after the class ends, the record shows session n of N, the trends and the session', async () => {
    // The class the simulator played ends: the rules engine writes each participant's report.
    const instructor = await apiLogin(stack.url, stack.users.instructor);
    await api(stack.url, instructor, 'POST', `/sessions/${stack.classSessionId}/stop`);

    const ctx = await newContext(browser, { lang: 'en' });
    const page = await ctx.newPage();
    await login(page, stack.url, stack.users.clinician);
    await page.goto(`${stack.url}#/record/e2e-p2`);
    await page.locator('[data-testid=session-of-n]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid=session-of-n]').textContent()).toBe('Session 1 of 36');
    expect(await page.locator('[data-testid=weeks-elapsed]').textContent()).toMatch(/^Week \d+ of 12$/);
    expect(await page.locator('[data-testid=reassessment-due]').count()).toBe(1);
    // Trend charts drawn from the session's report and the assessment (uPlot canvases with their points).
    // (Mean HR in zone and HR recovery need time in zone and a marked end of exercise: Bo's class has
    // neither, so those two charts say "no data yet"; the seeded ten-week record below has both.)
    for (const id of ['trend-hr-zone', 'trend-hrr'])
      await page.locator(`[data-testid=${id}] figcaption`).waitFor();
    for (const id of ['trend-weekly', 'trend-walk', 'trend-resting', 'trend-weight']) {
      const chart = page.locator(`[data-testid=${id}]`);
      expect({ id, points: Number(await chart.getAttribute('data-points')) > 0 }).toEqual({
        id,
        points: true,
      });
      expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    }
    // The session is on the timeline, linked to its report.
    const session = page.locator('[data-testid=timeline] li[data-type=session] a');
    expect(await session.getAttribute('href')).toBe(`#/report/${encodeURIComponent(stack.classSessionId)}`);
    expect(await overflowing(page, 'main.record-page')).toEqual([]);
    await ctx.close();
  }, 120_000);

  it('a coach reads the record of the home exerciser they follow, without the clinician’s actions', async () => {
    const ctx = await newContext(browser, { lang: 'en' });
    const page = await ctx.newPage();
    const forbidden: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 403) forbidden.push(r.url());
    });
    await login(page, stack.url, stack.users.coach);
    await page.goto(`${stack.url}#/records`);
    const walker = page.locator('[data-participant-row="e2e-h1"]');
    await walker.waitFor({ timeout: 20_000 });
    // Only the people of the home sessions they follow: none of the class.
    expect(await page.locator('[data-participant-row="e2e-p2"]').count()).toBe(0);
    await walker.locator('a.btn').click();
    await page.locator('main.record-page .record-top').waitFor({ timeout: 20_000 });
    expect(await page.locator('main.record-page .record-bar button').allTextContents()).toEqual(['Print']);
    expect(forbidden).toEqual([]);
    await ctx.close();
  }, 60_000);

  it('ten weeks of sessions: trends, baseline against re-assessment, and the proposal the clinician accepts', async () => {
    await demoRecordReady(await apiLogin(stack.url, stack.users.clinician));
    const ctx = await newContext(browser, { lang: 'en' });
    const page = await ctx.newPage();
    await login(page, stack.url, stack.users.clinician);
    await page.goto(`${stack.url}#/record/${DEMO}`);
    await page.locator('[data-testid=progression]').waitFor({ timeout: 20_000 });
    const n = Number(
      /^Session (\d+) of 36$/.exec(
        (await page.locator('[data-testid=session-of-n]').textContent()) ?? '',
      )?.[1],
    );
    expect(n).toBeGreaterThanOrEqual(20);
    expect(await points(page, 'trend-weekly')).toBeGreaterThanOrEqual(16);
    expect(await points(page, 'trend-hr-zone')).toBeGreaterThanOrEqual(20);
    expect(await points(page, 'trend-hrr')).toBeGreaterThanOrEqual(20);
    expect(await points(page, 'trend-walk')).toBe(2);
    // Baseline against the week-6 re-assessment, with the clinically meaningful mark.
    const walk = page.locator('[data-testid=comparison] tr[data-measure="sixMinuteWalk.distanceM"]');
    expect(['true', 'false']).toContain(await walk.getAttribute('data-meaningful'));
    // The proposal names the sessions it rests on (links to their reports) and what changes.
    const proposal = page.locator('[data-testid=progression]');
    expect(await proposal.locator('.prog-reasons li').count()).toBeGreaterThan(0);
    expect(await proposal.locator('.session-links a').count()).toBeGreaterThan(0);
    const versions = await page.locator('[data-testid=timeline] li[data-type=prescription]').count();
    await proposal.locator('[data-testid=progression-accept]').click();
    await expect
      .poll(() => page.locator('[data-testid=timeline] li[data-type=prescription]').count(), {
        timeout: 10_000,
      })
      .toBe(versions + 1);
    expect(await page.locator('[data-testid=progression]').count()).toBe(0);
    expect(
      await page.locator('[data-testid=timeline] li[data-type=proposal]').first().textContent(),
    ).toContain('accepted');
    expect(await overflowing(page, 'main.record-page')).toEqual([]);
    await ctx.close();
  }, 200_000);

  it('the same in zh-CN: no English word, nothing cut, and it prints on A4', async () => {
    const ctx = await newContext(browser, { lang: 'zh-CN' });
    const page = await ctx.newPage();
    await login(page, stack.url, stack.users.clinician);
    await assessDeriveEnrol(page, 'e2e-p3', 'zh-CN');
    await page.reload();
    await page.locator('[data-testid=session-of-n]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid=session-of-n]').textContent()).toBe('第 1 次课，共 36 次');
    expect(await page.locator('[data-testid=reassessment-due]').textContent()).toContain('应进行复评');
    await page.waitForTimeout(300);
    expect(await english(page)).toEqual([]);
    expect(await page.locator('main.record-page').textContent()).not.toMatch(/record\.|\{\w+\}/);
    expect(await overflowing(page, 'main.record-page')).toEqual([]);

    // On a 1024 × 768 tablet nothing is cut and nothing scrolls sideways either.
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    expect(await overflowing(page, 'main.record-page')).toEqual([]);

    // Printed: A4 portrait (186 mm between 12 mm margins ≈ 703 CSS px), nothing wider than the page.
    await page.setViewportSize({ width: 703, height: 1000 });
    await page.emulateMedia({ media: 'print' });
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(703);
    expect(await overflowing(page, 'main.record-page')).toEqual([]);
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    // The charts are drawn again in the paper palette (black axes on white).
    await page.locator('[data-testid=trend-walk] [data-palette=print]').waitFor({ timeout: 5_000 });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    if (process.env['ZW_RECORD_PDF']) await writeFile(process.env['ZW_RECORD_PDF'], pdf);
    await ctx.close();
  }, 180_000);

  it('zh-CN, the ten-week record: no English word, nothing cut; a proposal rejected with its reason', async () => {
    // A proposal for the week before the one accepted above (the weekly job would have written it then).
    const clinician = await apiLogin(stack.url, stack.users.clinician);
    const r = (await api(stack.url, clinician, 'GET', `/participants/${DEMO}/record`)) as {
      proposals: { weekStart: number }[];
    };
    const weekStart = Math.min(...r.proposals.map((p) => p.weekStart)) - 7 * DAY;
    const made = (await api(stack.url, clinician, 'POST', `/participants/${DEMO}/proposals`, {
      weekStart,
    })) as {
      skipped: string | null;
    };
    expect(made.skipped).toBeNull();
    const ctx = await newContext(browser, { lang: 'zh-CN' });
    const page = await ctx.newPage();
    await login(page, stack.url, stack.users.clinician);
    await page.goto(`${stack.url}#/record/${DEMO}`);
    const proposal = page.locator('[data-testid=progression]');
    await proposal.waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid=session-of-n]').textContent()).toMatch(/^第 \d+ 次课，共 36 次$/);
    await page.waitForTimeout(500);
    expect(await english(page)).toEqual([]);
    expect(await page.locator('main.record-page').textContent()).not.toMatch(/record\.|\{\w+\}/);
    expect(await overflowing(page, 'main.record-page')).toEqual([]);
    // Every compared measure and every prescription note is worded (none left as a raw name).
    expect(await page.locator('[data-testid=comparison] td:first-child [translate=no]').count()).toBe(0);
    expect(await page.locator('[data-testid=comparison] tbody tr').count()).toBeGreaterThan(3);
    if (SHOOT) await page.screenshot({ path: path.join(SCREENSHOTS, 'record-zh.png'), fullPage: true });
    await proposal.locator('button', { hasText: '拒绝' }).click();
    await proposal.locator('input[name=reject-reason]').fill('膝关节不适，先维持两周');
    await proposal.locator('button[type=submit]').click();
    await page.locator('[data-testid=record-saved]').waitFor();
    expect(await page.locator('[data-testid=record-saved]').textContent()).toBe('已拒绝建议，理由已保存。');
    const decided = (await api(stack.url, clinician, 'GET', `/participants/${DEMO}/record`)) as {
      proposals: { status: string; reason: string | null }[];
    };
    expect(decided.proposals.find((p) => p.status === 'rejected')?.reason).toBe('膝关节不适，先维持两周');
    await ctx.close();
  }, 120_000);
});
