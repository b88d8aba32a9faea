-- A family contact's agreement to be emailed when the mile is run for their
-- hero: the day it was recorded (in the program's time zone), null when they
-- have not agreed or withdrew. Agreement needs an address to write to.
alter table hero_contacts add column email_consent_on date;
alter table hero_contacts add constraint hero_contacts_consent_needs_email
    check (email_consent_on is null or email <> '');
