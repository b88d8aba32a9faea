# Les pages publiques d’Honor Mile en français. Chaque message a son jumeau
# anglais dans locales/en/main.ftl (un test unitaire de src/web/lang.rs le vérifie).
# Les fiches des héros ne sont jamais traduites : elles gardent le texte saisi.

## La mise en page

site-name = Honor Mile
feed-title = Honor Mile : les milles courus
skip-to-content = Aller au contenu
demo-title = Données de démonstration.
demo-text = Chaque héros, course, subvention et campagne présentés ici est inventé, pour montrer le fonctionnement d’Honor Mile.
nav-label = Principal
nav-home = Accueil
nav-honor-roll = Tableau d’honneur
nav-runs = Courses
nav-grants = Subventions
nav-sign-in = Connexion du personnel
footer-motto = Honor Mile · un mille pour chaque premier répondant qui a donné sa vie.
footer-propose = Proposer un héros
footer-feed = Les milles (flux Atom)
footer-calendar = Les courses (calendrier)
footer-api = Données ouvertes (API)
footer-about = À propos
footer-donate = Faire un don
footer-contact = Nous joindre
footer-privacy = Confidentialité
footer-accessibility = Accessibilité
search-button = Rechercher
honeypot = Laissez ce champ vide

## Mots communs à plusieurs pages

field-service = Service
field-your-name = Votre nom
back-to-grants = Retour aux subventions

service-police = Police
service-fire = Pompiers
service-ems = Services paramédicaux
service-corrections = Services correctionnels
service-k9 = Unité canine
service-other = Autre

cause-gunfire = Coups de feu
cause-vehicle_assault = Agression au moyen d’un véhicule
cause-vehicle_crash = Accident de la route
cause-struck_by_vehicle = Happé par un véhicule
cause-fall = Chute
cause-heart_attack = Crise cardiaque
cause-duty_illness = Maladie liée au service
cause-drowning = Noyade
cause-fire = Incendie
cause-stabbing = Coups de couteau
cause-assault = Agression
cause-aircraft = Accident d’aéronef
cause-other = Autre

grant-kind-injury = Blessure en service
grant-kind-k9_equipment = Équipement de sécurité pour un chien policier
grant-kind-family_support = Soutien à la famille d’un premier répondant décédé

## Accueil

home-title = Accueil
home-heading = Un mille pour chaque héros
home-lead = Pour chaque premier répondant mort en service, un coureur court un mille en son honneur.
    Le drapeau porté pendant ce mille est remis à la famille avec un mot écrit à la main.
home-miles-run = milles courus
home-heroes-honored = héros honorés
home-heroes-waiting = héros qui attendent leur mille
home-flags-delivered = drapeaux remis
home-grants-this-year = versés cette année aux premiers répondants blessés
home-grants-in-all = versés en tout aux premiers répondants blessés
home-find = Trouver un héros par son nom ou son organisme
home-whole-roll = Tout le tableau d’honneur
home-latest = Les derniers milles
home-mile-number = Mille { $number }
home-no-mile = Aucun mille n’a encore été couru.
home-next-runs = Les prochaines courses
home-in-honour-of = en l’honneur de
home-all-runs = Toutes les courses à venir
home-chart-heading = Milles courus chaque mois
home-chart-title = Milles courus chaque mois, de { $first } à { $last }
home-chart-desc = Une colonne pour chacun des { $months } derniers mois; le tableau sous le graphique donne les mêmes nombres.
home-bar-miles = { $count ->
        [one] { $shown } mille
       *[other] { $shown } milles
    }
home-chart-as-table = Le graphique sous forme de tableau
home-chart-caption = Milles courus chaque mois (milles annulés non comptés)
home-month = Mois
home-miles = Milles
home-map-heading = Héros honorés dans chaque État et province
home-map-hint = Choisissez un État ou une province pour voir son tableau d’honneur.
home-map-title = Carte des États-Unis et du Canada, un carré pour chaque État et province, ombré selon le nombre de héros honorés
home-map-legend = Légende : héros honorés
home-map-as-list = La carte sous forme de liste
home-none-honored = Aucun héros n’a encore été honoré.
home-every-region = Chaque État et province, avec tous ses héros
map-honored = { $count } héros honorés
map-one-honored = { $count } héros honoré
map-none-yet = Aucun pour l’instant
map-range = { $low } à { $high }

