// The site's own pages: a visitor on a phone follows each footer link (About,
// Donate, Contact, Privacy, Accessibility) and axe checks each page; an admin
// previews and saves a new About text and sets the donation link, and the
// visitor sees both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, assertAccessible, assertFitsNarrowScreen, setUpAdminAndSignIn, screenshot,
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

const PAGES = [
  ['About', '/about', 'About Honor Mile'],
  ['Donate', '/donate', 'Donate'],
  ['Contact', '/contact', 'Contact'],
  ['Privacy', '/privacy', 'Privacy notice'],
  ['Accessibility', '/accessibility', 'Accessibility statement'],
];

test('a visitor on a phone reads every footer page; an admin edits About and the visitor sees it', async () => {
  const url = (path) => new URL(path, server.baseUrl).toString();
  const visitor = await newPage(browser, { phone: true });
  for (const [link, path, title] of PAGES) {
    await visitor.goto(url('/'));
    const footerLink = visitor.locator('.site-footer').getByRole('link', { name: link, exact: true });
    await footerLink.scrollIntoViewIfNeeded();
    await footerLink.tap();
    await visitor.waitForURL(url(path));
    assert.equal(await visitor.getByRole('heading', { level: 1 }).innerText(), title);
    await assertAccessible(visitor, `${path} (default text)`);
    await assertFitsNarrowScreen(visitor, path);
  }

  const admin = await newPage(browser);
  await setUpAdminAndSignIn(admin, server);
  await admin.getByRole('link', { name: 'Site pages' }).click();
  await assertAccessible(admin, 'site pages');
  await admin.getByRole('link', { name: 'About Honor Mile', exact: true }).click();
  await assertAccessible(admin, 'edit About');
  const text = '# Our story\n\nSince 2019 we have run **one mile** for each fallen responder.\n\n<script>alert(1)</script>';
  await admin.getByLabel(/The page's text/).fill(text);
  await admin.getByRole('button', { name: 'Preview' }).click();
  assert.match(await admin.locator('#preview').innerText(), /Our story\s+Since 2019 we have run one mile/);
  await assertAccessible(admin, 'About preview');
  await admin.getByRole('button', { name: 'Save' }).click();
  assert.match(await admin.locator('.flash-success').innerText(), /About Honor Mile saved/);
  assert.match(await admin.locator('#current').innerText(), /Since 2019 we have run one mile/);

  await admin.goto(url('/admin/pages/donate'));
  await admin.getByLabel(/donation page/).fill('http://give.example.org/');
  await admin.getByRole('button', { name: 'Save' }).click();
  assert.match(await admin.locator('#donation_url-error').innerText(), /https:\/\//);
  await assertAccessible(admin, 'Donate with a mistake');
  await admin.getByLabel(/donation page/).fill('https://give.example.org/honor-mile');
  await admin.getByRole('button', { name: 'Save' }).click();
  assert.match(await admin.locator('.flash-success').innerText(), /Donate saved/);

  await visitor.goto(url('/'));
  await visitor.locator('.site-footer').getByRole('link', { name: 'About', exact: true }).tap();
  await visitor.waitForURL(url('/about'));
  assert.match(await visitor.locator('main').innerText(), /Our story\s+Since 2019 we have run one mile for each fallen responder\./);
  assert.equal(await visitor.locator('main script').count(), 0);
  await assertAccessible(visitor, 'About as saved');
  await screenshot(visitor, 'about-phone');
  await visitor.goto(url('/donate'));
  assert.equal(
    await visitor.getByRole('link', { name: "Give on the program's donation page" }).getAttribute('href'),
    'https://give.example.org/honor-mile',
  );
  await assertAccessible(visitor, 'Donate with its link');
  await assertFitsNarrowScreen(visitor, 'Donate with its link');
});
