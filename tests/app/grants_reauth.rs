//! Approving asks the admin to enter their password again: the approval and the
//! second admin's confirmation are refused beside the password field, with 422,
//! when it is empty or wrong, and nothing is written.

use sqlx::PgPool;
use uuid::Uuid;

use crate::grants::{another_admin, approve, confirm, shortlisted, status_of};
use crate::helpers::{Role, TestApp, field_value, text_of};

/// What an approval or confirmation would have written.
async fn written(app: &TestApp, id: Uuid) -> (i64, i64, String) {
    let decisions = app
        .count(
            "select count(*) from audit_log
             where action in ('grant.approved', 'grant.first_approval', 'grant.confirmed')",
        )
        .await;
    let numbers = app
        .count("select last_number::bigint from grant_recipient_counter")
        .await;
    (decisions, numbers, status_of(app, id).await)
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_approval_form_asks_for_the_password(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let id = shortlisted(&staff, "Kim Ortiz", "3000").await;
    let html = admin.get(&format!("/staff/grants/{id}")).await.text();
    assert!(
        html.contains(r#"<input id="password" name="password" type="password" value="""#),
        "an empty password field"
    );
    assert!(html.contains(r#"autocomplete="current-password""#));
    assert!(html.contains("Your password (asked again before an approval)"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_wrong_or_empty_password_refuses_the_approval(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let id = shortlisted(&staff, "Kim Ortiz", "3000").await;
    let before = written(&app, id).await;
    for (password, message) in [
        ("", "Enter your password to approve."),
        (
            "not my password at all",
            "This is not your password. Type it again to approve.",
        ),
    ] {
        let response = admin
            .post(&format!("/admin/grants/{id}/approve"))
            .form(&[("amount", "2,500"), ("month", "2026-10"), ("password", password)])
            .await;
        assert_eq!(response.status_code(), 422, "password {password:?}");
        let html = response.text();
        assert_eq!(text_of(&html, "password-error").as_deref(), Some(message));
        assert_eq!(
            field_value(&html, "amount").as_deref(),
            Some("2,500"),
            "what was typed stays"
        );
        assert_eq!(field_value(&html, "month").as_deref(), Some("2026-10"));
        assert_eq!(
            field_value(&html, "password").as_deref(),
            Some(""),
            "the password is never sent back"
        );
        assert!(!html.contains(password) || password.is_empty());
        assert_eq!(written(&app, id).await, before, "nothing written");
    }
    assert_eq!(status_of(&app, id).await, "shortlisted");
    // With the right password the same approval goes through.
    assert_eq!(approve(&admin, id, "2,500", "2026-10").await.status_code(), 303);
    assert_eq!(status_of(&app, id).await, "approved");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn mistakes_in_the_amount_and_the_password_show_together(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let id = shortlisted(&staff, "Kim Ortiz", "3000").await;
    let response = admin
        .post(&format!("/admin/grants/{id}/approve"))
        .form(&[("amount", "-5"), ("month", ""), ("password", "")])
        .await;
    assert_eq!(response.status_code(), 422);
    let html = response.text();
    assert!(text_of(&html, "amount-error").is_some_and(|m| m.contains("cannot be negative")));
    assert_eq!(
        text_of(&html, "password-error").as_deref(),
        Some("Enter your password to approve.")
    );
    assert_eq!(status_of(&app, id).await, "shortlisted");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_wrong_or_empty_password_refuses_the_confirmation(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (first, _) = app.signed_in(Role::Admin).await;
    let (second, _) = another_admin(&app, "second@example.org").await;
    let id = shortlisted(&staff, "Kim Ortiz", "12000").await;
    assert_eq!(approve(&first, id, "12,000", "").await.status_code(), 303);
    let page = second.get(&format!("/staff/grants/{id}")).await.text();
    assert!(page.contains(r#"<input id="password" name="password" type="password" value="""#));
    let before = written(&app, id).await;
    for (password, message) in [
        ("", "Enter your password to approve."),
        (
            "granite lantern orchard violet 43",
            "This is not your password. Type it again to approve.",
        ),
    ] {
        let response = second
            .post(&format!("/admin/grants/{id}/confirm"))
            .form(&[("password", password)])
            .await;
        assert_eq!(response.status_code(), 422, "password {password:?}");
        assert_eq!(text_of(&response.text(), "password-error").as_deref(), Some(message));
        assert_eq!(written(&app, id).await, before, "nothing written");
    }
    let no_field = second
        .post(&format!("/admin/grants/{id}/confirm"))
        .form(&[("x", "")])
        .await;
    assert_eq!(no_field.status_code(), 422, "a form without the field is refused too");
    assert_eq!(status_of(&app, id).await, "awaiting_second_approval");
    assert_eq!(confirm(&second, id).await.status_code(), 303);
    assert_eq!(status_of(&app, id).await, "approved");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn guessing_the_password_to_approve_locks_the_account_like_sign_in(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let id = shortlisted(&staff, "Kim Ortiz", "3000").await;
    let try_with = |password: &'static str| {
        admin.post(&format!("/admin/grants/{id}/approve")).form(&[
            ("amount", "2,500"),
            ("month", "2026-10"),
            ("password", password),
        ])
    };
    for _ in 0..10 {
        assert_eq!(try_with("a wrong guess here").await.status_code(), 422);
    }
    let locked = try_with(crate::helpers::PASSWORD).await;
    assert_eq!(locked.status_code(), 422);
    assert_eq!(
        text_of(&locked.text(), "password-error").as_deref(),
        Some("Too many wrong passwords: approving is paused for 15 minutes.")
    );
    assert_eq!(status_of(&app, id).await, "shortlisted", "nothing approved");
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'grant.password_refused'")
            .await,
        10
    );
    let sign_in = crate::helpers::sign_in(&app.browser(), "admin@example.org", crate::helpers::PASSWORD).await;
    assert_eq!(sign_in.status_code(), 429, "the account's sign-in is paused too");
}
