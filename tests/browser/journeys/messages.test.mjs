// Mail, as the people it is written to receive it: an admin invites someone by
// address and the person signs in through the link in the email; a visitor
// applies for a grant, follows it through the status link in the receipt, and
// hears of the approval; the admin's outbox shows every message sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, assertAccessible, assertFitsNarrowScreen, screenshot,
  setUpAdminAndSignIn, signIn, choosePassword, ADMIN_PASSWORD,
} from '../lib/harness.mjs';
import { startSmtpSink, linkIn } from '../lib/smtp.mjs';

const NEW_PASSWORD = 'orchard pebble lantern 1979 violet';
let sink;
let server;
let browser;

before(async () => {
  sink = await startSmtpSink();
  server = await startServer({ smtpUrl: sink.url });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  sink?.close();
});

test('an invitation, a receipt and a decision arrive by email and their links work', async () => {
  const admin = await newPage(browser);
  await setUpAdminAndSignIn(admin, server);

  // The admin invites by address; the link goes by mail, not on screen.
  await admin.getByRole('link', { name: 'Accounts', exact: true }).click();
  await admin.getByRole('link', { name: 'Invite someone' }).click();
  await admin.getByLabel('Email').fill('nia@example.org');
  await admin.getByLabel('Name').fill('Nia New');
  await admin.getByRole('button', { name: 'Create invitation' }).click();
  const flash = await admin.locator('.flash-success').innerText();
  assert.match(flash, /emailed to nia@example\.org/);
  assert.doesNotMatch(flash, /\/account\/welcome\//);

  const invitation = await sink.waitFor('nia@example.org', /invited/);
  const welcome = linkIn(invitation, '/account/welcome/');
  assert.ok(welcome, 'the invitation holds its link');
  const person = await newPage(browser, { phone: true });
  await choosePassword(person, welcome, NEW_PASSWORD);
  await signIn(person, 'nia@example.org', NEW_PASSWORD);
  assert.match(await person.locator('main').innerText(), /Nia New/);

  // A visitor applies and gives an email address.
  const visitor = await newPage(browser, { phone: true });
  await visitor.goto(new URL('/grants/apply', server.baseUrl).toString());
  await visitor.getByLabel('What the grant is for', { exact: true }).selectOption('injury');
  await visitor.getByLabel("Recipient's full name").fill('Marcus Webb');
  await visitor.getByLabel('Agency (department)').fill('Tampa Police Department');
  const today = new Date().toLocaleDateString('en-CA', { timeZone: 'America/New_York' });
  await visitor.getByLabel('Date of the injury').fill(today);
  await visitor.getByLabel('What happened and what the grant is for').fill('Hit by a fleeing driver at a traffic stop.');
  await visitor.getByLabel('Amount asked for').fill('$3,000');
  await visitor.getByLabel('Your name', { exact: true }).fill('Dana Webb');
  await visitor.getByLabel('Email').fill('dana@example.org');
  await visitor.getByRole('button', { name: 'Send the application' }).click();
  await visitor.waitForURL(/\/grants\/apply\/received$/);
  const reference = await visitor.locator('#reference').innerText();
  await assertAccessible(visitor, 'application received, with its status link');

  // The receipt's link opens the application's status page, on the phone.
  const receipt = await sink.waitFor('dana@example.org', /received/);
  assert.match(receipt.data, new RegExp(reference));
  const statusLink = linkIn(receipt, '/grants/status/');
  assert.ok(statusLink, 'the receipt holds the status link');
  await visitor.goto(statusLink);
  assert.match(await visitor.locator('h1').innerText(), new RegExp(reference));
  assert.match(await visitor.locator('#current-step').innerText(), /^Received/);
  assert.doesNotMatch(await visitor.locator('main').innerText(), /Marcus Webb|fleeing driver|3,000/);
  await assertAccessible(visitor, 'grant status page');
  await assertFitsNarrowScreen(visitor, 'grant status page');
  await screenshot(visitor, 'grant-status-received');

  // The admin shortlists and approves; the decision arrives, and the page moves on.
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Grants', exact: true }).click();
  await admin.getByRole('link', { name: reference }).click();
  await admin.getByRole('button', { name: 'Shortlist for a decision' }).click();
  await admin.getByLabel('Amount to give, in dollars').fill('3,000');
  await admin.getByLabel('Your password').fill(ADMIN_PASSWORD);
  await admin.getByRole('button', { name: 'Approve', exact: true }).click();
  assert.match(await admin.locator('.flash-success').innerText(), /recipient number 1/);

  const decision = await sink.waitFor('dana@example.org', /approved/);
  assert.match(decision.data, /approved, for \$3,000\.00/);
  await visitor.reload();
  assert.match(await visitor.locator('#current-step').innerText(), /^Decided/);
  await screenshot(visitor, 'grant-status-decided');

  // The outbox shows each message sent.
  await admin.goto(new URL('/admin/outbox', server.baseUrl).toString());
  const outbox = await admin.locator('main').innerText();
  for (const address of ['nia@example.org', 'dana@example.org']) {
    assert.match(outbox, new RegExp(address.replace('.', '\\.')));
  }
  assert.match(outbox, /Sent/);
  await assertAccessible(admin, 'outbox');
});
