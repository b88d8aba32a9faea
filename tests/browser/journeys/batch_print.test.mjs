// Cards and address labels print in batches: staff open every card ready to
// print on one print (each card on its own printed page), then the address
// labels for the same flags on an Avery 5160 sheet (3 across, 10 down, 2 5/8 by
// 1 inch on US Letter), and mark the batch printed; the next print is empty
// and says so.
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

function psql(sql) {
  execFileSync('psql', [server.databaseUrl, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { stdio: 'pipe' });
}

/** Three heroes with a mile each and their families' addresses: two flags with
 * their notes written (the batch), one still waiting for its note. */
function seed() {
  psql(`
    insert into runners (id, name, created_at, updated_at)
    values ('0190b5a8-0000-7000-8000-00000000b001', 'Zechariah', now(), now());
    insert into heroes (id, full_name, rank_title, agency, country, region, service, end_of_watch, cause,
                        confirmed_at, confirmation_source, created_at, updated_at)
    select ('0190b5a8-0000-7000-8000-00000000a00' || n)::uuid, name, 'Officer', agency, 'US', region, 'police',
           date '2023-02-11', 'fall', now(), 'Department statement', now(), now()
    from (values (1, 'Julian Becerra', 'Fountain Police Department', 'CO'),
                 (2, 'Ann Tran', 'Springfield Police Department', 'IL'),
                 (3, 'Lee Park', 'Moncton Police Department', 'NB')) h(n, name, agency, region);
    insert into hero_contacts (id, hero_id, kind, name, relationship, postal_address, created_at, updated_at)
    values (gen_random_uuid(), '0190b5a8-0000-7000-8000-00000000a001', 'family', 'Maria Becerra', 'wife',
            E'12 Elm Street\\nFountain, CO 80817', now(), now()),
           (gen_random_uuid(), '0190b5a8-0000-7000-8000-00000000a002', 'family', 'Thomas Tran', 'son',
            E'400 Oak Avenue, Apt 2\\nSpringfield, IL 62701', now(), now());
    insert into miles (id, number, hero_id, runner_id, run_date, place, laps, duration_seconds, form_key,
                       created_at, updated_at)
    select ('0190b5a8-0000-7000-8000-00000000c00' || n)::uuid, n, ('0190b5a8-0000-7000-8000-00000000a00' || n)::uuid,
           '0190b5a8-0000-7000-8000-00000000b001', date '2026-11-19' + n, 'Layer Elementary School track', 7, 495,
           gen_random_uuid(), now(), now()
    from generate_series(1, 3) n;
    update mile_counters set last_value = 3 where name = 'mile';
    insert into flags (id, mile_id, kind, step, note_text, note_writer, created_at, updated_at)
    select gen_random_uuid(), ('0190b5a8-0000-7000-8000-00000000c00' || n)::uuid, 'thin_blue_line',
           case when n < 3 then 'note_written' else 'waiting_for_note' end::flag_step,
           case when n < 3 then 'To the family of mile ' || n || E',\\nwith gratitude.' end,
           case when n < 3 then 'Zechariah' end, now(), now()
    from generate_series(1, 3) n;
  `);
}

const DPI = 96;

/** The media boxes of a printed PDF's pages, one per page. */
function pages(pdf) {
  const text = pdf.toString('latin1');
  return [...text.matchAll(/\/Type\s*\/Page\b[\s\S]*?\/MediaBox\s*\[\s*([^\]]+?)\s*\]/g)].map((m) => m[1].replace(/\s+/g, ' '));
}

