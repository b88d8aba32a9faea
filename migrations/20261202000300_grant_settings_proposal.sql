-- A change of the grant settings (the monthly minimum, the yearly target, the
-- second-approval threshold) is proposed by one admin and takes effect only when
-- a different admin confirms it; until then the settings in force stay as they
-- are. One proposal at a time, whole or absent.
alter table grant_settings
    add column proposed_minimum_cents bigint check (proposed_minimum_cents between 1 and 100000000),
    add column proposed_target_cents bigint check (proposed_target_cents between 1 and 10000000000),
    add column proposed_threshold_cents bigint check (proposed_threshold_cents between 1 and 100000000),
    add column proposed_by uuid references users (id),
    add column proposed_at timestamptz,
    add constraint grant_settings_proposal_whole check (
        (proposed_minimum_cents is null) = (proposed_by is null)
        and (proposed_target_cents is null) = (proposed_by is null)
        and (proposed_threshold_cents is null) = (proposed_by is null)
        and (proposed_at is null) = (proposed_by is null)
    ),
    -- Whoever put settings in force did not propose them (checked while both are known).
    add column confirmed_proposal_of uuid references users (id),
    add constraint grant_settings_confirmed_by_another check (confirmed_proposal_of is null or confirmed_proposal_of <> updated_by);
