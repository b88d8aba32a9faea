// Staff add a hero with a photo and private contacts and confirm the death; a
// visitor finds the hero by a misspelled, unaccented name and sees no contact
// detail; a CSV of 10,000 heroes imports with its progress and errors shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, assertAccessible, assertFitsNarrowScreen, screenshot,
  setUpAdminAndSignIn, SMALL_PNG,
} from '../lib/harness.mjs';

let server;
let browser;
let staff;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await newPage(browser);
  await setUpAdminAndSignIn(staff, server);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('staff add a hero; a visitor finds them by a misspelled name and sees no contact', async () => {
  await staff.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Heroes' }).click();
  await staff.getByRole('link', { name: 'Add a hero' }).click();
  await assertAccessible(staff, 'add hero form');
  await staff.getByLabel('Full name').fill('André Dubois');
  await staff.getByLabel('Rank or title').fill('Constable');
  await staff.getByLabel('Service', { exact: true }).selectOption('police');
  await staff.getByLabel('Age (if known)').fill('41');
  await staff.getByLabel('Years of service (if known)').fill('17');
  await staff.getByLabel('Agency (department)').fill('Service de police de la Ville de Montréal');
  await staff.getByLabel('City', { exact: true }).fill('Montréal');
  await staff.getByLabel('State, province or territory').selectOption('CA-QC');
  await staff.getByLabel('Date of death').fill('2022-05-10');
  await staff.getByLabel('Cause').selectOption('struck_by_vehicle');
  await staff.getByLabel('Incident narrative').fill('Struck by a vehicle while directing traffic at a collision scene.');
  await staff.getByRole('button', { name: 'Save' }).click();
  await staff.waitForURL(/\/staff\/heroes\/[0-9a-f-]+$/);
  const heroUrl = staff.url();
  assert.match(await staff.locator('main').innerText(), /Draft/);
  await assertAccessible(staff, 'staff hero page');

  await staff.locator('input#photo-file').setInputFiles({ name: 'dubois.png', mimeType: 'image/png', buffer: SMALL_PNG });
  await staff.getByRole('button', { name: 'Upload', exact: true }).click();
  assert.match(await staff.locator('.flash-success').innerText(), /Photo saved/);

  await staff.getByRole('link', { name: 'Add a contact' }).click();
  await assertAccessible(staff, 'contact form');
  await staff.getByLabel('Who they are').selectOption('family');
  await staff.getByLabel('Name', { exact: true }).fill('Marie Dubois');
  await staff.getByLabel('Relationship').fill('Wife');
  await staff.getByLabel('Phone').fill('(514) 555-0199');
  await staff.getByLabel('Postal address').fill('77 rue Secrète\nMontréal QC H2X 1Y4');
  await staff.getByRole('button', { name: 'Save contact' }).click();
  assert.match(await staff.locator('#contacts').innerText(), /77 rue Secrète/);

  await staff.getByLabel(/Source/).fill('SPVM press release');
  await staff.getByRole('button', { name: 'Confirm and publish' }).click();
  assert.match(await staff.locator('.flash-success').innerText(), /now on the honor roll/);
  await screenshot(staff, 'staff-hero');

  const visitor = await newPage(browser, { phone: true });
  await visitor.goto(new URL('/honor-roll', server.baseUrl).toString());
  await assertAccessible(visitor, 'honor roll');
  await visitor.getByLabel('Name or agency').fill('andre duboiss');
  await visitor.getByRole('button', { name: 'Search' }).click();
  await visitor.getByRole('link', { name: /André Dubois/ }).click();
  assert.equal(visitor.url().replace(/\/heroes\//, '/staff/heroes/'), heroUrl);
  const page = await visitor.locator('main').innerText();
  assert.match(page, /Constable André Dubois/);
  assert.match(page, /Struck by vehicle/);
  assert.doesNotMatch(page, /Marie|555-0199|Secrète/, 'no contact detail on the public page');
  const html = await visitor.content();
  assert.doesNotMatch(html, /Marie|555-0199|Secrète/);
  assert.equal(await visitor.locator('img.hero-photo').evaluate((img) => img.naturalWidth > 0), true, 'the photo loads');
  await assertAccessible(visitor, 'public hero page');
  await assertFitsNarrowScreen(visitor, 'public hero page');
  await screenshot(visitor, 'hero-page-phone');
});

test('a CSV of 10,000 heroes imports with its progress and its errors listed', async () => {
  const rows = ['full_name,agency,agency_city,country,region,service,end_of_watch,cause,age,confirmation_source'];
  for (let n = 0; n < 10000; n++) {
    const month = String((n % 12) + 1).padStart(2, '0');
    const day = String((n % 28) + 1).padStart(2, '0');
    rows.push(`Imported Hero ${n},Agency ${n % 40},Austin,US,TX,police,2019-${month}-${day},gunfire,40,Roll call`);
  }
  rows.push('Broken Row,Agency 1,Austin,US,ZZ,police,2019-01-01,gunfire,12,');
  await staff.goto(new URL('/staff/heroes/import', server.baseUrl).toString());
  await assertAccessible(staff, 'import form');
  await staff.getByLabel('CSV file').setInputFiles({ name: 'backlog.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
  await staff.getByRole('button', { name: 'Upload and preview' }).click();
  const preview = await staff.locator('main').innerText();
  assert.match(preview, /10000 rows will be added, 0 duplicates will be skipped, 1 rows have mistakes/);
  assert.match(preview, /ZZ is not a state, province or territory of United States/);
  assert.match(preview, /Age must be between 16 and 110/);
  await assertAccessible(staff, 'import preview');
  await staff.getByRole('button', { name: 'Import 10000 heroes' }).click();
  const status = await staff.locator('main').innerText();
  assert.match(status, /waiting for a server to take it up|Importing: \d+ of 10000 rows|Done: 10000 heroes imported/);
  await screenshot(staff, 'import-progress');
  await staff.getByText('Done: 10000 heroes imported.').waitFor({ timeout: 60000 });
  await screenshot(staff, 'import-done');

  const visitor = await newPage(browser);
  await visitor.goto(new URL('/honor-roll?q=Imported+Hero+9999', server.baseUrl).toString());
  assert.match(await visitor.locator('.roll').innerText(), /Imported Hero 9999/);
});