## Tableau d’honneur

roll-title = Tableau d’honneur
roll-lead = Les premiers répondants qui ont donné leur vie en service.
roll-browse = Parcourir
roll-by-state = par État ou province
roll-or = ou
roll-by-year = par année
roll-filter-attention = Un filtre est à corriger : son message est à côté.
roll-name-or-agency = Nom ou service
roll-filters = Filtres : service, lieu, année, mille, ordre
roll-all = Tous
roll-both = Les deux
roll-country = Pays
roll-state = État ou province
roll-year = Année de la fin de service
roll-mile = Mille
roll-honored = Honorés d’un mille
roll-waiting = Encore en attente
roll-order = Ordre
roll-sort-best = Meilleure correspondance lors d’une recherche
roll-sort-eow = Fin de service la plus récente d’abord
roll-sort-name = Par nom
roll-apply = Appliquer les filtres
roll-count-capped = Plus de { $count } héros correspondent; ajoutez un nom, un État ou une année pour préciser la recherche.
roll-count = { $count } héros.
roll-count-one = { $count } héros.
roll-count-match = { $count } héros correspondent.
roll-count-one-match = { $count } héros correspond.
roll-csv = Télécharger en CSV
roll-eow = Fin de service le
roll-none = Aucun héros ne correspond à cette recherche. Vérifiez l’orthographe ou retirez un filtre.
roll-pages = Pages
roll-first-page = Première page
roll-next-page = Page suivante

## La page d’un héros

hero-honored = Honoré du mille { $number }
hero-k9 = (le { $nth } mille d’un chien policier)
hero-run-by = couru par { $runner }
hero-on = le { $date }
hero-at = à { $place }
hero-watch = Voir la vidéo du mille { $number }
hero-other-site = (sur un autre site)
hero-flag-delivered = Drapeau remis à { $to } le { $date }.
hero-to-family = la famille
hero-to-agency = son service
hero-to-handler = son maître-chien
hero-to-representative = un représentant
hero-waiting = En attente de son mille.
hero-see-runs = Voir les courses à venir
hero-eow = Fin de service
hero-cause = Cause
hero-age = Âge
hero-years = Années de service
hero-badge = Matricule
hero-veteran = Ancien combattant
hero-military-veteran = Ancien militaire
hero-breed = Race
hero-handler = Maître-chien
hero-what-happened = Ce qui s’est passé
hero-about = À propos
hero-remembered = On s’en souvient aussi ailleurs
hero-more = Plus
hero-back-to-roll = Le tableau d’honneur
hero-feed = Les milles à mesure qu’ils sont courus (flux Atom)
hero-json = Cette fiche en données (JSON)
hero-propose = Proposer une correction
campaign-raised-of = recueillis sur un objectif de { $goal }
campaign-open-until = Ouverte jusqu’au { $date }.
campaign-percent-raised = { $percent } % de l’objectif recueilli
campaign-give = Donner sur la page de dons de la famille
campaign-outside = (un site externe, { $site }; Honor Mile ne gère pas l’argent).
share-end-of-watch = Fin de service le { $date }.
share-honored = Honoré du mille { $number }.
share-photo-of = Photo de { $name }
share-logo = Le logo d’Honor Mile
reflections-heading = Pensées
reflections-none = Personne n’a encore partagé de pensée.
reflect-heading = Laisser une pensée
reflect-hint = Quelques mots pour { $name } et sa famille. Le personnel lit chaque message avant qu’il paraisse ici; les liens s’affichent en texte simple.
reflect-place = D’où vous écrivez (facultatif)
reflect-body = Votre pensée
reflect-send = Envoyer pour approbation
reflect-too-many = Plusieurs pensées ont été envoyées depuis votre réseau en peu de temps, celle-ci n’a donc pas été enregistrée. Attendez 15 minutes, puis envoyez-la de nouveau.
reflect-automated = Cette pensée semblait automatisée, elle n’a donc pas été enregistrée. Si vous êtes une personne, envoyez-la de nouveau sans remplir le champ caché.
reflect-thanks = Merci pour votre pensée
reflect-received = Nous l’avons reçue. Le personnel lit chaque message avant sa parution; elle s’affichera sur la page une fois lue.
reflect-back = Retour à la page du héros

