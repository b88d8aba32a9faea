-- The daily staff digest. Each person may turn it off on their account page.
alter table users add column wants_digest boolean not null default true;

-- One row per day of the program's time zone on which the digest went out (or
-- was found to have nothing to say). Claiming the day is the insert: with
-- several instances, the first to insert sends, in the same transaction, and
-- the others find the day taken.
create table digest_days (
    day date primary key,
    claimed_at timestamptz not null,
    -- Digests queued that day (0 when there was nothing to say).
    sent integer not null default 0 check (sent >= 0)
);
