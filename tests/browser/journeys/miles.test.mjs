// On a phone-sized window, staff schedule a run for a hero on the backlog, log
// the completed mile typing little more than its time, see its number, and the
// public hero page shows it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, assertAccessible, assertFitsNarrowScreen, screenshot, setUpAdminAndSignIn,
} from '../lib/harness.mjs';

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

test('a mile is scheduled, logged from a phone and shown on the hero page', async () => {
  const staff = await newPage(browser, { phone: true });
  await setUpAdminAndSignIn(staff, server);
  const url = (path) => new URL(path, server.baseUrl).toString();

  // A runner and a confirmed hero, through the staff pages.
  await staff.goto(url('/staff/runners'));
  await assertAccessible(staff, 'runners');
  await staff.getByLabel('Name', { exact: true }).fill('Zechariah');
  await staff.getByRole('button', { name: 'Save runner' }).click();
  assert.match(await staff.locator('.flash-success').innerText(), /Runner Zechariah saved/);

  await staff.goto(url('/staff/heroes/new'));
  await staff.getByLabel('Full name').fill('Julian Becerra');
  await staff.getByLabel('Rank or title').fill('Officer');
  await staff.getByLabel('Agency (department)').fill('Fountain Police Department');
  await staff.getByLabel('State, province or territory').selectOption('US-CO');
  await staff.getByLabel('Date of death').fill('2023-02-11');
  await staff.getByLabel('Cause').selectOption('fall');
  await staff.getByRole('button', { name: 'Save' }).click();
  await staff.getByLabel(/Source/).fill('Fountain PD statement');
  await staff.getByRole('button', { name: 'Confirm and publish' }).click();
  const heroPath = new URL(staff.url()).pathname.replace('/staff/heroes/', '/heroes/');

  // The desk shows the backlog; schedule a run for the hero waiting.
  await staff.goto(url('/staff'));
  await assertAccessible(staff, 'staff desk with backlog');
  assert.equal(await staff.locator('#backlog-count').innerText(), '1');
  await staff.getByRole('link', { name: 'Schedule a run for Julian Becerra' }).click();
  await assertAccessible(staff, 'schedule a run');
  assert.equal(await staff.getByLabel(/Julian Becerra/).isChecked(), true, 'the hero from the backlog is ticked');
  await staff.getByLabel(/^Place/).fill('Layer Elementary School track');
  await staff.getByLabel('Zechariah').check();
  await staff.getByRole('button', { name: 'Schedule the run' }).click();
  assert.match(await staff.locator('.flash-success').innerText(), /Run scheduled/);
  await assertAccessible(staff, 'run page');

  // At the track: only the time is typed.
  const started = Date.now();
  await staff.getByRole('link', { name: 'Log the mile for Julian Becerra' }).click();
  await assertAccessible(staff, 'log a mile');
  await assertFitsNarrowScreen(staff, 'log a mile');
  await screenshot(staff, 'log-mile-phone');
  assert.equal(await staff.getByLabel('Laps').inputValue(), '7');
  assert.equal(await staff.getByLabel(/^Place/).inputValue(), 'Layer Elementary School track');
  await staff.getByLabel('Time (min:sec)').fill('8:15');
  await staff.getByRole('button', { name: 'Save the mile' }).click();
  const confirmation = await staff.locator('main').innerText();
  assert.match(confirmation, /Mile 1 logged for Julian Becerra/);
  assert.ok(Date.now() - started < 60000, 'logged in under a minute');
  await assertAccessible(staff, 'mile confirmation');
  await screenshot(staff, 'mile-confirmation-phone');

  // Going back and saving the same form again logs nothing new.
  await staff.goBack();
  await staff.getByRole('button', { name: 'Save the mile' }).click();
  assert.doesNotMatch(await staff.locator('main').innerText(), /Mile 2/);

  const visitor = await newPage(browser, { phone: true });
  await visitor.goto(url(heroPath));
  assert.match(await visitor.locator('main').innerText(), /Honored with mile 1, run by Zechariah on \d+ \w+ \d{4} at Layer Elementary School track\./);
  assert.equal(await visitor.locator('.honored').count(), 1, 'one mile, not two');
  await assertAccessible(visitor, 'hero page with its mile');
  await visitor.goto(url('/'));
  assert.equal(await visitor.locator('#miles-run').innerText(), '1');
});
