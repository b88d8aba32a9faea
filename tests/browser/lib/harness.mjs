// Starts the real Honor Mile binary on a free port against a fresh database,
// and Debian's Chromium through playwright-core, for the journeys in ../journeys.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import os from 'node:os';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
// import.meta.dirname is Node.js 20; Debian 12 ships Node.js 18.
export const artifacts = fileURLToPath(new URL('../artifacts', import.meta.url));
mkdirSync(artifacts, { recursive: true });

const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function psql(sql) {
  execFileSync('psql', [adminUrl, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { stdio: 'pipe' });
}

/** Starts the server (after `honor-mile demo` when `demo` is set, sending mail
 * to `smtpUrl` when given); resolves with its base URL and the first-admin setup link. */
export async function startServer({ demo = false, smtpUrl = null } = {}) {
  const bin = process.env.HONOR_MILE_BIN;
  assert.ok(bin, 'HONOR_MILE_BIN must point at the built honor-mile binary (scripts/test sets it)');
  const port = await freePort();
  const database = `honor_mile_browser_${process.pid}_${port}`;
  const base = new URL(adminUrl);
  base.pathname = `/${database}`;
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: base.toString(),
    BIND_ADDR: `127.0.0.1:${port}`,
    PUBLIC_URL: baseUrl,
    COOKIE_SECURE: 'false',
    // Journeys read a page right after changing it; the cache has its own Rust test.
    PUBLIC_CACHE_SECONDS: '0',
    // A crawl is one address asking as fast as it can; the per-client rate
    // limit has its own Rust tests (tests/app/rate_limit.rs, tests/ops/limits.rs).
    RATE_LIMIT_PER_MINUTE: '0',
    // Uploads of a journey go to a folder of its own, never into the repository.
    UPLOADS_DIR: path.join(os.tmpdir(), `honor-mile-browser-${process.pid}-${port}`),
    RUST_LOG: process.env.RUST_LOG ?? 'warn',
  };
  if (smtpUrl) {
    Object.assign(env, { SMTP_URL: smtpUrl, MAIL_FROM: 'Honor Mile <office@honor-mile.example>' });
  }
  if (demo) execFileSync(bin, ['demo'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const child = spawn(bin, ['serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const setupLink = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not print a setup link:\n${output}`)), 30000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/http:\/\/\S+\/setup\/[0-9a-f]{64}/);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    baseUrl,
    setupLink,
    databaseUrl: base.toString(),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
      psql(`drop database if exists "${database}" with (force)`);
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A phone-sized or desktop-sized context. */
export async function newPage(browser, { phone = false } = {}) {
  const context = await browser.newContext(
    phone ? { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 900 } },
  );
  return context.newPage();
}

/** Runs axe-core (WCAG 2.x A and AA rules) on the page; fails on any violation. */
export async function assertAccessible(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }),
  );
  const violations = result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  assert.deepEqual(violations, [], `${label}: accessibility violations`);
}

/** Fails when the page scrolls sideways at 320 pixels wide. */
export async function assertFitsNarrowScreen(page, label) {
  const original = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${label}: ${overflow}px of sideways scrolling at 320px`);
  if (original) await page.setViewportSize(original);
}

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

export const ADMIN_EMAIL = 'chief@example.org';
export const ADMIN_PASSWORD = 'lighthouse saffron meadow 2041';

/** Creates the first admin through the printed setup link and signs in on `page`
 * (setting up the second factor admins must have). */
export async function setUpAdminAndSignIn(page, server) {
  await page.goto(server.setupLink);
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Your name').fill('Casey Chief');
  await page.getByLabel('New password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByLabel('New password again').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Create admin account' }).click();
  await page.waitForURL(/\/login$/);
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
}

/** Follows an invitation or reset link on `page` and chooses `password`; the
 * person lands on the sign-in page. */
export async function choosePassword(page, link, password) {
  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('New password again').fill(password);
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.waitForURL(/\/login$/);
}

/** Signs in on `page`: the password, then the code from the test's "phone", or
 * for an account that must have a second factor and has none, setting one up. */
export async function signIn(page, email, password) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/(staff|login\/code|account\/second-factor\/enrol)$/);
  if (page.url().endsWith('/login/code')) {
    await page.getByLabel('Code from your authenticator app').fill(await nextCode(email));
    await page.getByRole('button', { name: 'Sign in' }).click();
  } else if (page.url().endsWith('/account/second-factor/enrol')) {
    await enrol(page, email, password);
    await page.getByRole('link', { name: /I have saved them/ }).click();
  }
  await page.waitForURL(/\/staff$/);
}

/** The secret each account's authenticator app holds, by email, and the last
 * 30-second step a code was used for (the server accepts each step once). */
const phones = new Map();

/** Sets up the second factor on the enrolment page, as an app would: reads the
 * key shown for typing in and answers with its code. Returns the recovery codes. */
export async function enrol(page, email, password) {
  const secret = (await page.locator('#secret').innerText()).replace(/\s+/g, '');
  const phone = { secret, lastStep: -1 };
  await page.getByLabel('Code from the app').fill(await codeFor(phone));
  // A first second factor asks for the password again.
  await page.getByLabel('Your password').fill(password);
  await page.getByRole('button', { name: /second factor/ }).click();
  await page.waitForURL(/\/account\/second-factor\/recovery-codes$/);
  phones.set(email, phone);
  return page.locator('#recovery-codes code').allInnerTexts();
}

/** The next code the server will accept for an enrolled account. */
export async function nextCode(email) {
  const phone = phones.get(email);
  assert.ok(phone, `${email} has set up a second factor in this journey`);
  return codeFor(phone);
}

/** The app's code for the current step, or the next one (the server allows one
 * step of drift) when this step's code was already used; waits when both were. */
async function codeFor(phone) {
  for (;;) {
    const now = Math.floor(Date.now() / 1000 / 30);
    const step = Math.max(now, phone.lastStep + 1);
    if (step <= now + 1) {
      phone.lastStep = step;
      return totp(phone.secret, step);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** RFC 6238 with HMAC-SHA1 and 6 digits, from a base32 secret, for one time step. */
export function totp(base32, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/=+$/, '').toUpperCase()) {
    const value = alphabet.indexOf(c);
    assert.ok(value >= 0, `base32 letter ${c}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(number).padStart(6, '0');
}

/** A small real PNG (8x8 pixels), for photo uploads. */
export const SMALL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAbElEQVR4nBXNQRUAUQhCUZOYhCQmeUlIQhISzR+XXA7ODDtouIHBQ4YOM8suWm5h8ZKl+0CskDiBsIioHhx76LiDw0eO3oN/4FVf+J8h0PduzBqZ8x/bxNQPwgaFy192SGgelC0q13/CJaXlA+odUoHdRJQGAAAAAElFTkSuQmCC',
  'base64',
);
