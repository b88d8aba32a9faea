//! "Propose a hero or a correction": a visitor's proposal reaches the staff
//! queue only, and staff turn it into a draft or an edit in one press.

use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{NewHero, Role, TestApp, follow, location, page_text, text_of};

fn proposal(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = [
        ("full_name", "Lee Park"),
        ("agency", "Moncton Police Force"),
        ("service", "police"),
        ("region", "CA-NB"),
        ("end_of_watch", "2019-05-05"),
        ("details", "Killed at a traffic stop on Route 15."),
        ("source", "https://news.example.org/park"),
        ("proposer_name", "Sam Park"),
        ("proposer_email", ""),
        ("website", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (key, value) in fields {
        form.retain(|(k, _)| k != key);
        form.push((key.to_string(), value.to_string()));
    }
    form
}

async fn the_one_proposal(app: &TestApp) -> Uuid {
    sqlx::query_scalar("select id from proposals")
        .fetch_one(&app.pool)
        .await
        .expect("one proposal")
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_proposed_hero_becomes_a_draft_in_one_press_and_is_never_public(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser();
    assert!(page_text(&visitor.get("/").await.text()).contains("Propose a hero"));
    let sent = visitor.post("/propose").form(&proposal(&[])).await;
    assert_eq!(sent.status_code(), 303);
    assert_eq!(location(&sent), "/propose/received");
    for url in ["/honor-roll?q=park", "/api/heroes?q=park", "/sitemap.xml"] {
        assert!(!visitor.get(url).await.text().contains("Lee Park"), "{url}");
    }

    let (staff, _) = app.signed_in(Role::Staff).await;
    let queue = page_text(&staff.get("/staff/proposals").await.text());
    assert!(
        queue.contains("New hero: Lee Park") && queue.contains("https://news.example.org/park"),
        "{queue}"
    );
    let id = the_one_proposal(&app).await;
    let drafted = staff.post(&format!("/staff/proposals/{id}/draft")).await;
    assert_eq!(drafted.status_code(), 303);
    let to = location(&drafted);
    assert!(to.starts_with("/staff/heroes/") && to.ends_with("/edit"), "{to}");
    let edit = page_text(&follow(&staff, &drafted).await.text());
    assert!(edit.contains("Draft of Lee Park started from the proposal"), "{edit}");
    assert_eq!(
        app.count(
            "select count(*) from heroes where full_name = 'Lee Park' and confirmed_at is null and region = 'NB'"
        )
        .await,
        1
    );
    assert_eq!(
        app.count("select count(*) from proposals where status = 'drafted' and draft_hero_id is not null")
            .await,
        1
    );
    assert!(page_text(&staff.get("/staff/proposals").await.text()).contains("Nothing is waiting"));
    // A second press finds nothing to do.
    let again = staff.post(&format!("/staff/proposals/{id}/draft")).await;
    assert!(page_text(&follow(&staff, &again).await.text()).contains("already handled"));
    assert_eq!(app.count("select count(*) from heroes").await, 1);
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'proposal.drafted'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_correction_from_a_hero_page_opens_the_record_with_the_proposal_shown(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = app
        .hero(NewHero {
            name: "Julian Becerra",
            ..NewHero::default()
        })
        .await;
    let page = app.browser().get(&format!("/heroes/{hero}")).await.text();
    assert!(page.contains(&format!("href=\"/propose?hero={hero}\"")));
    let form = app.browser().get(&format!("/propose?hero={hero}")).await.text();
    assert!(page_text(&form).contains("record of Julian Becerra"));
    let sent = app
        .browser()
        .post("/propose")
        .form(&[
            ("hero_id", hero.to_string().as_str()),
            ("details", "His badge number was 1702, not 1701."),
            ("source", "Agency memorial page"),
            ("proposer_name", "Ana Becerra"),
            ("proposer_email", "ana@example.org"),
        ])
        .await;
    assert_eq!(sent.status_code(), 303);
    let (staff, _) = app.signed_in(Role::Staff).await;
    assert!(page_text(&staff.get("/staff/proposals").await.text()).contains("Correction to Julian Becerra"));
    let id = the_one_proposal(&app).await;
    let opened = staff.post(&format!("/staff/proposals/{id}/edit")).await;
    assert_eq!(location(&opened), format!("/staff/heroes/{hero}/edit"));
    let edit = page_text(&follow(&staff, &opened).await.text());
    assert!(
        edit.contains("Correction proposed by Ana Becerra: His badge number was 1702, not 1701."),
        "{edit}"
    );
    assert_eq!(
        app.count("select count(*) from proposals where status = 'editing'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn bad_proposals_come_back_with_messages_beside_their_fields_and_save_nothing(pool: PgPool) {
    let app = TestApp::new(pool).await;
    for (fields, field, message) in [
        (vec![("full_name", "")], "full_name-error", "Their name is required."),
        (
            vec![("region", "CA-ZZ")],
            "region-error",
            "is not a state, province or territory",
        ),
        (vec![("service", "pirate")], "service-error", ""),
        (vec![("end_of_watch", "twenty")], "end_of_watch-error", ""),
        (vec![("end_of_watch", "2030-01-01")], "end_of_watch-error", "future"),
        (vec![("source", "")], "source-error", "Your source is required."),
        (
            vec![("proposer_email", "not an email")],
            "proposer_email-error",
            "name@example.org",
        ),
    ] {
        let response = app.browser().post("/propose").form(&proposal(&fields)).await;
        assert_eq!(response.status_code(), 422, "{field}");
        let shown = text_of(&response.text(), field);
        assert!(
            shown.as_deref().is_some_and(|s| s.contains(message)),
            "{field}: {shown:?}"
        );
    }
    let long = "x".repeat(4001);
    let response = app
        .browser()
        .post("/propose")
        .form(&proposal(&[("details", &long)]))
        .await;
    assert_eq!(response.status_code(), 422);
    let mut robot = proposal(&[("website", "https://spam.example")]);
    robot.push(("hero_id".into(), "not-a-hero".into()));
    let response = app.browser().post("/propose").form(&robot).await;
    assert_eq!(response.status_code(), 422);
    assert!(page_text(&response.text()).contains("looked automated"));
    assert_eq!(app.count("select count(*) from proposals").await, 0);
}
