//! The public pages in French: each one under `/fr/...`, its words, numbers,
//! money and dates written the French way, the links between the two
//! languages, the mistakes of the grant application, the proposal form and the
//! honor roll's filters said in French, and the bare home page following the
//! browser's language.

use sqlx::PgPool;

use crate::grants::application;
use crate::helpers::{NewHero, TestApp, field_value, follow, location, page_text, text_of, with};

const NBSP: char = '\u{a0}';

/// A confirmed Quebec hero honoured with mile 1,294 on 5 March 2026.
async fn honoured_hero(app: &TestApp) -> uuid::Uuid {
    let hero = app
        .hero(NewHero {
            name: "Marie Tremblay",
            agency: "Service de police de la Ville de Québec",
            country: "CA",
            region: "QC",
            service: "fire",
            end_of_watch: "2025-08-01",
            cause: "fall",
            ..NewHero::default()
        })
        .await;
    let runner = app.runner("Jean Coureur").await;
    app.mile(1294, hero, runner, "2026-03-05").await;
    hero
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn every_public_page_answers_in_french_under_fr(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = honoured_hero(&app).await;
    let visitor = app.browser();
    let pages = [
        ("/fr".to_string(), "Un mille pour chaque héros"),
        ("/fr/honor-roll".to_string(), "Tableau d’honneur"),
        (format!("/fr/heroes/{hero}"), "Laisser une pensée"),
        ("/fr/runs".to_string(), "Courses à venir"),
        ("/fr/grants".to_string(), "Subventions aux premiers répondants blessés"),
        ("/fr/grants/apply".to_string(), "Demander une subvention"),
        ("/fr/grants/apply/received".to_string(), "Demande reçue"),
        ("/fr/propose".to_string(), "Proposer un héros"),
        ("/fr/propose/received".to_string(), "Merci pour votre proposition"),
    ];
    for (path, words) in pages {
        let response = visitor.get(&path).await;
        assert_eq!(response.status_code(), 200, "{path}");
        let html = response.text();
        assert!(html.contains(r#"<html lang="fr">"#), "{path}");
        let text = page_text(&html);
        assert!(text.contains(words), "{path}: {text}");
        // The layout is French too, and no English navigation is left.
        assert!(
            text.contains("Tableau d’honneur") && text.contains("Aller au contenu"),
            "{path}"
        );
        assert!(
            !text.contains("Honor roll") && !text.contains("Skip to content"),
            "{path}"
        );
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_two_languages_link_to_each_other(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = honoured_hero(&app).await;
    let visitor = app.browser();

    let english = visitor.get(&format!("/heroes/{hero}")).await.text();
    assert!(english.contains(r#"<html lang="en">"#));
    assert!(english.contains(&format!(
        r#"<link rel="alternate" hreflang="fr" href="/fr/heroes/{hero}">"#
    )));
    assert!(english.contains(&format!(
        r#"<link rel="alternate" hreflang="en" href="/heroes/{hero}">"#
    )));
    assert!(english.contains(&format!(
        r#"<a href="/fr/heroes/{hero}" hreflang="fr" lang="fr">Français</a>"#
    )));

    let french = visitor.get(&format!("/fr/heroes/{hero}")).await.text();
    assert!(french.contains(&format!(
        r#"<link rel="alternate" hreflang="en" href="/heroes/{hero}">"#
    )));
    assert!(french.contains(&format!(
        r#"<link rel="alternate" hreflang="fr" href="/fr/heroes/{hero}">"#
    )));
    assert!(french.contains(&format!(
        r#"<a href="/heroes/{hero}" hreflang="en" lang="en">English</a>"#
    )));
    // Each language's page is its own canonical address.
    let canonical = french
        .split(r#"<link rel="canonical" href=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default();
    assert!(canonical.ends_with(&format!("/fr/heroes/{hero}")), "{canonical}");

    // Filters are kept when switching; the home page's English link never redirects.
    let roll = visitor.get("/fr/honor-roll?service=fire").await.text();
    assert!(roll.contains(r#"<a href="/honor-roll?service=fire" hreflang="en" lang="en">English</a>"#));
    let home = visitor.get("/fr").await.text();
    assert!(home.contains(r#"<a href="/?lang=en" hreflang="en" lang="en">English</a>"#));
    assert!(home.contains(r#"<link rel="alternate" hreflang="x-default" href="/">"#));

    // Staff pages and pages not yet translated have no French address and no switcher.
    assert_eq!(visitor.get("/fr/staff").await.status_code(), 404);
    assert_eq!(visitor.get("/fr/login").await.status_code(), 404);
    assert!(!visitor.get("/login").await.text().contains("hreflang"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn numbers_money_dates_places_and_services_are_written_the_french_way(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = honoured_hero(&app).await;
    let visitor = app.browser();

    let html = visitor.get(&format!("/fr/heroes/{hero}")).await.text();
    let text = page_text(&html);
    // (The page's text reads a no-break space as any space; the HTML keeps it.)
    assert!(
        text.contains("Honoré du mille 1 294, couru par Jean Coureur le 5 mars 2026 à Track."),
        "{text}"
    );
    assert!(html.contains(&format!("Honoré du mille 1{NBSP}294,")));
    assert!(
        text.contains("Service de police de la Ville de Québec, Québec"),
        "{text}"
    );
    assert!(html.contains("<dt>Fin de service</dt><dd>1er août 2025</dd>"), "{text}");
    assert!(html.contains("<dt>Cause</dt><dd>Chute</dd>"), "{text}");
    assert!(html.contains("<dt>Service</dt><dd>Pompiers</dd>"), "{text}");

    let roll = page_text(&visitor.get("/fr/honor-roll").await.text());
    assert!(
        roll.contains("Québec · Pompiers · Fin de service le 1er août 2025"),
        "{roll}"
    );
    assert!(roll.contains("1 héros."), "{roll}");

    let home = visitor.get("/fr").await.text();
    assert_eq!(text_of(&home, "miles-run").as_deref(), Some("1"));
    assert!(home.contains(&format!(r#"id="grants-this-year">0,00{NBSP}$<"#)));
    assert!(home.contains(&format!("Mille 1{NBSP}294, 5 mars 2026")));

    let grants = visitor.get("/fr/grants").await.text();
    assert!(
        grants.contains(&format!(
            "verse au moins 10{NBSP}000,00{NBSP}$ aux premiers répondants blessés"
        )),
        "{}",
        page_text(&grants)
    );

    // The English pages keep the English way.
    let english = page_text(&visitor.get(&format!("/heroes/{hero}")).await.text());
    assert!(
        english.contains("Honored with mile 1,294, run by Jean Coureur on 5 March 2026 at Track."),
        "{english}"
    );
    assert!(english.contains("Quebec"), "{english}");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_french_application_with_mistakes_says_them_in_french_beside_each_field(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser();
    let form = with(application("", "douze"), "contact_email", "pas-une-adresse");
    let response = visitor.post("/fr/grants/apply").form(&form).await;
    assert_eq!(response.status_code(), 422);
    let html = response.text();
    assert!(html.contains(r#"<html lang="fr">"#));
    assert_eq!(
        text_of(&html, "recipient_name-error").as_deref(),
        Some("Le champ « Nom du bénéficiaire » est obligatoire.")
    );
    assert_eq!(
        text_of(&html, "amount_requested-error").as_deref(),
        Some("Le champ « Montant demandé » doit être un montant en dollars, comme 12 000 ou 12 000,50.")
    );
    assert_eq!(
        text_of(&html, "contact_email-error").as_deref(),
        Some("Entrez une adresse courriel comme nom@exemple.org.")
    );
    let text = page_text(&html);
    assert!(text.contains("Certains champs sont à corriger"), "{text}");
    // What was typed comes back.
    assert!(html.contains(r#"value="douze""#));
    assert_eq!(app.count("select count(*) from grant_applications").await, 0);

    // The same mistakes in English read as before.
    let english = visitor.post("/grants/apply").form(&form).await.text();
    assert_eq!(
        text_of(&english, "recipient_name-error").as_deref(),
        Some("Recipient's name is required.")
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_french_application_is_received_and_followed_in_french(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser();
    let response = visitor
        .post("/fr/grants/apply")
        .form(&application("Luc Gagnon", "5 000,50 $"))
        .await;
    assert_eq!(response.status_code(), 303, "{}", page_text(&response.text()));
    assert_eq!(location(&response), "/fr/grants/apply/received");
    assert_eq!(
        app.count("select amount_requested_cents from grant_applications").await,
        500_050
    );
    let received = follow(&visitor, &response).await.text();
    assert!(page_text(&received).contains("Merci. Votre numéro de référence est"));
    let status_path = received
        .split(r#"href=""#)
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/fr/grants/status/"))
        .expect("a French status link")
        .to_string();
    let status = visitor.get(&status_path).await;
    assert_eq!(status.status_code(), 200);
    let html = status.text();
    assert!(html.contains(r#"<html lang="fr">"#));
    let steps = text_of(&html, "steps").unwrap_or_default();
    assert!(
        steps.contains("Reçue") && steps.contains("À l’étude") && steps.contains("Pas encore"),
        "{steps}"
    );
    assert_eq!(status.header("cache-control"), "no-store");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_bare_home_page_follows_the_browser_s_language(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser();

    let french = visitor
        .get("/")
        .add_header("accept-language", "fr-CA,fr;q=0.9,en;q=0.5")
        .await;
    assert_eq!(french.status_code(), 303);
    assert_eq!(location(&french), "/fr");
    assert!(vary(&french).contains("accept-language"));

    let english = visitor.get("/").add_header("accept-language", "en-US,fr;q=0.5").await;
    assert_eq!(english.status_code(), 200);
    assert!(english.text().contains(r#"<html lang="en">"#));
    assert!(vary(&english).contains("accept-language"), "{}", vary(&english));

    // A choice in the address wins over the header.
    let chosen = visitor.get("/?lang=en").add_header("accept-language", "fr").await;
    assert_eq!(chosen.status_code(), 200);
    assert!(chosen.text().contains(r#"<html lang="en">"#));
    let hero = visitor.get("/runs").add_header("accept-language", "fr").await;
    assert!(hero.text().contains(r#"<html lang="en">"#));
}

fn vary(response: &axum_test::TestResponse) -> String {
    response
        .headers()
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ")
        .to_ascii_lowercase()
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_bad_filter_on_the_french_honor_roll_is_explained_in_french(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser();
    let response = visitor.get("/fr/honor-roll?year=vingt").await;
    assert_eq!(response.status_code(), 400);
    let html = response.text();
    let message = text_of(&html, "year-error").unwrap_or_default();
    assert!(
        message.starts_with("L’année doit être comprise entre 1791 et "),
        "{message}"
    );
    assert!(html.contains(r#"value="vingt""#));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_reflection_with_mistakes_on_a_french_hero_page_stays_french(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = honoured_hero(&app).await;
    let visitor = app.browser();
    let response = visitor
        .post(&format!("/fr/heroes/{hero}/reflections"))
        .form(&[
            ("author_name", ""),
            ("place", ""),
            ("body", "Merci pour votre service."),
        ])
        .await;
    assert_eq!(response.status_code(), 422);
    let html = response.text();
    assert!(html.contains(r#"<html lang="fr">"#));
    assert_eq!(
        text_of(&html, "author_name-error").as_deref(),
        Some("Le champ « Votre nom » est obligatoire.")
    );
    let sent = visitor
        .post(&format!("/fr/heroes/{hero}/reflections"))
        .form(&[
            ("author_name", "Luc"),
            ("place", ""),
            ("body", "Merci pour votre service."),
        ])
        .await;
    assert_eq!(location(&sent), format!("/fr/heroes/{hero}/reflections/received"));
    let received = follow(&visitor, &sent).await.text();
    assert!(page_text(&received).contains("Merci pour votre pensée"));
}

/// A complete, valid proposal of a new hero; tests change the fields they are about.
fn proposal(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut form = [
        ("full_name", "Lee Park"),
        ("agency", "Service de police de Moncton"),
        ("service", "police"),
        ("region", "CA-NB"),
        ("end_of_watch", "2019-05-05"),
        ("details", "Tué lors d’un contrôle routier sur la route 15."),
        ("source", "https://nouvelles.example.org/park"),
        ("proposer_name", "Sam Park"),
        ("proposer_email", ""),
        ("website", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (key, value) in fields {
        form = with(form, key, value);
    }
    form
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_french_proposal_says_each_mistake_in_french_beside_its_field(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser();
    let page = visitor.get("/fr/propose").await;
    assert_eq!(page.status_code(), 200);
    let html = page.text();
    assert!(html.contains(r#"<html lang="fr">"#));
    assert!(html.contains(r#"action="/fr/propose""#));
    assert!(page_text(&html).contains("Proposer un héros"));

    let empty: Vec<(String, String)> = proposal(&[]).into_iter().map(|(k, _)| (k, String::new())).collect();
    let response = visitor.post("/fr/propose").form(&empty).await;
    assert_eq!(response.status_code(), 422);
    let html = response.text();
    assert!(html.contains(r#"<html lang="fr">"#));
    for (field, message) in [
        ("full_name", "Le champ « Son nom » est obligatoire."),
        ("agency", "Le champ « Son organisme » est obligatoire."),
        ("region", "Choisissez un État, une province ou un territoire."),
        (
            "service",
            "Choisissez police, pompiers, services paramédicaux, services correctionnels, unité canine ou autre.",
        ),
        ("end_of_watch", "Le champ « Fin de service » est obligatoire."),
        ("details", "Le champ « Ce que nous devrions savoir » est obligatoire."),
        ("source", "Le champ « Votre source » est obligatoire."),
        ("proposer_name", "Le champ « Votre nom » est obligatoire."),
    ] {
        assert_eq!(
            text_of(&html, &format!("{field}-error")).as_deref(),
            Some(message),
            "{field}"
        );
    }
    assert!(page_text(&html).contains("Certains champs sont à corriger"));

    let long = "x".repeat(4001);
    let hostile = r#"<script>alert("x")</script>"#;
    let response = visitor
        .post("/fr/propose")
        .form(&proposal(&[
            ("details", &long),
            ("full_name", hostile),
            ("region", "CA-ZZ"),
            ("end_of_watch", "2090-01-01"),
            ("proposer_email", "pas une adresse"),
        ]))
        .await;
    assert_eq!(response.status_code(), 422);
    let html = response.text();
    for (field, message) in [
        (
            "details",
            "Le champ « Ce que nous devrions savoir » compte au plus 4000 caractères.",
        ),
        ("region", "ZZ n’est pas une province ni un territoire du Canada."),
        (
            "end_of_watch",
            "Le champ « Fin de service » ne peut pas être dans l’avenir.",
        ),
        (
            "proposer_email",
            "Entrez une adresse courriel comme nom@exemple.org, ou laissez ce champ vide.",
        ),
    ] {
        assert_eq!(
            text_of(&html, &format!("{field}-error")).as_deref(),
            Some(message),
            "{field}"
        );
    }
    // What was typed comes back as text, escaped, never as markup.
    assert!(!html.contains("<script>alert"));
    assert_eq!(field_value(&html, "full_name").as_deref(), Some(hostile));

    let robot = visitor
        .post("/fr/propose")
        .form(&proposal(&[("website", "https://spam.example")]))
        .await;
    assert_eq!(robot.status_code(), 422);
    assert_eq!(
        text_of(&robot.text(), "refusal").as_deref(),
        Some(
            "Cette proposition semblait automatisée, elle n’a donc pas été enregistrée. Si vous êtes une personne, écrivez-nous plutôt."
        )
    );
    assert_eq!(app.count("select count(*) from proposals").await, 0);

    // The same mistakes read as before in English.
    let english = visitor.post("/propose").form(&empty).await.text();
    assert!(english.contains(r#"action="/propose""#));
    for (field, message) in [
        ("full_name", "Their name is required."),
        ("region", "Choose a state, province or territory."),
        ("service", "Choose police, fire, EMS, corrections, K9 or other."),
        ("end_of_watch", "End of watch is required."),
        ("details", "What we should know is required."),
        ("proposer_name", "Your name is required."),
    ] {
        assert_eq!(
            text_of(&english, &format!("{field}-error")).as_deref(),
            Some(message),
            "{field}"
        );
    }
    let english = visitor
        .post("/propose")
        .form(&proposal(&[
            ("details", &long),
            ("region", "CA-ZZ"),
            ("proposer_email", "nope"),
        ]))
        .await
        .text();
    assert_eq!(
        text_of(&english, "details-error").as_deref(),
        Some("What we should know must be at most 4000 characters.")
    );
    assert_eq!(
        text_of(&english, "region-error").as_deref(),
        Some("ZZ is not a state, province or territory of Canada.")
    );
    assert_eq!(
        text_of(&english, "proposer_email-error").as_deref(),
        Some("Enter an email address like name@example.org, or leave it empty.")
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_french_proposal_is_received_in_french(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = honoured_hero(&app).await;
    let visitor = app.browser();
    let hero_page = visitor.get(&format!("/fr/heroes/{hero}")).await.text();
    assert!(hero_page.contains(&format!(r#"href="/fr/propose?hero={hero}""#)));
    let correction = visitor.get(&format!("/fr/propose?hero={hero}")).await.text();
    assert!(page_text(&correction).contains("Une information est fausse ou manque dans la fiche de Marie Tremblay?"));

    let sent = visitor.post("/fr/propose").form(&proposal(&[])).await;
    assert_eq!(sent.status_code(), 303, "{}", page_text(&sent.text()));
    assert_eq!(location(&sent), "/fr/propose/received");
    let received = follow(&visitor, &sent).await.text();
    assert!(received.contains(r#"<html lang="fr">"#));
    assert!(page_text(&received).contains("Merci pour votre proposition"));
    assert!(received.contains(r#"href="/fr/honor-roll""#));
    assert_eq!(app.count("select count(*) from proposals").await, 1);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn each_bad_filter_on_the_french_honor_roll_is_said_in_french_beside_its_field(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser();
    for (query, field, french, english) in [
        (
            "year=twenty",
            "year",
            "L’année doit être comprise entre 1791 et ",
            "The year must be between 1791 and ",
        ),
        (
            "state=ZZ",
            "state",
            "ZZ n’est pas un État ni une province.",
            "ZZ is not a state or province.",
        ),
        (
            "country=CA&state=ZZ",
            "state",
            "ZZ n’est pas une province ni un territoire du Canada.",
            "ZZ is not a state, province or territory of Canada.",
        ),
        (
            "service=pirate",
            "service",
            "Choisissez police, pompiers",
            "Choose police, fire, EMS, corrections, K9 or other.",
        ),
        (
            "status=maybe",
            "status",
            "Le statut est « honorés » ou « en attente ».",
            "Status is honored or waiting.",
        ),
    ] {
        let response = visitor.get(&format!("/fr/honor-roll?{query}")).await;
        assert_eq!(response.status_code(), 400, "{query}");
        let html = response.text();
        // The page and its search form come back, the mistake beside its field.
        assert!(html.contains(r#"id="q""#), "{query}");
        assert!(page_text(&html).contains("Tableau d’honneur"), "{query}");
        let message = text_of(&html, &format!("{field}-error")).unwrap_or_default();
        assert!(message.starts_with(french), "{query}: {message}");
        let message = text_of(
            &visitor.get(&format!("/honor-roll?{query}")).await.text(),
            &format!("{field}-error"),
        )
        .unwrap_or_default();
        assert!(message.starts_with(english), "{query}: {message}");
    }
}
