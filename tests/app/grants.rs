//! Grant applications: the public form with its spam guards, staff entering and
//! shortlisting, and the helpers the other grant tests share.

use axum_test::TestServer;
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{PASSWORD, Role, TestApp, field_value, location, page_text, text_of, with};

/// A complete, valid application; tests change the fields they are about.
pub fn application(recipient: &str, amount: &str) -> Vec<(String, String)> {
    [
        ("kind", "injury"),
        ("recipient_name", recipient),
        ("rank_title", "Officer"),
        ("service", "police"),
        ("agency", "Orlando Police Department"),
        ("agency_place", "Orlando, FL"),
        ("injury_date", "2026-10-04"),
        (
            "circumstances",
            "Struck by a car while directing traffic; months of rehabilitation.",
        ),
        ("amount_requested", amount),
        ("nominator_name", "Pat Partner"),
        ("nominator_relationship", "Partner on patrol"),
        ("contact_phone", "(407) 555-0142"),
        ("contact_email", "pat@example.org"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Another signed-in admin, with an email of its own.
pub async fn another_admin(app: &TestApp, email: &str) -> (TestServer, Uuid) {
    let id = app.create_user(email, "Other Admin", Role::Admin).await;
    (app.sign_in_as(email).await, id)
}

/// Enters an application through the staff form and returns its id.
pub async fn enter(staff: &TestServer, form: &[(String, String)]) -> Uuid {
    let response = staff.post("/staff/grants").form(form).await;
    assert_eq!(response.status_code(), 303, "saved: {}", page_text(&response.text()));
    location(&response)
        .trim_start_matches("/staff/grants/")
        .parse()
        .expect("redirect to the application")
}

/// Enters and shortlists an application, ready for an admin.
pub async fn shortlisted(staff: &TestServer, recipient: &str, amount: &str) -> Uuid {
    let id = enter(staff, &application(recipient, amount)).await;
    let response = staff.post(&format!("/staff/grants/{id}/shortlist")).await;
    assert_eq!(response.status_code(), 303);
    id
}

/// Approves as an admin would: amount, month, and their password typed again.
pub async fn approve(admin: &TestServer, id: Uuid, amount: &str, month: &str) -> axum_test::TestResponse {
    admin
        .post(&format!("/admin/grants/{id}/approve"))
        .form(&[("amount", amount), ("month", month), ("password", PASSWORD)])
        .await
}

/// Confirms another admin's approval, with the password typed again.
pub async fn confirm(admin: &TestServer, id: Uuid) -> axum_test::TestResponse {
    admin
        .post(&format!("/admin/grants/{id}/confirm"))
        .form(&[("password", PASSWORD)])
        .await
}

pub async fn status_of(app: &TestApp, id: Uuid) -> String {
    sqlx::query_scalar("select status::text from grant_applications where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("application")
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_visitor_applies_and_gets_a_reference_number(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser();
    let form = visitor.get("/grants/apply").await;
    assert_eq!(form.status_code(), 200);
    assert!(
        form.text().contains(r#"<div hidden>"#),
        "the honeypot is hidden from people"
    );

    let response = visitor
        .post("/grants/apply")
        .form(&application("Dana Reyes", "$12,000"))
        .await;
    assert_eq!(response.status_code(), 303);
    assert_eq!(location(&response), "/grants/apply/received");
    let received = visitor.get("/grants/apply/received").await.text();
    assert_eq!(text_of(&received, "reference").as_deref(), Some("G-2026-000001"));

    let (amount, entered_by): (i64, Option<Uuid>) =
        sqlx::query_as("select amount_requested_cents, entered_by from grant_applications")
            .fetch_one(&app.pool)
            .await
            .expect("saved");
    assert_eq!((amount, entered_by), (1_200_000, None));
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'grant.submitted' and actor_id is null")
            .await,
        1
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn mistakes_come_back_beside_their_fields_with_what_was_typed(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser();
    let cases = [
        ("amount_requested", "-500", "Amount asked for cannot be negative."),
        ("amount_requested", "0", "Amount asked for must be more than zero."),
        (
            "amount_requested",
            "12.345",
            "Amount asked for cannot have fractions of a cent.",
        ),
        (
            "amount_requested",
            "2,000,000",
            "Amount asked for must be at most $1,000,000.00; check for a typo.",
        ),
        (
            "amount_requested",
            "lots",
            "Amount asked for must be an amount in dollars, like 12,000 or 12000.50.",
        ),
        ("injury_date", "", "Date of the injury is required."),
        (
            "injury_date",
            "2026-12-01",
            "Date of the injury cannot be in the future.",
        ),
        ("recipient_name", "", "Recipient's name is required."),
        ("kind", "lottery", "Choose what the grant is for."),
        ("contact_email", "not-an-email", ""),
    ];
    for (field, value, message) in cases {
        let response = visitor
            .post("/grants/apply")
            .form(&with(application("Dana Reyes", "5000"), field, value))
            .await;
        assert_eq!(response.status_code(), 422, "{field}={value}");
        let html = response.text();
        let shown = text_of(&html, &format!("{field}-error")).unwrap_or_default();
        assert!(!shown.is_empty() && shown.contains(message), "{field}={value}: {shown}");
        assert_eq!(
            field_value(&html, "agency").as_deref(),
            Some("Orlando Police Department")
        );
    }
    let neither = with(
        with(application("Dana Reyes", "5000"), "contact_phone", ""),
        "contact_email",
        "",
    );
    let response = visitor.post("/grants/apply").form(&neither).await;
    assert_eq!(response.status_code(), 422);
    assert!(text_of(&response.text(), "contact_phone-error").is_some_and(|m| m.contains("phone number or an email")));
    assert_eq!(app.count("select count(*) from grant_applications").await, 0);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_filled_honeypot_saves_nothing(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let response = app
        .browser()
        .post("/grants/apply")
        .form(&with(
            application("Bot Botson", "5000"),
            "website",
            "http://spam.example",
        ))
        .await;
    assert_eq!(response.status_code(), 422);
    assert!(text_of(&response.text(), "refusal").is_some_and(|m| m.contains("nothing was saved")));
    assert_eq!(app.count("select count(*) from grant_applications").await, 0);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn one_address_may_send_five_applications_per_quarter_hour(pool: PgPool) {
    let app = TestApp::new(pool).await;
    for i in 0..5 {
        let response = app
            .browser()
            .post("/grants/apply")
            .form(&application(&format!("Person {i}"), "5000"))
            .await;
        assert_eq!(response.status_code(), 303, "application {i}");
    }
    let refused = app
        .browser()
        .post("/grants/apply")
        .form(&application("Person 6", "5000"))
        .await;
    assert_eq!(refused.status_code(), 429);
    let html = refused.text();
    assert!(text_of(&html, "refusal").is_some_and(|m| m.contains("wait 15 minutes")));
    assert_eq!(field_value(&html, "recipient_name").as_deref(), Some("Person 6"));
    assert_eq!(app.count("select count(*) from grant_applications").await, 5);

    app.clock.advance(chrono::Duration::minutes(16));
    let later = app
        .browser()
        .post("/grants/apply")
        .form(&application("Person 6", "5000"))
        .await;
    assert_eq!(later.status_code(), 303);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn staff_enter_review_note_and_shortlist(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, staff_id) = app.signed_in(Role::Staff).await;
    let id = enter(&staff, &application("Lee Morgan", "7,500.50")).await;
    let page = staff.get(&format!("/staff/grants/{id}")).await.text();
    let text = page_text(&page);
    assert!(text.contains("G-2026-000001: Officer Lee Morgan"), "{text}");
    assert!(text.contains("$7,500.50") && text.contains("entered by Sam Staff"));

    let empty = staff
        .post(&format!("/staff/grants/{id}/notes"))
        .form(&[("note", " ")])
        .await;
    assert_eq!(empty.status_code(), 422);
    assert_eq!(
        text_of(&empty.text(), "note-error").as_deref(),
        Some("Note is required.")
    );
    let noted = staff
        .post(&format!("/staff/grants/{id}/notes"))
        .form(&[("note", "Called the agency: injury confirmed.")])
        .await;
    assert_eq!(noted.status_code(), 303);

    let queue = page_text(&staff.get("/staff/grants").await.text());
    assert!(
        queue.contains("New, to review (1)") && queue.contains("Lee Morgan"),
        "{queue}"
    );
    assert_eq!(
        staff.post(&format!("/staff/grants/{id}/shortlist")).await.status_code(),
        303
    );
    assert_eq!(status_of(&app, id).await, "shortlisted");
    let again = staff.post(&format!("/staff/grants/{id}/shortlist")).await;
    assert_eq!(again.status_code(), 303);
    let page = page_text(&staff.get(&format!("/staff/grants/{id}")).await.text());
    assert!(page.contains("Only a new application can be shortlisted"));
    assert!(page.contains("injury confirmed") && page.contains("Shortlisted by"));
    assert!(!page.contains("Approve"), "staff see no approval form");

    let shortlisted_by: Option<Uuid> = sqlx::query_scalar("select shortlisted_by from grant_applications")
        .fetch_one(&app.pool)
        .await
        .expect("row");
    assert_eq!(shortlisted_by, Some(staff_id));
    assert_eq!(
        app.count(
            "select count(*) from audit_log where action in ('grant.entered', 'grant.note_added', 'grant.shortlisted')"
        )
        .await,
        3
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn hostile_text_is_shown_as_text(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let hostile = r#"<script>alert("x")</script><img src=x onerror=alert(1)>"#;
    let form = with(
        with(application(hostile, "4000"), "circumstances", hostile),
        "consent_to_name",
        "on",
    );
    let id = enter(&staff, &form).await;
    staff
        .post(&format!("/staff/grants/{id}/notes"))
        .form(&[("note", hostile)])
        .await;
    staff.post(&format!("/staff/grants/{id}/shortlist")).await;
    assert_eq!(approve(&admin, id, "4000", "").await.status_code(), 303);
    for (browser, url) in [
        (&staff, format!("/staff/grants/{id}")),
        (&staff, "/staff/grants".to_string()),
        (&admin, "/admin/grants".to_string()),
        (&app.browser(), "/grants".to_string()),
    ] {
        let html = browser.get(&url).await.text();
        assert!(!html.contains("<script>alert"), "{url} runs the script");
        assert!(!html.contains("<img src=x"), "{url} shows the image");
        assert!(
            html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"),
            "{url} shows the text"
        );
    }
}
