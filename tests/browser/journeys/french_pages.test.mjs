// The rest of the public site in French, on a phone: a visitor browses the
// honor roll by province and by year, opens a footer page and a missing page,
// all in French and passing axe; an admin writes the About page's French text
// and the French visitor reads it.
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

test('a French visitor browses by province and by year, reads the site pages, and meets a French error page', async () => {
  const url = (path) => new URL(path, server.baseUrl).toString();
  const admin = await newPage(browser);
  await setUpAdminAndSignIn(admin, server);
  await admin.goto(url('/staff/heroes/new'));
  await admin.getByLabel('Full name').fill('Marie Tremblay');
  await admin.getByLabel('Agency (department)').fill('Service de police de la Ville de Québec');
  await admin.getByLabel('State, province or territory').selectOption('CA-QC');
  await admin.getByLabel('Date of death').fill('2024-03-01');
  await admin.getByLabel('Cause').selectOption('fall');
  await admin.getByRole('button', { name: 'Save' }).click();
  await admin.getByLabel(/Source/).fill('Communiqué du service');
  await admin.getByRole('button', { name: 'Confirm and publish' }).click();

  const visitor = await newPage(browser, { phone: true });
  await visitor.goto(url('/fr/honor-roll'));
  await visitor.getByRole('link', { name: 'par État ou province' }).click();
  assert.equal(new URL(visitor.url()).pathname, '/fr/honor-roll/states');
  assert.equal(await visitor.locator('html').getAttribute('lang'), 'fr');
  await assertAccessible(visitor, 'honor roll by province, in French');
  await assertFitsNarrowScreen(visitor, 'honor roll by province, in French');
  await visitor.getByRole('link', { name: 'Québec' }).click();
  assert.equal(new URL(visitor.url()).pathname, '/fr/honor-roll');
  assert.match(await visitor.locator('main').innerText(), /Marie Tremblay/);

  await visitor.goto(url('/fr/honor-roll/years'));
  assert.equal(await visitor.getByRole('heading', { level: 1 }).innerText(), 'Tableau d’honneur par année');
  await assertAccessible(visitor, 'honor roll by year, in French');
  await visitor.getByRole('link', { name: '2024' }).click();
  assert.equal(new URL(visitor.url()).pathname, '/fr/honor-roll');
  assert.match(await visitor.locator('main').innerText(), /Marie Tremblay/);

  for (const [link, title] of [['À propos', 'À propos d’Honor Mile'], ['Nous joindre', 'Nous joindre'],
    ['Confidentialité', 'Avis de confidentialité'], ['Accessibilité', 'Déclaration d’accessibilité'],
    ['Faire un don', 'Faire un don']]) {
    const footerLink = visitor.locator('.site-footer').getByRole('link', { name: link, exact: true });
    await footerLink.scrollIntoViewIfNeeded();
    await footerLink.tap();
    assert.equal(await visitor.getByRole('heading', { level: 1 }).innerText(), title);
    assert.equal(await visitor.locator('html').getAttribute('lang'), 'fr');
    await assertAccessible(visitor, `${title}, in French`);
    await assertFitsNarrowScreen(visitor, `${title}, in French`);
  }

  const missing = await visitor.goto(url('/fr/heros-introuvable'));
  assert.equal(missing.status(), 404);
  assert.equal(await visitor.getByRole('heading', { level: 1 }).innerText(), 'Page introuvable');
  await assertAccessible(visitor, 'missing page, in French');
  await visitor.getByRole('link', { name: 'Aller à la page d’accueil' }).click();
  assert.equal(new URL(visitor.url()).pathname, '/fr');

  // An admin writes the About page in both languages.
  await admin.goto(url('/admin/pages/about'));
  await admin.getByLabel(/The page's text/).fill('We run **one mile** for each fallen responder.');
  await admin.getByLabel(/The page in French/).fill('Nous courons **un mille** pour chaque premier répondant tombé.');
  await admin.getByRole('button', { name: 'Preview' }).click();
  assert.match(await admin.locator('#preview').innerText(), /Nous courons un mille/);
  await assertAccessible(admin, 'About preview in both languages');
  await admin.getByRole('button', { name: 'Save' }).click();
  assert.match(await admin.locator('.flash-success').innerText(), /About Honor Mile saved/);

  await visitor.goto(url('/fr/about'));
  assert.match(await visitor.locator('#site-page').innerText(), /Nous courons un mille pour chaque premier répondant tombé/);
  await visitor.getByRole('link', { name: 'English' }).click();
  assert.equal(new URL(visitor.url()).pathname, '/about');
  assert.match(await visitor.locator('#site-page').innerText(), /We run one mile for each fallen responder/);
});
