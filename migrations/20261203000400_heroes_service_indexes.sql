-- A filter by service (alone, or with a state or a year) read heroes through
-- the end-of-watch index and threw most away, and its capped count scanned the
-- table: 40 to 95 ms at 100,000 heroes. With the service in an index, in the
-- roll's order, the page is an index scan and the count an index-only scan
-- (under a millisecond each; bench/RESULTS.md has the plans' timings).
create index heroes_roll_service_idx on heroes (service, end_of_watch desc, id desc)
    where confirmed_at is not null;
create index heroes_region_service_idx on heroes (country, region, service, end_of_watch desc, id desc)
    where confirmed_at is not null;
