-- The site's own pages (About, Donate, Contact, Privacy, Accessibility), written
-- by admins in Markdown. A page without a row shows its built-in default text,
-- so a fresh install is never empty; a row holds the latest text only, and each
-- save is in the audit trail.

create table site_pages (
    slug text primary key check (slug in ('about', 'donate', 'contact', 'privacy', 'accessibility')),
    body_markdown text not null check (length(body_markdown) between 1 and 20000),
    -- The program's outside donation page, on the Donate page only.
    donation_url text check (
        donation_url is null
        or (slug = 'donate' and donation_url like 'https://%' and length(donation_url) <= 500)
    ),
    updated_at timestamptz not null,
    updated_by uuid not null references users (id)
);
