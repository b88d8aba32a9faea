-- The outbox: every message the program writes to a person, written in the
-- same transaction as the change that causes it, and sent later by whichever
-- instance claims it (a lease, so two never send it at once).
create type outbox_state as enum ('waiting', 'sent', 'failed');

create table outbox (
    id uuid primary key,
    -- What the message is about, e.g. `invitation`, for the outbox page.
    kind text not null check (length(kind) between 1 and 60),
    to_address text not null check (length(to_address) between 3 and 254),
    subject text not null check (length(subject) between 1 and 200),
    body_text text not null,
    body_html text not null,
    state outbox_state not null default 'waiting',
    tries integer not null default 0 check (tries >= 0),
    next_try_at timestamptz not null,
    -- While set and in the future, one sender holds the message.
    lease_until timestamptz,
    last_error text check (length(last_error) <= 2000),
    created_at timestamptz not null,
    sent_at timestamptz,
    check ((state = 'sent') = (sent_at is not null))
);

create index outbox_due on outbox (next_try_at) where state = 'waiting';
create index outbox_newest on outbox (created_at desc);
