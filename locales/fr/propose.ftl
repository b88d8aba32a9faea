# « Proposer un héros ou une correction » : le formulaire public et ses remerciements.

propose-hero-title = Proposer un héros
propose-hero-lead = Un premier répondant mort en service ne figure pas au tableau d’honneur? Dites-nous qui, et où vous l’avez lu. Le personnel vérifie chaque proposition auprès de sa source; rien de ce que vous écrivez ici n’est publié.
propose-correction-title = Proposer une correction
propose-correction-lead = Une information est fausse ou manque dans la fiche de { $name }? Dites-nous laquelle, et où vous l’avez lue. Le personnel vérifie chaque proposition; rien de ce que vous écrivez ici n’est publié.
propose-attention = Certains champs sont à corriger; chacun indique ce qui ne va pas.
propose-who = Qui
propose-full-name = Son nom complet
propose-agency = Son organisme (corps de police, service d’incendie, etc.)
propose-choose = Choisissez…
propose-region = État, province ou territoire
propose-end-of-watch = Fin de service (le jour de son décès)
propose-details = Ce que nous devrions savoir
propose-source = Votre source (un article de presse, un avis de l’organisme, une page commémorative)
propose-about-you = À propos de vous
propose-email = Votre courriel (facultatif, si vous acceptez que nous vous posions une question)
propose-send = Envoyer la proposition
propose-too-many = Plusieurs propositions ont été envoyées depuis votre réseau en peu de temps, celle-ci n’a donc pas été enregistrée. Attendez 15 minutes, puis envoyez-la de nouveau.
propose-automated = Cette proposition semblait automatisée, elle n’a donc pas été enregistrée. Si vous êtes une personne, écrivez-nous plutôt.
propose-thanks = Merci pour votre proposition
propose-received = Nous l’avons reçue. Le personnel vérifie chaque proposition auprès de sa source avant de modifier le tableau d’honneur.
