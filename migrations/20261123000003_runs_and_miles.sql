-- Runners, runs, and the numbered miles run in each hero's honour.

create table runners (
    id uuid primary key,
    name text not null check (length(name) between 1 and 100),
    -- Young runners age out at the end of the year they turn 16.
    birth_year smallint check (birth_year between 1900 and 2100),
    active boolean not null default true,
    user_id uuid unique references users (id),
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create unique index runners_name_idx on runners (lower(name));

create type run_status as enum ('scheduled', 'completed', 'cancelled');

create table runs (
    id uuid primary key,
    run_date date not null,
    start_time time,
    place text not null check (length(place) between 1 and 200),
    route text not null default '' check (length(route) <= 500),
    escort_agency text not null default '' check (length(escort_agency) <= 200),
    participants text not null default '' check (length(participants) <= 1000),
    livestream_url text not null default '' check (length(livestream_url) <= 500),
    status run_status not null default 'scheduled',
    cancel_reason text check (length(cancel_reason) between 1 and 500),
    completed_on date,
    created_at timestamptz not null,
    created_by uuid references users (id),
    updated_at timestamptz not null,
    updated_by uuid references users (id),
    check ((status = 'cancelled') = (cancel_reason is not null)),
    check ((status = 'completed') = (completed_on is not null)),
    check (completed_on is null or completed_on >= run_date)
);
create index runs_date_idx on runs (run_date, start_time);

create table run_heroes (
    run_id uuid not null references runs (id) on delete cascade,
    hero_id uuid not null references heroes (id),
    primary key (run_id, hero_id)
);
create index run_heroes_hero_idx on run_heroes (hero_id);

create table run_runners (
    run_id uuid not null references runs (id) on delete cascade,
    runner_id uuid not null references runners (id),
    primary key (run_id, runner_id)
);

-- One row per sequence; a save takes the row's lock, so numbers are handed out
-- one at a time and a rolled-back save gives its number back: no gaps.
create table mile_counters (
    name text primary key check (name in ('mile', 'k9')),
    last_value integer not null check (last_value >= 0)
);
insert into mile_counters (name, last_value) values ('mile', 0), ('k9', 0);

create table miles (
    id uuid primary key,
    number integer not null unique check (number > 0),
    k9_number integer unique check (k9_number > 0),
    hero_id uuid not null references heroes (id),
    run_id uuid references runs (id),
    runner_id uuid not null references runners (id),
    run_date date not null,
    place text not null check (length(place) between 1 and 200),
    laps smallint not null check (laps between 1 and 100),
    duration_seconds integer not null check (duration_seconds between 1 and 86400),
    weather text not null default '' check (length(weather) <= 200),
    video_url text not null default '' check (length(video_url) <= 500),
    briefing boolean not null default false,
    prayer_before boolean not null default false,
    flag_carried boolean not null default false,
    prayer_after boolean not null default false,
    moment_of_silence boolean not null default false,
    -- The form's one-time key: a reloaded or double-tapped form logs once.
    form_key uuid not null unique,
    voided_at timestamptz,
    voided_by uuid references users (id),
    void_reason text check (length(void_reason) between 1 and 500),
    created_at timestamptz not null,
    created_by uuid references users (id),
    updated_at timestamptz not null,
    updated_by uuid references users (id),
    check ((voided_at is null) = (void_reason is null))
);
create index miles_hero_idx on miles (hero_id) where voided_at is null;
create index miles_date_idx on miles (run_date desc, number desc);
create index miles_runner_idx on miles (runner_id) where voided_at is null;

-- Corrections keep what a mile said before and after, and why.
create table mile_corrections (
    id bigint generated always as identity primary key,
    mile_id uuid not null references miles (id),
    corrected_at timestamptz not null,
    corrected_by uuid references users (id),
    reason text not null check (length(reason) between 1 and 500),
    before jsonb not null,
    after jsonb not null
);
create index mile_corrections_mile_idx on mile_corrections (mile_id, id);
