import { mkdir } from 'node:fs/promises';
import { type Alert, type AlertEvent, alertEventSchema, SOCKET_EVENTS } from '@zonewatch/protocol';
import type { Browser, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
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
 * The console in real headless Chromium against the real stack: registry, embedded broker, ingest with its
 * REST API and Socket.IO, a simulated gateway and wearables playing `fixtures/e2e-class.yaml` (Ada
 * over-exerts from 0:08) and `fixtures/e2e-home.yaml`. `ZW_SCREENSHOTS=1` also writes the README's
 * screenshots to docs/screenshots.
 */
const SHOOT = process.env['ZW_SCREENSHOTS'] === '1';

let stack: Stack;
let browser: Browser;

/** A bare console (socket.io-client) on the same session: what the server said, in order. */
async function watchAlerts(cookie: string, sessionId: string) {
  const events: { ev: AlertEvent }[] = [];
  const socket: Socket = io(stack.url, { transports: ['websocket'], extraHeaders: { cookie } });
  socket.on(SOCKET_EVENTS.alert, (raw: unknown) => events.push({ ev: alertEventSchema.parse(raw) }));
  await new Promise<void>((resolve, reject) => {
    socket.on('connect_error', reject);
    socket.on('connect', () =>
      socket.emit(SOCKET_EVENTS.join, { sessionId }, (r: { ok: boolean }) =>
        r.ok ? resolve() : reject(new Error('join refused')),
      ),
    );
  });
  return { events, close: () => socket.disconnect() };
}

/** Ends the home session (as its instructor) unless it has ended already: its report is then written. */
async function endHomeSession(): Promise<void> {
  const cookie = await apiLogin(stack.url, stack.users.instructor);
  const s = (await api(stack.url, cookie, 'GET', `/sessions/${stack.homeSessionId}`)) as { status: string };
  if (s.status === 'active') await api(stack.url, cookie, 'POST', `/sessions/${stack.homeSessionId}/stop`);
}

async function until<T>(
  what: string,
  fn: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function shoot(page: Page, name: string): Promise<void> {
  if (!SHOOT) return;
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('class wall', () => {
  let page: Page;
  let instructorCookie: string;
  let critical: Alert;
  let watcher: Awaited<ReturnType<typeof watchAlerts>>;

  beforeAll(async () => {
    const ctx = await newContext(browser, { lang: 'en' });
    page = await ctx.newPage();
    instructorCookie = await apiLogin(stack.url, stack.users.instructor);
    watcher = await watchAlerts(instructorCookie, stack.classSessionId);
  });
  afterAll(() => watcher?.close());

  it('opens on the login page; the instructor lands on the class list and opens the wall', async () => {
    await page.goto(stack.url);
    await expect.poll(() => page.locator('form.login-card').isVisible()).toBe(true);
    await login(page, stack.url, stack.users.instructor);
    const row = page.locator(`[data-testid=class-sessions] tr[data-session="${stack.classSessionId}"]`);
    await row.waitFor();
    await row.locator('a.btn').click();
    await page.locator(`.wall[data-session="${stack.classSessionId}"]`).waitFor();
    // Sound on before any alarm (a real click: the browser's autoplay rule).
    await page.locator('.btn-sound-off').click();
    await expect.poll(() => page.locator('.sound-control').getAttribute('data-sound')).toBe('on');
  });

  it('shows a tile per participant with the values the simulator sent', async () => {
    const tiles = page.locator('.tile');
    await expect.poll(() => tiles.count(), { timeout: 20_000 }).toBe(6);
    const sent = (participantId: string, bpm: number) =>
      stack.truth.some(
        (t) =>
          t.participantId === participantId &&
          t.reading.characteristic === '0x2A37' &&
          t.reading.value.bpm === bpm,
      );
    const checked = await until(
      'every tile to show a live HR the simulator sent',
      async () => {
        const shown = await page.$$eval('.tile', (els) =>
          els.map((el) => ({
            id: el.getAttribute('data-participant') ?? '',
            fresh: el.getAttribute('data-freshness'),
            hr: Number(el.querySelector('[data-testid=hr]')?.textContent),
            zone: el.getAttribute('data-zone'),
          })),
        );
        const ok = shown.filter(
          (s) => s.fresh === 'live' && Number.isFinite(s.hr) && sent(s.id, s.hr) && s.zone,
        );
        return ok.length === 6 ? ok : undefined;
      },
      30_000,
    );
    expect(checked.map((c) => c.id).sort()).toEqual([
      'e2e-p1',
      'e2e-p2',
      'e2e-p3',
      'e2e-p4',
      'e2e-p5',
      'e2e-p6',
    ]);
    // Every tile carries its zone as text (and shape), never by colour alone.
    for (const text of await page.locator('.tile [data-testid=zone]').allTextContents())
      expect(['Below zone', 'In zone', 'Above zone', 'Over ceiling']).toContain(text.trim());
  });

  it('a scripted over-exertion raises a flashing critical alert on the wall soon after the rule fires', async () => {
    const fired = await until(
      'the rules engine to raise Ada’s critical alert',
      () =>
        watcher.events.find(
          (e) =>
            e.ev.alert.participantId === 'e2e-p1' &&
            e.ev.alert.severity === 'critical' &&
            e.ev.event !== 'closed',
        ),
      120_000,
    );
    critical = fired.ev.alert;
    // The requirement is "on the wall within 2 s of the rule firing". Here it is a wait-for from the moment
    // the server announced the alert, widened for a busy 2-core machine: a measured bound would flake there.
    const row = page.locator(`.alert-row[data-alert="${critical.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute('data-severity')).toBe('critical');
    await expect.poll(() => row.getAttribute('data-state')).toBe('waiting');
    expect(await row.textContent()).toContain('Critical');
    expect(await row.textContent()).toContain('Ada');
    expect(await row.textContent()).toContain('Heart rate over ceiling');
    // The most urgent alert is first, and Ada's tile is sorted to the top of the grid.
    expect(await page.locator('.alert-row').first().getAttribute('data-alert')).toBe(critical.id);
    expect(await page.locator('.tile').first().getAttribute('data-participant')).toBe('e2e-p1');
    // Flashing: a red border blinking at 2 Hz (CSS animation, half a second per cycle), with icon and text.
    const style = await row.evaluate((el) => {
      const s = getComputedStyle(el);
      return { name: s.animationName, duration: s.animationDuration, timing: s.animationTimingFunction };
    });
    expect(style).toMatchObject({ name: 'alarm-flash', duration: '0.5s' });
    // The border alternates over one cycle: sampled by seeking the animation, not by waiting on the clock.
    const borders = await row.evaluate((el) => {
      const flash = el.getAnimations().find((a) => (a as CSSAnimation).animationName === 'alarm-flash');
      if (!flash) return [];
      flash.pause();
      const seen: string[] = [];
      for (const t of [0, 125, 250, 375]) {
        flash.currentTime = t;
        seen.push(getComputedStyle(el).borderTopColor);
      }
      flash.play();
      return seen;
    });
    expect(new Set(borders).size).toBeGreaterThan(1);
    expect(await row.locator('svg.alarm-icon.sev-critical').count()).toBe(1);
    const tile = page.locator('.tile[data-participant=e2e-p1]');
    expect(await tile.getAttribute('data-alarm')).toBe('critical');
    expect(await tile.evaluate((el) => getComputedStyle(el).animationDuration)).toBe('0.5s');
    // The critical burst sounded (Web Audio; autoplay allowed after the click above).
    await expect.poll(() => page.locator('.sound-control').getAttribute('data-sound-last')).toBe('critical');
    await shoot(page, 'wall');
  }, 150_000);

  it('Escape does not dismiss a critical alert; acknowledging it with the A key is recorded with the user and time', async () => {
    await page.keyboard.press('Escape');
    const row = page.locator(`.alert-row[data-alert="${critical.id}"]`);
    expect(await row.getAttribute('data-state')).toBe('waiting');

    // Acknowledge the most urgent waiting alert with one key press (critical alerts sort first).
    const before = Date.now();
    await page.locator('body').press('a');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('acknowledged');
    const after = Date.now();
    // Stays visible, steady (no flashing), saying who and when.
    expect(await row.isVisible()).toBe(true);
    expect(await row.evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
    expect(await row.textContent()).toMatch(
      new RegExp(`Acknowledged by ${stack.users.instructor.username} at \\d\\d:\\d\\d:\\d\\d`),
    );

    // Recorded on the server with the user and the time.
    const alerts = (await api(
      stack.url,
      instructorCookie,
      'GET',
      `/sessions/${stack.classSessionId}/alerts`,
    )) as {
      items: (Alert & { events: { event: string; at: number; actorName: string | null }[] })[];
    };
    const stored = alerts.items.find((a) => a.id === critical.id);
    expect(stored?.acknowledgedBy).toBe(stack.users.instructor.username);
    expect(stored?.acknowledgedAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(stored?.acknowledgedAt).toBeLessThanOrEqual(after + 1_000);
    const ackEvent = stored?.events.find((e) => e.event === 'acknowledged');
    expect(ackEvent?.actorName).toBeTruthy();
    // And pushed live to other consoles, naming the actor.
    await until(
      'the acknowledgement to reach another console',
      () =>
        watcher.events.find(
          (e) =>
            e.ev.alert.id === critical.id &&
            e.ev.event === 'acknowledged' &&
            e.ev.actor === stack.users.instructor.username,
        ),
      15_000,
    );
  });

  it('pairs a device by "tap the strap": the device that appears is proposed and bound', async () => {
    await page.locator('button', { hasText: 'Roster & pairing' }).click();
    const dialog = page.locator('dialog.dialog');
    await dialog.locator('table tbody tr').first().waitFor();
    expect(await dialog.locator('table tbody tr').count()).toBe(6);
    const bo = dialog.locator('table tbody tr', { hasText: 'Bo' });
    // Pairing takes the unbound devices it first sees as the baseline: wait for that first answer.
    const baseline = page.waitForResponse((r) => r.url().includes('/unbound-devices') && r.ok());
    await bo.locator('button', { hasText: 'Pair a device' }).click();
    await dialog.locator('.pairing-wait').waitFor();
    await baseline;
    // Bo's oximeter drops off the roster while pairing waits: it is still transmitting, so it shows up among
    // the unbound devices as the one that "just appeared" (what a tapped strap does).
    const oximeter = 'E4:22:9A:E2:02:02';
    await api(
      stack.url,
      instructorCookie,
      'DELETE',
      `/sessions/${stack.classSessionId}/bindings/${encodeURIComponent(oximeter)}`,
    );
    const candidate = dialog.locator('[data-testid=pair-candidate]');
    await candidate.waitFor({ timeout: 15_000 });
    expect(await candidate.textContent()).toContain(oximeter);
    expect(await candidate.textContent()).toContain('Pulse oximeter');
    await candidate.locator('button', { hasText: 'Bind' }).click();
    await expect.poll(() => bo.textContent(), { timeout: 10_000 }).toContain(oximeter);
    const roster = (await api(
      stack.url,
      instructorCookie,
      'GET',
      `/sessions/${stack.classSessionId}/roster`,
    )) as {
      items: { participantId: string; deviceId: string; unboundAt: number | null }[];
    };
    expect(
      roster.items.some(
        (b) => b.participantId === 'e2e-p2' && b.deviceId === oximeter && b.unboundAt === null,
      ),
    ).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('moves a participant to another tile, and the arrangement survives a reload', async () => {
    await page.locator('button', { hasText: 'Arrange tiles' }).click();
    const order = () => page.$$eval('.tile', (els) => els.map((el) => el.getAttribute('data-participant')));
    const before = await order();
    const last = before[before.length - 1]!;
    await page.locator(`.tile[data-participant="${last}"] .tile-move button`).first().click();
    const after = await order();
    expect(after.indexOf(last)).toBe(before.length - 2);
    await page.locator('button', { hasText: 'Done arranging' }).click();
    await page.reload();
    await expect.poll(() => page.locator('.tile').count(), { timeout: 15_000 }).toBe(6);
    expect((await order()).indexOf(last)).toBe(before.length - 2);
  });

  it('raises its own "live link lost" alarm after 10 s without a connection, and recovers with a fresh snapshot', async () => {
    const wall = page.locator('.wall');
    const snapshotsBefore = Number(await wall.getAttribute('data-snapshots'));
    // Cut the link: the server drops this console and the browser cannot reconnect while offline.
    await page.context().setOffline(true);
    stack.platform.app.io.disconnectSockets(true);
    // Not at once: the alarm waits 10 s after the last message (the threshold itself is unit-tested with an
    // injected clock in src/live/link.test.ts); here a generous wait-for, not a measured bound.
    expect(await page.locator('[data-testid=link-lost]').count()).toBe(0);
    await page.locator('[data-testid=link-lost]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=link-lost]').textContent()).toContain('LIVE LINK LOST');
    // Values are no longer shown as live.
    expect(await page.locator('.tile[data-freshness=live]').count()).toBe(0);

    await page.context().setOffline(false);
    await expect
      .poll(async () => Number(await wall.getAttribute('data-snapshots')), { timeout: 15_000 })
      .toBeGreaterThan(snapshotsBefore);
    await page.locator('[data-testid=link-lost]').waitFor({ state: 'detached', timeout: 15_000 });
    await expect
      .poll(() => page.locator('.tile[data-freshness=live]').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
  });

  it('fits a 1024×768 tablet without sideways scrolling', async () => {
    const ctx = await newContext(browser, { lang: 'zh-CN', width: 1024, height: 768 });
    const tablet = await ctx.newPage();
    await login(tablet, stack.url, stack.users.instructor);
    await tablet.goto(`${stack.url}#/wall/${encodeURIComponent(stack.classSessionId)}`);
    await expect.poll(() => tablet.locator('.tile').count(), { timeout: 20_000 }).toBe(6);
    await expect.poll(() => tablet.locator('.wall').getAttribute('data-link')).toBe('live');
    expect(await tablet.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    await shoot(tablet, 'wall-tablet-zh');
    await ctx.close();
  });
});

describe('session controls', () => {
  it('a scheduled class session is started from its wall', async () => {
    const cookie = await apiLogin(stack.url, stack.users.instructor);
    const res = await fetch(`${stack.url}api/sessions`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({
        siteId: stack.siteId,
        kind: 'class',
        classId: stack.classId,
        name: 'Thursday class',
      }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string };
    const ctx = await newContext(browser, { lang: 'en' });
    const page = await ctx.newPage();
    await login(page, stack.url, stack.users.instructor);
    const row = page.locator(`[data-testid=class-sessions] tr[data-session="${created.id}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('Scheduled');
    await row.locator('a.btn').click();
    await page.locator('.wall .status-scheduled').waitFor();
    await page.locator('button', { hasText: 'Start session' }).click();
    await page.locator('.wall .status-active').waitFor({ timeout: 10_000 });
    await expect
      .poll(() => page.locator('.wall-empty').textContent(), { timeout: 10_000 })
      .toContain('Nobody is in this session yet');
    // Stopping asks first.
    await page.locator('button', { hasText: 'Stop session' }).click();
    await page.locator('button', { hasText: 'Stop now' }).click();
    await page.locator('.wall .status-ended').waitFor({ timeout: 10_000 });
    await ctx.close();
  });
});

describe('coach', () => {
  it('sees a home session live, then its report once it has ended', async () => {
    const ctx = await newContext(browser, { lang: 'en' });
    const page = await ctx.newPage();
    await login(page, stack.url, stack.users.coach);
    const live = page.locator(`[data-testid=home-live] tr[data-session="${stack.homeSessionId}"]`);
    await live.waitFor({ timeout: 15_000 });
    await live.locator('a.btn').click();
    await page.locator(`.coach-live[data-session="${stack.homeSessionId}"]`).waitFor();
    const tile = page.locator('.tile.tile-large');
    await expect.poll(() => tile.getAttribute('data-freshness'), { timeout: 20_000 }).toBe('live');
    expect(Number(await tile.locator('[data-testid=hr]').textContent())).toBeGreaterThan(40);
    // The rolling chart fills from the frames, one point a second.
    await expect
      .poll(
        async () => Number(await page.locator('[data-testid=rolling-chart]').getAttribute('data-points')),
        {
          timeout: 20_000,
        },
      )
      .toBeGreaterThanOrEqual(8);
    if (SHOOT) await page.waitForTimeout(20_000);
    await shoot(page, 'coach-live');

    // The session ends (the instructor stops it); the report is written and the coach opens it.
    await endHomeSession();
    await page.locator('a.btn', { hasText: 'Back' }).click();
    const ended = page.locator(`[data-testid=home-recent] tr[data-session="${stack.homeSessionId}"]`);
    await ended.waitFor({ timeout: 15_000 });
    await ended.locator('a.btn').click();
    const section = page.locator('.report-participant[data-participant=e2e-h1]');
    await section.waitFor({ timeout: 15_000 });
    expect(await section.locator('h2').textContent()).toContain('Walker 9');
    await expect.poll(() => section.locator('[data-testid=report-chart] canvas').count()).toBeGreaterThan(0);
    expect(
      Number(await section.locator('[data-testid=report-chart]').getAttribute('data-points')),
    ).toBeGreaterThan(0);
    expect(await section.locator('[data-testid=time-in-zone] li').count()).toBe(4);
    expect(await section.locator('[data-testid=hr-recovery]').isVisible()).toBe(true);
    // The CSV export is a real download of the same report.
    const href = await page.locator('a[download].btn-primary').getAttribute('href');
    const csv = await page.request.get(new URL(href ?? '', stack.url).toString());
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect(await csv.text()).toContain('Walker 9');
    await ctx.close();
  });
});

describe('administration', () => {
  it('a clinician writes a new prescription version with the computed zone previewed as the form changes', async () => {
    const ctx = await newContext(browser, { lang: 'en' });
    const page = await ctx.newPage();
    await login(page, stack.url, stack.users.clinician);
    await page.goto(`${stack.url}#/admin/participants/e2e-p4`);
    const versions = page.locator('[data-testid=prescriptions] tbody tr');
    await versions.first().waitFor({ timeout: 15_000 });
    const before = await versions.count();
    await page.locator('section[data-participant] > button.btn-primary').click();
    const form = page.locator('[data-testid=rx-form]');
    const preview = page.locator('[data-testid=rx-preview] .rx-zone');
    await preview.waitFor({ timeout: 10_000 });
    // Absolute zone 100–120 bpm: the preview follows the form.
    await form.getByLabel(/^Zone method/).selectOption('bpm');
    await form.getByLabel(/^Zone low/).fill('100');
    await form.getByLabel(/^Zone high/).fill('120');
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toBe('Zone 100–120 bpm');
    // A refused value names the field, and saving waits until it is fixed.
    await form.getByLabel(/^Zone high/).fill('90');
    await page.locator('[data-testid=rx-preview] .error').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=rx-preview] .error').textContent()).toContain('zone');
    await form.getByLabel(/^Zone high/).fill('120');
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toBe('Zone 100–120 bpm');
    await form.getByLabel(/^Note/).fill('absolute zone after review');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => versions.count(), { timeout: 10_000 }).toBe(before + 1);
    expect(await versions.first().textContent()).toContain('100–120 bpm');
    // Clinical details open on request only.
    await page.locator('button', { hasText: 'Show clinical details' }).click();
    await page.getByLabel(/^Full name/).waitFor();
    await ctx.close();
  });

  it('a new gateway’s MQTT secret is shown once, and users are created with roles', async () => {
    const ctx = await newContext(browser, { lang: 'en' });
    const page = await ctx.newPage();
    await login(page, stack.url, stack.users.admin);
    await page.goto(`${stack.url}#/admin/gateways`);
    await page.locator('[data-testid=gateways]').waitFor({ timeout: 15_000 });
    await page.getByLabel(/^Gateway id/).fill('room-b-gw');
    await page.locator('button', { hasText: 'Create gateway' }).click();
    const once = page.locator('[data-testid=gateway-secret]');
    await once.waitFor({ timeout: 10_000 });
    const secret = await once.locator('dd code').nth(1).textContent();
    expect(secret?.length).toBeGreaterThan(15);
    await page.reload();
    await page.locator('[data-testid=gateways] tr', { hasText: 'room-b-gw' }).waitFor();
    expect(await page.locator('[data-testid=gateway-secret]').count()).toBe(0);
    expect(await page.content()).not.toContain(secret!);

    await page.goto(`${stack.url}#/admin/users`);
    await page.locator('[data-testid=users]').waitFor();
    await page.getByLabel(/^User name/).fill('coach-li');
    await page.getByLabel(/^Display name/).fill('Li Coach');
    await page.getByLabel(/^Password/).fill('a-long-enough-password');
    await page.locator('fieldset input[name=new-roles]').nth(3).check();
    await page.locator('button', { hasText: 'Create user' }).click();
    await page.locator('[data-testid=users] tr', { hasText: 'coach-li' }).waitFor({ timeout: 10_000 });
    await ctx.close();
  });
});

describe('languages', () => {
  it('switching to zh-CN changes every visible string, and the choice is remembered', async () => {
    const ctx = await newContext(browser, { lang: 'en' });
    const page = await ctx.newPage();
    // Latin-letter words allowed in the Chinese UI: format names kept as is.
    const KEEP = new Set(['CSV', 'MQTT', 'PDF']);
    const english = (texts: string[]) =>
      texts.flatMap((t) =>
        (t.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !KEEP.has(w)).map((w) => `${w} ← "${t}"`),
      );

    await page.goto(stack.url);
    await page.locator('form.login-card').waitFor();
    expect(english(await visibleUiText(page)).length).toBeGreaterThan(3);
    await page.locator('button[data-lang="zh-CN"]').click();
    expect(english(await visibleUiText(page))).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

    // The choice survives logging in and a reload; every page of every role is checked.
    await endHomeSession();
    await login(page, stack.url, stack.users.admin);
    await page.reload();
    await page.locator('.app-header').waitFor();
    const pages: [string, string][] = [
      ['#/wall', '[data-testid=class-sessions]'],
      [`#/wall/${encodeURIComponent(stack.classSessionId)}`, '.tile'],
      ['#/coach', '[data-testid=home-recent]'],
      [`#/report/${encodeURIComponent(stack.homeSessionId)}`, '[data-testid=time-in-zone]'],
      ['#/admin/participants', '[data-testid=participants]'],
      ['#/admin/participants/e2e-p1', '[data-testid=prescriptions]'],
      ['#/admin/devices', '[data-testid=devices]'],
      ['#/admin/gateways', '[data-testid=gateways]'],
      ['#/admin/users', '[data-testid=users]'],
    ];
    for (const [hash, ready] of pages) {
      await page.goto(`${stack.url}${hash}`);
      await page.locator(ready).first().waitFor({ timeout: 20_000 });
      await page.waitForTimeout(300);
      expect({ hash, english: english(await visibleUiText(page)) }).toEqual({ hash, english: [] });
    }
    // The prescription editor with its live preview, in Chinese too.
    await page.goto(`${stack.url}#/admin/participants/e2e-p1`);
    await page.locator('[data-testid=prescriptions]').waitFor();
    await page.locator('section[data-participant] > button.btn-primary').click();
    await page.locator('[data-testid=rx-preview] .rx-zone').waitFor({ timeout: 10_000 });
    expect(english(await visibleUiText(page))).toEqual([]);
    await ctx.close();
  }, 120_000);
});

describe('class report', () => {
  it('after the class ends, its report shows the acknowledged critical alert with who and how fast', async () => {
    const cookie = await apiLogin(stack.url, stack.users.instructor);
    await api(stack.url, cookie, 'POST', `/sessions/${stack.classSessionId}/stop`);
    const ctx = await newContext(browser, { lang: 'en' });
    const page = await ctx.newPage();
    await login(page, stack.url, stack.users.instructor);
    await page.goto(`${stack.url}#/report/${encodeURIComponent(stack.classSessionId)}`);
    const ada = page.locator('.report-participant[data-participant=e2e-p1]');
    await ada.waitFor({ timeout: 20_000 });
    expect(await page.locator('.report-participant').count()).toBe(6);
    const alerts = ada.locator('[data-testid=report-alerts] tbody tr');
    await expect.poll(() => alerts.count()).toBeGreaterThan(0);
    const rows = await alerts.allTextContents();
    const critical = rows.find((r) => r.includes('Critical') && r.includes('Heart rate over ceiling'));
    expect(critical).toBeDefined();
    // Named by their display name, as in the CSV (issue 14).
    expect(critical).toContain('Demo instructor');
    expect(critical).toMatch(/\d+:\d\d/);
    if (SHOOT) {
      await page.setViewportSize({ width: 1920, height: 1500 });
      await ada.screenshot({ path: `${SCREENSHOTS}/report.png` });
    }
    await ctx.close();
  });
});
