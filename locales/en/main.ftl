# Honor Mile's public pages in English. Every message here has its French
# twin in locales/fr/main.ftl (a unit test in src/web/lang.rs checks it).
# Hero records are never translated: they keep the text staff typed.

## The layout

site-name = Honor Mile
feed-title = Honor Mile: miles run
skip-to-content = Skip to content
demo-title = Demo data.
demo-text = Every hero, run, grant and campaign here is invented, to show how Honor Mile works.
nav-label = Main
nav-home = Home
nav-honor-roll = Honor roll
nav-runs = Runs
nav-grants = Grants
nav-sign-in = Staff sign-in
footer-motto = Honor Mile · one mile for every first responder who gave their life.
footer-propose = Propose a hero
footer-feed = Miles (Atom feed)
footer-calendar = Runs (calendar)
footer-api = Open data (API)
footer-about = About
footer-donate = Donate
footer-contact = Contact
footer-privacy = Privacy
footer-accessibility = Accessibility
search-button = Search
honeypot = Leave this field empty

## Words several pages share

field-service = Service
field-your-name = Your name
back-to-grants = Back to grants

service-police = Police
service-fire = Fire
service-ems = EMS
service-corrections = Corrections
service-k9 = K9
service-other = Other

cause-gunfire = Gunfire
cause-vehicle_assault = Vehicular assault
cause-vehicle_crash = Vehicle crash
cause-struck_by_vehicle = Struck by vehicle
cause-fall = Fall
cause-heart_attack = Heart attack
cause-duty_illness = Duty-related illness
cause-drowning = Drowning
cause-fire = Fire
cause-stabbing = Stabbing
cause-assault = Assault
cause-aircraft = Aircraft accident
cause-other = Other

grant-kind-injury = Injured on duty
grant-kind-k9_equipment = Safety equipment for a K9
grant-kind-family_support = Support for the family of a fallen responder

## Home

home-title = Home
home-heading = One mile for every hero
home-lead = For every first responder killed in the line of duty, a runner runs one mile in their honour.
    The flag carried on that mile goes to the family with a handwritten note.
home-miles-run = miles run
home-heroes-honored = heroes honored
home-heroes-waiting = heroes waiting for their mile
home-flags-delivered = flags delivered
home-grants-this-year = given to injured responders this year
home-grants-in-all = given to injured responders in all
home-find = Find a hero by name or agency
home-whole-roll = The whole honor roll
home-latest = The latest miles
home-mile-number = Mile { $number }
home-no-mile = No mile has been run yet.
home-next-runs = The next runs
home-in-honour-of = in honour of
home-all-runs = All upcoming runs
home-chart-heading = Miles run each month
home-chart-title = Miles run each month, { $first } to { $last }
home-chart-desc = A column for each of the last { $months } months; the table below the chart has the same numbers.
home-bar-miles = { $count ->
        [one] { $shown } mile
       *[other] { $shown } miles
    }
home-chart-as-table = The chart as a table
home-chart-caption = Miles run each month (voided miles not counted)
home-month = Month
home-miles = Miles
home-map-heading = Heroes honored in each state and province
home-map-hint = Choose a state or province to see its honor roll.
home-map-title = Map of the United States and Canada, one square for each state and province, shaded by heroes honored
home-map-legend = Legend: heroes honored
home-map-as-list = The map as a list
home-none-honored = No hero has been honored yet.
home-every-region = Every state and province, with all its heroes
map-honored = { $count } heroes honored
map-one-honored = { $count } hero honored
map-none-yet = None yet
map-range = { $low } to { $high }

## Honor roll

roll-title = Honor roll
roll-lead = First responders who gave their lives in the line of duty.
roll-browse = Browse
roll-by-state = by state or province
roll-or = or
roll-by-year = by year
roll-filter-attention = A filter needs attention: its message is beside it.
roll-name-or-agency = Name or agency
roll-filters = Filters: service, place, year, mile, order
roll-all = All
roll-both = Both
roll-country = Country
roll-state = State or province
roll-year = Year of end of watch
roll-mile = Mile
roll-honored = Honored with a mile
roll-waiting = Still waiting
roll-order = Order
roll-sort-best = Best match when searching
roll-sort-eow = Newest end of watch first
roll-sort-name = By name
roll-apply = Apply the filters
roll-count-capped = More than { $count } heroes match; add a name, a state or a year to narrow the search.
roll-count = { $count } heroes.
roll-count-one = { $count } hero.
roll-count-match = { $count } heroes match.
roll-count-one-match = { $count } hero matches.
roll-csv = Download as CSV
roll-eow = End of watch
roll-none = No hero matches this search. Check the spelling, or remove a filter.
roll-pages = Pages
roll-first-page = First page
roll-next-page = Next page

