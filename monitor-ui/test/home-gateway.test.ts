import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type HomeState, homeStateSchema, type TelemetryBatch } from '@zonewatch/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
 * Issue 17: the participant's phone as a gateway. Debian's Chromium with Web Bluetooth (behind
 * --enable-experimental-web-platform-features on Linux) and its own Bluetooth emulation over CDP: a
 * simulated heart-rate strap (0x180D / 0x2A37 with notify, read and the 0x2902 CCCD); reads answered with
 * known GATT bytes fire the page's real `characteristicvaluechanged` handler. The real platform behind it:
 * registry, embedded broker (MQTT over WebSocket on ingest's origin), ingest, the coach's console.
 */

const uuid = (n: number) => `0000${n.toString(16).padStart(4, '0')}-0000-1000-8000-00805f9b34fb`;
const STRAP = '09:09:09:09:09:01';

let stack: Stack;
let browser: Browser;
let strap: EmulatedStrap;
const browsers: Browser[] = [];
const batches: TelemetryBatch[] = [];

/** A heart-rate strap in Chromium's Bluetooth emulation; `bpm` is what the next read answers. */
class EmulatedStrap {
  bpm = 80;
  characteristicId = '';
  cdp!: Awaited<ReturnType<Browser['newBrowserCDPSession']>>;

  /** The strap drops its link (out of range, battery out). */
  disconnect(): Promise<unknown> {
    return this.cdp.send('BluetoothEmulation.simulateGATTDisconnection', { address: STRAP });
  }

  static async start(browser: Browser): Promise<EmulatedStrap> {
    const cdp = await browser.newBrowserCDPSession();
    const strap = new EmulatedStrap();
    strap.cdp = cdp;
    await cdp.send('BluetoothEmulation.enable', { state: 'powered-on', leSupported: true });
    await cdp.send('BluetoothEmulation.simulatePreconnectedPeripheral', {
      address: STRAP,
      name: 'HRM-Pro',
      manufacturerData: [],
      knownServiceUuids: [uuid(0x180d)],
    });
    const { serviceId } = await cdp.send('BluetoothEmulation.addService', {
      address: STRAP,
      serviceUuid: uuid(0x180d),
    });
    const { characteristicId } = await cdp.send('BluetoothEmulation.addCharacteristic', {
      serviceId,
      characteristicUuid: uuid(0x2a37),
      properties: { notify: true, read: true },
    });
    strap.characteristicId = characteristicId;
    // Without the CCCD, startNotifications fails with "GATT Error: Not supported".
    await cdp.send('BluetoothEmulation.addDescriptor', { characteristicId, descriptorUuid: uuid(0x2902) });
    cdp.on('BluetoothEmulation.gattOperationReceived', (e) => {
      void cdp.send('BluetoothEmulation.simulateGATTOperationResponse', {
        address: e.address,
        type: e.type,
        code: 0,
      });
    });
    cdp.on('BluetoothEmulation.characteristicOperationReceived', (e) => {
      // 0x2A37 flags 0x00: UINT8 heart rate, no contact, energy or RR fields.
      const data = e.type === 'read' ? Buffer.from([0x00, strap.bpm]).toString('base64') : undefined;
      void cdp.send('BluetoothEmulation.simulateCharacteristicOperationResponse', {
        characteristicId: e.characteristicId,
        type: e.type,
        code: 0,
        ...(data ? { data } : {}),
      });
    });
    return strap;
  }
}

/** Answers the page's device chooser with the strap — the first prompt only (a second answer crashes). */
async function chooseStrapOnPrompt(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DeviceAccess.enable');
  let answered = false;
  cdp.on('DeviceAccess.deviceRequestPrompted', (e) => {
    if (answered) return;
    answered = true;
    void cdp.send('DeviceAccess.selectPrompt', { id: e.id, deviceId: e.devices[0]!.id });
  });
}

async function api(
  method: string,
  url: string,
  token: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(new URL(url, stack.url), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function staffToken(role: 'coach' | 'instructor'): Promise<string> {
  const u = stack.users[role];
  const res = (await (
    await fetch(new URL('/api/auth/login', stack.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...u, returnToken: true }),
    })
  ).json()) as { token: string };
  return res.token;
}

/** The home participant of the demo, with a fresh pairing code issued by the coach. */
async function pairingCode(): Promise<{ code: string; participantId: string }> {
  const home = stack.platform.demo!.seed.homeSessions[0]!;
  const coach = await staffToken('coach');
  const issued = await api('POST', `/api/participants/${home.participantId}/pairing-codes`, coach);
  return { code: String(issued.code).replace('-', ''), participantId: home.participantId };
}

async function phoneState(page: Page): Promise<HomeState> {
  const cred = await page.evaluate(() => JSON.parse(localStorage.getItem('zw.home.credential') ?? 'null'));
  const res = await fetch(new URL('/api/home/me', stack.url), {
    headers: { authorization: `Gateway ${cred.gatewayId}:${cred.secret}` },
  });
  return homeStateSchema.parse(await res.json());
}

/** Opens the phone page at 360 × 740 in zh-CN, pairs it with the code, connects the strap, starts a session. */
async function phone(strap: EmulatedStrap): Promise<{ ctx: BrowserContext; page: Page; sessionId: string }> {
  const { code } = await pairingCode();
  const ctx = await newContext(browser, { lang: 'zh-CN', width: 360, height: 740 });
  const page = await ctx.newPage();
  await chooseStrapOnPrompt(page);
  await page.goto(`${stack.url}home/#code=${code}`);
  await page.locator('[data-page=pair] button[type=submit]').click();
  await page.locator('[data-page=exercise]').waitFor();
  await page.locator('[data-action=connect-strap]').click();
  await page.locator('[data-strap=connected]').waitFor({ timeout: 15_000 });
  // The participant's previous home session (another phone's, an earlier test's) ends from this page first.
  await page.locator('[data-page=exercise][data-state=loaded]').waitFor();
  if (await page.locator('[data-session=active]').isVisible()) {
    await page.locator('[data-session=active] button').click();
    await page.locator('[data-session=none]').waitFor({ timeout: 15_000 });
  }
  await page.locator('[data-action=start-session]').click();
  await page.locator('[data-session=active]').waitFor({ timeout: 15_000 });
  const s = await phoneState(page);
  strap.bpm = 80;
  return { ctx, page, sessionId: s.session!.id };
}

/** One strap reading through the page's real notification handler; waits until the page shows it. */
async function reading(page: Page, strap: EmulatedStrap, bpm: number): Promise<void> {
  strap.bpm = bpm;
  await page.evaluate(() =>
    (globalThis as unknown as { zonewatchHome: { readNow(): Promise<void> } }).zonewatchHome.readNow(),
  );
  await expect.poll(() => page.locator('[data-hr]').getAttribute('data-hr')).toBe(String(bpm));
}

beforeAll(async () => {
  stack = await startStack();
  // What ingest receives from the broker, batch by batch (the real consumer feeds it).
  const onBatch = stack.platform.live.onBatch.bind(stack.platform.live);
  stack.platform.live.onBatch = (siteId, batch) => {
    if (batch.gatewayId.startsWith('phone-')) batches.push(batch);
    return onBatch(siteId, batch);
  };
  // The demo's own home session (its simulated phone) ends: the real phone starts the participant's next one.
  await api('POST', `/api/sessions/${stack.homeSessionId}/stop`, await staffToken('instructor'));
}, 180_000);

// Each test has its own browser and strap: Chromium's emulated peripheral keeps the GATT state of a page
// that is gone, and a second chooser answer would crash the browser.
beforeEach(async () => {
  browser = await launchBrowser(['--enable-experimental-web-platform-features']);
  browsers.push(browser);
  strap = await EmulatedStrap.start(browser);
});

afterAll(async () => {
  for (const b of browsers) await b.close().catch(() => undefined);
  await stack?.close();
});

describe('home sessions from the participant’s phone over Web Bluetooth (issue 17)', () => {
  it('pairs, streams the strap to the coach’s live view, warns over the ceiling and shows the coach’s acknowledgement', async () => {
    const { ctx, page, sessionId } = await phone(strap);
    const zone = (await phoneState(page)).zone!;

    const coachCtx = await newContext(browser, { lang: 'zh-CN' });
    const coach = await coachCtx.newPage();
    await login(coach, stack.url, stack.users.coach);
    await coach.goto(`${stack.url}#/coach/live/${encodeURIComponent(sessionId)}`);

    const inZone = Math.round((zone.zoneLowBpm + zone.zoneHighBpm) / 2);
    await reading(page, strap, inZone);
    await expect.poll(() => page.locator('[data-page=exercise]').getAttribute('data-zone')).toBe('in');
    // The coach sees the phone's reading on the participant's tile.
    await expect
      .poll(() => coach.locator('[data-testid=hr]').first().textContent(), { timeout: 15_000 })
      .toContain(String(inZone));

    // Over the ceiling for longer than HR_OVER_CEILING's 10 s (sample times one second apart).
    const over = zone.ceilingBpm + 4;
    for (let i = 0; i < 13; i++) {
      await reading(page, strap, over + (i % 2));
      await page.waitForTimeout(1000);
    }
    const warning = page.locator('[data-warning=over]');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('请放慢：您的心率超过了安全上限');
    const row = coach.locator('.alert-row[data-state=waiting]').first();
    await row.waitFor({ timeout: 20_000 });
    await expect
      .poll(() => page.locator('[data-alert-state]').getAttribute('data-alert-state'), { timeout: 10_000 })
      .toBe('open');

    // Screenshot of the phone in zh-CN at 360 × 740, warning on, before the coach answers.
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'home-phone-zh-CN-360x740.png') });
    const text = (await visibleUiText(page)).join(' ');
    expect(text).not.toMatch(/[A-Za-z]{3,}/);
    const overflow = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('main *')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1)
        .map((e) => e.className),
    );
    expect(overflow).toEqual([]);

    await row.locator('.btn-ack').click();
    await expect
      .poll(() => page.locator('[data-alert-state]').getAttribute('data-alert-state'), { timeout: 15_000 })
      .toBe('acknowledged');
    expect(await page.locator('[data-alert-state]').textContent()).toContain('已看到');

    // Ingest received the phone's samples as any gateway's: in seq order, live (not replayed).
    const mine = batches.filter((b) => b.gatewayId === (batches.at(-1)?.gatewayId ?? ''));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((b, i) => i === 0 || b.seq > mine[i - 1]!.seq)).toBe(true);
    expect(mine.some((b) => b.samples.some((s) => s.kind === 'hr' && s.bpm === over))).toBe(true);
    await coachCtx.close();
    await ctx.close();
  }, 240_000);

  it('keeps 30 s of readings taken offline in IndexedDB and delivers every one, in order, flagged late, once', async () => {
    const { ctx, page } = await phone(strap);
    const gatewayId = await page.evaluate(
      () => JSON.parse(localStorage.getItem('zw.home.credential')!).gatewayId,
    );
    const received = () => batches.filter((b) => b.gatewayId === gatewayId);
    await reading(page, strap, 99);
    await expect
      .poll(() => received().some((b) => b.samples.some((x) => x.kind === 'hr' && x.bpm === 99)))
      .toBe(true);

    // The page's own clock stamps the readings: paused 40 s behind (never ahead of ingest's), it jumps one
    // second per reading, so 30 s of readings take no 30 s of test time.
    await page.clock.install({ time: Date.now() - 40_000 });
    await page.clock.pauseAt(Date.now() - 39_000);
    await ctx.setOffline(true);
    await page.locator('[data-link=offline]').waitFor({ timeout: 15_000 });
    const offline = Array.from({ length: 30 }, (_, i) => 100 + i);
    const before = received().length;
    for (const bpm of offline) {
      await reading(page, strap, bpm);
      await page.clock.fastForward(1000);
    }
    // Kept on the phone, in IndexedDB (the page says how many batches wait), none sent.
    const stored = () =>
      page.evaluate(async (db) => {
        const open = indexedDB.open(db);
        const conn = await new Promise<IDBDatabase>((ok, ko) => {
          open.onsuccess = () => ok(open.result);
          open.onerror = () => ko(open.error);
        });
        const all = conn.transaction('batches').objectStore('batches').getAll();
        const rows = await new Promise<Uint8Array[]>((ok) => {
          all.onsuccess = () => ok(all.result);
        });
        conn.close();
        return rows.flatMap((r) =>
          (JSON.parse(new TextDecoder().decode(r)) as { samples: { bpm?: number }[] }).samples.map(
            (x) => x.bpm,
          ),
        );
      }, `zw-home-outbox-${gatewayId}`);
    await expect.poll(stored, { timeout: 10_000 }).toEqual(offline);
    expect(await page.locator('[data-queued]').getAttribute('data-queued')).not.toBe(null);
    expect(received().length).toBe(before);

    await ctx.setOffline(false);
    await page.clock.resume();
    await page.locator('[data-link=online]').waitFor({ timeout: 30_000 });
    const offlineSamples = () =>
      received()
        .flatMap((b) => b.samples.map((x) => ({ seq: b.seq, replayed: b.replayed === true, x })))
        .filter((e) => e.x.kind === 'hr' && e.x.bpm >= 100 && e.x.bpm < 130);
    await expect.poll(() => offlineSamples().length, { timeout: 30_000 }).toBeGreaterThanOrEqual(30);
    const got = offlineSamples();
    // Every reading once, in order (by seq, then within the batch), one second apart, all flagged late.
    expect(got.map((e) => (e.x.kind === 'hr' ? e.x.bpm : 0))).toEqual(offline);
    expect(got.every((e) => e.replayed)).toBe(true);
    const times = got.map((e) => e.x.t);
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual(Array(29).fill(1000));
    const seqs = received().map((b) => b.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    await expect.poll(() => page.locator('[data-queued]').count(), { timeout: 15_000 }).toBe(0);
    await ctx.close();
  }, 240_000);

  it('shows a dropped strap on the page; a browser without Web Bluetooth says what to use', async () => {
    const { ctx, page } = await phone(strap);
    await strap.disconnect();
    const lost = page.locator('[data-strap=lost]');
    await lost.waitFor({ timeout: 10_000 });
    expect(await lost.textContent()).toContain('心率带已断开');
    // (The page then tries to reconnect; Chromium's emulated peripheral does not accept a new connection
    // after simulateGATTDisconnection here, so reconnection is not asserted.)
    await ctx.close();

    // Chromium without the experimental flag has no Web Bluetooth on Linux, as Safari and Firefox have none.
    const plain = await launchBrowser();
    try {
      const c = await newContext(plain, { lang: 'zh-CN', width: 360, height: 740 });
      const p = await c.newPage();
      await p.goto(`${stack.url}home/`);
      const page2 = p.locator('[data-page=unsupported]');
      await page2.waitFor();
      const text = await page2.textContent();
      expect(text).toContain('此浏览器无法连接您的心率带');
      expect(text).toContain('Chrome 或 Edge');
    } finally {
      await plain.close();
    }
  }, 120_000);
});
