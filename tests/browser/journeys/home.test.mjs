// A newcomer's first look: the demo data loaded by `honor-mile demo`, the home
// page with its counters, chart and map; a state on the map, then a hero: two
// clicks. Staff start a family campaign that then shows on the hero's page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, assertAccessible, assertFitsNarrowScreen, screenshot,
  setUpAdminAndSignIn,
} from '../lib/harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

let heroPath;

test('from the home page, a state on the map and then a hero: two clicks', async () => {
  const page = await newPage(browser);
  await page.goto(`${server.baseUrl}/`);
  assert.match(await page.locator('#demo-notice').innerText(), /Demo data/);
  assert.equal(await page.locator('#miles-run').innerText(), '229');
  assert.equal(await page.locator('#heroes-honored').innerText(), '229');
  assert.ok(await page.locator('#miles-chart').isVisible(), 'the chart is drawn');
  assert.equal(await page.locator('#miles-chart rect').count(), 24);
  assert.equal(await page.locator('#region-map a').count(), 64);
  await assertAccessible(page, 'home');
  await assertFitsNarrowScreen(page, 'home');
  await screenshot(page, 'home');

  const texas = page.locator('#region-map a[aria-label^="Texas, TX:"]');
  assert.match(await texas.getAttribute('aria-label'), /^Texas, TX: \d+ heroes honored$/);
  // By keyboard: the tile takes focus and Enter follows it.
  await texas.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/honor-roll\?country=US&state=TX$/);
  await assertAccessible(page, 'honor roll of Texas');
  await assertFitsNarrowScreen(page, 'honor roll of Texas');
  await screenshot(page, 'honor-roll-texas');

  await page.locator('main a[href^="/heroes/"]').first().click();
  await page.waitForURL(/\/heroes\/[0-9a-f-]+$/);
  heroPath = new URL(page.url()).pathname;
  assert.match(await page.locator('main').innerText(), /Texas/);
  await assertAccessible(page, 'hero page');
  await assertFitsNarrowScreen(page, 'hero page');
  await screenshot(page, 'hero-from-map');

  const phone = await newPage(browser, { phone: true });
  await phone.goto(`${server.baseUrl}/`);
  await phone.setViewportSize({ width: 320, height: 640 });
  await screenshot(phone, 'home-320');
  await phone.context().close();
  await page.context().close();
});

test('staff start a family campaign and visitors see it on the hero page', async () => {
  const staff = await newPage(browser);
  await setUpAdminAndSignIn(staff, server);
  const id = heroPath.split('/').pop();
  await staff.goto(`${server.baseUrl}/staff/heroes/${id}`);
  await staff.getByRole('link', { name: 'Start a family campaign' }).click();
  await staff.getByLabel('Title').fill('Help the family <home>');
  await staff.getByLabel('Donation page address').fill('http://donate.example.org/family');
  await staff.getByLabel('Goal in dollars').fill('20,000');
  await staff.getByLabel('Raised so far in dollars').fill('5,000');
  await staff.getByRole('button', { name: 'Save the campaign' }).click();
  assert.match(await staff.locator('#donation_url-error').innerText(), /https:\/\//);
  await assertAccessible(staff, 'campaign form with a mistake');
  await assertFitsNarrowScreen(staff, 'campaign form');
  await staff.getByLabel('Donation page address').fill('https://donate.example.org/family');
  await staff.getByRole('button', { name: 'Save the campaign' }).click();
  await staff.waitForURL(/\/staff\/heroes\/[0-9a-f-]+#campaigns$/);
  assert.match(await staff.locator('#campaigns').innerText(), /Help the family <home>/);
  await assertAccessible(staff, 'staff hero page with a campaign');
  await screenshot(staff, 'staff-campaign');

  const visitor = await newPage(browser);
  await visitor.goto(`${server.baseUrl}${heroPath}`);
  const campaign = visitor.locator('#campaign');
  assert.match(await campaign.innerText(), /Help the family <home>/);
  assert.match(await campaign.innerText(), /\$5,000\.00 raised of a \$20,000\.00 goal \(25%\)/);
  const link = campaign.getByRole('link', { name: "Give on the family's donation page" });
  assert.equal(await link.getAttribute('href'), 'https://donate.example.org/family');
  assert.match(await link.getAttribute('rel'), /noopener/);
  await assertAccessible(visitor, 'hero page with a campaign');
  await assertFitsNarrowScreen(visitor, 'hero page with a campaign');
  await screenshot(visitor, 'hero-campaign');
  await visitor.context().close();
  await staff.context().close();
});