## A hero's page

hero-honored = Honored with mile { $number }
hero-k9 = (the { $nth } K9)
hero-run-by = run by { $runner }
hero-on = on { $date }
hero-at = at { $place }
hero-watch = Watch the video of mile { $number }
hero-other-site = (on another site)
hero-flag-delivered = Flag delivered to { $to } on { $date }.
hero-to-family = the family
hero-to-agency = the agency
hero-to-handler = the K9's handler
hero-to-representative = a representative
hero-waiting = Waiting for their mile.
hero-see-runs = See upcoming runs
hero-eow = End of watch
hero-cause = Cause
hero-age = Age
hero-years = Years of service
hero-badge = Badge
hero-veteran = Veteran
hero-military-veteran = Military veteran
hero-breed = Breed
hero-handler = Handler
hero-what-happened = What happened
hero-about = About
hero-remembered = Remembered elsewhere
hero-more = More
hero-back-to-roll = The honor roll
hero-feed = Miles as they are run (Atom feed)
hero-json = This record as data (JSON)
hero-propose = Propose a correction
campaign-raised-of = raised of a { $goal } goal
campaign-open-until = Open until { $date }.
campaign-percent-raised = { $percent }% of the goal raised
campaign-give = Give on the family's donation page
campaign-outside = (an outside site, { $site }; Honor Mile does not handle the money).
share-end-of-watch = End of watch { $date }.
share-honored = Honored with mile { $number }.
share-photo-of = Photo of { $name }
share-logo = The Honor Mile logo
reflections-heading = Reflections
reflections-none = No reflection has been shared yet.
reflect-heading = Leave a reflection
reflect-hint = A few words for { $name } and the family. Staff read each message before it appears here; links are shown as plain text.
reflect-place = Where you are (optional)
reflect-body = Your reflection
reflect-send = Send for approval
reflect-too-many = Several reflections were sent from your network in a short time, so this one was not saved. Please wait 15 minutes and send it again.
reflect-automated = This reflection looked automated, so it was not saved. If you are a person, please send it again without filling in the hidden field.
reflect-thanks = Thank you for your reflection
reflect-received = It was received. Our staff read every message before it appears, so it will show on the page once they have.
reflect-back = Back to the hero's page

## Runs

runs-title = Upcoming runs
runs-calendar-title = Honor Mile runs
runs-lead = Every run honours a first responder who gave their life. Add them to your phone's calendar:
runs-subscribe = subscribe to the runs calendar
runs-in-honour-of = In honour of
runs-livestream = Watch the livestream
runs-none = No run is scheduled right now.

## Grants

totals-heading = Grants to injured first responders
totals-lead = Every month the program gives at least { $minimum } to first responders injured in the line of duty.
totals-given-in = Given in { $year }
totals-recipients = Recipients so far
totals-other = Other grants in { $year }
totals-other-lead = Safety equipment for K9 officers and support for the families of the fallen, counted apart from the monthly promise to injured responders.
totals-k9 = K9 equipment
totals-family = Family support
totals-named = Recipients who agreed to be named

apply-title = Apply for a grant
apply-lead = Every month the program gives at least ten thousand dollars to first responders injured in the line of duty,
    and helps with safety equipment for K9 officers and with the families of the fallen. Apply for yourself or on behalf of someone else.
apply-attention = Some fields need attention; each says what is wrong.
apply-send = Send the application
apply-too-many = Too many applications were sent from your network in a short time, so this one was not saved. Please wait 15 minutes and send it again.
apply-automated = This application could not be accepted because it looked automated, so nothing was saved. If you are a person, please call us instead.
apply-who-for = Who the grant is for
apply-items = Items asked for (K9 equipment grants only; e.g. a ballistic vest, a heat alarm)
apply-recipient-name = Recipient's full name
apply-rank = Rank or title (e.g. Officer, Firefighter)
apply-agency = Agency (department)
apply-consent = The recipient agrees to be named publicly as a grant recipient
apply-what-happened = What happened (private)
apply-private = Seen only by the grant team; never published.
apply-injury-date = Date of the injury (for an injury grant)
apply-amount = Amount asked for, in US dollars (e.g. 5,000)
apply-who-applies = Who is applying (private)
apply-relationship = Your relationship to them (e.g. self, colleague, spouse)

