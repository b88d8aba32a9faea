-- A duplicate merged into the record it duplicates leaves its id behind, so an
-- address already shared (a news story, a family's post) leads to the kept hero.
create table hero_redirects (
    old_id uuid primary key,
    hero_id uuid not null references heroes (id) on delete cascade,
    merged_at timestamptz not null,
    merged_by uuid references users (id),
    check (old_id <> hero_id)
);
create index hero_redirects_hero_idx on hero_redirects (hero_id);
