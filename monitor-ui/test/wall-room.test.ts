import { mkdir } from 'node:fs/promises';
import { SESSION_COOKIE } from '@zonewatch/protocol';
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
 * The class wall as a room sees it (issue 14), in real headless Chromium against the real stack: a class of
 * 12 (`fixtures/e2e-wall-12.yaml`: Ada over-exerts — above zone, then over ceiling; Bo over-exerts and then his
 * strap loses contact) and a class of 24 (`e2e-wall-24.yaml`: four over-exert, four lose contact).
 * What is checked is what a person sees: one card per person, text that fits its box, sizes readable at a
 * distance, no English on a zh-CN page. `ZW_SCREENSHOTS=1` also writes docs/screenshots/wall-12-zh.png.
 */
const SHOOT = process.env['ZW_SCREENSHOTS'] === '1';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * A clinician's new-prescription form for `participantId` in a zh-CN console, its preview showing a zone;
 * `latin(selector)` is every run of Latin letters under the selector (none may be left on a zh-CN page).
 */
async function openZhPrescriptionForm(stack: Stack, participantId: string) {
  const ctx = await newContext(browser, { lang: 'zh-CN' });
  const zh = await ctx.newPage();
  await login(zh, stack.url, stack.users.clinician);
  await zh.goto(`${stack.url}#/admin/participants/${participantId}`);
  await zh.locator('[data-testid=prescriptions]').waitFor({ timeout: 15_000 });
  await zh.locator('section[data-participant] > button.btn-primary').click();
  const form = zh.locator('[data-testid=rx-form]');
  const preview = zh.locator('[data-testid=rx-preview]');
  await expect.poll(() => preview.locator('.rx-zone').count(), { timeout: 10_000 }).toBe(1);
  const latin = async (where: string) =>
    ((await zh.locator(where).allTextContents()).join(' ').match(/[A-Za-z]{2,}/g) ?? []).join(' ');
  return { ctx, form, preview, latin };
}

async function openWall(stack: Stack, opts: { lang?: 'en' | 'zh-CN'; width?: number; height?: number }) {
  const ctx = await newContext(browser, opts);
  const page = await ctx.newPage();
  await login(page, stack.url, stack.users.instructor);
  await page.goto(`${stack.url}#/wall/${encodeURIComponent(stack.classSessionId)}`);
  await page.locator('.tile').first().waitFor();
  return page;
}