received-title = Application received
received-thanks-reference = Thank you. Your reference number is
received-quote-it = ; please quote it if you contact us.
received-thanks = Thank you. Your application was received.
received-follow = Follow your application on
received-status-page = its private status page
received-bookmark = : bookmark it, and keep it to yourself. If you gave an email address, the link is in the receipt we are sending you.
received-review = The grant team reviews every application and will contact you by phone or email. Nothing you sent is published.

status-title = Your grant application
status-heading = Grant application { $reference }
status-lead = Where your application stands. This page is private: keep its link to yourself.
status-received = Received
status-in-review = In review
status-decided = Decided
status-declined = Decided: not approved
status-paid = Paid
status-done = Done
status-not-yet = Not yet
status-from-team = From the grant team
status-not-approved = The grant team could not approve this application. Please contact us if you have questions.
status-apply-again = You may apply again if your situation changes.
status-questions = Questions? Quote your reference number when you contact us.
status-bad-link = This link does not open an application
status-bad-link-lead = Check that the whole link from your email was copied, or contact us with your reference number.

## Error pages

error-page-home = Go to the home page
error-page-not-found-title = Page not found
error-page-not-found-text = There is no page at this address. It may have moved, or the link may be mistyped.
error-page-forbidden-title = Not allowed
error-page-forbidden-text = Your account does not have access to this page.
error-page-bad-request-title = Request not understood
error-page-bad-request-text = Honor Mile could not read this request. Go back, reload the page and try again.
error-page-busy-title = Busy
error-page-busy-text = Honor Mile is busy with this kind of request right now. Please try again in a few seconds.
error-page-internal-title = Something went wrong
error-page-internal-text = The problem has been logged. Please try again; if it keeps happening, tell an administrator.
error-page-panic-text = The problem has been logged. Please try again.
error-page-unavailable-title = Back in a moment
error-page-unavailable-text = Honor Mile cannot reach its records right now. Please try again in a minute.
error-page-timeout-title = That took too long
error-page-timeout-text = The request took too long to arrive or to answer, so it was stopped. Please try again.
error-page-too-large-title = Too large
error-page-too-large-text = What was sent is larger than this page accepts. Send a smaller file, or shorten the text, and try again.
error-page-media-type-title = Not a form Honor Mile accepts
error-page-media-type-text = This address accepts only the form on its own page. Open the page in Honor Mile and send the form from there.
error-page-unreadable-form-title = Form not understood
error-page-unreadable-form-text = Some fields of this form could not be read. Open the form again in Honor Mile and send it from there.
error-page-cross-site-title = Request refused
error-page-cross-site-text = This form was sent from another site, so it was refused. Open Honor Mile directly and try again.
error-page-too-many-title = Too many requests
error-page-too-many-text = Too many requests from your address. Please wait { $count ->
        [one] { $shown } second
       *[other] { $shown } seconds
    } and try again.

## The honor roll by state and by year, and a mile's video

by-state-title = Honor roll by state or province
by-year-title = Honor roll by year
by-none = No heroes yet.
video-title = Mile { $number } for { $name }
video-frame = Video of mile { $number }, run for { $name }
video-privacy = The player comes from the video's own site, in its privacy-enhanced mode.
video-open = Open the video on its site
video-back = Back to { $name }

## The site's own pages

site-page-about = About Honor Mile
site-page-donate = Donate
site-page-contact = Contact
site-page-privacy = Privacy notice
site-page-accessibility = Accessibility statement
site-page-give = Give on the program's donation page
site-page-outside = An outside site; Honor Mile itself does not handle the money.
site-page-english-only = This page is written in English only for now.

## What an applicant's emails are called

letter-grant-received = Your Honor Mile grant application { $reference } was received
letter-grant-approved = Your Honor Mile grant application { $reference } was approved
letter-grant-decided = Your Honor Mile grant application { $reference } was decided
letter-grant-paid = Your Honor Mile grant application { $reference } was paid
