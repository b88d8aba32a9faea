-- Family campaigns: a short fundraising campaign for one hero's family, run on
-- an outside donation page; shown on the hero's public page while it is open.
-- And the mark left by `honor-mile demo` on a database holding demo data.

create table campaigns (
    id uuid primary key,
    hero_id uuid not null references heroes (id),
    title text not null check (length(title) between 1 and 120),
    -- Who the money goes to, as shown to visitors ("For the family of Officer Giles").
    family_line text not null default '' check (length(family_line) <= 200),
    donation_url text not null check (donation_url ~ '^https://[^\s<>"]+$' and length(donation_url) <= 500),
    goal_cents bigint not null check (goal_cents between 0 and 100000000),
    raised_cents bigint not null default 0 check (raised_cents between 0 and 100000000),
    opens_on date not null,
    -- The last day it is open (included); about two weeks after it opens.
    closes_on date not null,
    created_at timestamptz not null,
    created_by uuid references users (id),
    updated_at timestamptz not null,
    updated_by uuid references users (id),
    -- Closed early by staff: no longer shown, whatever its dates.
    closed_at timestamptz,
    closed_by uuid references users (id),
    check (closes_on > opens_on)
);
create index campaigns_hero_idx on campaigns (hero_id, closes_on desc);

-- One row when the database holds the demo data (`honor-mile demo`).
create table demo_data (
    id boolean primary key default true check (id),
    loaded_at timestamptz not null,
    seed integer not null
);
