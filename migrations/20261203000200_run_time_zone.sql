-- A run happens at its place's time: a 6 pm run in Chicago is 6 pm in Chicago
-- wherever it is read. The zone is an IANA name (America/Chicago); runs saved
-- before zones were kept have none and read in the program's own zone.
alter table runs add column time_zone text
    check (length(time_zone) between 1 and 64 and time_zone ~ '^[A-Za-z]+(/[A-Za-z0-9_+-]+)*$');

-- Counts each reschedule, so calendar apps subscribed to the feed replace the
-- entry they hold (same UID, higher SEQUENCE) instead of keeping the old time.
alter table runs add column sequence integer not null default 0 check (sequence >= 0);
