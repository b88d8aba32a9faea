//! The read-only JSON API: the honor roll's filters and paging, one hero, the
//! miles, the OpenAPI document, JSON errors for bad parameters, and privacy.

use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{Role, TestApp, hero_form, with};

async fn seeded(pool: PgPool) -> TestApp {
    let app = TestApp::new(pool).await;
    app.seed_heroes(&[
        (
            "André Dubois",
            "Service de police de la Ville de Montréal",
            "CA",
            "QC",
            "2022-05-10",
        ),
        ("Jeffrey Northrup", "Toronto Police Service", "CA", "ON", "2021-07-02"),
        ("Julian Becerra", "Fountain Police Department", "US", "CO", "2023-02-11"),
    ])
    .await;
    app
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_api_lists_the_honor_roll_with_its_filters(pool: PgPool) {
    let app = seeded(pool).await;
    let all: Value = app.browser().get("/api/heroes").await.json();
    assert_eq!(all["total"], 3);
    assert_eq!(
        all["heroes"][0]["full_name"], "Julian Becerra",
        "newest end of watch first"
    );
    let found: Value = app.browser().get("/api/heroes?q=andre").await.json();
    assert_eq!(found["heroes"][0]["full_name"], "André Dubois");
    let canada: Value = app.browser().get("/api/heroes?country=CA&state=ON").await.json();
    assert_eq!(canada["total"], 1);
    assert_eq!(canada["heroes"][0]["state"], "ON");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_api_pages_with_a_cursor_and_bounds_the_page_size(pool: PgPool) {
    let app = seeded(pool).await;
    let first: Value = app.browser().get("/api/heroes?limit=2").await.json();
    assert_eq!(first["heroes"].as_array().map(Vec::len), Some(2));
    let next = first["next"].as_str().expect("a next page").to_string();
    let second: Value = app.browser().get(&format!("/api/heroes?{next}")).await.json();
    assert_eq!(second["heroes"].as_array().map(Vec::len), Some(1));
    assert!(second["next"].is_null());
    for bad in [
        "limit=0",
        "limit=101",
        "limit=ten",
        "year=abc",
        "state=ZZ",
        "sort=up",
        "status=x",
        "after=x&after_id=y",
    ] {
        let response = app.browser().get(&format!("/api/heroes?{bad}")).await;
        assert_eq!(response.status_code(), 400, "{bad}");
        let body: Value = response.json();
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{bad}: a JSON error"
        );
    }
    for bad in ["before=0", "before=x", "limit=500"] {
        assert_eq!(
            app.browser().get(&format!("/api/miles?{bad}")).await.status_code(),
            400,
            "{bad}"
        );
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn one_hero_comes_with_their_miles_and_nothing_private(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = app
        .add_confirmed_hero(
            &staff,
            &with(
                hero_form("Ann Smith", "Springfield PD", "US-IL", "2020-01-05"),
                "narrative",
                "Answered a call.",
            ),
        )
        .await;
    let draft = app
        .add_hero(
            &staff,
            &hero_form("Draft Person", "Springfield PD", "US-IL", "2021-01-05"),
        )
        .await;
    staff
        .post(&format!("/staff/heroes/{hero}/contacts"))
        .form(&[
            ("kind", "family"),
            ("name", "PRIVATE-API-NAME"),
            ("postal_address", "PRIVATE-API-ADDRESS"),
        ])
        .await;
    let runner = app.runner("Zechariah").await;
    staff
        .post("/staff/miles")
        .form(&[
            ("form_key", uuid::Uuid::new_v4().to_string()),
            ("hero_id", hero.to_string()),
            ("runner_id", runner.to_string()),
            ("run_date", "2026-11-20".into()),
            ("place", "Track".into()),
            ("laps", "7".into()),
            ("duration", "8:00".into()),
        ])
        .await;

    let response = app.browser().get(&format!("/api/heroes/{hero}")).await;
    assert_eq!(response.status_code(), 200);
    let body: Value = response.json();
    assert_eq!(body["full_name"], "Ann Smith");
    assert_eq!(body["narrative"], "Answered a call.");
    assert_eq!(body["miles"][0]["number"], 1);
    assert_eq!(body["miles"][0]["runner"], "Zechariah");
    let text = response.text();
    assert!(!text.contains("PRIVATE-API"), "no contact in the API");

    assert_eq!(
        app.browser().get(&format!("/api/heroes/{draft}")).await.status_code(),
        404,
        "drafts are not there"
    );
    assert_eq!(app.browser().get("/api/heroes/nope").await.status_code(), 404);
    let miles: Value = app.browser().get("/api/miles").await.json();
    assert_eq!(miles["miles"][0]["hero_name"], "Ann Smith");
    let roll = app.browser().get("/api/heroes?q=draft").await.text();
    assert!(!roll.contains("Draft Person"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_openapi_document_describes_the_api(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let doc: Value = app.browser().get("/api/openapi.json").await.json();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')));
    for path in ["/api/heroes", "/api/heroes/{id}", "/api/miles"] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} is documented");
    }
    let params: Vec<&str> = doc["paths"]["/api/heroes"]["get"]["parameters"]
        .as_array()
        .map(|p| p.iter().filter_map(|p| p["name"].as_str()).collect())
        .unwrap_or_default();
    for name in ["q", "service", "country", "state", "year", "status", "sort", "limit"] {
        assert!(params.contains(&name), "{name} is documented");
    }
}
