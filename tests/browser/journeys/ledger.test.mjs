// The records staff keep: with more than a thousand miles logged, staff find
// mile 1,294 typed as people write it and a voided number with its reason in
// the mile ledger; then merge a duplicate hero that got through into the
// record it duplicates, and its old public address leads to the kept one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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

/** Runs SQL against the journey's own database (as the harness does for its own). */
function psql(sql) {
  execFileSync('psql', [server.databaseUrl, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { stdio: 'pipe' });
}

const KEPT = '0190b5a8-0000-7000-8000-00000000a001';
const DUPLICATE = '0190b5a8-0000-7000-8000-00000000a002';
const OTHER = '0190b5a8-0000-7000-8000-00000000a003';
const RUNNER = '0190b5a8-0000-7000-8000-00000000b001';

/** 1,300 miles, as a program four years in has: mile 1,294 for Julian Becerra,
 * mile 1,250 voided; two records of one officer, the second a misspelt duplicate. */
function seed() {
  psql(`
    insert into heroes (id, full_name, rank_title, agency, country, region, service, end_of_watch, cause,
                        confirmed_at, confirmation_source, created_at, updated_at)
    values ('${KEPT}', 'Julian Becerra', 'Officer', 'Fountain Police Department', 'US', 'CO', 'police',
            '2023-02-11', 'fall', now(), 'Fountain PD statement', now(), now()),
           ('${DUPLICATE}', 'Julian Becera', 'Officer', 'Fountain Police Department', 'US', 'CO', 'police',
            '2023-02-11', 'fall', now(), 'A news story', now(), now()),
           ('${OTHER}', 'Garrett Crumby', 'Officer', 'Huntsville Police Department', 'US', 'AL', 'police',
            '2023-09-01', 'gunfire', now(), 'Huntsville PD', now(), now());
    insert into hero_contacts (id, hero_id, kind, name, relationship, postal_address, created_at, updated_at)
    values (gen_random_uuid(), '${DUPLICATE}', 'family', 'Maria Becerra', 'wife', '12 Elm Street', now(), now());
    insert into runners (id, name, created_at, updated_at) values ('${RUNNER}', 'Zechariah', now(), now());
    insert into miles (id, number, hero_id, runner_id, run_date, place, laps, duration_seconds, form_key,
                       voided_at, void_reason, created_at, updated_at)
    select gen_random_uuid(), n, case n when 1294 then '${KEPT}'::uuid else '${OTHER}'::uuid end, '${RUNNER}',
           date '2022-01-01' + n, 'Layer Elementary School track', 7, 495, gen_random_uuid(),
           case when n = 1250 then now() end, case when n = 1250 then 'Logged twice by mistake' end, now(), now()
    from generate_series(1, 1300) n;
    insert into miles (id, number, hero_id, runner_id, run_date, place, laps, duration_seconds, form_key,
                       created_at, updated_at)
    values (gen_random_uuid(), 1301, '${DUPLICATE}', '${RUNNER}', date '2025-07-26', 'Downtown', 7, 510,
            gen_random_uuid(), now(), now());
    update mile_counters set last_value = 1301 where name = 'mile';
  `);
}

test('staff find mile 1,294 and a voided number in the ledger, then merge a duplicate hero', async () => {
  const staff = await newPage(browser, { phone: true });
  await setUpAdminAndSignIn(staff, server);
  seed();
  const url = (path) => new URL(path, server.baseUrl).toString();

  // The ledger, from a phone: the number typed as people write it.
  await staff.goto(url('/staff/miles'));
  await assertAccessible(staff, 'mile ledger');
  await assertFitsNarrowScreen(staff, 'mile ledger');
  await staff.getByLabel('Mile number').fill('1,294');
  await staff.getByRole('button', { name: 'Find miles' }).click();
  const found = staff.locator('table.ledger tbody tr');
  assert.equal(await found.count(), 1);
  const row = await found.first().innerText();
  assert.match(row, /1,294/);
  assert.match(row, /Julian Becerra/);
  assert.match(row, /Zechariah/);
  await assertAccessible(staff, 'mile 1,294 found');
  await screenshot(staff, 'ledger-mile-1294-phone');
  await found.first().getByRole('link', { name: /1,294/ }).click();
  assert.match(await staff.locator('h1').innerText(), /1,294/);

  // A voided number is found too, shown as voided with its reason.
  await staff.goto(url('/staff/miles'));
  await staff.getByLabel('Mile number').fill('1250');
  await staff.getByRole('button', { name: 'Find miles' }).click();
  const voided = await staff.locator('table.ledger tbody tr').first().innerText();
  assert.match(voided, /1,250/);
  assert.match(voided, /Voided: Logged twice by mistake/);
  assert.equal(await staff.locator('table.ledger tbody tr.voided').count(), 1);
  await assertAccessible(staff, 'voided mile found');

  // The duplicate: merged into the record it duplicates, from its staff page.
  await staff.goto(url(`/staff/heroes/${DUPLICATE}`));
  await staff.getByLabel(/This record is a duplicate of/).fill(url(`/heroes/${KEPT}`));
  await staff.getByRole('button', { name: /Merge into that record/ }).click();
  await assertAccessible(staff, 'merge confirmation');
  const explanation = await staff.locator('main').innerText();
  assert.match(explanation, /will be merged into Julian Becerra/);
  await screenshot(staff, 'merge-confirm-phone');
  await staff.getByRole('button', { name: 'Merge into Julian Becerra' }).click();
  await staff.waitForURL(new RegExp(`/staff/heroes/${KEPT}$`));
  assert.match(await staff.locator('.flash-success').innerText(), /Julian Becera is merged into this record/);
  const kept = await staff.locator('main').innerText();
  assert.match(kept, /Maria Becerra/, 'the contact moved to the kept record');
  assert.match(kept, /1,301/, "the duplicate's mile moved to the kept record");
  await assertAccessible(staff, 'kept record after the merge');

  // The duplicate's old public address leads to the kept record.
  const visitor = await newPage(browser);
  await visitor.goto(url(`/heroes/${DUPLICATE}`));
  assert.equal(new URL(visitor.url()).pathname, `/heroes/${KEPT}`);
  assert.doesNotMatch(await visitor.locator('main').innerText(), /Maria|Elm Street/);
});
