//! The rest of the public site in French: the honor roll by place and by year,
//! a mile's video, the site's own pages (with a French text of their own, or the
//! English one marked as English), the error pages, the sitemap's language
//! links, and the emails of an application written in French.

use sqlx::PgPool;

use crate::grants::{application, approve, shortlisted};
use crate::helpers::{NewHero, Role, TestApp, follow, location, page_text, text_of};
use crate::messages::admin_of;

const NBSP: char = '\u{a0}';

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_roll_by_place_and_by_year_and_a_mile_s_video_speak_french(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = app
        .hero(NewHero {
            name: "Marie Tremblay",
            country: "CA",
            region: "QC",
            end_of_watch: "2025-08-01",
            ..NewHero::default()
        })
        .await;
    let runner = app.runner("Jean Coureur").await;
    let mile = app.mile(1294, hero, runner, "2026-03-05").await;
    sqlx::query("update miles set video_url = 'https://youtu.be/dQw4w9WgXcQ' where id = $1")
        .bind(mile)
        .execute(&app.pool)
        .await
        .expect("video");
    let visitor = app.browser();

    let states = visitor.get("/fr/honor-roll/states").await;
    assert_eq!(states.status_code(), 200);
    let html = states.text();
    assert!(html.contains(r#"<html lang="fr">"#));
    let text = page_text(&html);
    assert!(text.contains("Tableau d’honneur par province"), "{text}");
    assert!(text.contains("Québec (1)"), "{text}");
    assert!(
        html.contains(r#"href="/fr/honor-roll?country=CA&#38;state=QC""#),
        "{html}"
    );

    let years = visitor.get("/fr/honor-roll/years").await.text();
    assert!(page_text(&years).contains("Tableau d’honneur par année"));
    assert!(years.contains(r#"href="/fr/honor-roll?year=2025""#));

    let hero_page = visitor.get(&format!("/fr/heroes/{hero}")).await.text();
    let video_path = format!("/fr/heroes/{hero}/videos/1294");
    assert!(hero_page.contains(&format!(r#"href="{video_path}""#)), "{hero_page}");
    let video = visitor.get(&video_path).await;
    assert_eq!(video.status_code(), 200);
    let html = video.text();
    let text = page_text(&html);
    assert!(
        html.contains(&format!("<h1>Mille 1{NBSP}294 pour Marie Tremblay</h1>")),
        "{html}"
    );
    assert!(text.contains("Ouvrir la vidéo sur son site"), "{text}");
    assert!(html.contains(&format!(r#"href="/fr/heroes/{hero}""#)));
    assert!(html.contains("youtube-nocookie.com/embed/dQw4w9WgXcQ"));

    // English stays as it was.
    let english = page_text(&visitor.get(&format!("/heroes/{hero}/videos/1294")).await.text());
    assert!(english.contains("Mile 1,294 for Marie Tremblay"), "{english}");
    assert!(page_text(&visitor.get("/honor-roll/states").await.text()).contains("Quebec (1)"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn error_pages_speak_the_language_of_the_address(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser();
    for path in [
        "/fr/nowhere",
        "/fr/heroes/not-an-id",
        "/fr/heroes/00000000-0000-0000-0000-000000000000",
    ] {
        let response = visitor.get(path).await;
        assert_eq!(response.status_code(), 404, "{path}");
        let html = response.text();
        assert!(html.contains(r#"<html lang="fr">"#), "{path}");
        let text = page_text(&html);
        assert!(text.contains("Page introuvable"), "{path}: {text}");
        assert!(!text.contains("Page not found"), "{path}");
        assert!(
            html.contains(r#"<a href="/fr">Aller à la page d’accueil</a>"#),
            "{path}"
        );
    }
    // A form sent from another site is refused in French on a French address.
    let refused = visitor
        .post("/fr/grants/apply")
        .add_header("origin", "https://evil.example")
        .add_header("sec-fetch-site", "cross-site")
        .form(&application("Luc", "100"))
        .await;
    assert_eq!(refused.status_code(), 403);
    assert!(page_text(&refused.text()).contains("Requête refusée"));

    let english = visitor.get("/nowhere").await;
    assert_eq!(english.status_code(), 404);
    let html = english.text();
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(page_text(&html).contains("Page not found"));
    assert!(html.contains(r#"<a href="/">Go to the home page</a>"#));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn site_pages_show_their_french_text_or_the_english_one_marked_as_english(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser();

    // A fresh install has a French text for each page, and French footer links.
    let about = visitor.get("/fr/about").await;
    assert_eq!(about.status_code(), 200);
    let html = about.text();
    assert!(html.contains(r#"<html lang="fr">"#));
    let text = text_of(&html, "site-page").unwrap_or_default();
    assert!(text.starts_with("À propos d’Honor Mile"), "{text}");
    assert!(text.contains("l’un de nos coureurs court un"), "{text}");
    assert!(html.contains(r#"<a href="/fr/contact">Nous joindre</a>"#));
    assert!(!html.contains(r#"id="english-only""#));

    // An admin saves an English text only: the French page shows it, marked.
    let admin = admin_of(&app).await;
    let saved = admin
        .post("/admin/pages/about")
        .form(&[("text", "We run for **them**."), ("text_fr", ""), ("donation_url", "")])
        .await;
    assert_eq!(saved.status_code(), 303);
    let html = visitor.get("/fr/about").await.text();
    assert_eq!(
        text_of(&html, "english-only").as_deref(),
        Some("Cette page n’existe qu’en anglais pour l’instant.")
    );
    assert!(
        html.contains(r#"<div class="site-page-text" lang="en"><p>We run for <strong>them</strong>.</p>"#),
        "{html}"
    );

    // Then a French text too; hostile markup in it is dropped.
    let saved = admin
        .post("/admin/pages/about")
        .form(&[
            ("text", "We run for **them**."),
            ("text_fr", "Nous courons pour **eux**.<script>alert(1)</script>"),
            ("donation_url", ""),
        ])
        .await;
    assert_eq!(saved.status_code(), 303);
    let stored: Option<String> = sqlx::query_scalar("select body_markdown_fr from site_pages where slug = 'about'")
        .fetch_one(&app.pool)
        .await
        .expect("row");
    assert_eq!(
        stored.as_deref(),
        Some("Nous courons pour **eux**.<script>alert(1)</script>")
    );
    let html = visitor.get("/fr/about").await.text();
    assert!(html.contains("<p>Nous courons pour <strong>eux</strong>."), "{html}");
    assert!(!html.contains("<script>alert") && !html.contains(r#"id="english-only""#));
    let english = visitor.get("/about").await.text();
    assert!(english.contains("We run for <strong>them</strong>."));

    // A French text too long comes back beside its field, as typed, and saves nothing.
    let long = "é".repeat(20_001);
    let refused = admin
        .post("/admin/pages/about")
        .form(&[("text", "Changed"), ("text_fr", long.as_str()), ("donation_url", "")])
        .await;
    assert_eq!(refused.status_code(), 422);
    let html = refused.text();
    assert!(
        text_of(&html, "text_fr-error").is_some_and(|e| e.contains("at most 20000 characters")),
        "{html}"
    );
    let english_now: String = sqlx::query_scalar("select body_markdown from site_pages where slug = 'about'")
        .fetch_one(&app.pool)
        .await
        .expect("row");
    assert_eq!(english_now, "We run for **them**.");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_sitemap_names_the_french_twin_of_every_page(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = app.hero(NewHero::default()).await;
    let xml = app.browser().get("/sitemap.xml").await.text();
    assert!(xml.contains(r#"xmlns:xhtml="http://www.w3.org/1999/xhtml""#));
    let entry = xml
        .lines()
        .find(|line| line.contains(&format!("/heroes/{hero}</loc>")))
        .expect("the hero's entry");
    assert!(entry.contains(r#"hreflang="fr" href="http"#), "{entry}");
    assert!(entry.contains(&format!("/fr/heroes/{hero}\"/>")), "{entry}");
    assert!(entry.contains(r#"hreflang="en" href="http"#), "{entry}");
    let home = xml
        .lines()
        .find(|line| line.contains(r#"hreflang="fr""#) && line.contains("/fr\"/>"));
    assert!(home.is_some(), "{xml}");
}

/// The one message queued for `to` whose subject ends with `ending`: its subject and plain text.
async fn letter(app: &TestApp, to: &str, ending: &str) -> (String, String) {
    let mut found: Vec<(String, String)> =
        sqlx::query_as("select subject, body_text from outbox where to_address = $1 and subject like '%' || $2")
            .bind(to)
            .bind(ending)
            .fetch_all(&app.pool)
            .await
            .expect("messages");
    assert_eq!(found.len(), 1, "one message ending {ending}: {found:?}");
    found.remove(0)
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_application_written_in_french_is_answered_in_french(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser();
    let response = visitor
        .post("/fr/grants/apply")
        .form(&application("Luc Gagnon", "1 234,56"))
        .await;
    assert_eq!(response.status_code(), 303, "{}", page_text(&response.text()));
    let received = follow(&visitor, &response).await;
    assert_eq!(received.status_code(), 200);
    let (id, reference, language): (uuid::Uuid, String, String) =
        sqlx::query_as("select id, reference, language from grant_applications")
            .fetch_one(&app.pool)
            .await
            .expect("the application");
    assert_eq!(language, "fr");

    let (subject, body) = letter(&app, "pat@example.org", "a été reçue").await;
    assert_eq!(
        subject,
        format!("Votre demande de subvention Honor Mile {reference} a été reçue")
    );
    assert!(body.starts_with("Bonjour Pat Partner,"), "{body}");
    let link = body
        .split_whitespace()
        .find(|word| word.contains("/grants/status/"))
        .expect("the status link");
    let path = &link[link.find("/fr/grants/status/").expect("a French status link")..];
    let status = visitor.get(path).await;
    assert_eq!(status.status_code(), 200);
    assert!(status.text().contains(r#"<html lang="fr">"#));

    // The decision is written in French too, with the amount the French way.
    let (staff, _) = app.signed_in(Role::Staff).await;
    assert_eq!(
        staff.post(&format!("/staff/grants/{id}/shortlist")).await.status_code(),
        303
    );
    let admin = admin_of(&app).await;
    // The admin deciding sees the applicant reads French, beside the words they would write.
    let review = admin.get(&format!("/staff/grants/{id}")).await.text();
    assert_eq!(
        text_of(&review, "application-language").as_deref(),
        Some("French: the applicant's emails and status page are in French")
    );
    assert_eq!(
        text_of(&review, "decline-language").as_deref(),
        Some("This application was sent in French: write what the applicant reads in French.")
    );
    assert_eq!(approve(&admin, id, "1234.56", "").await.status_code(), 303);
    let (subject, body) = letter(&app, "pat@example.org", "a été approuvée").await;
    assert_eq!(
        subject,
        format!("Votre demande de subvention Honor Mile {reference} a été approuvée")
    );
    assert!(body.contains(&format!("pour 1{NBSP}234,56{NBSP}$.")), "{body}");

    // An application written in English is answered in English, as before.
    let english = app.browser();
    let response = english
        .post("/grants/apply")
        .form(&application("Kim Ortiz", "2500"))
        .await;
    assert_eq!(location(&response), "/grants/apply/received");
    let english_id: uuid::Uuid = sqlx::query_scalar("select id from grant_applications where language = 'en'")
        .fetch_one(&app.pool)
        .await
        .expect("the English application");
    let (subject, body) = letter(&app, "pat@example.org", "was received").await;
    assert!(subject.starts_with("Your Honor Mile grant application"), "{subject}");
    assert_eq!(
        staff
            .post(&format!("/staff/grants/{english_id}/shortlist"))
            .await
            .status_code(),
        303
    );
    let review = admin.get(&format!("/staff/grants/{english_id}")).await.text();
    assert_eq!(text_of(&review, "application-language").as_deref(), Some("English"));
    assert!(review.contains("Decline") && text_of(&review, "decline-language").is_none());
    assert!(
        body.contains("/grants/status/") && !body.contains("/fr/grants/status/"),
        "{body}"
    );
    let staff_entered = shortlisted(&staff, "Ann Lee", "300").await;
    let entered: String = sqlx::query_scalar("select language from grant_applications where id = $1")
        .bind(staff_entered)
        .fetch_one(&app.pool)
        .await
        .expect("language");
    assert_eq!(entered, "en");
    assert_ne!(english_id, staff_entered);
}
