-- The demo data set, loaded by `honor-mile demo` into an empty database in one
-- transaction. Deterministic: ids come from md5 of a name and a number, dates
-- count back from the day set in `honor_mile.demo_today`, so two loads on the
-- same day give the same pages. Every name, agency and address is invented.

create temporary table demo_clock on commit drop as
select current_setting('honor_mile.demo_today')::date as today,
       current_setting('honor_mile.demo_now')::timestamptz as now;

-- Three accounts that cannot sign in (no password, inactive) so that records
-- can say who made them; staff, so the first-admin setup link still works.
insert into users (id, email, display_name, role, password_hash, active, created_at, updated_at)
select md5('demo-user-' || n)::uuid, 'demo-' || n || '@demo.invalid', name, 'staff', null, false, c.now, c.now
from (values (1, 'Demo coordinator'), (2, 'Demo approver'), (3, 'Demo second approver')) u(n, name), demo_clock c;

insert into runners (id, name, birth_year, active, created_at, updated_at)
select md5('demo-runner-' || n)::uuid, name, born, true, c.now, c.now
-- A birth year is kept only for young runners (who run through the year they turn 16).
from (values (1, 'Dale Whitaker', null::smallint), (2, 'Avery Whitaker', 2013::smallint),
             (3, 'Marisol Ortega', null), (4, 'Kenji Morrow', null)) r(n, name, born), demo_clock c;

create temporary table demo_first (n int primary key, name text) on commit drop;
insert into demo_first values
  (0,'James'),(1,'Maria'),(2,'Robert'),(3,'Linda'),(4,'Michael'),(5,'Chloé'),(6,'David'),(7,'Aaliyah'),
  (8,'Thomas'),(9,'Renée'),(10,'Carlos'),(11,'Sarah'),(12,'Jean-Luc'),(13,'Keisha'),(14,'Brian'),(15,'Ngozi'),
  (16,'Patrick'),(17,'Amanda'),(18,'Darnell'),(19,'Heather'),(20,'Luis'),(21,'Megan'),(22,'Tyrone'),(23,'Siobhan');
create temporary table demo_last (n int primary key, name text) on commit drop;
insert into demo_last values
  (0,'Callahan'),(1,'Okafor'),(2,'Reyes'),(3,'Lindqvist'),(4,'Tremblay'),(5,'Washington'),(6,'Kowalski'),
  (7,'García-López'),(8,'MacDonald'),(9,'Nguyen'),(10,'Bérubé'),(11,'Fitzgerald'),(12,'Abernathy'),
  (13,'Yazzie'),(14,'Delacroix'),(15,'Haugen'),(16,'O''Connell'),(17,'Patel'),(18,'St-Pierre'),(19,'Brennan');
-- Places weighted toward the larger states; Canada's provinces among them.
create temporary table demo_place (n int primary key, city text, country text, region text) on commit drop;
insert into demo_place values
  (0,'Houston','US','TX'),(1,'San Antonio','US','TX'),(2,'Fresno','US','CA'),(3,'Sacramento','US','CA'),
  (4,'Albany','US','NY'),(5,'Tampa','US','FL'),(6,'Orlando','US','FL'),(7,'Springfield','US','IL'),
  (8,'Columbus','US','OH'),(9,'Harrisburg','US','PA'),(10,'Savannah','US','GA'),(11,'Raleigh','US','NC'),
  (12,'Flint','US','MI'),(13,'Newark','US','NJ'),(14,'Richmond','US','VA'),(15,'Tacoma','US','WA'),
  (16,'Mesa','US','AZ'),(17,'Nashville','US','TN'),(18,'Gary','US','IN'),(19,'Worcester','US','MA'),
  (20,'Baltimore','US','MD'),(21,'St. Louis','US','MO'),(22,'Madison','US','WI'),(23,'Aurora','US','CO'),
  (24,'Duluth','US','MN'),(25,'Columbia','US','SC'),(26,'Mobile','US','AL'),(27,'Shreveport','US','LA'),
  (28,'Lexington','US','KY'),(29,'Salem','US','OR'),(30,'Tulsa','US','OK'),(31,'Hartford','US','CT'),
  (32,'Provo','US','UT'),(33,'Reno','US','NV'),(34,'Little Rock','US','AR'),(35,'Jackson','US','MS'),
  (36,'Wichita','US','KS'),(37,'Las Cruces','US','NM'),(38,'Omaha','US','NE'),(39,'Charleston','US','WV'),
  (40,'Boise','US','ID'),(41,'Honolulu','US','HI'),(42,'Anchorage','US','AK'),(43,'Billings','US','MT'),
  (44,'Washington','US','DC'),(45,'San Juan','US','PR'),
  (46,'Toronto','CA','ON'),(47,'Hamilton','CA','ON'),(48,'Montréal','CA','QC'),(49,'Québec','CA','QC'),
  (50,'Surrey','CA','BC'),(51,'Calgary','CA','AB'),(52,'Regina','CA','SK'),(53,'Winnipeg','CA','MB'),
  (54,'Moncton','CA','NB'),(55,'Halifax','CA','NS'),(56,'St. John''s','CA','NL'),(57,'Whitehorse','CA','YT');

