//! Staff pages for hero records: add, edit, validation, duplicates, confirmation, contacts.

use sqlx::PgPool;

use crate::helpers::{Role, TestApp, field_value, hero_form, location, page_text, text_of, with};

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn staff_add_a_hero_who_stays_a_draft_until_confirmed(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, staff_id) = app.signed_in(Role::Staff).await;
    let id = app
        .add_hero(
            &staff,
            &hero_form("Julian Becerra", "Fountain Police Department", "US-CO", "2023-02-11"),
        )
        .await;
    let page = staff.get(&format!("/staff/heroes/{id}")).await.text();
    assert!(page_text(&page).contains("Draft: not shown to the public"));

    assert_eq!(app.browser().get(&format!("/heroes/{id}")).await.status_code(), 404);
    assert!(!app.browser().get("/honor-roll").await.text().contains("Becerra"));

    let empty = staff
        .post(&format!("/staff/heroes/{id}/confirm"))
        .form(&[("source", " ")])
        .await;
    assert_eq!(empty.status_code(), 422);
    assert_eq!(
        text_of(&empty.text(), "source-error").as_deref(),
        Some("Source is required.")
    );

    let confirmed = staff
        .post(&format!("/staff/heroes/{id}/confirm"))
        .form(&[("source", "Fountain PD statement")])
        .await;
    assert_eq!(confirmed.status_code(), 303);
    let public = app.browser().get(&format!("/heroes/{id}")).await;
    assert_eq!(public.status_code(), 200);
    assert!(page_text(&public.text()).contains("Officer Julian Becerra"));
    let who: Option<uuid::Uuid> = sqlx::query_scalar("select confirmed_by from heroes where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("row");
    assert_eq!(who, Some(staff_id));
    assert_eq!(
        app.count("select count(*) from audit_log where action in ('hero.created', 'hero.confirmed')")
            .await,
        2
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn every_field_is_checked_with_a_message_beside_it(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let good = hero_form("Andrew Peery", "El Paso County Sheriff's Office", "US-CO", "2022-04-14");
    let long = "x".repeat(201);
    let cases: Vec<(&str, &str, &str, &str)> = vec![
        ("full_name", "", "full_name-error", "Full name is required."),
        (
            "full_name",
            &long,
            "full_name-error",
            "Full name must be at most 200 characters.",
        ),
        (
            "full_name",
            "Ann\u{0}Lee",
            "full_name-error",
            "Full name contains invisible control characters; please retype it.",
        ),
        ("agency", "", "agency-error", "Agency is required."),
        (
            "region",
            "US-ZZ",
            "region-error",
            "ZZ is not a state, province or territory of United States.",
        ),
        (
            "region",
            "CA-FL",
            "region-error",
            "FL is not a state, province or territory of Canada.",
        ),
        ("region", "", "region-error", "Choose a state or province."),
        (
            "service",
            "pirate",
            "service-error",
            "Choose police, fire, EMS, corrections, K9 or other.",
        ),
        (
            "end_of_watch",
            "2099-01-01",
            "end_of_watch-error",
            "End of watch cannot be in the future.",
        ),
        (
            "end_of_watch",
            "2999-01-01",
            "end_of_watch-error",
            "End of watch must be between 1 January 1791 and 31 December 2100.",
        ),
        (
            "end_of_watch",
            "yesterday",
            "end_of_watch-error",
            "End of watch must be a date like 2026-11-23.",
        ),
        ("cause", "boredom", "cause-error", "Choose a cause from the list."),
        ("age", "15", "age-error", "Age must be between 16 and 110."),
        ("age", "111", "age-error", "Age must be between 16 and 110."),
        ("age", "thirty", "age-error", "Age must be a whole number."),
        (
            "years_of_service",
            "-1",
            "years_of_service-error",
            "Years of service must be between 0 and 80.",
        ),
        (
            "years_of_service",
            "30",
            "years_of_service-error",
            "Years of service cannot exceed the age less 14.",
        ),
        (
            "memorial_links",
            "javascript:alert(1)",
            "memorial_links-error",
            "javascript:alert(1) must be an http or https address under 500 characters.",
        ),
        (
            "k9_breed",
            "Malinois",
            "k9_breed-error",
            "Breed and handler are only for K9 heroes; clear them or choose K9.",
        ),
    ];
    for (field, value, error_id, message) in cases {
        let response = staff
            .post("/staff/heroes")
            .form(&with(good.clone(), field, value))
            .await;
        assert_eq!(response.status_code(), 422, "{field}={value:?}");
        let html = response.text();
        assert_eq!(text_of(&html, error_id).as_deref(), Some(message), "{field}={value:?}");
        let kept = if field == "agency" { "full_name" } else { "agency" };
        assert_eq!(
            field_value(&html, kept),
            good.iter().find(|(k, _)| k == kept).map(|(_, v)| v.clone()),
            "typed values are kept"
        );
    }
    assert_eq!(app.count("select count(*) from heroes").await, 0, "nothing saved");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_k9_is_a_hero_with_a_breed_and_a_handler(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let form = hero_form("Rex", "Orange County Sheriff's Office", "US-FL", "2024-05-01");
    let form = with(
        with(with(with(form, "service", "k9"), "age", "6"), "years_of_service", "4"),
        "k9_breed",
        "Belgian Malinois",
    );
    let id = app
        .add_confirmed_hero(&staff, &with(form, "k9_handler", "Deputy Sam Ortiz"))
        .await;
    let page = page_text(&app.browser().get(&format!("/heroes/{id}")).await.text());
    assert!(page.contains("Belgian Malinois") && page.contains("Deputy Sam Ortiz"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_exact_duplicate_is_refused_with_a_link_to_the_record(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let form = hero_form("Garrett Crumby", "Huntsville Police Department", "US-AL", "2023-09-01");
    let id = app.add_hero(&staff, &form).await;

    // Case and accents do not make a different person.
    let again = with(with(form, "full_name", "GARRETT CRÚMBY"), "not_a_duplicate", "on");
    let response = staff.post("/staff/heroes").form(&again).await;
    assert_eq!(response.status_code(), 422);
    let html = response.text();
    assert!(html.contains(&format!("href=\"/staff/heroes/{id}\"")));
    assert!(page_text(&html).contains("This hero is already recorded"));
    assert_eq!(app.count("select count(*) from heroes").await, 1);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_likely_duplicate_is_a_warning_that_staff_can_acknowledge(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let first = app
        .add_hero(
            &staff,
            &hero_form("Jeffrey Northrup", "Toronto Police Service", "CA-ON", "2021-07-02"),
        )
        .await;
    let similar = hero_form("Jeffery Northrup", "Toronto Police Service", "CA-ON", "2021-07-03");
    let warned = staff.post("/staff/heroes").form(&similar).await;
    assert_eq!(warned.status_code(), 422);
    let html = warned.text();
    assert!(page_text(&html).contains("This may be someone already recorded"));
    assert!(html.contains(&format!("/staff/heroes/{first}")));
    assert_eq!(app.count("select count(*) from heroes").await, 1);

    app.add_hero(&staff, &with(similar, "not_a_duplicate", "on")).await;
    assert_eq!(app.count("select count(*) from heroes").await, 2);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_edit_is_saved_and_its_changed_fields_audited(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let form = hero_form("Ann Smith", "Springfield Fire Department", "US-IL", "2020-01-05");
    let id = app.add_hero(&staff, &form).await;
    let edit = staff.get(&format!("/staff/heroes/{id}/edit")).await.text();
    assert!(edit.contains("value=\"Ann Smith\""));
    let response = staff
        .post(&format!("/staff/heroes/{id}"))
        .form(&with(with(form, "agency_city", "Capital City"), "service", "fire"))
        .await;
    assert_eq!(location(&response), format!("/staff/heroes/{id}"));
    let changed: serde_json::Value =
        sqlx::query_scalar("select details -> 'changed' from audit_log where action = 'hero.updated'")
            .fetch_one(&app.pool)
            .await
            .expect("audit row");
    assert_eq!(changed, serde_json::json!(["agency_city", "service"]));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn hostile_text_is_stored_as_typed_and_shown_escaped(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hostile = "<img src=x onerror=alert(1)>\u{202e}Evil";
    let form = hero_form(hostile, hostile, "US-TX", "2019-03-03");
    let form = with(
        with(form, "narrative", hostile),
        "biography",
        "</p><script>alert(2)</script>",
    );
    let id = app.add_confirmed_hero(&staff, &form).await;
    let stored: String = sqlx::query_scalar("select full_name from heroes where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("row");
    assert_eq!(stored, hostile);
    for page in [
        format!("/heroes/{id}"),
        "/honor-roll".into(),
        format!("/staff/heroes/{id}"),
        "/staff/heroes".into(),
    ] {
        let html = staff.get(&page).await.text();
        assert!(!html.contains("<img src=x"), "{page} escapes");
        assert!(!html.contains("<script>alert(2)"), "{page} escapes");
        assert!(
            page_text(&html).contains("<img src=x onerror=alert(1)>"),
            "{page} shows the text"
        );
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn contacts_are_kept_with_their_checks(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let id = app
        .add_hero(&staff, &hero_form("Ann Smith", "Springfield PD", "US-IL", "2020-01-05"))
        .await;
    let bad = staff
        .post(&format!("/staff/heroes/{id}/contacts"))
        .form(&[
            ("kind", "family"),
            ("name", ""),
            ("phone", "call me"),
            ("email", "nope"),
        ])
        .await;
    assert_eq!(bad.status_code(), 422);
    let html = bad.text();
    assert_eq!(text_of(&html, "name-error").as_deref(), Some("Name is required."));
    assert!(text_of(&html, "phone-error").is_some_and(|m| m.contains("at least 7 digits")));
    assert!(text_of(&html, "email-error").is_some());
    assert_eq!(app.count("select count(*) from hero_contacts").await, 0);

    let good = staff
        .post(&format!("/staff/heroes/{id}/contacts"))
        .form(&[
            ("kind", "family"),
            ("name", "Maria Smith"),
            ("relationship", "Wife"),
            ("phone", "(407) 555-0142"),
            ("email", "maria@example.org"),
            ("postal_address", "12 Oak Lane\nSpringfield, IL 62701"),
        ])
        .await;
    assert_eq!(good.status_code(), 303);
    let page = page_text(&staff.get(&format!("/staff/heroes/{id}")).await.text());
    assert!(page.contains("Maria Smith") && page.contains("12 Oak Lane"));

    let contact: uuid::Uuid = sqlx::query_scalar("select id from hero_contacts")
        .fetch_one(&app.pool)
        .await
        .expect("row");
    let removed = staff
        .post(&format!("/staff/heroes/{id}/contacts/{contact}/delete"))
        .await;
    assert_eq!(removed.status_code(), 303);
    assert_eq!(app.count("select count(*) from hero_contacts").await, 0);
    assert_eq!(
        app.count("select count(*) from audit_log where action like 'hero.contact_%'")
            .await,
        2
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_missing_or_malformed_hero_id_is_a_404(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    for path in [
        "/staff/heroes/not-an-id",
        "/heroes/12345",
        &format!("/heroes/{}", uuid::Uuid::now_v7()),
    ] {
        assert_eq!(staff.get(path).await.status_code(), 404, "{path}");
    }
}
