-- The second factor: an authenticator app's secret (RFC 6238) per account, and
-- single-use recovery codes for when the phone is lost.

create table second_factors (
    user_id uuid primary key references users (id) on delete cascade,
    -- The shared secret the app and the program both compute codes from
    -- (20 random bytes; RFC 4226 asks for at least 16).
    secret bytea not null check (length(secret) between 16 and 64),
    enrolled_at timestamptz not null,
    -- The 30-second time step of the last code accepted: a code is accepted only
    -- for a later step, so the same code never works twice.
    last_used_step bigint check (last_used_step >= 0)
);

create table recovery_codes (
    user_id uuid not null references second_factors (user_id) on delete cascade,
    -- SHA-256 of the code: the code itself is shown once, at the moment it is made.
    code_hash bytea not null check (length(code_hash) = 32),
    created_at timestamptz not null,
    used_at timestamptz,
    primary key (user_id, code_hash),
    check (used_at is null or used_at >= created_at)
);
