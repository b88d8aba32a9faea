-- Grants to first responders injured on duty (and K9 equipment, family support):
-- applications, staff notes, admin decisions, the month each grant counts toward,
-- payments, and the program's grant settings.

create type grant_kind as enum ('injury', 'k9_equipment', 'family_support');
create type grant_status as enum (
    'submitted', 'shortlisted', 'awaiting_second_approval', 'approved', 'declined', 'paid'
);
create type payment_method as enum ('check', 'bank_transfer', 'card', 'other');

-- Reference numbers shown to applicants (G-2026-000123); gaps do not matter here.
create sequence grant_reference_seq;

create table grant_applications (
    id uuid primary key,
    reference text not null unique check (reference ~ '^G-[0-9]{4}-[0-9]{6,}$'),
    kind grant_kind not null,
    -- The recipient's name is public only when they consented to be named.
    recipient_name text not null check (length(recipient_name) between 1 and 200),
    rank_title text not null default '' check (length(rank_title) <= 100),
    service hero_service not null,
    agency text not null check (length(agency) between 1 and 200),
    agency_place text not null default '' check (length(agency_place) <= 200),
    consent_to_name boolean not null default false,
    -- Private: injury details.
    injury_date date check (injury_date >= date '1950-01-01'),
    circumstances text not null check (length(circumstances) between 1 and 5000),
    amount_requested_cents bigint not null check (amount_requested_cents between 1 and 100000000),
    -- Private: who nominated them and how to reach them.
    nominator_name text not null check (length(nominator_name) between 1 and 200),
    nominator_relationship text not null default '' check (length(nominator_relationship) <= 100),
    contact_phone text not null default '' check (length(contact_phone) <= 40),
    contact_email text not null default '' check (length(contact_email) <= 254),
    check (contact_phone <> '' or contact_email <> ''),
    status grant_status not null default 'submitted',
    submitted_at timestamptz not null,
    -- Null when a visitor applied through the public form.
    entered_by uuid references users (id),
    shortlisted_at timestamptz,
    shortlisted_by uuid references users (id),
    -- The decision: amount and the calendar month (first day, program time zone).
    approved_cents bigint check (approved_cents between 1 and 100000000),
    grant_month date check (grant_month = date_trunc('month', grant_month)::date),
    first_approved_at timestamptz,
    first_approved_by uuid references users (id),
    second_approved_at timestamptz,
    second_approved_by uuid references users (id),
    -- Gapless, assigned when the grant starts counting (its final approval).
    recipient_number integer unique check (recipient_number > 0),
    counted_at timestamptz,
    declined_at timestamptz,
    declined_by uuid references users (id),
    decline_reason text check (length(decline_reason) between 1 and 2000),
    -- Private: payment details.
    paid_on date,
    payment_method payment_method,
    payment_reference text check (length(payment_reference) between 1 and 100),
    paid_recorded_at timestamptz,
    paid_recorded_by uuid references users (id),
    updated_at timestamptz not null,
    -- Nobody approves an application they entered; the second approver is someone else.
    check (first_approved_by <> entered_by),
    check (second_approved_by <> entered_by),
    check (second_approved_by <> first_approved_by),
    -- A declined application may keep the first approval it had been given.
    check (status not in ('awaiting_second_approval', 'approved', 'paid')
           or (approved_cents is not null and grant_month is not null and first_approved_by is not null)),
    check ((status in ('approved', 'paid')) = (recipient_number is not null and counted_at is not null)),
    check ((status = 'declined') = (declined_by is not null and decline_reason is not null)),
    check ((status = 'paid') = (paid_on is not null and payment_method is not null and payment_reference is not null)),
    check (injury_date is not null or kind <> 'injury')
);
create index grant_applications_status_idx on grant_applications (status, submitted_at);
create index grant_applications_month_idx on grant_applications (grant_month) where recipient_number is not null;

-- Private: staff notes on an application.
create table grant_notes (
    id uuid primary key,
    application_id uuid not null references grant_applications (id) on delete cascade,
    author_id uuid not null references users (id),
    body text not null check (length(body) between 1 and 2000),
    created_at timestamptz not null
);
create index grant_notes_application_idx on grant_notes (application_id, created_at);

-- One row: the program's grant settings, changed by admins (audited).
create table grant_settings (
    id boolean primary key default true check (id),
    monthly_minimum_cents bigint not null check (monthly_minimum_cents between 1 and 100000000),
    yearly_target_cents bigint not null check (yearly_target_cents between 1 and 10000000000),
    -- An approval above this amount counts only once a second admin confirms it.
    second_approval_threshold_cents bigint not null check (second_approval_threshold_cents between 1 and 100000000),
    updated_at timestamptz,
    updated_by uuid references users (id)
);
insert into grant_settings (monthly_minimum_cents, yearly_target_cents, second_approval_threshold_cents)
values (1000000, 12000000, 500000);

-- One row: the last recipient number given. Locked by the update that takes the
-- next one, so two final approvals at once get consecutive numbers, never a gap.
create table grant_recipient_counter (
    id boolean primary key default true check (id),
    last_number integer not null check (last_number >= 0)
);
insert into grant_recipient_counter (last_number) values (0);
