// A family member on a phone finds a hero, sees what a shared link shows,
// leaves a reflection that appears once staff approve it, and proposes a
// correction that staff find in their queue; axe checks each new page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, assertAccessible, assertFitsNarrowScreen, setUpAdminAndSignIn,
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

test('a family member shares a hero, leaves a reflection and proposes a correction', async () => {
  const staff = await newPage(browser);
  await setUpAdminAndSignIn(staff, server);
  const url = (path) => new URL(path, server.baseUrl).toString();

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

  // The family finds the hero from the honor roll, on a phone.
  const family = await newPage(browser, { phone: true });
  await family.goto(url('/honor-roll'));
  await assertAccessible(family, 'honor roll');
  const firstResult = await family.locator('.roll li').first().boundingBox();
  assert.ok(firstResult.y < 700, `the first result is on the first screen (${firstResult.y}px down)`);
  await family.getByLabel('Name or agency').fill('becerra');
  await family.getByRole('button', { name: 'Search', exact: true }).click();
  await family.getByRole('link', { name: /Julian Becerra/ }).click();
  await assertAccessible(family, 'hero page');
  await assertFitsNarrowScreen(family, 'hero page');

  // What a shared link shows.
  const og = async (property) => family.locator(`meta[property="${property}"]`).getAttribute('content');
  assert.equal(await og('og:title'), 'Officer Julian Becerra');
  assert.match(await og('og:description'), /Fountain Police Department\. End of watch 11 February 2023\./);
  assert.match(await og('og:image'), /^http.*\.svg$/);
  assert.equal(await family.locator('link[rel=canonical]').getAttribute('href'), family.url());

  // A reflection waits for staff.
  await family.getByLabel('Your name').fill('Ana Becerra');
  await family.getByLabel('Where you are (optional)').fill('Colorado Springs');
  await family.getByLabel('Your reflection').fill('We miss you every day, Julian.');
  await family.getByRole('button', { name: 'Send for approval' }).click();
  await assertAccessible(family, 'reflection received');
  await family.getByRole('link', { name: /Back to the hero/ }).click();
  assert.doesNotMatch(await family.locator('main').innerText(), /We miss you every day/);

  await staff.goto(url('/staff/reflections'));
  await assertAccessible(staff, 'reflection queue');
  await staff.getByRole('button', { name: 'Approve' }).click();
  assert.match(await staff.locator('.flash-success').innerText(), /Reflection from Ana Becerra approved/);
  await family.reload();
  assert.match(await family.locator('#reflections').innerText(), /We miss you every day, Julian\.\s+Ana Becerra, Colorado Springs/);

  // A correction, from the hero's page.
  await family.getByRole('link', { name: 'Propose a correction' }).click();
  await assertAccessible(family, 'propose a correction');
  await family.getByLabel('What we should know').fill('He served 12 years, not 9.');
  await family.getByLabel(/Your source/).fill('Fountain PD memorial page');
  await family.getByLabel('Your name').fill('Ana Becerra');
  await family.getByRole('button', { name: 'Send the proposal' }).click();
  await assertAccessible(family, 'proposal received');

  await staff.goto(url('/staff/proposals'));
  await assertAccessible(staff, 'proposal queue');
  assert.match(await staff.locator('main').innerText(), /Correction to Julian Becerra[\s\S]*He served 12 years, not 9\./);
  await staff.getByRole('button', { name: 'Edit the record' }).click();
  assert.match(await staff.locator('.flash-success').innerText(), /Correction proposed by Ana Becerra: He served 12 years, not 9\./);

  // A missing hero, from the footer.
  await family.goto(url('/'));
  await family.getByRole('link', { name: 'Propose a hero' }).click();
  await assertAccessible(family, 'propose a hero');
});