-- 320 heroes: a place for each (the first 46 places twice as often), service,
-- cause, end of watch spread over the last 35 years; the last ten are drafts.
insert into heroes (id, full_name, rank_title, agency, agency_city, country, region, service, end_of_watch, cause,
                    age, years_of_service, badge_number, military_veteran, narrative, biography,
                    k9_breed, k9_handler, confirmed_at, confirmed_by, confirmation_source,
                    created_at, created_by, updated_at, updated_by)
select md5('demo-hero-' || i)::uuid,
       case when svc = 'k9' then (array['Rex','Bella','Titan','Kira','Duke','Zeus','Nala','Ranger'])[1 + i % 8]
            else f.name || ' ' || l.name end,
       case svc when 'police' then (array['Officer','Deputy','Sergeant','Trooper','Constable'])[1 + i % 5]
                when 'fire' then (array['Firefighter','Captain','Lieutenant'])[1 + i % 3]
                when 'ems' then 'Paramedic' when 'corrections' then 'Corrections Officer'
                when 'k9' then 'K9' else 'Agent' end,
       p.city || ' ' || case svc when 'police' then case when p.country = 'CA' then 'Police Service' else 'Police Department' end
                                 when 'fire' then 'Fire Department' when 'ems' then 'EMS'
                                 when 'corrections' then 'Department of Corrections' when 'k9' then 'Police Department'
                                 else 'Sheriff''s Office' end,
       p.city, p.country, p.region, svc::hero_service,
       c.today - (30 + (i * 397) % 12700),
       (array['gunfire','vehicle_crash','struck_by_vehicle','fall','heart_attack','duty_illness','fire','drowning','vehicle_assault','assault'])[1 + (i / 3) % 10]::hero_cause,
       case when svc = 'k9' then 3 + i % 8 else 23 + (i * 7) % 38 end,
       -- Years of service never exceed the years since 18.
       case when svc = 'k9' then null else least((i * 3) % 30, 23 + (i * 7) % 38 - 18) end,
       case when i % 3 = 0 then lpad(((i * 71) % 9000 + 100)::text, 4, '0') else '' end,
       i % 6 = 0,
       'Demo record: an invented line-of-duty death, written to show how a hero''s page reads.',
       case when i % 4 = 0 then 'Demo biography. Remembered by colleagues for steady courage and a quick laugh.' else '' end,
       case when svc = 'k9' then 'Belgian Malinois' end,
       case when svc = 'k9' then 'Officer ' || l.name end,
       case when i <= 310 then c.now end,
       case when i <= 310 then md5('demo-user-1')::uuid end,
       case when i <= 310 then 'Demo source: agency statement' end,
       c.now, md5('demo-user-1')::uuid, c.now, md5('demo-user-1')::uuid
from generate_series(1, 320) i
cross join demo_clock c
cross join lateral (select (array['police','fire','police','ems','corrections','police','fire','k9','other','police'])[1 + (i * 7) % 10] as svc) s
join demo_first f on f.n = (i * 5) % 24
join demo_last l on l.n = (i * 3 + i / 24) % 20
join demo_place p on p.n = case when i % 3 = 0 then (i / 3) % 58 else i % 46 end;

-- Each honored hero's family is a private contact; the flag goes to them.
insert into hero_contacts (id, hero_id, kind, name, relationship, phone, email, postal_address, notes,
                           created_at, created_by, updated_at, updated_by)
select md5('demo-contact-' || i)::uuid, md5('demo-hero-' || i)::uuid, 'family', 'Demo Family ' || i, 'spouse',
       '(555) 010-' || lpad((i % 10000)::text, 4, '0'), '', i || ' Demo Street, Nowhere', '',
       c.now, md5('demo-user-1')::uuid, c.now, md5('demo-user-1')::uuid
from generate_series(1, 230) i cross join demo_clock c;

