-- Flags and handwritten notes: the flag carried on each mile, on its way to the
-- family. The row holds where the flag is now; flag_history holds every step.

create type flag_step as enum (
    'waiting_for_note', 'note_written', 'ready', 'shipped', 'handed_over', 'delivered', 'returned'
);

-- The flag carried follows the hero's service (see `FlagKind::for_hero`):
-- police thin blue line, fire thin red line, EMS thin white line, corrections
-- thin silver line, K9 the thin blue line K9 flag, other the national flag of
-- the hero's country.
create type flag_kind as enum (
    'thin_blue_line', 'thin_red_line', 'thin_white_line', 'thin_silver_line', 'k9_thin_blue_line',
    'united_states', 'canada'
);

create type flag_carrier as enum ('usps', 'ups', 'fedex', 'canada_post', 'other');

-- How a sent flag travels: by a carrier, or in the hands of a person who
-- delivers it (a former chief, the K9's handler).
create type flag_dispatch as enum ('mail', 'in_person');

create table flags (
    id uuid primary key,
    mile_id uuid not null unique references miles (id),
    kind flag_kind not null,
    step flag_step not null default 'waiting_for_note',
    -- The note as typed by staff from the handwritten card, who wrote the card,
    -- and optionally a scan or photo of it (an image re-encoded as JPEG, or a PDF).
    note_text text check (length(note_text) between 1 and 4000),
    note_writer text check (length(note_writer) between 1 and 200),
    note_scan_key text check (note_scan_key ~ '^notes/[0-9a-f]{64}\.(jpg|pdf)$'),
    -- The recipient as chosen (copied from the hero's private contacts, so the
    -- slip shows the address the flag was sent to). Private.
    recipient_contact_id uuid references hero_contacts (id) on delete set null,
    recipient_kind contact_kind,
    recipient_name text check (length(recipient_name) between 1 and 200),
    recipient_address text not null default '' check (length(recipient_address) <= 1000),
    -- The current (or last) sending; cleared when a returned flag is made ready again
    -- (flag_history keeps every earlier one).
    dispatch flag_dispatch,
    sent_on date,
    carrier flag_carrier,
    tracking_number text check (length(tracking_number) between 1 and 40),
    delivered_on date,
    delivery_confirmed_by text check (length(delivery_confirmed_by) between 1 and 200),
    returned_on date,
    return_reason text check (length(return_reason) between 1 and 500),
    created_at timestamptz not null,
    created_by uuid references users (id),
    updated_at timestamptz not null,
    updated_by uuid references users (id),

    -- Once written, a note stays: every step after the first has one, with its writer.
    check ((step = 'waiting_for_note') = (note_text is null)),
    check ((note_text is null) = (note_writer is null)),
    check (note_scan_key is null or note_text is not null),
    check ((recipient_kind is null) = (recipient_name is null)),
    -- A flag on its way (or back) was sent in exactly one way, on a date.
    check ((step in ('shipped', 'handed_over', 'delivered', 'returned')) = (dispatch is not null)),
    check ((dispatch is null) = (sent_on is null)),
    check (step <> 'shipped' or dispatch = 'mail'),
    check (step <> 'handed_over' or dispatch = 'in_person'),
    -- By mail: a carrier and tracking number, and an address to send to; in person: neither.
    check ((dispatch = 'mail') = (carrier is not null)),
    check ((carrier is null) = (tracking_number is null)),
    check (dispatch is null or recipient_name is not null),
    check (dispatch is distinct from 'mail' or recipient_address <> ''),
    -- Delivered on a date, confirmed by someone, not before it was sent.
    check ((step = 'delivered') = (delivered_on is not null)),
    check ((delivered_on is null) = (delivery_confirmed_by is null)),
    check (delivered_on is null or delivered_on >= sent_on),
    -- Returned on a date, with a reason, not before it was sent.
    check ((step = 'returned') = (returned_on is not null)),
    check ((returned_on is null) = (return_reason is null)),
    check (returned_on is null or returned_on >= sent_on)
);
create index flags_step_idx on flags (step);

-- Every step a flag took: who, when, from where to where, and the step's details.
create table flag_history (
    id bigint generated always as identity primary key,
    flag_id uuid not null references flags (id),
    occurred_at timestamptz not null,
    actor_id uuid references users (id),
    from_step flag_step,
    to_step flag_step not null,
    details jsonb not null default '{}'
);
create index flag_history_flag_idx on flag_history (flag_id, id);

-- Every mile already logged gets its flag, waiting for its note.
insert into flags (id, mile_id, kind, created_at, created_by, updated_at, updated_by)
select gen_random_uuid(), m.id,
       (case h.service
            when 'police' then 'thin_blue_line'
            when 'fire' then 'thin_red_line'
            when 'ems' then 'thin_white_line'
            when 'corrections' then 'thin_silver_line'
            when 'k9' then 'k9_thin_blue_line'
            else case h.country when 'CA' then 'canada' else 'united_states' end
        end)::flag_kind,
       m.created_at, m.created_by, m.created_at, m.created_by
from miles m join heroes h on h.id = m.hero_id;

insert into flag_history (flag_id, occurred_at, actor_id, from_step, to_step, details)
select f.id, f.created_at, f.created_by, null, 'waiting_for_note', '{"created_by_migration": true}'
from flags f;
