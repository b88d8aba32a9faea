-- Cards printed in batches, and notes corrected until their card is printed.
-- A flag's card is printed once, with the others ready at the time; until then
-- its note may be corrected, and every text it replaced is kept here.
alter table flags
    add column card_printed_at timestamptz,
    add column card_printed_by uuid references users (id),
    add column note_corrected_at timestamptz,
    add column note_corrected_by uuid references users (id),
    add constraint flags_card_printed_has_note check (card_printed_at is null or note_text is not null);

create table flag_note_versions (
    id bigint generated always as identity primary key,
    flag_id uuid not null references flags (id) on delete cascade,
    note_text text not null,
    note_writer text,
    replaced_at timestamptz not null,
    replaced_by uuid references users (id)
);
create index flag_note_versions_flag_idx on flag_note_versions (flag_id, id);