-- 230 miles over the last two years, about one every three days: one completed
-- run each, numbered 1 to 230 in date order. Mile 120 was voided (logged twice).
create temporary table demo_mile on commit drop as
select i, md5('demo-mile-' || i)::uuid as id, md5('demo-run-' || i)::uuid as run_id,
       c.today - (3 + (230 - i) * 3) as run_date, md5('demo-runner-' || (1 + i % 4))::uuid as runner_id
from generate_series(1, 230) i cross join demo_clock c;

insert into runs (id, run_date, start_time, place, route, escort_agency, participants, status, completed_on,
                  created_at, created_by, updated_at, updated_by)
select m.run_id, m.run_date, time '07:00', (array['Lakeview High School track','Riverside Park loop','Downtown, Main Square to Police Headquarters'])[1 + m.i % 3],
       '', 'Demo County Sheriff''s Office', '', 'completed', m.run_date, c.now, md5('demo-user-1')::uuid, c.now,
       md5('demo-user-1')::uuid
from demo_mile m cross join demo_clock c;
insert into run_heroes (run_id, hero_id) select run_id, md5('demo-hero-' || i)::uuid from demo_mile;
insert into run_runners (run_id, runner_id) select run_id, runner_id from demo_mile;

insert into miles (id, number, k9_number, hero_id, run_id, runner_id, run_date, place, laps, duration_seconds, weather,
                   briefing, prayer_before, flag_carried, prayer_after, moment_of_silence, form_key,
                   voided_at, voided_by, void_reason, created_at, created_by, updated_at, updated_by)
select m.id, m.i, null, md5('demo-hero-' || m.i)::uuid, m.run_id, m.runner_id, m.run_date,
       (array['Lakeview High School track','Riverside Park loop','Downtown, Main Square to Police Headquarters'])[1 + m.i % 3],
       7, 420 + (m.i * 13) % 240, (array['Clear, 61°F','Light rain','Overcast','Sunny and cold'])[1 + m.i % 4],
       true, true, true, true, m.i % 2 = 0, md5('demo-form-' || m.i)::uuid,
       case when m.i = 120 then c.now end, case when m.i = 120 then md5('demo-user-1')::uuid end,
       case when m.i = 120 then 'Demo: logged twice by mistake' end,
       c.now, md5('demo-user-1')::uuid, c.now, md5('demo-user-1')::uuid
from demo_mile m cross join demo_clock c;

-- K9 numbers: the K9 count of the miles that stand, in mile order.
update miles set k9_number = k.n
from (select m.id, row_number() over (order by m.number) as n
      from miles m join heroes h on h.id = m.hero_id where h.service = 'k9' and m.voided_at is null) k
where miles.id = k.id;
update mile_counters set last_value = (select coalesce(max(number), 0) from miles) where name = 'mile';
update mile_counters set last_value = (select coalesce(max(k9_number), 0) from miles) where name = 'k9';

-- Upcoming runs for heroes still waiting, and one cancelled run.
insert into runs (id, run_date, start_time, place, route, escort_agency, participants, status, cancel_reason,
                  created_at, created_by, updated_at, updated_by)
select md5('demo-next-run-' || n)::uuid, c.today + n * 4, time '07:30',
       (array['Lakeview High School track','Riverside Park loop','Downtown, Main Square to Police Headquarters'])[1 + n % 3],
       '', 'Demo County Sheriff''s Office', '', case when n = 0 then 'cancelled' else 'scheduled' end::run_status,
       case when n = 0 then 'Demo: storm warning' end,
       c.now, md5('demo-user-1')::uuid, c.now, md5('demo-user-1')::uuid
from generate_series(0, 5) n cross join demo_clock c;
insert into run_heroes (run_id, hero_id)
select md5('demo-next-run-' || n)::uuid, md5('demo-hero-' || (230 + n))::uuid from generate_series(1, 5) n;
insert into run_runners (run_id, runner_id)
select md5('demo-next-run-' || n)::uuid, md5('demo-runner-' || (1 + n % 4))::uuid from generate_series(0, 5) n;

-- A flag for every mile, at every step of its way: the oldest delivered, the
-- newest still waiting for their notes.
create temporary table demo_flag on commit drop as
select m.i, m.id as mile_id, md5('demo-flag-' || m.i)::uuid as id, m.run_date,
       (case when m.i = 120 then 'waiting_for_note'
             when m.i <= 150 then case when m.i % 25 = 0 then 'returned' when m.i % 10 = 0 then 'handed_over' else 'delivered' end
             when m.i <= 175 then 'shipped'
             when m.i <= 195 then 'ready'
             when m.i <= 212 then 'note_written'
             else 'waiting_for_note' end)::flag_step as step
