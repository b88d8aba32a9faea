// The foundation's journey: the first admin sets up through the printed link,
// signs in, sets up the second factor admins must have, invites a staff member,
// who chooses a password and signs in too; then the admin signs in again with a code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, assertAccessible, assertFitsNarrowScreen, screenshot, enrol, nextCode, signIn,
} from '../lib/harness.mjs';

const ADMIN_PASSWORD = 'lighthouse saffron meadow 2041';
const STAFF_PASSWORD = 'copper kettle river dusk 77';
let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the first admin sets up, invites a staff member, and both sign in', async () => {
  const admin = await newPage(browser);
  await admin.goto(server.setupLink);
  await assertAccessible(admin, 'first admin setup');
  await admin.getByLabel('Email').fill('chief@example.org');
  await admin.getByLabel('Your name').fill('Casey Chief');
  await admin.getByLabel('New password', { exact: true }).fill('password1234');
  await admin.getByLabel('New password again').fill('password1234');
  await admin.getByRole('button', { name: 'Create admin account' }).click();
  // A common password is refused beside the field, and what was typed stays.
  await assert.doesNotReject(admin.locator('#password-error').waitFor());
  assert.equal(await admin.getByLabel('Email').inputValue(), 'chief@example.org');
  await assertAccessible(admin, 'setup with an error');

  await admin.getByLabel('New password', { exact: true }).fill(ADMIN_PASSWORD);
  await admin.getByLabel('New password again').fill(ADMIN_PASSWORD);
  await admin.getByRole('button', { name: 'Create admin account' }).click();
  await admin.waitForURL(/\/login$/);
  assert.match(await admin.locator('main').innerText(), /Your admin account is ready/);
  await assertAccessible(admin, 'sign-in page');
  await screenshot(admin, 'sign-in');

  await admin.getByLabel('Email').fill('chief@example.org');
  await admin.getByLabel('Password').fill(ADMIN_PASSWORD);
  await admin.getByRole('button', { name: 'Sign in' }).click();
  // An admin must set up a second factor before anything else.
  await admin.waitForURL(/\/account\/second-factor\/enrol$/);
  await admin.goto(new URL('/staff', server.baseUrl).toString());
  await admin.waitForURL(/\/account\/second-factor\/enrol$/);
  assert.match(await admin.locator('main').innerText(), /Admins need a second factor/);
  assert.ok(await admin.getByRole('img', { name: /QR code/ }).isVisible(), 'a QR code to scan');
  await assertAccessible(admin, 'second factor enrolment');
  await assertFitsNarrowScreen(admin, 'second factor enrolment');
  await screenshot(admin, 'second-factor-enrol');
  await admin.getByLabel('Code from the app').fill('12a456');
  await admin.getByRole('button', { name: /second factor/ }).click();
  assert.match(await admin.locator('#code-error').innerText(), /6 digits/);
  await assertAccessible(admin, 'second factor enrolment with an error');
  const recoveryCodes = await enrol(admin, 'chief@example.org', ADMIN_PASSWORD);
  assert.equal(recoveryCodes.length, 10);
  await assertAccessible(admin, 'recovery codes');
  await screenshot(admin, 'recovery-codes');
  await admin.getByRole('link', { name: /I have saved them/ }).click();
  await admin.waitForURL(/\/staff$/);
  await assertAccessible(admin, 'staff desk');

  await admin.getByRole('link', { name: 'Accounts', exact: true }).click();
  await admin.getByRole('link', { name: 'Invite someone' }).click();
  await assertAccessible(admin, 'invite form');
  await admin.getByLabel('Email').fill('runner@example.org');
  await admin.getByLabel('Name').fill('Riley Runner');
  await admin.getByRole('button', { name: 'Create invitation' }).click();
  const flash = await admin.locator('.flash-success').innerText();
  const link = flash.match(/http:\/\/\S+\/account\/welcome\/[0-9a-f]{64}/)?.[0];
  assert.ok(link, `the invitation link is shown: ${flash}`);
  await assertAccessible(admin, 'account page');
  await assertFitsNarrowScreen(admin, 'account page');
  await screenshot(admin, 'account-with-invitation');

  const staff = await newPage(browser, { phone: true });
  await staff.goto(link);
  await assertAccessible(staff, 'choose password');
  await staff.getByLabel('New password', { exact: true }).fill(STAFF_PASSWORD);
  await staff.getByLabel('New password again').fill(STAFF_PASSWORD);
  await staff.getByRole('button', { name: 'Set password' }).click();
  await staff.waitForURL(/\/login$/);
  await signIn(staff, 'runner@example.org', STAFF_PASSWORD);
  assert.match(await staff.locator('main').innerText(), /Signed in as Riley Runner/);
  assert.equal(await staff.getByRole('link', { name: 'Accounts', exact: true }).count(), 0, 'staff see no admin pages');
  await assertFitsNarrowScreen(staff, 'staff desk on a phone');
  await screenshot(staff, 'staff-desk-phone');

  // The admin sees both sign-ins in the audit trail.
  await admin.getByRole('link', { name: 'Audit trail' }).click();
  const trail = await admin.locator('main').innerText();
  assert.match(trail, /Signed in: runner@example\.org/);
  // Actions read in words; the code stays in the cell's title.
  assert.match(trail, /Invited an account/);
  assert.equal(await admin.locator('main [title="account.invited"]').count() > 0, true);
  await assertAccessible(admin, 'audit trail');

  await staff.getByRole('button', { name: 'Sign out' }).click();
  await staff.goto(new URL('/staff', server.baseUrl).toString());
  await staff.waitForURL(/\/login\?next=/);

  // The admin signs in again: after the password, a code from the app.
  await admin.getByRole('button', { name: 'Sign out' }).click();
  await admin.goto(new URL('/login', server.baseUrl).toString());
  await admin.getByLabel('Email').fill('chief@example.org');
  await admin.getByLabel('Password').fill(ADMIN_PASSWORD);
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await admin.waitForURL(/\/login\/code$/);
  await assertAccessible(admin, 'sign-in code');
  await admin.getByLabel('Code from your authenticator app').fill('<b>1</b>');
  await admin.getByRole('button', { name: 'Sign in' }).click();
  assert.match(await admin.locator('#code-error').innerText(), /6 digits/);
  await assertAccessible(admin, 'sign-in code with an error');
  await screenshot(admin, 'sign-in-code');
  await admin.getByLabel('Code from your authenticator app').fill(await nextCode('chief@example.org'));
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await admin.waitForURL(/\/staff$/);
  await admin.goto(new URL('/account/second-factor', server.baseUrl).toString());
  assert.match(await admin.locator('#factor-status').innerText(), /10 of 10 recovery codes unused/);
  await assertAccessible(admin, 'second factor page');
});

test('a signed-in page works with the keyboard alone', async () => {
  const page = await newPage(browser);
  await page.goto(new URL('/login', server.baseUrl).toString());
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => document.activeElement?.textContent?.trim());
  assert.equal(skip, 'Skip to content', 'the first Tab reaches the skip link');
  await page.getByLabel('Email').focus();
  await page.keyboard.type('chief@example.org');
  await page.keyboard.press('Tab');
  await page.keyboard.type(ADMIN_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/login\/code$/);
  // The code field has the focus.
  await page.keyboard.type(await nextCode('chief@example.org'));
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/staff$/);
  const outline = await page.evaluate(() => {
    const link = document.querySelector('a.brand');
    link.focus();
    return getComputedStyle(link).outlineStyle;
  });
  assert.notEqual(outline, 'none', 'focus is visible');
});