/** Every element inside a tile whose content is wider than its box (text cut, "124" shown as "12"). */
function clippedInTiles(page: Page): Promise<string[]> {
  return page.$$eval('.tile *', (els) =>
    els
      .filter((el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth)
      .map(
        (el) =>
          `${el.closest('.tile')?.getAttribute('data-participant')} .${el.className}: ${el.scrollWidth} > ${el.clientWidth} "${el.textContent}"`,
      ),
  );
}

/** Computed font sizes (px) of every match, per tile. */
function fontSizes(page: Page, selector: string): Promise<number[]> {
  return page.$$eval(selector, (els) => els.map((el) => Number.parseFloat(getComputedStyle(el).fontSize)));
}

async function apiCookie(stack: Stack): Promise<string> {
  const res = await fetch(`${stack.url}api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(stack.users.instructor),
  });
  return (res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? '').split(';')[0]!;
}

/**
 * The wall sizes its tiles for the alert list at its largest, so the size checks hold whenever they run,
 * however many alerts are shown by then (they failed under load when the list had grown by the time they
 * ran). The interaction checks wait for the state they act on (the cards' alerts, the note field, the
 * acknowledgements in the registry), never for a time.
 */
describe('a class of 12', () => {
  let stack: Stack;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ scenarios: ['e2e-wall-12.yaml', 'e2e-home.yaml'] });
    page = await openWall(stack, { lang: 'en' });
    await page.locator('.tile').nth(11).waitFor({ timeout: 20_000 });
  }, 300_000);
  afterAll(async () => {
    await page?.context().close();
    await stack?.close();
  }, 300_000);

  describe('One event, two alerts', () => {
    it('Ada over ceiling and above zone is one card: the critical first, the other condition beneath', async () => {
      const card = page.locator('.alert-row[data-participant="w12-p01"]');
      await expect
        .poll(async () => (await card.getAttribute('data-alerts'))?.split(' ').length ?? 0, {
          timeout: 120_000,
        })
        .toBe(2);
      expect(await page.locator('.alert-row[data-participant="w12-p01"]').count()).toBe(1);
      // Over the ceiling is raised as a warning and upgraded to critical 10 bpm above it (CLINICAL-RULES.md
      // section 3): wait for the upgrade.
      await expect.poll(() => card.getAttribute('data-severity'), { timeout: 60_000 }).toBe('critical');
      const lines = card.locator('.alert-line');
      expect(await lines.count()).toBe(2);
      expect(await lines.nth(0).locator('.alert-rule').textContent()).toContain('Heart rate over ceiling');
      expect(await lines.nth(1).locator('.alert-rule').textContent()).toContain('Heart rate above zone');
      expect(['advisory', 'warning']).toContain(await lines.nth(1).getAttribute('data-severity'));
      // Her tile's banner shows the most urgent condition and counts the other one.
      const tile = page.locator('.tile[data-participant="w12-p01"]');
      expect(await tile.locator('[data-testid=more-alerts]').textContent()).toBe('+1 more');
    }, 150_000);
  });

  describe('Too small across a room', () => {
    it('at 1920 × 1080 with 12 tiles the name and zone label are ≥ 40 px and SpO₂/steps ≥ 32 px', async () => {
      for (const px of await fontSizes(page, '.tile-alias')) expect(px).toBeGreaterThanOrEqual(40);
      for (const px of await fontSizes(page, '.tile-zone')) expect(px).toBeGreaterThanOrEqual(40);
      for (const px of await fontSizes(page, '[data-testid=spo2], [data-testid=steps]'))
        expect(px).toBeGreaterThanOrEqual(32);
      // …and the heart rate stays the largest thing on every tile.
      for (const px of await fontSizes(page, '.hr-value')) expect(px).toBeGreaterThanOrEqual(80);
    });
  });

  describe('Tiles cut numbers', () => {
    it('nothing in a tile is cut at 1920 × 1080, and the cadence shows all its digits', async () => {
      await expect.poll(() => page.locator('[data-testid=cadence]').count(), { timeout: 20_000 }).toBe(12);
      expect(await clippedInTiles(page)).toEqual([]);
      for (const c of await page.locator('[data-testid=cadence]').allTextContents())
        expect(c).toMatch(/^\d{2,3}$/);
    });

    it('nothing in a tile is cut on a 1024 × 768 tablet, in either language', async () => {
      for (const lang of ['zh-CN', 'en'] as const) {
        const tablet = await openWall(stack, { lang, width: 1024, height: 768 });
        await expect
          .poll(() => tablet.locator('[data-testid=cadence]').count(), { timeout: 20_000 })
          .toBe(12);
        expect(await clippedInTiles(tablet), lang).toEqual([]);
        await tablet.context().close();
      }
    }, 150_000);
  });

  describe('The alert strip', () => {
    it('"Add note" keeps the alert text its width and leaves the neighbouring card as it was', async () => {
      const ada = page.locator('.alert-row[data-participant="w12-p01"]');
      const bo = page.locator('.alert-row[data-participant="w12-p02"]');
      // Both cards are there and Ada's is still waiting (its buttons are shown).
      await bo.waitFor({ timeout: 60_000 });
      const addNote = ada.locator('button[data-action=add-note]');
      await addNote.waitFor({ timeout: 60_000 });
      const ruleBefore = await ada.locator('.alert-main .alert-rule').boundingBox();
      await addNote.click();
      // The note field is open and has the focus (typing goes into it, not to the wall's A key).
      const field = ada.locator('[data-testid=ack-note] input[name=note]');
      await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
      const rule = await ada.locator('.alert-main .alert-rule').boundingBox();
      // The rule's text keeps one line of its width (it collapsed to one character per line).
      expect(rule!.width).toBeGreaterThanOrEqual(ruleBefore!.width - 1);
      expect(rule!.height).toBeLessThanOrEqual(ruleBefore!.height + 1);
      // The neighbour keeps its own size (the open form does not stretch it: its box ends where its
      // content does, whatever its alerts are by now) and its text.
      const boFit = await bo.evaluate((li) => {
        const box = li.getBoundingClientRect();
        const style = getComputedStyle(li);
        const contentBottom = Math.max(...[...li.children].map((c) => c.getBoundingClientRect().bottom));
        return (
          box.bottom -
          contentBottom -
          Number.parseFloat(style.paddingBottom) -
          Number.parseFloat(style.borderBottomWidth)
        );
      });
      expect(Math.abs(boFit)).toBeLessThanOrEqual(1);
      expect((await bo.locator('.alert-main').boundingBox())!.width).toBeGreaterThan(200);
      expect(await bo.locator('.alert-main .alert-rule').textContent()).not.toBe('');
      await page.keyboard.press('Escape');
      await ada.locator('[data-testid=ack-note]').waitFor({ state: 'detached' });
    }, 150_000);

    it('the "+n more" badge is not hidden under the No contact badge', async () => {
      const tile = page.locator('.tile[data-participant="w12-p02"]');
      await tile.locator('.badge-contact').waitFor({ timeout: 90_000 });
      const more = tile.locator('[data-testid=more-alerts]');
      await more.waitFor({ timeout: 30_000 });
      const seen = await more.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const tileBox = el.closest('.tile')!.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return {
          inside: r.left >= tileBox.left && r.right <= tileBox.right && r.width > 0,
          onTop: !!hit && (hit === el || el.contains(hit)),
          fits: el.scrollWidth <= el.clientWidth,
        };
      });
      expect(seen).toEqual({ inside: true, onTop: true, fits: true });
    }, 150_000);
  });

  describe('Zone minutes, not vanity points', () => {
    it("each tile shows the participant's minutes in zone against the FITT target as a ring", async () => {
      const rings = page.locator('.tile [data-testid=zone-minutes]');
      expect(await rings.count()).toBe(12);
      for (const target of await rings.evaluateAll((els) => els.map((e) => e.getAttribute('data-target'))))
        expect(target).toBe('20');
      // Someone in zone for a while has minutes counting up (the server's time in zone).
      await expect
        .poll(
          async () =>
            Math.max(
              ...(await rings.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-minutes'))))),
            ),
          { timeout: 90_000 },
        )
        .toBeGreaterThan(0);
    }, 150_000);
  });

  describe('No structure in time', () => {
    it('the wall shows the class timer counting from the session start', async () => {
      const clock = page.locator('[data-testid=class-timer] .class-timer-clock');
      const first = Number(await clock.getAttribute('data-elapsed'));
      expect(first).toBeGreaterThan(0);
      expect(await clock.textContent()).toMatch(/^\d+:\d\d$/);
      await expect.poll(async () => Number(await clock.getAttribute('data-elapsed'))).toBeGreaterThan(first);
    });
  });

  describe('zh-CN leaks English', () => {
    it('the wall with a grouped alert says everything in Chinese', async () => {
      const zh = await openWall(stack, { lang: 'zh-CN' });
      await zh.locator('.alert-row[data-participant="w12-p01"] .alert-also').waitFor({ timeout: 60_000 });
      const english = (await visibleUiText(zh)).flatMap((t) =>
        (t.match(/[A-Za-z]{2,}/g) ?? []).map((w) => `${w} ← "${t}"`),
      );
      expect(english).toEqual([]);
      expect(await clippedInTiles(zh)).toEqual([]);
      if (SHOOT) {
        await mkdir(SCREENSHOTS, { recursive: true });
        await zh.screenshot({ path: `${SCREENSHOTS}/wall-12-zh.png` });
      }
      await zh.context().close();
    }, 150_000);

    it('the prescription preview words a missing age and the β-blocker advice in Chinese only', async () => {
      const { ctx, form, preview, latin } = await openZhPrescriptionForm(stack, 'w12-p02');
      // β-blockers, an estimated maximum and enforced HR alerts: the console suggests advisory alerts.
      await form.locator('label.field-check input[type=checkbox]').check();
      await form.getByLabel(/^最大心率来源/).selectOption('tanaka');
      await form.getByLabel(/^心率警报/).selectOption('enforce');
      const warnings = preview.locator('[data-testid=rx-warnings] li');
      await expect
        .poll(() => warnings.allTextContents(), { timeout: 10_000 })
        .toContain('服用β受体阻滞剂且无实测最大心率：建议将心率警报设为仅提示。');
      expect(await latin('[data-testid=rx-preview]')).toBe('');
      // No age: the estimate cannot be made, and the refusal names the field and formula in Chinese.
      await form.getByLabel(/^年龄/).fill('');
      const error = preview.locator('.error');
      await error.waitFor({ timeout: 10_000 });
      expect(await error.textContent()).toBe('年龄（岁）：用田中公式估算最大心率需要年龄。');
      expect(await latin('[data-testid=rx-preview]')).toBe('');
      expect(await latin('[data-testid=rx-form] [data-testid=field-error]')).toBe('');
      await ctx.close();
    }, 150_000);
  });

  describe("zh-CN leaks English: the contract's field checks", () => {
    it('a zone refused by the protocol (low not below high, out of range) is worded in Chinese only', async () => {
      const { ctx, form, preview, latin } = await openZhPrescriptionForm(stack, 'w12-p03');
      await form.getByLabel(/^区间计算方法/).selectOption('bpm');
      await form.getByLabel(/^区间下限/).fill('140');
      await form.getByLabel(/^区间上限/).fill('120');
      const error = preview.locator('.error');
      await expect
        .poll(() => error.textContent(), { timeout: 10_000 })
        .toBe('区间下限（次/分）：区间下限须低于区间上限');
      expect(await latin('[data-testid=rx-preview]')).toBe('');
      await form.getByLabel(/^区间下限/).fill('20');
      await expect
        .poll(() => error.textContent(), { timeout: 10_000 })
        .toBe('区间下限（次/分）：须在 30–250 次/分之间');
      expect(await latin('[data-testid=rx-preview]')).toBe('');
      expect(await latin('[data-testid=rx-form] [data-testid=field-error]')).toBe('');
      await ctx.close();
    }, 150_000);
  });

  describe('one acknowledgement per card', () => {
    it("acknowledging Ada's card acknowledges each of her waiting alerts, each recorded on its own", async () => {
      const card = page.locator('.alert-row[data-participant="w12-p01"]');
      // Her card holds both alerts (over ceiling, above zone), both waiting.
      await expect
        .poll(async () => (await card.getAttribute('data-alerts'))?.split(' ').length ?? 0, {
          timeout: 60_000,
        })
        .toBe(2);
      await expect.poll(() => card.getAttribute('data-state'), { timeout: 60_000 }).toBe('waiting');
      const ids = ((await card.getAttribute('data-alerts')) ?? '').split(' ');
      await card.locator('.btn-ack').click();
      // Each of the two lines says who acknowledged it…
      for (const id of ids)
        await card.locator(`.alert-line[data-alert="${id}"] .alert-acked`).waitFor({ timeout: 30_000 });
      // …and the registry has one acknowledgement for each, recorded on its own.
      const cookie = await apiCookie(stack);
      const acks = async () => {
        const res = await fetch(
          `${stack.url}api/sessions/${encodeURIComponent(stack.classSessionId)}/alerts`,
          { headers: { cookie } },
        );
        const body = (await res.json()) as {
          items: { id: string; events: { event: string; actor?: string | null }[] }[];
        };
        return ids.map(
          (id) =>
            body.items.find((a) => a.id === id)?.events.filter((e) => e.event === 'acknowledged').length,
        );
      };
      await expect.poll(acks, { timeout: 30_000 }).toEqual(ids.map(() => 1));
    }, 150_000);
  });

  describe('Zone minutes, not vanity points: the class summary', () => {
    it("after the class, the report lists everyone's minutes in zone against their target", async () => {
      const cookie = await apiCookie(stack);
      const res = await fetch(`${stack.url}api/sessions/${encodeURIComponent(stack.classSessionId)}/stop`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.ok).toBe(true);
      await page.goto(`${stack.url}#/report/${encodeURIComponent(stack.classSessionId)}`);
      const rows = page.locator('[data-testid=zone-minutes-summary] tbody tr');
      await rows.nth(11).waitFor({ timeout: 20_000 });
      const cells = await rows.evaluateAll((trs) =>
        trs.map((tr) => [tr.children[1]?.textContent ?? '', tr.children[2]?.textContent ?? '']),
      );
      expect(cells).toHaveLength(12);
      for (const [minutes, target] of cells) {
        expect(minutes).toMatch(/^\d+$/);
        expect(target).toBe('20');
      }
    }, 150_000);
  });
});

