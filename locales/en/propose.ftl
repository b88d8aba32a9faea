# "Propose a hero or a correction": the public form and its thanks.

propose-hero-title = Propose a hero
propose-hero-lead = Is a first responder who died in the line of duty missing from the honor roll? Tell us who, and where you read it. Our staff check every proposal against its source; nothing you write here is published.
propose-correction-title = Propose a correction
propose-correction-lead = Something is wrong or missing in the record of { $name }? Tell us what, and where you read it. Our staff check every proposal; nothing you write here is published.
propose-attention = Some fields need attention; each says what is wrong.
propose-who = Who
propose-full-name = Their full name
propose-agency = Their agency (department)
propose-choose = Choose…
propose-region = State, province or territory
propose-end-of-watch = End of watch (the day they died)
propose-details = What we should know
propose-source = Your source (a news article, an agency notice, a memorial page)
propose-about-you = About you
propose-email = Your email (optional, if we may ask you a question)
propose-send = Send the proposal
propose-too-many = Several proposals were sent from your network in a short time, so this one was not saved. Please wait 15 minutes and send it again.
propose-automated = This proposal looked automated, so it was not saved. If you are a person, please write to us instead.
propose-thanks = Thank you for your proposal
propose-received = It was received. Our staff check each proposal against its source before the honor roll changes.