from demo_mile m;

insert into flags (id, mile_id, kind, step, note_text, note_writer, recipient_contact_id, recipient_kind, recipient_name,
                   recipient_address, dispatch, sent_on, carrier, tracking_number, delivered_on, delivery_confirmed_by,
                   returned_on, return_reason, created_at, created_by, updated_at, updated_by)
select f.id, f.mile_id,
       (case h.service when 'police' then 'thin_blue_line' when 'fire' then 'thin_red_line' when 'ems' then 'thin_white_line'
            when 'corrections' then 'thin_silver_line' when 'k9' then 'k9_thin_blue_line'
            else case h.country when 'CA' then 'canada' else 'united_states' end end)::flag_kind,
       f.step,
       case when f.step <> 'waiting_for_note' then 'Demo note: this flag flew over a mile run in honour of ' || h.full_name || '.' end,
       case when f.step <> 'waiting_for_note' then 'Dale Whitaker' end,
       case when f.step not in ('waiting_for_note', 'note_written') then md5('demo-contact-' || f.i)::uuid end,
       case when f.step not in ('waiting_for_note', 'note_written') then 'family'::contact_kind end,
       case when f.step not in ('waiting_for_note', 'note_written') then 'Demo Family ' || f.i end,
       case when f.step not in ('waiting_for_note', 'note_written') then f.i || ' Demo Street, Nowhere' else '' end,
       case when f.step = 'handed_over' then 'in_person'
            when f.step in ('shipped', 'delivered', 'returned') then 'mail' end::flag_dispatch,
       case when f.step in ('shipped', 'handed_over', 'delivered', 'returned') then f.run_date + 10 end,
       case when f.step in ('shipped', 'delivered', 'returned') then 'usps'::flag_carrier end,
       case when f.step in ('shipped', 'delivered', 'returned') then '9400 1000 0000 0000 ' || lpad(f.i::text, 4, '0') end,
       case when f.step = 'delivered' then f.run_date + 15 end,
       case when f.step = 'delivered' then 'Signed for by the family' end,
       case when f.step = 'returned' then f.run_date + 20 end,
       case when f.step = 'returned' then 'Demo: moved, no forwarding address' end,
       c.now, md5('demo-user-1')::uuid, c.now, md5('demo-user-1')::uuid
from demo_flag f join miles m on m.id = f.mile_id join heroes h on h.id = m.hero_id cross join demo_clock c;

insert into flag_history (flag_id, occurred_at, actor_id, from_step, to_step, details)
select f.id, c.now, md5('demo-user-1')::uuid, case when s.k = 1 then null else path[s.k - 1] end, path[s.k],
       '{"demo": true}'::jsonb
from demo_flag f
cross join demo_clock c
cross join lateral (select (case f.step
        when 'waiting_for_note' then array['waiting_for_note']
        when 'note_written' then array['waiting_for_note', 'note_written']
        when 'ready' then array['waiting_for_note', 'note_written', 'ready']
        when 'shipped' then array['waiting_for_note', 'note_written', 'ready', 'shipped']
        when 'handed_over' then array['waiting_for_note', 'note_written', 'ready', 'handed_over']
        when 'delivered' then array['waiting_for_note', 'note_written', 'ready', 'shipped', 'delivered']
        else array['waiting_for_note', 'note_written', 'ready', 'shipped', 'returned'] end)::flag_step[] as path) p
cross join lateral generate_series(1, cardinality(p.path)) s(k)
order by f.i, s.k;

-- Grants: three or four counted each month for the last fourteen months (paid
-- unless recent), and applications waiting at each step.
create temporary table demo_grant on commit drop as
select g, md5('demo-grant-' || g)::uuid as id,
       (date_trunc('month', c.today::timestamp) - make_interval(months => 13 - g / 4))::date as grant_month,
       case when g % 4 = 3 and g % 8 <> 7 then false else true end as counted
from generate_series(0, 55) g cross join demo_clock c;

insert into grant_applications (id, reference, kind, recipient_name, rank_title, service, agency, agency_place,
                                consent_to_name, injury_date, circumstances, amount_requested_cents, nominator_name,
                                nominator_relationship, contact_phone, contact_email, status, submitted_at,
                                approved_cents, grant_month, first_approved_at, first_approved_by,
                                recipient_number, counted_at, paid_on, payment_method, payment_reference,
                                paid_recorded_at, paid_recorded_by, updated_at, items_requested,
                                declined_at, declined_by, decline_reason)
