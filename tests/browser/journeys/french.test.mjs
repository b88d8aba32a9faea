// A visitor reading a hero's page switches it to French: the page, its layout
// and its facts read in French, the address says /fr, and axe passes; the
// French home page, grant form and proposal form pass axe too, a hero is
// proposed in French, and switching back returns to the English page.
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

test('a visitor switches a hero page to French and reads it in French', async () => {
  const staff = await newPage(browser);
  await setUpAdminAndSignIn(staff, server);
  const url = (path) => new URL(path, server.baseUrl).toString();

  await staff.goto(url('/staff/heroes/new'));
  await staff.getByLabel('Full name').fill('Marie Tremblay');
  await staff.getByLabel('Rank or title').fill('Lieutenant');
  await staff.getByLabel('Agency (department)').fill('Service de sécurité incendie de Montréal');
  await staff.getByLabel('State, province or territory').selectOption('CA-QC');
  await staff.getByLabel('Date of death').fill('2024-03-01');
  await staff.getByLabel('Cause').selectOption('fall');
  await staff.getByRole('button', { name: 'Save' }).click();
  await staff.getByLabel(/Source/).fill('SIM communiqué');
  await staff.getByRole('button', { name: 'Confirm and publish' }).click();

  const visitor = await newPage(browser, { phone: true });
  await visitor.goto(url('/honor-roll'));
  await visitor.getByRole('link', { name: /Marie Tremblay/ }).click();
  assert.equal(await visitor.locator('html').getAttribute('lang'), 'en');
  assert.match(await visitor.locator('main').innerText(), /End of watch\s+1 March 2024/);

  await visitor.getByRole('link', { name: 'Français' }).click();
  assert.match(new URL(visitor.url()).pathname, /^\/fr\/heroes\//);
  assert.equal(await visitor.locator('html').getAttribute('lang'), 'fr');
  const main = await visitor.locator('main').innerText();
  assert.match(main, /Fin de service\s+1er mars 2024/);
  assert.match(main, /Cause\s+Chute/);
  assert.match(main, /Québec/);
  assert.match(main, /En attente de son mille\./);
  assert.match(main, /Laisser une pensée/);
  // The record keeps the words staff typed.
  assert.match(main, /Service de sécurité incendie de Montréal/);
  assert.match(await visitor.locator('nav[aria-label="Principal"]').innerText(), /Tableau d’honneur/);
  await assertAccessible(visitor, 'hero page in French');
  await assertFitsNarrowScreen(visitor, 'hero page in French');

  await visitor.getByRole('link', { name: 'Accueil' }).click();
  assert.equal(new URL(visitor.url()).pathname, '/fr');
  await assertAccessible(visitor, 'home page in French');
  await visitor.goto(url('/fr/grants/apply'));
  await visitor.getByRole('button', { name: 'Envoyer la demande' }).click();
  assert.match(await visitor.locator('#recipient_name-error').innerText(), /est obligatoire/);
  await assertAccessible(visitor, 'grant form in French, with its mistakes');

  // Proposing a hero in French: the mistakes beside their fields, then the thanks.
  await visitor.goto(url('/fr'));
  await visitor.locator('footer').getByRole('link', { name: 'Proposer un héros' }).click();
  assert.equal(new URL(visitor.url()).pathname, '/fr/propose');
  await visitor.getByLabel('Son nom complet', { exact: true }).fill('Luc Gagnon');
  await visitor.getByRole('button', { name: 'Envoyer la proposition' }).click();
  assert.equal(await visitor.locator('#full_name').inputValue(), 'Luc Gagnon');
  assert.equal(
    await visitor.locator('#details-error').innerText(),
    'Le champ « Ce que nous devrions savoir » est obligatoire.',
  );
  await assertAccessible(visitor, 'proposal form in French, with its mistakes');
  await visitor.getByLabel(/^Son organisme/).fill('Service de police de Laval');
  await visitor.getByLabel('Service', { exact: true }).selectOption('police');
  await visitor.getByLabel('État, province ou territoire', { exact: true }).selectOption('CA-QC');
  await visitor.getByLabel(/^Fin de service/).fill('2023-06-01');
  await visitor.getByLabel('Ce que nous devrions savoir', { exact: true }).fill('Mort lors d’une intervention.');
  await visitor.getByLabel(/^Votre source/).fill('Communiqué du service');
  await visitor.getByLabel('Votre nom', { exact: true }).fill('Sam Gagnon');
  await visitor.getByRole('button', { name: 'Envoyer la proposition' }).click();
  assert.equal(new URL(visitor.url()).pathname, '/fr/propose/received');
  assert.match(await visitor.locator('h1').innerText(), /Merci pour votre proposition/);

  await visitor.goto(url('/fr/honor-roll'));
  await visitor.getByRole('link', { name: 'English' }).click();
  assert.equal(new URL(visitor.url()).pathname, '/honor-roll');
  assert.equal(await visitor.locator('html').getAttribute('lang'), 'en');
});
