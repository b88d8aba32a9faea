// A visitor applies for a grant on behalf of an injured officer; staff shortlist
// it; one admin approves 12,000 dollars for this month, a second admin confirms,
// the payment is recorded, and the dashboard shows the month's minimum met.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, assertAccessible, assertFitsNarrowScreen, screenshot,
  setUpAdminAndSignIn, signIn, choosePassword, ADMIN_PASSWORD,
} from '../lib/harness.mjs';

const SECOND_PASSWORD = 'harbor thistle copper 1987 lantern';
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

test('an application becomes a confirmed, paid grant that meets the month', async () => {
  // A visitor, on a phone, applies for an injured officer.
  const visitor = await newPage(browser, { phone: true });
  await visitor.goto(new URL('/', server.baseUrl).toString());
  await visitor.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Grants' }).click();
  await assertAccessible(visitor, 'public grants page');
  await visitor.getByRole('link', { name: 'Apply for a grant' }).click();
  await assertAccessible(visitor, 'application form');
  await assertFitsNarrowScreen(visitor, 'application form');
  await visitor.getByLabel('What the grant is for', { exact: true }).selectOption('injury');
  await visitor.getByLabel("Recipient's full name").fill('Marcus Webb');
  await visitor.getByLabel('Rank or title').fill('Officer');
  await visitor.getByLabel('Agency (department)').fill('Tampa Police Department');
  await visitor.getByLabel('City and state or province').fill('Tampa, FL');
  const today = new Date().toLocaleDateString('en-CA', { timeZone: 'America/New_York' });
  await visitor.getByLabel('Date of the injury').fill(today);
  await visitor.getByLabel('What happened and what the grant is for').fill('Hit by a fleeing driver at a traffic stop; months of surgery ahead.');
  await visitor.getByLabel('Amount asked for').fill('twelve thousand');
  await visitor.getByLabel('Your name', { exact: true }).fill('Dana Webb');
  await visitor.getByLabel('Your relationship to them').fill('Wife');
  await visitor.getByLabel('Phone').fill('(813) 555-0117');
  await visitor.getByRole('button', { name: 'Send the application' }).click();
  await visitor.locator('#amount_requested-error').waitFor();
  assert.equal(await visitor.getByLabel("Recipient's full name").inputValue(), 'Marcus Webb', 'what was typed stays');
  await assertAccessible(visitor, 'application form with a mistake');
  await visitor.getByLabel('Amount asked for').fill('$12,000');
  await visitor.getByRole('button', { name: 'Send the application' }).click();
  await visitor.waitForURL(/\/grants\/apply\/received$/);
  const reference = await visitor.locator('#reference').innerText();
  assert.match(reference, /^G-\d{4}-\d{6}$/);
  await assertAccessible(visitor, 'application received');
  await screenshot(visitor, 'grant-received-phone');

  // The first admin (acting as staff too) invites a second admin.
  const admin = await newPage(browser);
  await setUpAdminAndSignIn(admin, server);
  await admin.getByRole('link', { name: 'Accounts', exact: true }).click();
  await admin.getByRole('link', { name: 'Invite someone' }).click();
  await admin.getByLabel('Email').fill('treasurer@example.org');
  await admin.getByLabel('Name').fill('Terry Treasurer');
  await admin.getByLabel(/Admin: also grants/).check();
  await admin.getByRole('button', { name: 'Create invitation' }).click();
  const flash = await admin.locator('.flash-success').innerText();
  const link = flash.match(/http:\/\/\S+\/account\/welcome\/[0-9a-f]{64}/)?.[0];
  assert.ok(link, `the invitation link is shown: ${flash}`);

  // Staff review: the queue, the application, a note, the shortlist.
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Grants', exact: true }).click();
  await assertAccessible(admin, 'grant queue');
  await admin.getByRole('link', { name: reference }).click();
  await assertAccessible(admin, 'application page');
  assert.match(await admin.locator('main').innerText(), /Hit by a fleeing driver/);
  await admin.getByLabel('Add a note').fill('Called Tampa PD: injury on duty confirmed.');
  await admin.getByRole('button', { name: 'Add the note' }).click();
  assert.match(await admin.locator('#notes').innerText(), /injury on duty confirmed/);
  await admin.getByRole('button', { name: 'Shortlist for a decision' }).click();
  assert.match(await admin.locator('#status').innerText(), /Shortlisted/);

  // The first admin approves 12,000 dollars for this month: above $5,000, so it waits.
  // Approving asks for the admin's password again: a wrong one is refused beside the field.
  await admin.getByLabel('Amount to give, in dollars').fill('12,000');
  await assertAccessible(admin, 'approval form');
  await admin.getByLabel('Your password').fill('not the right password');
  await admin.getByRole('button', { name: 'Approve', exact: true }).click();
  assert.match(await admin.locator('#password-error').innerText(), /not your password/);
  assert.match(await admin.locator('#status').innerText(), /Shortlisted/);
  assert.equal(await admin.getByLabel('Amount to give, in dollars').inputValue(), '12,000', 'the amount stays');
  assert.equal(await admin.getByLabel('Your password').inputValue(), '', 'the password is not sent back');
  await assertAccessible(admin, 'approval form with a wrong password');
  await admin.getByLabel('Your password').fill(ADMIN_PASSWORD);
  await admin.getByRole('button', { name: 'Approve', exact: true }).click();
  assert.match(await admin.locator('.flash-success').innerText(), /second admin/);
  assert.match(await admin.locator('#status').innerText(), /waiting for a second admin/);
  assert.equal(await admin.getByRole('button', { name: 'Confirm the approval' }).count(), 0, 'not by the same admin');
  await screenshot(admin, 'grant-awaiting-second-approval');
  const applicationUrl = admin.url();

  // The second admin sets a password, signs in and confirms.
  const second = await newPage(browser);
  await choosePassword(second, link, SECOND_PASSWORD);
  await signIn(second, 'treasurer@example.org', SECOND_PASSWORD);
  await second.goto(applicationUrl);
  await assertAccessible(second, 'application awaiting confirmation');
  await second.getByLabel('Your password').fill(SECOND_PASSWORD);
  await second.getByRole('button', { name: 'Confirm the approval' }).click();
  assert.match(await second.locator('.flash-success').innerText(), /recipient number 1/);

  // The payment is recorded.
  await second.getByLabel('Date paid').fill(today);
  await second.getByLabel('Paid by').selectOption('check');
  await second.getByLabel('Payment reference').fill('Check 2041');
  await second.getByRole('button', { name: 'Record the payment' }).click();
  assert.match(await second.locator('#status').innerText(), /Paid/);
  await assertAccessible(second, 'paid grant');
  await screenshot(second, 'grant-paid');

  // The dashboard shows the month's minimum met.
  await second.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Grant dashboard' }).click();
  assert.equal(await second.locator('#month-given').innerText(), '$12,000.00');
  assert.match(await second.locator('#month-status').innerText(), /Minimum of \$10,000\.00 met/);
  await assertAccessible(second, 'grant dashboard');
  await assertFitsNarrowScreen(second, 'grant dashboard');
  await screenshot(second, 'grant-dashboard');

  // The public page shows the total, not the (unconsenting) recipient's name.
  await visitor.goto(new URL('/grants', server.baseUrl).toString());
  const publicText = await visitor.locator('main').innerText();
  assert.match(publicText, /\$12,000\.00/);
  assert.doesNotMatch(publicText, /Marcus Webb|Tampa|555-0117|Check 2041/);
});