select g.id, 'G-' || extract(year from g.grant_month)::int || '-' || lpad((g.g + 1)::text, 6, '0'),
       case when g.g % 9 = 4 then 'k9_equipment' else 'injury' end::grant_kind,
       f.name || ' ' || l.name, 'Officer', (array['police','fire','ems','corrections'])[1 + g.g % 4]::hero_service,
       p.city || ' Police Department', p.city || ', ' || p.region, g.g % 3 <> 0,
       g.grant_month - 20, 'Demo: injured on duty (invented).', 400000 + (g.g * 3700) % 100000,
       'Demo Nominator ' || g.g, 'colleague', '', 'nominator' || g.g || '@demo.invalid',
       case when not g.counted then 'declined'
            when g.grant_month >= date_trunc('month', (c.today - 45)::timestamp)::date then 'approved' else 'paid' end::grant_status,
       (g.grant_month - 10)::timestamptz,
       case when g.counted then 300000 + (g.g * 3700) % 100000 end, case when g.counted then g.grant_month end,
       case when g.counted then (g.grant_month + 2)::timestamptz end, case when g.counted then md5('demo-user-2')::uuid end,
       case when g.counted then row_number() over (partition by g.counted order by g.g) end,
       case when g.counted then (g.grant_month + 2)::timestamptz end,
       case when g.counted and g.grant_month < date_trunc('month', (c.today - 45)::timestamp)::date then g.grant_month + 12 end,
       case when g.counted and g.grant_month < date_trunc('month', (c.today - 45)::timestamp)::date then 'bank_transfer'::payment_method end,
       case when g.counted and g.grant_month < date_trunc('month', (c.today - 45)::timestamp)::date then 'DEMO-' || g.g end,
       case when g.counted and g.grant_month < date_trunc('month', (c.today - 45)::timestamp)::date then (g.grant_month + 12)::timestamptz end,
       case when g.counted and g.grant_month < date_trunc('month', (c.today - 45)::timestamp)::date then md5('demo-user-2')::uuid end,
       c.now,
       case when g.g % 9 = 4 then 'Demo: a ballistic vest and a heat alarm' else '' end,
       case when not g.counted then (g.grant_month + 2)::timestamptz end,
       case when not g.counted then md5('demo-user-2')::uuid end,
       case when not g.counted then 'Demo: not injured in the line of duty' end
from demo_grant g
cross join demo_clock c
join demo_first f on f.n = (g.g * 7) % 24
join demo_last l on l.n = (g.g * 11) % 20
join demo_place p on p.n = g.g % 46;

insert into grant_applications (id, reference, kind, recipient_name, service, agency, consent_to_name, injury_date,
                                circumstances, amount_requested_cents, nominator_name, contact_email, status,
                                submitted_at, shortlisted_at, shortlisted_by, updated_at)
select md5('demo-waiting-grant-' || n)::uuid, 'G-' || extract(year from c.today)::int || '-' || lpad((100 + n)::text, 6, '0'),
       'injury', 'Demo Applicant ' || n, 'fire', 'Demo Fire Department', false, c.today - 30 - n,
       'Demo: injured on duty (invented).', 250000 + n * 10000, 'Demo Nominator', 'waiting' || n || '@demo.invalid',
       case when n <= 3 then 'submitted' else 'shortlisted' end::grant_status, c.now - make_interval(days => n),
       case when n > 3 then c.now end, case when n > 3 then md5('demo-user-1')::uuid end, c.now
from generate_series(1, 5) n cross join demo_clock c;

select setval('grant_reference_seq', 105);
update grant_recipient_counter set last_number = (select coalesce(max(recipient_number), 0) from grant_applications);

-- A family campaign open now, and one that closed last year.
insert into campaigns (id, hero_id, title, family_line, donation_url, goal_cents, raised_cents, opens_on, closes_on,
                       created_at, created_by, updated_at, updated_by)
select md5('demo-campaign-' || n)::uuid, md5('demo-hero-' || hero)::uuid, title, family, url, goal, raised,
       c.today + opens, c.today + opens + 14, c.now, md5('demo-user-1')::uuid, c.now, md5('demo-user-1')::uuid
from (values (1, 229, 'Help the family home for the holidays', 'For the family of a fallen officer (demo)',
              'https://donate.example.org/demo-family-229', 2500000, 1645000, -4),
             (2, 10, 'A memorial bench', 'For the family (demo)', 'https://donate.example.org/demo-family-10',
              500000, 500000, -400)) v(n, hero, title, family, url, goal, raised, opens)
cross join demo_clock c;

insert into demo_data (loaded_at, seed) select now, 1 from demo_clock;