test('every card ready to send prints on one print, the labels on an Avery 5160 sheet', async () => {
  const staff = await newPage(browser);
  await setUpAdminAndSignIn(staff, server);
  seed();
  const url = (path) => new URL(path, server.baseUrl).toString();

  await staff.goto(url('/staff/flags'));
  await staff.getByRole('link', { name: 'Print the cards ready to send' }).click();
  assert.match(await staff.locator('#batch-count').innerText(), /2 cards are ready to print/);
  const cards = staff.locator('article.batch-card');
  assert.equal(await cards.count(), 2);
  assert.match(await cards.nth(0).innerText(), /In honour of Officer Julian Becerra[\s\S]*To the family of mile 1,\nwith gratitude\./);
  assert.match(await cards.nth(1).innerText(), /Ann Tran/);
  assert.doesNotMatch(await staff.locator('main').innerText(), /Lee Park/, 'a flag waiting for its note is not printed');
  await assertAccessible(staff, 'cards to print');
  await assertFitsNarrowScreen(staff, 'cards to print');

  // On paper: no navigation, no buttons, each card on its own page.
  await staff.emulateMedia({ media: 'print' });
  assert.equal(await staff.locator('header.site-header').isVisible(), false);
  assert.equal(await staff.getByRole('button', { name: /printed/ }).isVisible(), false);
  const breaks = await cards.evaluateAll((all) => all.map((card) => getComputedStyle(card).breakAfter));
  assert.deepEqual(breaks, ['page', 'auto']);
  await screenshot(staff, 'batch-cards-print');
  await staff.emulateMedia({ media: 'screen' });
  assert.equal(pages(await staff.pdf({ preferCSSPageSize: true })).length, 2, 'one printed page per card');

  // The labels for the same flags, from the families' addresses.
  await staff.getByRole('link', { name: 'Address labels for these flags' }).click();
  assert.match(await staff.locator('#labels-count').innerText(), /2 labels on 1 sheet of 30/);
  const labels = staff.locator('li.label');
  assert.deepEqual(await labels.allInnerTexts(), [
    'Maria Becerra\n12 Elm Street\nFountain, CO 80817',
    'Thomas Tran\n400 Oak Avenue, Apt 2\nSpringfield, IL 62701',
  ]);
  await assertAccessible(staff, 'address labels');
  await assertFitsNarrowScreen(staff, 'address labels');
  await staff.emulateMedia({ media: 'print' });
  const boxes = await labels.evaluateAll((all) => all.map((label) => {
    const box = label.getBoundingClientRect();
    return { left: box.left, top: box.top, width: box.width, height: box.height };
  }));
  // 2 5/8 by 1 inch, side by side with 1/8 inch between the columns.
  assert.equal(Math.round(boxes[0].width), Math.round(2.625 * DPI));
  assert.equal(Math.round(boxes[0].height), DPI);
  assert.equal(Math.round(boxes[1].left - boxes[0].left), Math.round(2.75 * DPI));
  assert.equal(Math.round(boxes[1].top), Math.round(boxes[0].top));
  assert.equal(await staff.locator('header.site-header').isVisible(), false);
  await screenshot(staff, 'batch-labels-print');
  await staff.emulateMedia({ media: 'screen' });
  // One US Letter sheet (612 by 792 points), as the page asks the printer for.
  assert.deepEqual(pages(await staff.pdf({ preferCSSPageSize: true })), ['0 0 612 792']);

  // Printed: marked as a batch; the next print is empty and says so.
  await staff.goBack();
  await staff.getByRole('button', { name: 'Mark these 2 cards printed' }).click();
  await staff.waitForURL(/\/staff\/flags$/);
  assert.match(await staff.locator('.flash-success').innerText(), /2 cards marked printed\./);
  await staff.getByRole('link', { name: 'Print the cards ready to send' }).click();
  assert.match(await staff.locator('#batch-empty').innerText(), /Nothing to print right now/);
  await assertAccessible(staff, 'empty batch');
  await staff.goto(url('/staff/flags/print/labels'));
  assert.match(await staff.locator('#labels-empty').innerText(), /No labels to print right now/);
  await assertAccessible(staff, 'no labels');

  // A visitor cannot open the labels: they carry home addresses.
  const visitor = await newPage(browser);
  await visitor.goto(url('/staff/flags/print/labels'));
  assert.match(visitor.url(), /\/login\?next=/);
  assert.doesNotMatch(await visitor.locator('main').innerText(), /Elm Street/);
});