## Courses

runs-title = Courses à venir
runs-calendar-title = Les courses d’Honor Mile
runs-lead = Chaque course honore un premier répondant qui a donné sa vie. Ajoutez-les au calendrier de votre téléphone :
runs-subscribe = abonnez-vous au calendrier des courses
runs-in-honour-of = En l’honneur de
runs-livestream = Regarder la diffusion en direct
runs-none = Aucune course n’est prévue pour le moment.

## Subventions

totals-heading = Subventions aux premiers répondants blessés
totals-lead = Chaque mois, le programme verse au moins { $minimum } aux premiers répondants blessés en service.
totals-given-in = Versé en { $year }
totals-recipients = Bénéficiaires à ce jour
totals-other = Autres subventions en { $year }
totals-other-lead = L’équipement de sécurité des chiens policiers et le soutien aux familles des disparus, comptés à part de l’engagement mensuel envers les premiers répondants blessés.
totals-k9 = Équipement pour chiens policiers
totals-family = Soutien aux familles
totals-named = Bénéficiaires qui ont accepté d’être nommés

apply-title = Demander une subvention
apply-lead = Chaque mois, le programme verse au moins dix mille dollars aux premiers répondants blessés en service,
    et aide à équiper les chiens policiers et à soutenir les familles des disparus. Faites une demande pour vous-même ou au nom d’une autre personne.
apply-attention = Certains champs sont à corriger; chacun indique ce qui ne va pas.
apply-send = Envoyer la demande
apply-too-many = Trop de demandes ont été envoyées depuis votre réseau en peu de temps, celle-ci n’a donc pas été enregistrée. Attendez 15 minutes, puis envoyez-la de nouveau.
apply-automated = Cette demande n’a pas pu être acceptée parce qu’elle semblait automatisée; rien n’a été enregistré. Si vous êtes une personne, appelez-nous plutôt.
apply-who-for = À qui est destinée la subvention
apply-items = Articles demandés (subventions d’équipement pour chiens policiers seulement; p. ex. un gilet pare-balles, une alarme de chaleur)
apply-recipient-name = Nom complet du bénéficiaire
apply-rank = Grade ou titre (p. ex. agent, pompière)
apply-agency = Service (corps de police, service d’incendie, etc.)
apply-consent = Le bénéficiaire accepte d’être nommé publiquement comme bénéficiaire d’une subvention
apply-what-happened = Ce qui s’est passé (confidentiel)
apply-private = Vu seulement par l’équipe des subventions; jamais publié.
apply-injury-date = Date de la blessure (pour une subvention pour blessure)
apply-amount = Montant demandé, en dollars américains (p. ex. 5 000)
apply-who-applies = Qui fait la demande (confidentiel)
apply-relationship = Votre lien avec cette personne (p. ex. moi-même, collègue, conjoint)

received-title = Demande reçue
received-thanks-reference = Merci. Votre numéro de référence est
received-quote-it = ; veuillez l’indiquer si vous communiquez avec nous.
received-thanks = Merci. Votre demande a été reçue.
received-follow = Suivez votre demande sur
received-status-page = sa page de suivi confidentielle
received-bookmark = : ajoutez-la à vos favoris et gardez-la pour vous. Si vous avez donné une adresse courriel, le lien figure dans l’accusé de réception que nous vous envoyons.
received-review = L’équipe des subventions étudie chaque demande et communiquera avec vous par téléphone ou par courriel. Rien de ce que vous avez envoyé n’est publié.

status-title = Votre demande de subvention
status-heading = Demande de subvention { $reference }
status-lead = Où en est votre demande. Cette page est confidentielle : gardez son lien pour vous.
status-received = Reçue
status-in-review = À l’étude
status-decided = Décision prise
status-declined = Décision prise : non approuvée
status-paid = Versée
status-done = Terminé
status-not-yet = Pas encore
status-from-team = De la part de l’équipe des subventions
status-not-approved = L’équipe des subventions n’a pas pu approuver cette demande. Communiquez avec nous si vous avez des questions.
status-apply-again = Vous pouvez faire une nouvelle demande si votre situation change.
status-questions = Des questions? Indiquez votre numéro de référence quand vous communiquez avec nous.
status-bad-link = Ce lien n’ouvre aucune demande
status-bad-link-lead = Vérifiez que le lien de votre courriel a été copié en entier, ou communiquez avec nous en indiquant votre numéro de référence.

