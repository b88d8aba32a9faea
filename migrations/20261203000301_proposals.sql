-- Proposals from the public: a fallen responder missing from the honor roll,
-- or a correction to a hero's record, each with its source. Never public: staff
-- read them in a queue and turn one into a draft hero or an edit in one step.

create type proposal_status as enum ('open', 'drafted', 'editing', 'dismissed');

create table proposals (
    id uuid primary key,
    -- A correction names its hero; a new hero has none.
    hero_id uuid references heroes (id),
    full_name text not null default '' check (length(full_name) <= 200),
    agency text not null default '' check (length(agency) <= 200),
    -- "US-FL", as the region list writes it.
    region text not null default '' check (region ~ '^(|(US|CA)-[A-Z]{2})$'),
    service hero_service,
    end_of_watch date,
    details text not null check (length(details) between 1 and 4000),
    source text not null check (length(source) between 1 and 500),
    proposer_name text not null check (length(proposer_name) between 1 and 120),
    proposer_email text not null default '' check (length(proposer_email) <= 200),
    status proposal_status not null default 'open',
    submitted_at timestamptz not null,
    decided_at timestamptz,
    decided_by uuid references users (id),
    -- The draft made from it.
    draft_hero_id uuid references heroes (id),
    check (hero_id is not null or (length(full_name) > 0 and length(agency) > 0 and length(region) > 0
                                   and service is not null and end_of_watch is not null)),
    check ((status = 'open') = (decided_at is null))
);
create index proposals_open_idx on proposals (submitted_at) where status = 'open';
