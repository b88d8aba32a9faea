-- The language an application was written in (the French form at /fr/grants/apply),
-- so its receipt and the later notices are written in it too, and link to the
-- status page in that language. Applications entered by staff are English.
alter table grant_applications
    add column language text not null default 'en' check (language in ('en', 'fr'));
