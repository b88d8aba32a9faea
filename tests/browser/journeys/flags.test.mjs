// A newly logged mile's flag, from the track to the family: staff write the
// note with a photo of the card, choose the recipient, print the card and the
// packing slip (the print stylesheet drops the navigation), mark it shipped
// with a tracking number and later delivered; the public hero page then says
// "flag delivered to the family" and nothing more.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, assertAccessible, assertFitsNarrowScreen, screenshot, setUpAdminAndSignIn,
  SMALL_PNG,
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

/** Whether the site's navigation shows when the page is printed. */
async function navigationPrinted(page) {
  await page.emulateMedia({ media: 'print' });
  const shown = await page.locator('header.site-header').isVisible();
  await page.emulateMedia({ media: 'screen' });
  return shown;
}

test('a flag is noted, printed, shipped and delivered, and the public is told in general terms', async () => {
  const staff = await newPage(browser);
  await setUpAdminAndSignIn(staff, server);
  const url = (path) => new URL(path, server.baseUrl).toString();

  // A runner, a confirmed hero, and the mile run in the hero's honour.
  await staff.goto(url('/staff/runners'));
  await staff.getByLabel('Name', { exact: true }).fill('Zechariah');
  await staff.getByRole('button', { name: 'Save runner' }).click();
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
  const heroId = new URL(staff.url()).pathname.replace('/staff/heroes/', '');
  await staff.goto(url(`/staff/miles/new?hero=${heroId}`));
  await staff.getByLabel('Runner').selectOption({ label: 'Zechariah' });
  await staff.getByLabel(/^Place/).fill('Layer Elementary School track');
  await staff.getByLabel('Time (min:sec)').fill('8:15');
  await staff.getByRole('button', { name: 'Save the mile' }).click();
  assert.match(await staff.locator('main').innerText(), /Mile 1 logged for Julian Becerra/);

  // The board shows the new flag waiting for its note.
  await staff.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flags' }).click();
  assert.match(await staff.locator('#step-waiting_for_note').innerText(), /Waiting for its note: 1/);
  assert.match(await staff.locator('.flag-row').innerText(), /Julian Becerra\s+0 days/);
  await assertAccessible(staff, 'flag board');
  await assertFitsNarrowScreen(staff, 'flag board');
  await screenshot(staff, 'flag-board');
  await staff.getByRole('link', { name: 'Mile 1' }).click();
  await assertAccessible(staff, 'flag page');
  assert.equal(await staff.locator('#flag-step').innerText(), 'Waiting for its note');

  // The note, typed from the handwritten card, with a photo of the card.
  await staff.getByRole('link', { name: 'Write the note' }).click();
  await assertAccessible(staff, 'note form');
  const note = 'To the Becerra family,\nJulian is remembered with mile 1.\nWith gratitude, Zechariah';
  await staff.getByLabel('The note').fill(note);
  await staff.getByLabel('Who wrote the card').fill('Zechariah');
  await staff.getByLabel(/scan or photo of the card/).setInputFiles({ name: 'card.png', mimeType: 'image/png', buffer: SMALL_PNG });
  await staff.getByRole('button', { name: 'Save the note' }).click();
  assert.match(await staff.locator('.flash-success').innerText(), /note written/);
  assert.equal(await staff.locator('#flag-step').innerText(), 'Note written');

  // The recipient, entered new: the family, with the address.
  await staff.getByRole('link', { name: 'Choose the recipient' }).click();
  await assertAccessible(staff, 'recipient form');
  await staff.getByLabel(/Someone new/).check();
  await staff.getByLabel('Who they are').selectOption('family');
  await staff.getByLabel('Name', { exact: true }).fill('Maria Becerra');
  await staff.getByLabel(/Relationship/).fill('wife');
  await staff.getByLabel('Postal address').fill('12 Elm Street\nFountain, CO 80817');
  await staff.getByRole('button', { name: 'Save the recipient' }).click();
  assert.match(await staff.locator('.flash-success').innerText(), /The flag will go to Maria Becerra/);

  // Print the card: the note laid out to copy by hand, no navigation on paper.
  await staff.getByRole('link', { name: 'Print the note card' }).click();
  assert.equal(await staff.locator('#note-text').innerText(), note);
  await assertAccessible(staff, 'note card');
  assert.equal(await navigationPrinted(staff), false, 'the card prints without navigation');
  await staff.emulateMedia({ media: 'print' });
  await screenshot(staff, 'note-card-print');
  await staff.emulateMedia({ media: 'screen' });
  await staff.goBack();

  await staff.getByRole('button', { name: /Mark ready to send/ }).click();
  assert.equal(await staff.locator('#flag-step').innerText(), 'Ready to send');

  // Print the packing slip with the address.
  await staff.getByRole('link', { name: 'Print the packing slip' }).click();
  assert.equal(await staff.locator('#slip-address').innerText(), 'Maria Becerra\n12 Elm Street\nFountain, CO 80817');
  await assertAccessible(staff, 'packing slip');
  assert.equal(await navigationPrinted(staff), false, 'the slip prints without navigation');
  await staff.emulateMedia({ media: 'print' });
  await screenshot(staff, 'packing-slip-print');
  await staff.emulateMedia({ media: 'screen' });
  await staff.goBack();

  // Shipped with a tracking number; a mistyped one is caught first.
  await staff.getByLabel('Carrier').selectOption('usps');
  await staff.getByLabel('Tracking number').fill('12345');
  await staff.getByRole('button', { name: 'Mark shipped' }).click();
  assert.match(await staff.locator('#tracking_number-error').innerText(), /does not look like a USPS tracking number/);
  await assertAccessible(staff, 'ship form with a mistake');
  await staff.getByLabel('Tracking number').fill('9400 1000 0000 0000 0000 00');
  await staff.getByRole('button', { name: 'Mark shipped' }).click();
  assert.equal(await staff.locator('#flag-step').innerText(), 'Shipped');
  assert.equal(await staff.locator('#tracking-number').innerText(), '9400 1000 0000 0000 0000 00');

  // Later: delivered, confirmed by the family.
  await staff.getByLabel('Who confirmed the delivery').fill('Maria Becerra, by phone');
  await staff.getByRole('button', { name: 'Mark delivered' }).click();
  assert.equal(await staff.locator('#flag-step').innerText(), 'Delivered');
  await assertAccessible(staff, 'delivered flag');
  await assertFitsNarrowScreen(staff, 'delivered flag');
  await screenshot(staff, 'flag-delivered');

  // The public hero page says it, in general terms only.
  const visitor = await newPage(browser, { phone: true });
  await visitor.goto(url(`/heroes/${heroId}`));
  const publicText = await visitor.locator('main').innerText();
  assert.match(publicText, /Flag delivered to the family on \d+ \w+ \d{4}\./);
  for (const secret of ['Maria', 'Elm Street', 'Fountain, CO 80817', 'remembered with mile', '9400']) {
    assert.ok(!publicText.includes(secret), `the public page must not show ${secret}`);
  }
  await assertAccessible(visitor, 'hero page with its flag delivered');
  await screenshot(visitor, 'hero-flag-delivered-phone');
  await visitor.goto(url('/'));
  assert.equal(await visitor.locator('#flags-delivered').innerText(), '1');
  await visitor.goto(url(`/staff/flags`));
  assert.match(visitor.url(), /\/login\?next=/, 'the board is for staff');
});
