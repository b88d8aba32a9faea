//! Admin account management: invitations with bad input, roles, deactivation.

use sqlx::PgPool;

use crate::helpers::{Role, TestApp, location, text_of};

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_invitation_with_mistakes_comes_back_with_messages(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let long_name = "N".repeat(101);
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        ("", "Nia New", "staff", "email-error", "Email is required."),
        (
            "not-an-email",
            "Nia New",
            "staff",
            "email-error",
            "Enter an email address like name@example.org.",
        ),
        (
            "a@b@example.org",
            "Nia New",
            "staff",
            "email-error",
            "Enter an email address like name@example.org.",
        ),
        (
            "new@example.org",
            "",
            "staff",
            "display_name-error",
            "Name is required.",
        ),
        (
            "new@example.org",
            &long_name,
            "staff",
            "display_name-error",
            "Name must be at most 100 characters.",
        ),
        (
            "new@example.org",
            "Nia\u{7}New",
            "staff",
            "display_name-error",
            "Name contains invisible control characters; please retype it.",
        ),
        (
            "new@example.org",
            "Nia New",
            "superuser",
            "role-error",
            "Choose staff or admin.",
        ),
        (
            "ADMIN@example.org",
            "Someone",
            "staff",
            "email-error",
            "An account with this email already exists.",
        ),
    ];
    for (email, name, role, field, message) in cases {
        let response = admin
            .post("/admin/users")
            .form(&[("email", *email), ("display_name", *name), ("role", *role)])
            .await;
        assert_eq!(response.status_code(), 422, "{email:?} {name:?} {role:?}");
        assert_eq!(text_of(&response.text(), field).as_deref(), Some(*message));
    }
    assert_eq!(app.count("select count(*) from users").await, 1, "nothing was saved");
    assert_eq!(app.count("select count(*) from account_tokens").await, 0);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn hostile_html_in_a_name_is_stored_as_typed_and_shown_escaped(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let hostile = "<script>alert(1)</script>\u{202e}";
    let response = admin
        .post("/admin/users")
        .form(&[
            ("email", "odd@example.org"),
            ("display_name", hostile),
            ("role", "staff"),
        ])
        .await;
    assert_eq!(response.status_code(), 303);
    let stored: String = sqlx::query_scalar("select display_name from users where email = 'odd@example.org'")
        .fetch_one(&app.pool)
        .await
        .expect("row");
    assert_eq!(stored, hostile);
    for page in [
        location(&response),
        "/admin/users".to_string(),
        "/admin/audit".to_string(),
    ] {
        let html = admin.get(&page).await.text();
        assert!(!html.contains("<script>alert(1)"), "{page} must escape the name");
        assert!(
            crate::helpers::page_text(&html).contains("<script>alert(1)</script>"),
            "{page} shows it as text"
        );
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_admin_changes_a_role_and_the_person_signs_in_again(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, staff_id) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let response = admin
        .post(&format!("/admin/users/{staff_id}/role"))
        .form(&[("role", "admin")])
        .await;
    assert_eq!(response.status_code(), 303);
    assert!(
        admin
            .get(&location(&response))
            .await
            .text()
            .contains("Sam Staff is now Admin.")
    );
    assert_eq!(
        staff.get("/staff").await.status_code(),
        303,
        "the old session carried the old role"
    );
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'account.role_changed'")
            .await,
        1
    );

    let bad = admin
        .post(&format!("/admin/users/{staff_id}/role"))
        .form(&[("role", "owner")])
        .await;
    assert!(
        admin
            .get(&location(&bad))
            .await
            .text()
            .contains("Choose staff or admin.")
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_admin_cannot_demote_or_deactivate_themselves(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, admin_id) = app.signed_in(Role::Admin).await;
    let response = admin
        .post(&format!("/admin/users/{admin_id}/role"))
        .form(&[("role", "staff")])
        .await;
    assert!(
        admin
            .get(&location(&response))
            .await
            .text()
            .contains("You cannot change your own role")
    );
    let response = admin.post(&format!("/admin/users/{admin_id}/deactivate")).await;
    assert!(
        admin
            .get(&location(&response))
            .await
            .text()
            .contains("You cannot deactivate your own account.")
    );
    assert_eq!(
        app.count("select count(*) from users where role = 'admin' and active")
            .await,
        1
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_deactivated_account_can_be_reactivated(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let staff_id = app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    admin.post(&format!("/admin/users/{staff_id}/deactivate")).await;
    assert!(admin.get("/admin/users").await.text().contains("Deactivated"));
    admin.post(&format!("/admin/users/{staff_id}/activate")).await;
    assert_eq!(
        crate::helpers::sign_in(&app.browser(), "staff@example.org", crate::helpers::PASSWORD)
            .await
            .status_code(),
        303
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_unknown_account_is_a_404(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let missing = uuid::Uuid::now_v7();
    assert_eq!(admin.get(&format!("/admin/users/{missing}")).await.status_code(), 404);
    assert_eq!(admin.get("/admin/users/not-a-uuid").await.status_code(), 404);
}
