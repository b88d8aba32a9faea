-- Fallen responders: the public record, private contacts kept apart, search.

create extension if not exists pg_trgm;
create extension if not exists unaccent;

-- unaccent() is only stable; this wrapper names its dictionary so it can be
-- immutable and used in indexes and generated columns.
create function hm_fold(text) returns text
    language sql immutable parallel safe strict
    as $$ select lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

create type hero_service as enum ('police', 'fire', 'ems', 'corrections', 'k9', 'other');
create type hero_cause as enum (
    'gunfire', 'vehicle_assault', 'vehicle_crash', 'struck_by_vehicle', 'fall', 'heart_attack',
    'duty_illness', 'drowning', 'fire', 'stabbing', 'assault', 'aircraft', 'other'
);

create table heroes (
    id uuid primary key,
    full_name text not null check (length(full_name) between 1 and 200),
    rank_title text not null default '' check (length(rank_title) <= 100),
    agency text not null check (length(agency) between 1 and 200),
    agency_city text not null default '' check (length(agency_city) <= 100),
    country text not null check (country in ('US', 'CA')),
    region text not null check (region ~ '^[A-Z]{2}$'),
    service hero_service not null,
    end_of_watch date not null check (end_of_watch >= date '1791-01-01'),
    cause hero_cause not null,
    age smallint,
    years_of_service smallint check (years_of_service between 0 and 80),
    badge_number text not null default '' check (length(badge_number) <= 50),
    military_veteran boolean not null default false,
    narrative text not null default '' check (length(narrative) <= 10000),
    biography text not null default '' check (length(biography) <= 10000),
    memorial_links text[] not null default '{}' check (cardinality(memorial_links) <= 5),
    k9_breed text check (length(k9_breed) <= 100),
    k9_handler text check (length(k9_handler) <= 200),
    photo_key text check (photo_key ~ '^[0-9a-f]{64}\.jpg$'),
    confirmed_at timestamptz,
    confirmed_by uuid references users (id),
    confirmation_source text check (length(confirmation_source) between 1 and 500),
    created_at timestamptz not null,
    created_by uuid references users (id),
    updated_at timestamptz not null,
    updated_by uuid references users (id),
    -- Only K9s have a breed and a handler; people are 16 to 110, dogs 0 to 25.
    check (service = 'k9' or (k9_breed is null and k9_handler is null)),
    check (age is null or (service = 'k9' and age between 0 and 25) or (service <> 'k9' and age between 16 and 110)),
    check ((confirmed_at is null) = (confirmation_source is null)),
    search_text text generated always as (hm_fold(full_name || ' ' || agency || ' ' || agency_city)) stored,
    sort_name text generated always as (hm_fold(full_name)) stored
);

-- The same name, agency and end of watch is the same person, whatever the case or accents.
create unique index heroes_identity_idx on heroes (hm_fold(full_name), hm_fold(agency), end_of_watch);
create index heroes_search_idx on heroes using gin (search_text gin_trgm_ops);
create index heroes_name_trgm_idx on heroes using gin (sort_name gin_trgm_ops);
create index heroes_roll_eow_idx on heroes (end_of_watch desc, id desc) where confirmed_at is not null;
create index heroes_roll_name_idx on heroes (sort_name, id) where confirmed_at is not null;
create index heroes_region_idx on heroes (country, region, end_of_watch desc) where confirmed_at is not null;
create index heroes_agency_idx on heroes (hm_fold(agency));
create index heroes_eow_idx on heroes (end_of_watch);

create type contact_kind as enum ('family', 'agency', 'handler', 'intermediary', 'other');

-- Private: never joined into a public query.
create table hero_contacts (
    id uuid primary key,
    hero_id uuid not null references heroes (id) on delete cascade,
    kind contact_kind not null,
    name text not null check (length(name) between 1 and 200),
    relationship text not null default '' check (length(relationship) <= 100),
    phone text not null default '' check (length(phone) <= 40),
    email text not null default '' check (length(email) <= 254),
    postal_address text not null default '' check (length(postal_address) <= 1000),
    notes text not null default '' check (length(notes) <= 2000),
    created_at timestamptz not null,
    created_by uuid references users (id),
    updated_at timestamptz not null,
    updated_by uuid references users (id)
);
create index hero_contacts_hero_idx on hero_contacts (hero_id);

-- CSV imports: the parsed rows wait here between preview and import, and the
-- import reports its progress here for the page that watches it.
create type import_state as enum ('previewed', 'running', 'done', 'failed');
create table hero_imports (
    id uuid primary key,
    created_by uuid not null references users (id),
    created_at timestamptz not null,
    file_name text not null check (length(file_name) <= 255),
    rows jsonb not null,
    to_add integer not null,
    duplicates integer not null,
    errors integer not null,
    state import_state not null default 'previewed',
    processed integer not null default 0,
    imported integer not null default 0,
    failure text,
    finished_at timestamptz
);
