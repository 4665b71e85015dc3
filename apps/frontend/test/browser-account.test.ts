/**
 * The dashboard's account pages in real Chromium on the real stack: recovery codes, password
 * change and deletion with errors next to their fields, and the rough edges of issue 12
 * (logging in and out in one tab, branding, 404, no camera, no face, phone width).
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_CAMERA, NO_CAMERA, OWNER, PASS, alertText, heading, openPage, registered, sharedBrowser, shot, unlabelled, url, useLocalStack } from './support/browser.ts';

useLocalStack();

describe('the dashboard in Chromium, on the real stack (face + auth + frontend)', () => {

  it('manages an account: new recovery codes, password change, deletion, with errors next to their fields', { timeout: 120_000 }, async () => {
    const { page, watch } = await openPage(await sharedBrowser(), OWNER);
    const who = `keeper-${Date.now()}@example.com`;
    const first = 'purple elephants dance quietly';
    const second = 'seven green lanterns at dusk';
    await page.goto(`${url()}/register`);
    await heading(page, 'Create an account');
    await page.getByLabel('Name', { exact: true }).fill('Kim Keeper');
    await page.getByLabel('Email', { exact: true }).fill(who);
    await page.getByLabel('Password', { exact: true }).fill('12345678');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#register-password-error', { hasText: 'breached passwords' }).waitFor();
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Password', { exact: true }).fill(first);
    await page.getByRole('button', { name: 'Create account' }).click();
    await heading(page, 'Your profile');

    // New recovery codes: a wrong password says so next to the field.
    await page.getByRole('link', { name: 'Make new recovery codes' }).click();
    await heading(page, 'Make new recovery codes');
    expect(await unlabelled(page)).toEqual([]);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Make new codes' }).click();
    await page.locator('#codes-password-error', { hasText: 'The password is wrong.' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(first);
    await page.getByRole('button', { name: 'Make new codes' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    expect(await page.locator('[data-codes] li').count()).toBe(10);
    await page.getByLabel('I saved my recovery codes').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('10 recovery codes left.').waitFor();

    // Change password: the repeat must match (checked here), then the server's rules.
    await page.getByRole('link', { name: 'Change password' }).click();
    await heading(page, 'Change password');
    expect(await unlabelled(page)).toEqual([]);
    await page.getByLabel('Current password').fill(first);
    await page.getByLabel('New password', { exact: true }).fill(second);
    await page.getByLabel('New password again').fill(`${second}!`);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.locator('#password-repeat-error', { hasText: 'not the same' }).waitFor();
    await page.getByLabel('New password again').fill(second);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password was changed.').waitFor();
    await shot(page, '11-password-changed');

    // The new password logs in (no face factor: straight to the profile); the old one does not.
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await heading(page, 'Log in');
    await page.getByLabel('Email', { exact: true }).fill(who);
    await page.getByLabel('Password', { exact: true }).fill(first);
    await page.getByRole('button', { name: 'Log in' }).click();
    expect(await alertText(page, 10_000)).toBe('Email or password is wrong.');
    await page.getByLabel('Password', { exact: true }).fill(second);
    await page.getByRole('button', { name: 'Log in' }).click();
    await heading(page, 'Your profile');

    // Delete: the box must be ticked, then the account is gone.
    await page.getByRole('link', { name: 'Delete account' }).click();
    await heading(page, 'Delete account');
    expect(await unlabelled(page)).toEqual([]);
    await page.getByLabel('Password', { exact: true }).fill(second);
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.locator('#delete-confirm-error', { hasText: 'tick this box' }).waitFor();
    await page.getByLabel(/I understand/).check();
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await heading(page, 'Log in');
    await page.getByText('Your account and face data were deleted.').waitFor();
    await shot(page, '12-account-deleted');
    await page.getByLabel('Email', { exact: true }).fill(who);
    await page.getByLabel('Password', { exact: true }).fill(second);
    await page.getByRole('button', { name: 'Log in' }).click();
    expect(await alertText(page, 10_000)).toBe('Email or password is wrong.');
    expect(watch.problems).toEqual([]);
  });});

describe("the dashboard's rough edges (issue 12)", () => {
  it('logs out, in and out again in one tab, without a reload; a password-only account is not told it has 0 recovery codes', { timeout: 120_000 }, async () => {
    const { page, watch } = await openPage(await sharedBrowser(), OWNER);
    const who = await registered(page);
    await page.getByText(/^None yet: you get ten when you turn on face login/).waitFor();
    expect(await page.getByText('0 recovery codes left').count()).toBe(0);
    for (let round = 0; round < 2; round++) {
      await page.getByRole('button', { name: 'Log out', exact: true }).click();
      await heading(page, 'Log in');
      await page.getByLabel('Email', { exact: true }).fill(who);
      await page.getByLabel('Password', { exact: true }).fill(PASS);
      await page.getByRole('button', { name: 'Log in' }).click();
      await heading(page, 'Your profile');
      expect(await page.getByRole('button', { name: 'Log out', exact: true }).isEnabled(), `round ${round + 1}`).toBe(true);
    }
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await heading(page, 'Log in');
    expect(watch.problems).toEqual([]);
  });

  it("shows the plant's name and help line from the chart, and what the app is for", { timeout: 60_000 }, async () => {
    const { page, watch } = await openPage(await sharedBrowser(), OWNER);
    await page.goto(`${url()}/login`);
    await heading(page, 'Log in');
    expect((await page.locator('header .navbar-brand').textContent())?.trim()).toBe('KubeVisionLinz <Final> Assembly');
    expect(await page.title()).toBe('Log in · KubeVision · Linz <Final> Assembly');
    await page.getByText('Help: IT service desk, ext. 4711').waitFor();
    await page.getByText(/^KubeVision: log in at the plant's terminals with your password/).waitFor();
    expect(await page.locator('header final').count(), 'the name is text, not markup').toBe(0);
    expect(watch.problems).toEqual([]);
  });

  it('an unknown address answers 404 and says "Page not found", with the way back', { timeout: 60_000 }, async () => {
    const { page, watch } = await openPage(await sharedBrowser(), OWNER);
    const res = await page.goto(`${url()}/no/such/page`);
    expect(res?.status()).toBe(404);
    await heading(page, 'Page not found');
    expect(await page.title()).toBe('Page not found · KubeVision · Linz <Final> Assembly');
    await page.getByRole('link', { name: 'Go to the start page' }).click();
    await heading(page, 'Log in');
    expect((await page.goto(`${url()}/profile`))?.status(), 'a real page still answers 200').toBe(200);
    expect(watch.problems).toEqual([]);
  });

  it('without a camera it says so once, and not "Starting the camera…" beside it', { timeout: 60_000 }, async () => {
    const context = await (await sharedBrowser()).newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    await page.addInitScript({ content: NO_CAMERA });
    await registered(page, 'Nora Nocam');
    await page.getByRole('link', { name: 'Set up face login' }).click();
    await heading(page, 'Set up face login');
    // Setting face login up: the user may have no recovery codes yet, so none is offered.
    await page.locator('#alert', { hasText: 'No camera was found. Connect a camera to set up face login.' }).waitFor();
    expect(await page.locator('#alert').textContent()).not.toMatch(/recovery code/);
    expect(await page.getByText('Starting the camera').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Take pictures' }).isDisabled()).toBe(true);
    await context.close();
  });

  it('with no face in view, the guidance says so and the console stays clean (no HTTP error every second)', { timeout: 90_000 }, async () => {
    const context = await (await sharedBrowser()).newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    await page.addInitScript({ content: EMPTY_CAMERA });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
    });
    const checks: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('/api/me/face/check')) checks.push(r.status());
    });
    await registered(page, 'Ed Empty');
    await page.getByRole('link', { name: 'Set up face login' }).click();
    await heading(page, 'Set up face login');
    await page.locator('[data-guidance]', { hasText: 'We cannot see a face' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => checks.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    expect(new Set(checks)).toEqual(new Set([200]));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('at phone width the header keeps one line and the logins table scrolls inside the page', { timeout: 60_000 }, async () => {
    const context = await (await sharedBrowser()).newContext({ viewport: { width: 360, height: 740 }, locale: 'en-GB', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await registered(page, 'Maximiliane Alexandrina Bergmann-Oberhuber');
    await page.getByRole('table').waitFor();
    const logout = await page.getByRole('button', { name: 'Log out', exact: true }).boundingBox();
    const lineHeight = Number(await page.evaluate("parseFloat(getComputedStyle(document.querySelector('[data-action=logout]')).lineHeight)"));
    expect(logout!.height, 'one line of text plus padding').toBeLessThan(lineHeight * 2);
    const header = await page.locator('header').boundingBox();
    expect(header!.height).toBeLessThan(80);
    // Nothing sticks out of the page sideways; the table is wider than the phone and scrolls in its own box.
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(360);
    const box = (await page.evaluate("(() => { const d = document.querySelector('.table-responsive'); return { scroll: d.scrollWidth, client: d.clientWidth, overflow: getComputedStyle(d).overflowX }; })()")) as { scroll: number; client: number; overflow: string };
    expect(box.overflow).toBe('auto');
    expect(box.scroll).toBeGreaterThanOrEqual(box.client);
    await shot(page, '13-phone-profile');
    await context.close();
  });
});