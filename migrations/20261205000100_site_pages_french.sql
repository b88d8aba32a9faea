-- A French text for each site page, for the French site (`/fr/about`, ...).
-- Optional: a page saved without one shows its English text there, marked as
-- English, rather than a default that may say something else.
alter table site_pages
    add column body_markdown_fr text
        check (body_markdown_fr is null or length(body_markdown_fr) between 1 and 20000);
