-- Search whose cost does not grow with the number of loosely matching heroes.
-- Each typed word is first corrected against the small table of distinct words
-- (the pattern the pg_trgm documentation gives for spelling suggestions), then
-- heroes are found by an indexed exact match of the corrected words.

-- The words of a folded text: runs of letters and digits.
create function hm_words(text) returns text[]
    language sql immutable strict parallel safe
    return array_remove(regexp_split_to_array($1, '[^[:alnum:]]+'), '');

alter table heroes add column search_words text[]
    generated always as (hm_words(hm_fold(full_name || ' ' || agency || ' ' || agency_city))) stored;
create index heroes_words_idx on heroes using gin (search_words) where confirmed_at is not null;

-- Every word of a confirmed hero's name, agency and city, for spelling
-- correction. Words are only added: a word no hero holds any more costs a
-- wasted candidate, never a wrong result.
create table search_words (word text primary key);
create index search_words_trgm_idx on search_words using gist (word gist_trgm_ops);
create index search_words_prefix_idx on search_words (word text_pattern_ops);

insert into search_words (word)
select distinct unnest(search_words) from heroes where confirmed_at is not null
on conflict do nothing;

-- Statement triggers with transition tables, so an import of thousands of
-- heroes costs one statement, not one per row.
create function hm_learn_search_words() returns trigger
    language plpgsql
    as $$
begin
    insert into search_words (word)
    select distinct unnest(search_words) from new_heroes where confirmed_at is not null order by 1
    on conflict do nothing;
    return null;
end
$$;

create trigger heroes_learn_search_words_insert
    after insert on heroes referencing new table as new_heroes
    for each statement execute function hm_learn_search_words();
create trigger heroes_learn_search_words_update
    after update on heroes referencing new table as new_heroes
    for each statement execute function hm_learn_search_words();

-- The number of confirmed heroes, kept by the writes, so the unfiltered honor
-- roll says how many heroes it holds without counting them on every page.
create table roll_totals (
    only_row boolean primary key default true check (only_row),
    heroes bigint not null check (heroes >= 0)
);
insert into roll_totals (heroes) select count(*) from heroes where confirmed_at is not null;

create function hm_count_confirmed() returns trigger
    language plpgsql
    as $$
declare
    change bigint;
begin
    if tg_op = 'INSERT' then
        select count(*) into change from new_heroes where confirmed_at is not null;
    elsif tg_op = 'DELETE' then
        select -count(*) into change from old_heroes where confirmed_at is not null;
    else
        select (select count(*) from new_heroes where confirmed_at is not null)
             - (select count(*) from old_heroes where confirmed_at is not null) into change;
    end if;
    if change <> 0 then
        update roll_totals set heroes = heroes + change;
    end if;
    return null;
end
$$;

create trigger heroes_count_confirmed_insert
    after insert on heroes referencing new table as new_heroes
    for each statement execute function hm_count_confirmed();
create trigger heroes_count_confirmed_update
    after update on heroes referencing old table as old_heroes new table as new_heroes
    for each statement execute function hm_count_confirmed();
create trigger heroes_count_confirmed_delete
    after delete on heroes referencing old table as old_heroes
    for each statement execute function hm_count_confirmed();
