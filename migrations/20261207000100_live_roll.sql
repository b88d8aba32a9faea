-- Each instance keeps the public honor roll in memory (`public::live_roll`).
-- Every change to a hero that the roll could show is announced on the
-- `roll_changes` channel with the hero's id, once the change commits; the
-- instances read those heroes again. A draft that stays a draft is not
-- announced: the roll never holds drafts.
create function hm_announce_roll_change() returns trigger
language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        if old.confirmed_at is not null then
            perform pg_notify('roll_changes', old.id::text);
        end if;
        return old;
    end if;
    if new.confirmed_at is not null or (tg_op = 'UPDATE' and old.confirmed_at is not null) then
        perform pg_notify('roll_changes', new.id::text);
    end if;
    return new;
end $$;

create trigger heroes_announce_roll_change
    after insert or update or delete on heroes
    for each row execute function hm_announce_roll_change();

-- The roll sorted by name is read from memory as well as from PostgreSQL, so
-- both must order names alike whatever locale the database was created with:
-- byte order, which is Rust's order of strings. `hm_fold` gives lower-case
-- letters without accents, which this order sorts as a reader expects.
alter table heroes alter column sort_name type text collate "C";
