-- Reflections: short messages visitors leave on a hero's page. None is shown
-- until staff approve it; staff may decline one, or hide an approved one (at a
-- family's request, say) with one click.

create type reflection_status as enum ('pending', 'approved', 'declined', 'hidden');

create table reflections (
    id uuid primary key,
    hero_id uuid not null references heroes (id),
    author_name text not null check (length(author_name) between 1 and 80),
    place text not null default '' check (length(place) <= 80),
    body text not null check (length(body) between 1 and 1000),
    status reflection_status not null default 'pending',
    submitted_at timestamptz not null,
    -- Who last moved it out of the queue (or hid it), and when.
    decided_at timestamptz,
    decided_by uuid references users (id),
    check ((status = 'pending') = (decided_at is null))
);
-- The hero page reads its approved reflections; the queue its pending ones.
create index reflections_shown_idx on reflections (hero_id, decided_at) where status = 'approved';
create index reflections_queue_idx on reflections (submitted_at) where status = 'pending';
