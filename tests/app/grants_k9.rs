//! K9 equipment grants record the items asked for: required for that kind,
//! refused for the others, limited in length, checked by the database too, and
//! shown to the grant team.

use sqlx::PgPool;
use uuid::Uuid;

use crate::grants::{application, enter};
use crate::helpers::{NewGrant, Role, TestApp, field_value, location, text_of, with};

/// A valid K9 equipment application.
pub fn k9_application(recipient: &str, items: &str) -> Vec<(String, String)> {
    with(
        with(
            with(application(recipient, "2,000"), "kind", "k9_equipment"),
            "injury_date",
            "",
        ),
        "items_requested",
        items,
    )
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_k9_application_records_the_items_asked_for(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser();
    let form = visitor.get("/grants/apply").await.text();
    assert!(
        form.contains("Items asked for (K9 equipment grants only; e.g. a ballistic vest, a heat alarm)"),
        "the label says when the field applies, as the form works without JavaScript"
    );
    let response = visitor
        .post("/grants/apply")
        .form(&k9_application("Officer Rex Handler", "Ballistic vest, heat alarm"))
        .await;
    assert_eq!(response.status_code(), 303);
    assert_eq!(location(&response), "/grants/apply/received");
    let (id, items): (Uuid, String) = sqlx::query_as("select id, items_requested from grant_applications")
        .fetch_one(&app.pool)
        .await
        .expect("saved");
    assert_eq!(items, "Ballistic vest, heat alarm");

    let (staff, _) = app.signed_in(Role::Staff).await;
    let page = staff.get(&format!("/staff/grants/{id}")).await.text();
    assert_eq!(
        text_of(&page, "items-requested").as_deref(),
        Some("Ballistic vest, heat alarm")
    );

    // Staff enter one taken by phone the same way.
    let entered = enter(&staff, &k9_application("Sgt Dana Kline", "Cooling vest")).await;
    let page = staff.get(&format!("/staff/grants/{entered}")).await.text();
    assert_eq!(text_of(&page, "items-requested").as_deref(), Some("Cooling vest"));

    // Other kinds have no items, and their page shows no such line.
    let injury = enter(&staff, &application("Kim Ortiz", "3000")).await;
    let page = staff.get(&format!("/staff/grants/{injury}")).await.text();
    assert!(text_of(&page, "items-requested").is_none());
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn items_are_required_for_k9_and_refused_for_other_kinds(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let too_long = "vest ".repeat(201);
    let cases = [
        (
            k9_application("Rex", "  "),
            "Items asked for is required for a K9 equipment grant",
        ),
        (
            k9_application("Rex", &too_long),
            "Items asked for must be at most 1000 characters.",
        ),
        (
            with(application("Kim Ortiz", "3000"), "items_requested", "A vest"),
            "Items asked for is only for a K9 equipment grant",
        ),
        (
            with(
                with(application("Kim Ortiz", "3000"), "kind", "family_support"),
                "items_requested",
                "A vest",
            ),
            "Items asked for is only for a K9 equipment grant",
        ),
    ];
    for (form, message) in &cases {
        for response in [
            app.browser().post("/grants/apply").form(form).await,
            staff.post("/staff/grants").form(form).await,
        ] {
            assert_eq!(response.status_code(), 422, "{message}");
            let html = response.text();
            let shown = text_of(&html, "items_requested-error").unwrap_or_default();
            assert!(shown.contains(message), "{message}: {shown}");
            assert_eq!(
                field_value(&html, "agency").as_deref(),
                Some("Orlando Police Department"),
                "what was typed stays"
            );
        }
    }
    assert_eq!(app.count("select count(*) from grant_applications").await, 0);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_database_holds_the_items_rule_too(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let insert = |kind: &'static str, items: String| {
        let app = &app;
        async move {
            let grant = NewGrant {
                kind,
                recipient: "Rex",
                agency: "K9 Unit",
                injury_date: None,
                amount_cents: 100_000,
                items: &items,
                ..NewGrant::default()
            };
            app.grant(grant).await
        }
    };
    assert!(insert("k9_equipment", String::new()).await.is_err(), "K9 without items");
    assert!(
        insert("family_support", "A vest".into()).await.is_err(),
        "items on another kind"
    );
    assert!(
        insert("k9_equipment", "v".repeat(1001)).await.is_err(),
        "items too long"
    );
    assert!(insert("k9_equipment", "A vest".into()).await.is_ok());
    assert!(insert("family_support", String::new()).await.is_ok());
}
