-- An applicant follows their application through a private link: the random
-- token lives only in the link (their receipt, their confirmation page); the
-- database keeps its SHA-256. Applications from before this have no link.
alter table grant_applications
    add column status_token_hash bytea unique check (length(status_token_hash) = 32),
    -- On a decline, the words the applicant reads (the private reason stays the team's).
    add column decline_message text check (length(decline_message) between 1 and 2000),
    -- Declines from before this have no words for the applicant.
    add constraint decline_message_only_when_declined check (decline_message is null or status = 'declined');
