-- Accounts, one-time links, sign-in throttling, sessions and the audit trail.

create type user_role as enum ('staff', 'admin');

create table users (
    id uuid primary key,
    -- Stored lower-cased so uniqueness ignores case.
    email text not null unique
        check (email = lower(email) and length(email) between 3 and 254 and email like '%_@_%'),
    display_name text not null check (length(display_name) between 1 and 100),
    role user_role not null,
    -- Null until the person chooses a password through their one-time link.
    password_hash text,
    active boolean not null default true,
    -- Bumped on deactivation, role change and password change: sessions that carry
    -- an older epoch stop working at once, on every instance.
    session_epoch integer not null default 0,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

create type token_purpose as enum ('first_admin', 'invite', 'reset');

create table account_tokens (
    -- SHA-256 of the token: the token itself exists only in the link.
    token_hash bytea primary key check (length(token_hash) = 32),
    purpose token_purpose not null,
    user_id uuid references users (id) on delete cascade,
    created_by uuid references users (id),
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at timestamptz,
    check ((purpose = 'first_admin') = (user_id is null)),
    check (expires_at > created_at)
);
create index account_tokens_user_idx on account_tokens (user_id);

-- Failed sign-ins, counted per account ("email:...") and per address ("ip:..."),
-- in the database so that every instance sees the same counts.
create table login_throttle (
    key text primary key check (length(key) <= 300),
    failures integer not null check (failures > 0),
    window_started_at timestamptz not null,
    locked_until timestamptz
);

-- Sessions (tower-sessions records), shared by every instance.
create table sessions (
    id text primary key,
    data jsonb not null,
    expiry_date timestamptz not null
);
create index sessions_expiry_idx on sessions (expiry_date);

create table audit_log (
    id bigint generated always as identity primary key,
    occurred_at timestamptz not null,
    actor_id uuid references users (id),
    action text not null check (length(action) between 1 and 100),
    entity_type text not null check (length(entity_type) between 1 and 50),
    entity_id text,
    summary text not null,
    details jsonb not null default '{}',
    client_ip text
);
create index audit_log_occurred_idx on audit_log (occurred_at desc, id desc);
create index audit_log_actor_idx on audit_log (actor_id, id desc);
create index audit_log_entity_idx on audit_log (entity_type, entity_id, id desc);
