# Les messages des formulaires publics : le libellé de chaque champ et les
# erreurs que trouvent les règles communes (src/web/forms.rs `MISTAKE_KEYS`).

## Libellés

label-place = D’où vous écrivez
label-body = Votre pensée
label-kind = Objet de la subvention
label-recipient_name = Nom du bénéficiaire
label-rank_title = Grade ou titre
label-agency = Organisme
label-agency_place = Ville et État ou province
label-injury_date = Date de la blessure
label-circumstances = Ce qui s’est passé et à quoi servira la subvention
label-items_requested = Articles demandés
label-amount_requested = Montant demandé
label-nominator_relationship = Votre lien avec cette personne
label-contact_phone = Téléphone
label-contact_email = Courriel
label-email = Courriel
label-full_name = Son nom
label-their_agency = Son organisme
label-end_of_watch = Fin de service
label-details = Ce que nous devrions savoir
label-source = Votre source
label-proposer_email = Votre courriel

## Erreurs

error-required = Le champ « { $label } » est obligatoire.
error-too-long = Le champ « { $label } » compte au plus { $max } caractères.
error-control = Le champ « { $label } » contient des caractères de contrôle invisibles; saisissez-le de nouveau.
error-one-line = Le champ « { $label } » doit tenir sur une ligne.
error-negative = Le champ « { $label } » ne peut pas être négatif.
error-amount = Le champ « { $label } » doit être un montant en dollars, comme 12 000 ou 12 000,50.
error-cents = Le champ « { $label } » ne peut pas contenir de fractions de cent.
error-too-large = Le champ « { $label } » ne peut pas dépasser 1 000 000,00 $; vérifiez s’il y a une faute de frappe.
error-zero = Le champ « { $label } » doit être supérieur à zéro.
error-date = Le champ « { $label } » doit être une date comme 2026-11-23.
error-date-range = Le champ « { $label } » doit être une date entre le { $earliest } et le { $latest }.
error-future = Le champ « { $label } » ne peut pas être dans l’avenir.
error-too-old = Le champ « { $label } » remonte trop loin dans le passé.
error-month = Le mois doit s’écrire comme 2026-11 (l’année, puis le mois).
error-month-before = Le mois ne peut pas précéder { $month } : une subvention compte au plus pour les 12 derniers mois.
error-month-after = Le mois ne peut pas suivre { $month } : les subventions se prévoient au plus 3 mois à l’avance.
error-choose-kind = Choisissez l’objet de la subvention.
error-choose-service = Choisissez police, pompiers, services paramédicaux, services correctionnels, unité canine ou autre.
error-phone = Entrez un numéro de téléphone d’au moins 7 chiffres, comme (407) 555-0142.
error-phone-or-email = Donnez un numéro de téléphone ou une adresse courriel pour que nous puissions vous joindre.
error-email = Entrez une adresse courriel comme nom@exemple.org.
error-email-optional = Entrez une adresse courriel comme nom@exemple.org, ou laissez ce champ vide.
error-items-needed = Les articles demandés sont obligatoires pour une subvention d’équipement pour chien policier, p. ex. un gilet pare-balles, une alarme de chaleur.
error-items-not-k9 = Les articles demandés ne concernent que l’équipement pour chien policier : videz ce champ ou choisissez cet objet plus haut.
error-choose-country = Choisissez un pays.
error-country = Choisissez les États-Unis ou le Canada.
error-choose-region = Choisissez un État, une province ou un territoire.
error-not-region-us = { $code } n’est pas un État ni un territoire des États-Unis.
error-not-region-ca = { $code } n’est pas une province ni un territoire du Canada.
error-not-region = { $code } n’est pas un État ni une province.

## Les filtres du tableau d’honneur

filter-q-long = Une recherche compte au plus 100 caractères.
filter-q-control = Une recherche ne peut pas contenir de caractères de contrôle.
filter-year = L’année doit être comprise entre 1791 et { $year }.
filter-status = Le statut est « honorés » ou « en attente ».
filter-sort = Triez par meilleure correspondance, par fin de service ou par nom.
filter-after = Ce lien de page est abîmé; recommencez à partir de la première page.
