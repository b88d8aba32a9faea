-- Seeds a benchmark database with :heroes confirmed heroes of realistic names
-- (accented and hyphenated among them), agencies and states, miles for a fifth
-- of them with their flags, and grants (the staff account the signed-in
-- measurements use is made through the setup link).
-- Run with: psql -v heroes=100000 -f bench/seed.sql <database>

\set ON_ERROR_STOP on
begin;

create temporary table first_names (n int generated always as identity, name text);
insert into first_names (name) values
  ('James'),('Mary'),('John'),('Patricia'),('Robert'),('Jennifer'),('Michael'),('Linda'),('William'),('Elizabeth'),
  ('David'),('Barbara'),('Richard'),('Susan'),('Joseph'),('Jessica'),('Thomas'),('Sarah'),('Charles'),('Karen'),
  ('André'),('José'),('Zoë'),('Chloé'),('Renée'),('Ángel'),('François'),('Søren'),('Jean-Luc'),('Mary-Kate'),
  ('Garrett'),('Julian'),('Andrew'),('Jeffrey'),('Zechariah'),('Kirk'),('Chris'),('Tanya'),('Luis'),('Aaliyah');
create temporary table last_names (n int generated always as identity, name text);
insert into last_names (name) values
  ('Smith'),('Johnson'),('Williams'),('Brown'),('Jones'),('Garcia'),('Miller'),('Davis'),('Rodriguez'),('Martinez'),
  ('Hernandez'),('Lopez'),('Gonzalez'),('Wilson'),('Anderson'),('Thomas'),('Taylor'),('Moore'),('Jackson'),('Martin'),
  ('O''Neil'),('García-López'),('Smith-Jones'),('Nguyễn'),('Dubois'),('Müller'),('Peña'),('Côté'),('Bérubé'),('St-Pierre'),
  ('Becerra'),('Peery'),('Crumby'),('Northrup'),('Cartledge'),('Deisler'),('Giles'),('MacDonald'),('Okafor'),('Kowalski');
create temporary table places (n int generated always as identity, city text, country text, region text);
insert into places (city, country, region) values
  ('Houston','US','TX'),('Dallas','US','TX'),('Austin','US','TX'),('Los Angeles','US','CA'),('San Diego','US','CA'),
  ('New York','US','NY'),('Buffalo','US','NY'),('Chicago','US','IL'),('Miami','US','FL'),('Orlando','US','FL'),
  ('Winter Springs','US','FL'),('Fountain','US','CO'),('Colorado Springs','US','CO'),('Huntsville','US','AL'),
  ('Atlanta','US','GA'),('Phoenix','US','AZ'),('Seattle','US','WA'),('Boston','US','MA'),('Detroit','US','MI'),
  ('Philadelphia','US','PA'),('Toronto','CA','ON'),('Ottawa','CA','ON'),('Montréal','CA','QC'),('Québec','CA','QC'),
  ('Vancouver','CA','BC'),('Calgary','CA','AB'),('Winnipeg','CA','MB'),('Halifax','CA','NS');

insert into heroes (id, full_name, rank_title, agency, agency_city, country, region, service, end_of_watch, cause,
                    age, years_of_service, confirmed_at, confirmation_source, created_at, updated_at)
select gen_random_uuid(),
       f.name || ' ' || l.name || case when i > 1600 then ' ' || chr(65 + (i / 1600) % 26) || '.' else '' end,
       (array['Officer','Deputy','Trooper','Sergeant','Firefighter','Captain','Paramedic','Corrections Officer','K9','Constable'])[1 + i % 10],
       p.city || ' ' || (array['Police Department','Fire Department','Sheriff''s Office','EMS','Department of Corrections','Police Service'])[1 + (i / 7) % 6] || ' ' || (i % 97),
       p.city, p.country, p.region,
       -- Drawn apart from the name (a hash of i, not i itself), as no real roll ties the two.
       (array['police','fire','police','ems','corrections','k9','police','fire','other','police'])[k.service]::hero_service,
       date '2026-11-01' - ((i * 37) % 36500),
       (array['gunfire','vehicle_assault','vehicle_crash','struck_by_vehicle','fall','heart_attack','duty_illness','drowning','fire','other'])[1 + (i / 3) % 10]::hero_cause,
       case when k.service = 6 then 4 + i % 8 else 21 + i % 45 end,
       i % 20, now(), 'benchmark seed', now(), now()