## Les pages d’erreur

error-page-home = Aller à la page d’accueil
error-page-not-found-title = Page introuvable
error-page-not-found-text = Il n’y a aucune page à cette adresse. Elle a peut-être été déplacée, ou le lien contient une faute de frappe.
error-page-forbidden-title = Accès refusé
error-page-forbidden-text = Votre compte n’a pas accès à cette page.
error-page-bad-request-title = Requête non comprise
error-page-bad-request-text = Honor Mile n’a pas pu lire cette requête. Revenez en arrière, rechargez la page et réessayez.
error-page-busy-title = Occupé
error-page-busy-text = Honor Mile traite beaucoup de demandes de ce genre en ce moment. Réessayez dans quelques secondes.
error-page-internal-title = Un problème est survenu
error-page-internal-text = Le problème a été consigné. Veuillez réessayer; s’il persiste, prévenez un administrateur.
error-page-panic-text = Le problème a été consigné. Veuillez réessayer.
error-page-unavailable-title = De retour dans un instant
error-page-unavailable-text = Honor Mile n’arrive pas à accéder à ses données pour le moment. Réessayez dans une minute.
error-page-timeout-title = Délai dépassé
error-page-timeout-text = La requête a mis trop de temps à arriver ou à recevoir une réponse; elle a été arrêtée. Veuillez réessayer.
error-page-too-large-title = Trop volumineux
error-page-too-large-text = Ce qui a été envoyé dépasse ce que cette page accepte. Envoyez un fichier plus petit ou raccourcissez le texte, puis réessayez.
error-page-media-type-title = Formulaire non accepté
error-page-media-type-text = Cette adresse n’accepte que le formulaire de sa propre page. Ouvrez la page dans Honor Mile et envoyez le formulaire à partir de celle-ci.
error-page-unreadable-form-title = Formulaire non compris
error-page-unreadable-form-text = Certains champs de ce formulaire n’ont pas pu être lus. Ouvrez de nouveau le formulaire dans Honor Mile et envoyez-le à partir de celui-ci.
error-page-cross-site-title = Requête refusée
error-page-cross-site-text = Ce formulaire a été envoyé à partir d’un autre site; il a donc été refusé. Ouvrez Honor Mile directement et réessayez.
error-page-too-many-title = Trop de requêtes
error-page-too-many-text = Trop de requêtes depuis votre adresse. Attendez { $count ->
        [one] { $shown } seconde
       *[other] { $shown } secondes
    }, puis réessayez.

## Le tableau d’honneur par province ou État et par année, et la vidéo d’un mille

by-state-title = Tableau d’honneur par province, territoire ou État
by-year-title = Tableau d’honneur par année
by-none = Aucun héros pour l’instant.
video-title = Mille { $number } pour { $name }
video-frame = Vidéo du mille { $number }, couru pour { $name }
video-privacy = Le lecteur vient du site de la vidéo, dans son mode de confidentialité renforcée.
video-open = Ouvrir la vidéo sur son site
video-back = Retour à { $name }

## Les pages du site

site-page-about = À propos d’Honor Mile
site-page-donate = Faire un don
site-page-contact = Nous joindre
site-page-privacy = Avis de confidentialité
site-page-accessibility = Déclaration d’accessibilité
site-page-give = Donner sur la page de dons du programme
site-page-outside = Un site extérieur; Honor Mile ne reçoit pas les dons lui-même.
site-page-english-only = Cette page n’existe qu’en anglais pour l’instant.

## L’objet des courriels aux demandeurs

letter-grant-received = Votre demande de subvention Honor Mile { $reference } a été reçue
letter-grant-approved = Votre demande de subvention Honor Mile { $reference } a été approuvée
letter-grant-decided = Votre demande de subvention Honor Mile { $reference } a fait l’objet d’une décision
letter-grant-paid = Votre subvention Honor Mile { $reference } a été versée
