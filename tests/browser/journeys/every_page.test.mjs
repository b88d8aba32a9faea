// Every page, public and staff: a crawl from the home page and the staff desk
// over a database holding the demo data visits each kind of page once or twice,
// and on each runs axe-core, checks it fits 320 pixels, and walks it with the
// Tab key alone: every form control is reached, and each shows where the focus is.
// The public pages are crawled again from /fr, where each must be in French.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, assertAccessible, assertFitsNarrowScreen, setUpAdminAndSignIn, signIn,
  ADMIN_EMAIL, ADMIN_PASSWORD,
} from '../lib/harness.mjs';

let server;
let browser;

before(async () => {
  // The demo fills every kind of page with realistic records.
  server = await startServer({ demo: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

let adminCreated = false;

/** Signs the page in as the first admin, creating that admin the first time. */
async function asAdmin(page) {
  if (!adminCreated) {
    adminCreated = true;
    await setUpAdminAndSignIn(page, server);
  } else {
    await page.goto(new URL('/login', server.baseUrl).toString());
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  }
}

/** The name of a hero on the backlog page still waiting for a run and a mile. */
async function waitingHeroName(page) {
  const link = page.locator('main a[href^="/staff/runs/new?hero="]').first();
  return (await link.innerText()).replace('Schedule a run for ', '').trim();
}

/** Pages of one kind share a shape: ids and query values stripped. */
function shapeOf(url) {
  const u = new URL(url);
  const path = u.pathname.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{id}');
  const keys = [...new Set(u.searchParams.keys())].sort().join('&');
  return keys ? `${path}?${keys}` : path;
}

/** Links worth following: same site, a page (not a file or a feed), not signing out. */
function followable(href, base) {
  if (!href) return null;
  let u;
  try {
    u = new URL(href, base);
  } catch {
    return null;
  }
  if (u.origin !== new URL(base).origin) return null;
  if (/^\/(static|photos|api)\//.test(u.pathname)) return null;
  if (/\.(csv|ics|atom|json|png|jpg)$/.test(u.pathname) || u.pathname.endsWith('/scan')) return null;
  u.hash = '';
  return u.toString();
}

/**
 * Walks the page with Tab alone. Every visible, enabled form control must be
 * reached, and every element reached must look focused (an outline or a shadow).
 */
async function assertKeyboardWalk(page, label) {
  const controls = await page.evaluate(() => {
    const visible = (el) => {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      // checkVisibility also leaves out what a closed <details> folds away.
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none' && el.checkVisibility();
    };
    const all = [...document.querySelectorAll('main input, main select, main textarea, main button')].filter(
      (el) => !el.disabled && el.type !== 'hidden' && el.tabIndex >= 0 && visible(el),
    );
    // Radio buttons take one Tab stop per group.
    const seenGroups = new Set();
    const stops = all.filter((el) => {
      if (el.type !== 'radio') return true;
      const key = `${el.form?.id}|${el.name}`;
      if (seenGroups.has(key)) return false;
      seenGroups.add(key);
      return true;
    });
    stops.forEach((el, i) => el.setAttribute('data-walk', String(i)));
    return stops.length;
  });
  if (controls === 0) return;
  await page.evaluate(() => document.activeElement?.blur());
  await page.locator('body').focus();
  const reached = new Set();
  const unfocusedLooking = [];
  for (let i = 0; i < 400 && reached.size < controls; i++) {
    await page.keyboard.press('Tab');
    const state = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const shows = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
      return { walk: el.getAttribute('data-walk'), shows, name: `${el.tagName.toLowerCase()}#${el.id || el.name || el.textContent.trim().slice(0, 30)}` };
    });
    if (!state) continue;
    if (state.walk !== null) reached.add(state.walk);
    if (!state.shows) unfocusedLooking.push(state.name);
  }
  assert.equal(reached.size, controls, `${label}: ${controls - reached.size} form controls cannot be reached with Tab`);
  assert.deepEqual(unfocusedLooking, [], `${label}: focused elements with no visible focus`);
}

async function crawl(page, starts, { perShape = 2, limit = 120, within = '/', lang = null } = {}) {
  const queue = [...starts];
  const seen = new Set();
  const shapes = new Map();
  const visited = [];
  while (queue.length && visited.length < limit) {
    const url = queue.shift();
    if (seen.has(url)) continue;
    seen.add(url);
    const shape = shapeOf(url);
    if ((shapes.get(shape) ?? 0) >= perShape) continue;
    shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    const response = await page.goto(url);
    assert.ok(response && response.status() < 500, `${url}: ${response?.status()}`);
    if (!(response.headers()['content-type'] ?? '').includes('text/html')) continue;
    visited.push(shape);
    if (lang) assert.equal(await page.locator('html').getAttribute('lang'), lang, `${shape} is in ${lang}`);
    await assertAccessible(page, shape);
    await assertFitsNarrowScreen(page, shape);
    await assertKeyboardWalk(page, shape);
    const hrefs = await page.$$eval('a[href]', (links) => links.map((a) => a.getAttribute('href')));
    // Within a language, only the switcher (hreflang) and the staff sign-in may lead out of it.
    const switchers = await page.$$eval('a[hreflang]', (links) => links.map((a) => a.getAttribute('href')));
    const strays = [];
    for (const href of hrefs) {
      const next = followable(href, url);
      if (!next) continue;
      const inside = new URL(next).pathname.startsWith(within);
      if (!inside && !switchers.includes(href) && new URL(next).pathname !== '/login') strays.push(href);
      if (inside && !seen.has(next)) queue.push(next);
    }
    assert.deepEqual(strays, [], `${shape} links out of ${within}`);
  }
  return visited;
}

test('every public page passes axe, fits 320 pixels and works from the keyboard', async () => {
  const page = await newPage(browser);
  const url = (path) => new URL(path, server.baseUrl).toString();
  const visited = await crawl(page, [url('/'), url('/honor-roll'), url('/runs'), url('/grants'), url('/grants/apply'), url('/login')]);
  for (const shape of [
    '/', '/honor-roll', '/heroes/{id}', '/runs', '/grants', '/grants/apply', '/login',
    '/about', '/donate', '/contact', '/privacy', '/accessibility',
  ]) {
    assert.ok(visited.includes(shape), `the crawl reached ${shape}: ${visited.join(', ')}`);
  }
});

test('every public page in French passes axe, fits 320 pixels and works from the keyboard', async () => {
  const page = await newPage(browser);
  const url = (path) => new URL(path, server.baseUrl).toString();
  const visited = await crawl(page, [url('/fr'), url('/fr/honor-roll'), url('/fr/grants/apply')], { within: '/fr', lang: 'fr' });
  for (const shape of [
    '/fr', '/fr/honor-roll', '/fr/honor-roll/states', '/fr/honor-roll/years', '/fr/heroes/{id}', '/fr/runs',
    '/fr/grants', '/fr/grants/apply', '/fr/propose', '/fr/about', '/fr/donate', '/fr/contact', '/fr/privacy',
    '/fr/accessibility',
  ]) {
    assert.ok(visited.includes(shape), `the crawl reached ${shape}: ${visited.join(', ')}`);
  }
});

test('every staff and admin page passes axe, fits 320 pixels and works from the keyboard', async () => {
  const page = await newPage(browser);
  await asAdmin(page);
  const url = (path) => new URL(path, server.baseUrl).toString();
  const visited = await crawl(page, [url('/staff')], { perShape: 1, limit: 150 });
  for (const shape of [
    '/staff', '/staff/heroes', '/staff/heroes/{id}', '/staff/heroes/{id}/edit', '/staff/heroes/new',
    '/staff/runs', '/staff/runs/{id}', '/staff/miles/new', '/staff/miles/{id}', '/staff/flags', '/staff/flags/{id}',
    '/staff/grants', '/staff/grants/{id}', '/admin/grants', '/admin/users', '/admin/audit',
    '/admin/pages', '/admin/pages/about',
  ]) {
    assert.ok(visited.includes(shape), `the crawl reached ${shape}: ${visited.join(', ')}`);
  }
});

test('staff find a hero as they type and log the mile with the keyboard alone', async () => {
  const page = await newPage(browser, { phone: true });
  await asAdmin(page);
  const url = (path) => new URL(path, server.baseUrl).toString();
  await page.goto(url('/staff/backlog'));
  const name = await waitingHeroName(page);
  const letters = name;

  await page.goto(url('/staff/miles/new'));
  await page.keyboard.press('Tab'); // the skip link
  await page.keyboard.press('Enter');
  let guard = 0;
  while (!(await page.evaluate(() => document.activeElement?.id === 'q')) && guard++ < 40) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.type(letters);
  // htmx (vendored) brings the matches in as the letters are typed, without pressing Find.
  const match = page.locator('#hero-results a', { hasText: name }).first();
  await match.waitFor({ timeout: 5000 });
  const at = new URL(page.url());
  assert.ok(at.pathname === '/staff/miles/new' && !at.searchParams.has('q'), `the page did not reload: ${at}`);
  await assertAccessible(page, 'hero picker with live results');
  while (!(await page.evaluate((n) => document.activeElement?.textContent?.includes(n), name)) && guard++ < 80) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/staff\/miles\/new\?hero=/, { waitUntil: 'commit' });
  await page.locator('#duration').waitFor();
  while (!(await page.evaluate(() => document.activeElement?.id === 'duration')) && guard++ < 120) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.type('8:15');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/staff\/miles\/[0-9a-f-]{36}$/);
  assert.match(await page.locator('main').innerText(), new RegExp(`Mile [\\d,]+ logged for .*${name}`));
});

test('without JavaScript the hero picker works with its Find button', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await asAdmin(page);
  await page.goto(new URL('/staff/backlog', server.baseUrl).toString());
  const name = await waitingHeroName(page);
  await page.goto(new URL('/staff/miles/new', server.baseUrl).toString());
  await page.getByLabel(/^Hero/).fill(name);
  await page.getByRole('button', { name: 'Find' }).click();
  await page.locator('#hero-results a', { hasText: name }).first().click();
  await page.waitForURL(/\/staff\/miles\/new\?hero=/);
  await context.close();
});