from generate_series(1, :heroes) i
cross join lateral (select 1 + (hashint4(i) & 2147483647) % 10 as service) k
join first_names f on f.n = 1 + i % 40
join last_names l on l.n = 1 + (i / 40) % 40
join places p on p.n = 1 + (i / 13) % 28
on conflict do nothing;

insert into runners (id, name, created_at, updated_at)
values (gen_random_uuid(), 'Bench Runner', now(), now());

-- A fifth of the heroes have their mile, numbered without gaps.
with honored as (
  select id, row_number() over (order by end_of_watch, id) as n
  from heroes where random() < 0.2
)
insert into miles (id, number, hero_id, runner_id, run_date, place, laps, duration_seconds, form_key, created_at, updated_at)
select gen_random_uuid(), n, h.id, (select id from runners limit 1), date '2026-11-01' - (n % 1400)::int,
       'School track', 7, 480 + (n % 120)::int, gen_random_uuid(), now(), now()
from honored h;
update mile_counters set last_value = (select coalesce(max(number), 0) from miles) where name = 'mile';

-- Every mile's flag: a third delivered to the family, a third shipped, the rest
-- waiting for their note.
insert into flags (id, mile_id, kind, step, note_text, note_writer, recipient_kind, recipient_name,
                   recipient_address, dispatch, sent_on, carrier, tracking_number, delivered_on,
                   delivery_confirmed_by, created_at, updated_at)
select gen_random_uuid(), m.id, 'thin_blue_line',
       (array['delivered', 'shipped', 'waiting_for_note'])[1 + m.number % 3]::flag_step,
       case when m.number % 3 < 2 then 'With the gratitude of the program.' end,
       case when m.number % 3 < 2 then 'Bench Runner' end,
       case when m.number % 3 < 2 then 'family'::contact_kind end,
       case when m.number % 3 < 2 then 'The family' end,
       case when m.number % 3 < 2 then '1 Main Street, Springfield' else '' end,
       case when m.number % 3 < 2 then 'mail'::flag_dispatch end,
       case when m.number % 3 < 2 then m.run_date + 10 end,
       case when m.number % 3 < 2 then 'usps'::flag_carrier end,
       case when m.number % 3 < 2 then '9400111899223100000000' end,
       case when m.number % 3 = 0 then m.run_date + 15 end,
       case when m.number % 3 = 0 then 'The family' end,
       now(), now()
from miles m;

-- Grants: an approver, then applications across the last two years, two thirds
-- counted and paid, the rest waiting for review.
insert into users (id, email, display_name, role, password_hash, active, created_at, updated_at)
values ('00000000-0000-4000-8000-00000000be01', 'approver@bench.invalid', 'Bench Approver', 'staff', null, false,
        now(), now());
insert into grant_applications (id, reference, kind, recipient_name, service, agency, consent_to_name, injury_date,
                                circumstances, amount_requested_cents, nominator_name, contact_email, status,
                                submitted_at, approved_cents, grant_month, first_approved_at, first_approved_by,
                                recipient_number, counted_at, paid_on, payment_method, payment_reference, updated_at)
select gen_random_uuid(), 'G-2026-' || lpad(n::text, 6, '0'), 'injury', 'Recipient ' || n, 'police',
       'Springfield Police Department', n % 2 = 0, date '2024-06-01' + (n % 800), 'Injured on duty.',
       250000, 'Nominator ' || n, 'nominator' || n || '@example.org',
       case when n % 3 = 0 then 'submitted' else 'paid' end::grant_status,
       now() - make_interval(days => n % 700),
       case when n % 3 <> 0 then 250000 end,
       case when n % 3 <> 0 then date_trunc('month', now() - make_interval(days => n % 700))::date end,
       case when n % 3 <> 0 then now() - make_interval(days => n % 700) end,
       case when n % 3 <> 0 then '00000000-0000-4000-8000-00000000be01'::uuid end,
       case when n % 3 <> 0 then n end,
       case when n % 3 <> 0 then now() - make_interval(days => n % 700) end,
       case when n % 3 <> 0 then (now() - make_interval(days => n % 700))::date end,
       case when n % 3 <> 0 then 'check'::payment_method end,
       case when n % 3 <> 0 then 'CHK-' || n end,
       now()
from generate_series(1, greatest(:heroes / 100, 30)) n;
update grant_recipient_counter
   set last_number = (select coalesce(max(recipient_number), 0) from grant_applications);


commit;
-- As autovacuum would have by then: statistics and the visibility map, so counts
-- can read the indexes alone.
vacuum analyze;