describe('a class of 24', () => {
  let stack: Stack;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ scenarios: ['e2e-wall-24.yaml', 'e2e-home.yaml'] });
    page = await openWall(stack, { lang: 'en' });
    await page.locator('.tile').nth(23).waitFor({ timeout: 20_000 });
  }, 300_000);
  afterAll(async () => {
    await page?.context().close();
    await stack?.close();
  }, 300_000);

  describe('The alert strip', () => {
    it('grows to its limit, then scrolls and counts the alerts out of view', async () => {
      // The eight the scenario gives an alert (four over-exert, four lose contact) are listed; a machine too
      // loaded to keep the simulated straps on time may add signal-lost cards, which only make the list longer.
      const expected = ['01', '04', '07', '10', '13', '16', '19', '22'].map((n) => `w24-p${n}`);
      const listed = () =>
        page.locator('.alert-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-participant')));
      await expect.poll(listed, { timeout: 120_000 }).toEqual(expect.arrayContaining(expected));
      const hidden = page.locator('[data-testid=alerts-hidden]');
      await hidden.waitFor();
      const { shown, outOfView, stripH } = await page.evaluate(() => {
        const scroller = document.querySelector('.alert-scroll')!;
        const box = scroller.getBoundingClientRect();
        let out = 0;
        for (const li of scroller.querySelectorAll<HTMLElement>('li.alert-row')) {
          const r = li.getBoundingClientRect();
          if (r.bottom > box.bottom + 1 || r.top < box.top - 1) out += Number(li.dataset['count']);
        }
        return {
          shown: document.querySelector('[data-testid=alerts-hidden]')?.textContent ?? '',
          outOfView: out,
          stripH: box.height,
        };
      });
      expect(outOfView).toBeGreaterThan(0);
      expect(shown).toContain(`${outOfView} more alerts`);
      // The list keeps to a fifth of the wall.
      expect(stripH).toBeLessThanOrEqual(1080 * 0.2);
    }, 150_000);
  });

  describe('Too small across a room', () => {
    it('at 24 tiles the heart rate stays at least 96 px, with a full alert list', async () => {
      const sizes = await fontSizes(page, '.hr-value');
      expect(sizes).toHaveLength(24);
      for (const px of sizes) expect(px).toBeGreaterThanOrEqual(96);
    });
  });

  describe('Tiles cut numbers', () => {
    it('nothing in a tile is cut at 1920 × 1080 with 24 tiles', async () => {
      expect(await clippedInTiles(page)).toEqual([]);
    });
  });
});
