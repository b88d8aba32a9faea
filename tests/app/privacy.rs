//! Nothing private reaches a public response: a marker goes into every private
//! field, then every public page, feed and export is fetched and searched for it.
//! Flags carry it too: the recipient's name and address, the note, who confirmed
//! the delivery and why a flag came back. Reflections carry it while they wait
//! for approval and once hidden.

use sqlx::PgPool;

use crate::flags::{SHIP, log_mile, post, runner, write_note};
use crate::helpers::{Role, TestApp, hero_form, with};

const MARKER: &str = "PRIVATE-MARKER-7f3a";

/// Every public URL that shows heroes (grows as public pages are added).
pub fn public_urls(hero: uuid::Uuid, draft: uuid::Uuid) -> Vec<String> {
    vec![
        "/".into(),
        "/honor-roll".into(),
        // Searches that would find the draft if drafts were searchable (the
        // search box echoes what was typed, so the whole marker is not typed).
        "/honor-roll?q=7f3a".into(),
        "/honor-roll?q=draft".into(),
        "/honor-roll?q=smith".into(),
        "/honor-roll.csv".into(),
        "/honor-roll.csv?q=7f3a".into(),
        "/honor-roll/states".into(),
        "/honor-roll/years".into(),
        format!("/heroes/{hero}"),
        format!("/heroes/{draft}"),
        "/runs".into(),
        "/runs.ics".into(),
        "/api/heroes".into(),
        "/api/heroes?q=7f3a".into(),
        format!("/api/heroes/{hero}"),
        format!("/api/heroes/{draft}"),
        "/api/miles".into(),
        "/api/openapi.json".into(),
        "/feeds/miles.atom".into(),
        "/sitemap.xml".into(),
        "/robots.txt".into(),
        format!("/heroes/{hero}/reflections/received"),
        "/propose".into(),
        format!("/propose?hero={hero}"),
        "/propose/received".into(),
    ]
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn no_private_field_reaches_a_public_response(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (hero, draft, flag) = plant_markers(&app, &staff).await;
    assert_nothing_private(&app, staff, hero, draft, flag).await;
}

/// A confirmed hero and a draft with the marker in every private field, and a
/// flag delivered after coming back once; returns the hero, the draft and the flag.
pub async fn plant_markers(app: &TestApp, staff: &axum_test::TestServer) -> (uuid::Uuid, uuid::Uuid, uuid::Uuid) {
    let hero = app
        .add_confirmed_hero(staff, &hero_form("Ann Smith", "Springfield PD", "US-IL", "2020-01-05"))
        .await;
    // A draft is private as a whole: its public fields carry the marker too.
    let draft_form = with(
        hero_form(&format!("Draft {MARKER}"), MARKER, "US-IL", "2021-01-05"),
        "narrative",
        MARKER,
    );
    let draft = app.add_hero(staff, &draft_form).await;
    for (target, kind) in [(hero, "family"), (hero, "agency"), (draft, "family")] {
        let response = staff
            .post(&format!("/staff/heroes/{target}/contacts"))
            .form(&[
                ("kind", kind),
                ("name", &format!("Name {MARKER}")),
                ("relationship", &format!("Rel {MARKER}")),
                ("phone", "(407) 555-0142"),
                ("email", "marker-7f3a@example.org"),
                ("postal_address", &format!("1 {MARKER} Street")),
                ("notes", &format!("Notes {MARKER}")),
            ])
            .await;
        assert_eq!(response.status_code(), 303);
    }
    assert_eq!(app.count("select count(*) from hero_contacts").await, 3);

    // The hero's flag goes to the family contact, comes back once, and is delivered.
    let runner = runner(app).await;
    let flag = log_mile(app, staff, hero, runner, "2026-11-20").await;
    let family: uuid::Uuid = sqlx::query_scalar("select id from hero_contacts where hero_id = $1 and kind = 'family'")
        .bind(hero)
        .fetch_one(&app.pool)
        .await
        .expect("family contact");
    let chosen = staff
        .post(&format!("/staff/flags/{flag}/recipient"))
        .form(&[("contact", family.to_string())])
        .await;
    assert_eq!(chosen.status_code(), 303);
    assert_eq!(
        write_note(staff, flag, &format!("Note {MARKER}"), None)
            .await
            .status_code(),
        303
    );
    let came_back = [
        ("returned_on", "2026-11-23"),
        ("return_reason", &format!("Reason {MARKER}")),
    ];
    let delivered = [
        ("delivered_on", "2026-11-23"),
        ("confirmed_by", &format!("Who {MARKER}")),
    ];
    for (action, form) in [
        ("ready", &[][..]),
        ("ship", SHIP),
        ("return", &came_back[..]),
        ("ready", &[][..]),
        ("ship", SHIP),
        ("deliver", &delivered[..]),
    ] {
        assert_eq!(post(staff, flag, action, form).await.status_code(), 303, "{action}");
    }
    // A reflection is private until staff approve it: one waits, one was
    // approved and then hidden at the family's request.
    for _ in 0..2 {
        let sent = app
            .browser()
            .post(&format!("/heroes/{hero}/reflections"))
            .form(&[
                ("author_name", format!("Name {MARKER}")),
                ("place", format!("Place {MARKER}")),
                ("body", format!("Words {MARKER}")),
            ])
            .await;
        assert_eq!(sent.status_code(), 303);
    }
    let hidden: uuid::Uuid = sqlx::query_scalar("select id from reflections order by id limit 1")
        .fetch_one(&app.pool)
        .await
        .expect("a reflection");
    for action in ["approve", "hide"] {
        let response = staff.post(&format!("/staff/reflections/{hidden}/{action}")).await;
        assert_eq!(response.status_code(), 303, "{action}");
    }
    // Proposals are never public, whatever they name.
    let proposed = app
        .browser()
        .post("/propose")
        .form(&[
            ("hero_id", hero.to_string()),
            ("details", format!("Details {MARKER}")),
            ("source", format!("Source {MARKER}")),
            ("proposer_name", format!("Name {MARKER}")),
        ])
        .await;
    assert_eq!(proposed.status_code(), 303);
    (hero, draft, flag)
}

/// Every public response, to a visitor and to staff, is free of the marker.
pub async fn assert_nothing_private(
    app: &TestApp,
    staff: axum_test::TestServer,
    hero: uuid::Uuid,
    draft: uuid::Uuid,
    flag: uuid::Uuid,
) {
    // The staff browser has read its "contact saved" messages before it looks.
    staff.get("/staff").await;
    for visitor in [app.browser(), staff] {
        for url in public_urls(hero, draft) {
            let body = visitor.get(&url).await.text();
            if url.starts_with("/heroes/") || url == "/honor-roll" {
                assert!(!body.contains("555-0142"), "{url} leaks a phone number");
                assert!(!body.contains("marker-7f3a@"), "{url} leaks an email");
            }
            // Staff see the same public pages: the marker must not appear there either.
            assert!(!body.contains(MARKER), "{url} leaks a private field");
        }
    }
    let public = app.browser().get(&format!("/heroes/{hero}")).await.text();
    assert!(public.contains("Flag delivered to the family on 23 November 2026."));
    // The flag's own pages are for staff: a visitor is sent to sign in.
    for page in ["", "/card", "/slip", "/recipient", "/note", "/scan"] {
        let response = app.browser().get(&format!("/staff/flags/{flag}{page}")).await;
        assert_eq!(response.status_code(), 303, "{page}");
        assert!(!response.text().contains(MARKER));
    }
    assert!(!app.browser().get("/staff/flags").await.text().contains(MARKER));
}
