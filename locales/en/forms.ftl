# The public forms' messages: each field's label, and the mistakes the shared
# rules find (src/web/forms.rs `MISTAKE_KEYS`). A label is the field's name as
# a mistake says it, so `label` below is always one of the `label-` messages.

## Labels

label-place = Where you are
label-body = Your reflection
label-kind = What the grant is for
label-recipient_name = Recipient's name
label-rank_title = Rank or title
label-agency = Agency
label-agency_place = City and state or province
label-injury_date = Date of the injury
label-circumstances = What happened and what the grant is for
label-items_requested = Items asked for
label-amount_requested = Amount asked for
label-nominator_relationship = Your relationship to them
label-contact_phone = Phone
label-contact_email = Email
label-email = Email
label-full_name = Their name
label-their_agency = Their agency
label-end_of_watch = End of watch
label-details = What we should know
label-source = Your source
label-proposer_email = Your email

## Mistakes

error-required = { $label } is required.
error-too-long = { $label } must be at most { $max } characters.
error-control = { $label } contains invisible control characters; please retype it.
error-one-line = { $label } must be on one line.
error-negative = { $label } cannot be negative.
error-amount = { $label } must be an amount in dollars, like 12,000 or 12000.50.
error-cents = { $label } cannot have fractions of a cent.
error-too-large = { $label } must be at most $1,000,000.00; check for a typo.
error-zero = { $label } must be more than zero.
error-date = { $label } must be a date like 2026-11-23.
error-date-range = { $label } must be between { $earliest } and { $latest }.
error-future = { $label } cannot be in the future.
error-too-old = { $label } is too far in the past.
error-month = Month must look like 2026-11 (year, then month).
error-month-before = Month cannot be before { $month }: grants count toward the last 12 months at most.
error-month-after = Month cannot be after { $month }: grants are planned at most 3 months ahead.
error-choose-kind = Choose what the grant is for.
error-choose-service = Choose police, fire, EMS, corrections, K9 or other.
error-phone = Enter a phone number with at least 7 digits, like (407) 555-0142.
error-phone-or-email = Give a phone number or an email address so we can reach you.
error-email = Enter an email address like name@example.org.
error-email-optional = Enter an email address like name@example.org, or leave it empty.
error-items-needed = Items asked for is required for a K9 equipment grant, e.g. a ballistic vest, a heat alarm.
error-items-not-k9 = Items asked for is only for a K9 equipment grant: clear it, or choose K9 equipment above.
error-choose-country = Choose a country.
error-country = Choose the United States or Canada.
error-choose-region = Choose a state, province or territory.
error-not-region-us = { $code } is not a state, province or territory of United States.
error-not-region-ca = { $code } is not a state, province or territory of Canada.
error-not-region = { $code } is not a state or province.

## The honor roll's filters

filter-q-long = A search can be at most 100 characters.
filter-q-control = A search cannot hold control characters.
filter-year = The year must be between 1791 and { $year }.
filter-status = Status is honored or waiting.
filter-sort = Sort by best match (best), end of watch (eow) or name.
filter-after = This page link is damaged; start again from the first page.
