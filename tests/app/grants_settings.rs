//! Separation of duties over the grant settings: a change proposed by one admin
//! waits for a different admin, so no admin alone can count a large grant.

use axum_test::{TestResponse, TestServer};
use sqlx::PgPool;

use crate::grants::{another_admin, approve, shortlisted, status_of};
use crate::helpers::{Role, TestApp, field_value, text_of};

/// Proposes settings as `admin` would type them.
pub async fn propose(admin: &TestServer, minimum: &str, target: &str, threshold: &str) -> TestResponse {
    admin
        .post("/admin/grants/settings")
        .form(&[
            ("monthly_minimum", minimum),
            ("yearly_target", target),
            ("second_approval_threshold", threshold),
        ])
        .await
}

/// Confirms the waiting change as `admin` sees it on the settings page.
pub async fn confirm_settings(admin: &TestServer) -> TestResponse {
    let page = admin.get("/admin/grants/settings").await.text();
    let seen: Vec<(String, String)> = ["minimum_cents", "target_cents", "threshold_cents"]
        .iter()
        .map(|name| (name.to_string(), field_value(&page, name).unwrap_or_default()))
        .collect();
    admin.post("/admin/grants/settings/confirm").form(&seen).await
}

async fn threshold(app: &TestApp) -> i64 {
    app.count("select second_approval_threshold_cents from grant_settings")
        .await
}

/// The sequence one admin alone used to count 50,000 dollars: raise the
/// threshold, approve, put it back. The raise never takes effect without a
/// second admin, so the grant waits for one.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn one_admin_cannot_raise_the_threshold_approve_and_lower_it(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let id = shortlisted(&staff, "Kim Ortiz", "50000").await;

    assert_eq!(
        propose(&admin, "10,000", "120,000", "1,000,000").await.status_code(),
        303
    );
    assert_eq!(
        threshold(&app).await,
        500_000,
        "a raise is not in force before a second admin"
    );
    let page = admin.get("/admin/grants/settings").await.text();
    assert!(page.contains("a different admin confirms it"), "the proposer is told");
    assert!(
        field_value(&page, "threshold_cents").is_none(),
        "and offered no way to confirm"
    );
    let own = admin
        .post("/admin/grants/settings/confirm")
        .form(&[
            ("minimum_cents", "1000000"),
            ("target_cents", "12000000"),
            ("threshold_cents", "100000000"),
        ])
        .await;
    assert_eq!(own.status_code(), 403, "nobody confirms their own proposal");
    assert_eq!(threshold(&app).await, 500_000);

    assert_eq!(approve(&admin, id, "50,000", "").await.status_code(), 303);
    assert_eq!(propose(&admin, "10,000", "120,000", "5,000").await.status_code(), 303);
    assert_eq!(status_of(&app, id).await, "awaiting_second_approval");
    assert_eq!(
        app.count("select count(*) from grant_applications where recipient_number is not null")
            .await,
        0,
        "the 50,000 dollars do not count"
    );
    let home = app.browser().get("/grants").await.text();
    assert_eq!(text_of(&home, "given-this-year").as_deref(), Some("$0.00"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_second_admin_sees_the_proposal_and_confirms_it_and_the_trail_says_so(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (first, first_id) = app.signed_in(Role::Admin).await;
    let (second, second_id) = another_admin(&app, "second@example.org").await;
    assert_eq!(propose(&first, "12,500", "150,000", "2,000").await.status_code(), 303);

    let seen = second.get("/admin/grants/settings").await.text();
    assert_eq!(text_of(&seen, "proposed-minimum").as_deref(), Some("$12,500.00"));
    assert_eq!(text_of(&seen, "proposed-threshold").as_deref(), Some("$2,000.00"));
    assert!(seen.contains("Ada Admin proposed"), "the proposer is named");
    assert!(
        second
            .get("/admin/grants")
            .await
            .text()
            .contains("waits for a second admin"),
        "the dashboard shows the waiting change"
    );

    let confirmed = confirm_settings(&second).await;
    assert_eq!(confirmed.status_code(), 303);
    assert_eq!(threshold(&app).await, 200_000);
    assert_eq!(
        app.count("select monthly_minimum_cents from grant_settings").await,
        1_250_000
    );
    let (by, of): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("select updated_by, confirmed_proposal_of from grant_settings")
            .fetch_one(&app.pool)
            .await
            .expect("settings");
    assert_eq!((by, of), (second_id, first_id));
    for action in ["grant.settings_proposed", "grant.settings_changed"] {
        assert_eq!(
            app.count(sqlx::AssertSqlSafe(format!(
                "select count(*) from audit_log where action = '{action}'"
            )))
            .await,
            1,
            "{action}"
        );
    }
    let again = second
        .post("/admin/grants/settings/confirm")
        .form(&[
            ("minimum_cents", "1250000"),
            ("target_cents", "15000000"),
            ("threshold_cents", "200000"),
        ])
        .await;
    assert_eq!(again.status_code(), 409, "nothing waits any more");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn only_the_change_that_was_shown_can_be_confirmed_and_a_withdrawn_one_never(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (first, _) = app.signed_in(Role::Admin).await;
    let (second, _) = another_admin(&app, "second@example.org").await;
    assert_eq!(propose(&first, "10,000", "120,000", "6,000").await.status_code(), 303);
    let shown = second.get("/admin/grants/settings").await.text();
    // The proposer swaps the proposal for a bigger one after the second admin looked.
    assert_eq!(propose(&first, "10,000", "120,000", "900,000").await.status_code(), 303);
    let seen = [
        (
            "minimum_cents",
            field_value(&shown, "minimum_cents").unwrap_or_default(),
        ),
        ("target_cents", field_value(&shown, "target_cents").unwrap_or_default()),
        (
            "threshold_cents",
            field_value(&shown, "threshold_cents").unwrap_or_default(),
        ),
    ];
    assert_eq!(seen[2].1, "600000");
    let stale = second.post("/admin/grants/settings/confirm").form(&seen).await;
    assert_eq!(stale.status_code(), 409);
    assert_eq!(threshold(&app).await, 500_000);

    let now_shown = second.get("/admin/grants/settings").await.text();
    let withdrawn = first.post("/admin/grants/settings/withdraw").await;
    assert_eq!(withdrawn.status_code(), 303);
    let late = second
        .post("/admin/grants/settings/confirm")
        .form(&[
            (
                "minimum_cents",
                field_value(&now_shown, "minimum_cents").unwrap_or_default(),
            ),
            (
                "target_cents",
                field_value(&now_shown, "target_cents").unwrap_or_default(),
            ),
            (
                "threshold_cents",
                field_value(&now_shown, "threshold_cents").unwrap_or_default(),
            ),
        ])
        .await;
    assert_eq!(late.status_code(), 409, "a withdrawn change cannot be confirmed");
    assert_eq!(threshold(&app).await, 500_000);
    let garbled = second
        .post("/admin/grants/settings/confirm")
        .form(&[
            ("minimum_cents", "lots"),
            ("target_cents", ""),
            ("threshold_cents", "<b>"),
        ])
        .await;
    assert_eq!(garbled.status_code(), 400);
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'grant.settings_withdrawn'")
            .await,
        1
    );
}
