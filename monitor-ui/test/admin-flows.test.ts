import { SESSION_COOKIE } from '@zonewatch/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, login, newContext, type Stack, startStack } from './harness.js';

/**
 * The administration and session-management flows in real headless Chromium against the real stack:
 * creating participants (server refusals shown next to the field they name), changing an alias and the
 * clinical details, rotating and revoking a gateway's credential, and an instructor creating a class and
 * a session and starting it from the session list.
 */
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function as(role: keyof Stack['users']): Promise<Page> {
  const ctx = await newContext(browser, { lang: 'en' });
  const page = await ctx.newPage();
  await login(page, stack.url, stack.users[role]);
  return page;
}

describe('participants', () => {
  it('a clinician creates a participant; a refused value is shown next to its field', async () => {
    const page = await as('clinician');
    await page.goto(`${stack.url}#/admin/participants`);
    const form = page.locator('[data-testid=create-participant]');
    await form.waitFor({ timeout: 15_000 });
    // Blanks only: the browser accepts it, the server refuses it and names the field.
    await form.getByLabel(/^Alias/).fill('   ');
    await form.locator('button[type=submit]').click();
    const aliasError = form.locator('label.field-invalid', { has: page.locator('input[name=alias]') });
    await aliasError.locator('[data-testid=field-error]').waitFor({ timeout: 10_000 });
    expect(await aliasError.locator('[data-testid=field-error]').textContent()).toContain(
      'must not be empty',
    );
    expect(await form.locator('input[name=alias]').getAttribute('aria-invalid')).toBe('true');
    // The form-level line is the translated message for ZW_ERR_VALIDATION with the server's detail.
    expect(await form.locator('p.error').textContent()).toContain('Some values were refused');

    // With clinical details: an impossible age is refused next to the age field.
    await form.getByLabel(/^Alias/).fill('Zed 7');
    await form.getByLabel(/record clinical details/).check();
    await form.getByLabel(/^Age/).fill('200');
    await form.locator('button[type=submit]').click();
    const ageField = form.locator('label.field-invalid', { hasText: 'Age (years)' });
    await ageField.waitFor({ timeout: 10_000 });
    expect(await form.locator('label.field-invalid', { hasText: 'Alias' }).count()).toBe(0);
    await form.getByLabel(/^Age/).fill('67');
    await form.locator('button[type=submit]').click();
    await form.locator('.ok', { hasText: 'Participant created.' }).waitFor({ timeout: 10_000 });
    const row = page.locator('[data-testid=participants] tbody tr', { hasText: 'Zed 7' });
    await row.waitFor({ timeout: 10_000 });

    // Change the alias, then the clinical details (stored with the creation) are there on request.
    await row.locator('a.btn').first().click(); // Open (the second is the record)
    const aliasForm = page.locator('[data-testid=alias-form]');
    await aliasForm.waitFor({ timeout: 10_000 });
    await aliasForm.getByLabel(/^Alias/).fill('Zed 8');
    await aliasForm.locator('button[type=submit]').click();
    await aliasForm.locator('.ok').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('section[data-participant] h2').textContent()).toContain('Zed 8');

    await page.locator('button', { hasText: 'Show clinical details' }).click();
    await expect.poll(() => page.getByLabel(/^Age/).inputValue(), { timeout: 10_000 }).toBe('67');
    await page.getByLabel(/^Age/).fill('140');
    await page.locator('button', { hasText: /^Save$/ }).click();
    await page.locator('label.field-invalid', { hasText: 'Age (years)' }).waitFor({ timeout: 10_000 });
    await page.getByLabel(/^Age/).fill('68');
    await page.locator('button', { hasText: /^Save$/ }).click();
    await page.getByText('Saved', { exact: true }).waitFor({ timeout: 10_000 });
    expect(await page.locator('label.field-invalid').count()).toBe(0);
    await page.context().close();
  });
});

