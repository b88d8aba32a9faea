-- Sign-in attempts are reserved before the password is checked and given back
-- when it was right, so a count can come back down to zero.
alter table login_throttle drop constraint login_throttle_failures_check;
alter table login_throttle add constraint login_throttle_failures_check check (failures >= 0);

-- Each lock of a key lasts twice as long as the one before it (growing delays);
-- the count of locks lives as long as the row (a day of quiet ends it).
alter table login_throttle add column lockouts integer not null default 0 check (lockouts >= 0);

-- A key may now join an account (up to 260 characters) and an address.
alter table login_throttle drop constraint login_throttle_key_check;
alter table login_throttle add constraint login_throttle_key_check check (length(key) <= 400);