describe('gateways', () => {
  it('rotating a secret shows the new one once; revoking asks first', async () => {
    const page = await as('admin');
    await page.goto(`${stack.url}#/admin/gateways`);
    await page.locator('[data-testid=gateways]').waitFor({ timeout: 15_000 });
    await page.getByLabel(/^Gateway id/).fill('room-c-gw');
    await page.locator('button', { hasText: 'Create gateway' }).click();
    const once = page.locator('[data-testid=gateway-secret]');
    await once.waitFor({ timeout: 10_000 });
    const first = await once.locator('dd code').nth(1).textContent();
    await once.locator('button', { hasText: 'I have copied it' }).click();
    await once.waitFor({ state: 'detached' });

    const row = page.locator('[data-testid=gateways] tr[data-gateway=room-c-gw]');
    // Keyboard: focus the row's "New secret" button and press Enter; the confirmation opens.
    await row.locator('button[data-action=rotate]').focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('dialog.dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('stops working at once');
    // Cancelling changes nothing.
    await dialog.locator('button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await once.count()).toBe(0);

    await row.locator('button[data-action=rotate]').click();
    await dialog.locator('button', { hasText: 'Issue new secret' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    await once.waitFor({ timeout: 10_000 });
    expect(await once.getAttribute('data-gateway')).toBe('room-c-gw');
    expect(await once.textContent()).toContain('shown only once');
    const second = await once.locator('dd code').nth(1).textContent();
    expect(second?.length).toBeGreaterThan(15);
    expect(second).not.toBe(first);
    await once.locator('button', { hasText: 'I have copied it' }).click();

    await row.locator('button[data-action=revoke]').click();
    expect(await dialog.textContent()).toContain('cannot be undone');
    await dialog.locator('button', { hasText: 'Revoke now' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    // Revoked: the date is shown and the actions are gone.
    await expect.poll(() => row.locator('button').count(), { timeout: 10_000 }).toBe(0);
    expect(await row.locator('td').nth(4).textContent()).not.toBe('--');
    await page.context().close();
  });
});

describe('sessions', () => {
  it('an instructor creates a class and a session, starts it from the list, and it is live on the wall list', async () => {
    const page = await as('instructor');
    await page.locator('[data-testid=class-sessions]').waitFor({ timeout: 15_000 });
    const newClass = page.locator('[data-testid=new-class]');
    await newClass.getByLabel(/^Class name/).fill('Balance class');
    await newClass.getByLabel(/^Schedule/).fill('Fri 09:00');
    await newClass.locator('button[type=submit]').click();
    await newClass.locator('.ok').waitFor({ timeout: 10_000 });

    const newSession = page.locator('[data-testid=new-session]');
    const classSelect = newSession.locator('select[name=classId]');
    await expect
      .poll(() => classSelect.locator('option', { hasText: 'Balance class' }).count(), { timeout: 10_000 })
      .toBe(1);
    await classSelect.selectOption({ label: 'Balance class' });
    await newSession.getByLabel(/^Session name/).fill('Friday balance');
    await newSession.locator('button[type=submit]').click();
    await newSession.locator('.ok').waitFor({ timeout: 10_000 });

    const row = page.locator('[data-testid=class-sessions] tr', { hasText: 'Friday balance' });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('Scheduled');
    await row.locator('button[data-action=start]').click();
    await expect.poll(() => row.locator('.status').textContent(), { timeout: 10_000 }).toBe('Live');
    expect(await row.locator('button[data-action=start]').count()).toBe(0);
    // It opens on the wall.
    await row.locator('a.btn', { hasText: 'Open wall' }).click();
    await page.locator('.wall .status-active').waitFor({ timeout: 10_000 });
    await page.context().close();
  });
});

describe('acknowledging with a note', () => {
  it('the wall keeps one-step acknowledgement, and "Add note" sends the note with it', async () => {
    const page = await as('instructor');
    await page.goto(`${stack.url}#/wall/${encodeURIComponent(stack.classSessionId)}`);
    // Ada's scripted over-exertion raises an alert (the first waiting row, most urgent first).
    const row = page.locator('.alert-row[data-state=waiting]').first();
    await row.waitFor({ timeout: 150_000 });
    const alertId = await row.getAttribute('data-alert');
    // One card per participant (issue 14): the card stays the participant's while their alerts change.
    const target = page.locator(
      `.alert-row[data-participant="${await row.getAttribute('data-participant')}"]`,
    );
    await target.locator('button[data-action=add-note]').click();
    const form = target.locator('[data-testid=ack-note]');
    // The note field has focus at once; Escape closes the note form without acknowledging.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('note');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    expect(await target.getAttribute('data-state')).toBe('waiting');
    await target.locator('button[data-action=add-note]').click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('note');
    // Typing "a" in the note does not acknowledge through the wall's A key.
    await page.keyboard.type('a walk to cool down');
    expect(await target.getAttribute('data-state')).toBe('waiting');
    await page.keyboard.press('Enter');
    await expect.poll(() => target.getAttribute('data-state'), { timeout: 10_000 }).toBe('acknowledged');

    const res = await fetch(`${stack.url}api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(stack.users.instructor),
    });
    const cookie = (res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? '').split(
      ';',
    )[0]!;
    const alerts = (await (
      await fetch(`${stack.url}api/sessions/${encodeURIComponent(stack.classSessionId)}/alerts`, {
        headers: { cookie },
      })
    ).json()) as { items: { id: string; events: { event: string; note: string | null }[] }[] };
    const ack = alerts.items.find((a) => a.id === alertId)?.events.find((e) => e.event === 'acknowledged');
    expect(ack?.note).toBe('a walk to cool down');
    await page.context().close();
  }, 180_000);
});
