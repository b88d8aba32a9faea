//! Who may open what: every staff and admin URL, for a visitor and for staff.

use axum::http::Method;
use sqlx::PgPool;

use crate::helpers::{Role, TestApp, location};

/// Every signed-in route, with the role it needs. `{id}` is replaced by a real account.
const ROUTES: &[(Method, &str, Role)] = &[
    (Method::GET, "/staff", Role::Staff),
    (Method::GET, "/account/password", Role::Staff),
    (Method::POST, "/account/password", Role::Staff),
    (Method::GET, "/admin/users", Role::Admin),
    (Method::POST, "/admin/users", Role::Admin),
    (Method::GET, "/admin/users/new", Role::Admin),
    (Method::GET, "/admin/users/{id}", Role::Admin),
    (Method::POST, "/admin/users/{id}/role", Role::Admin),
    (Method::POST, "/admin/users/{id}/deactivate", Role::Admin),
    (Method::POST, "/admin/users/{id}/activate", Role::Admin),
    (Method::POST, "/admin/users/{id}/reset", Role::Admin),
    (Method::GET, "/admin/audit", Role::Admin),
];

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn every_signed_in_url_sends_a_visitor_to_sign_in(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let target = app.create_user("target@example.org", "Tara Target", Role::Staff).await;
    let visitor = app.browser();
    for (method, path, _) in ROUTES {
        let path = path.replace("{id}", &target.to_string());
        let response = visitor.method(method.clone(), &path).form(&[("role", "admin")]).await;
        assert_eq!(response.status_code(), 303, "{method} {path}");
        assert!(location(&response).starts_with("/login?next="), "{method} {path}");
    }
    let role: String = sqlx::query_scalar("select role::text from users where id = $1")
        .bind(target)
        .fetch_one(&app.pool)
        .await
        .expect("target row");
    assert_eq!(role, "staff", "nothing changed");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn every_admin_url_refuses_staff(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let target = app.create_user("target@example.org", "Tara Target", Role::Staff).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    for (method, path, role) in ROUTES {
        let path = path.replace("{id}", &target.to_string());
        let response = staff
            .method(method.clone(), &path)
            .form(&[("role", "admin"), ("email", "x@example.org"), ("display_name", "X")])
            .await;
        if *role == Role::Admin {
            assert_eq!(response.status_code(), 403, "{method} {path}");
            assert!(
                response.text().contains("Not allowed"),
                "{method} {path} shows the 403 page"
            );
        } else {
            assert_ne!(response.status_code(), 403, "{method} {path} is for staff");
        }
    }
    assert_eq!(
        app.count("select count(*) from users").await,
        2,
        "no account was created"
    );
    assert_eq!(
        app.count("select count(*) from users where active and role = 'staff'")
            .await,
        2
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn every_admin_url_opens_for_an_admin(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let target = app.create_user("target@example.org", "Tara Target", Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    for (method, path, _) in ROUTES.iter().filter(|(m, _, _)| *m == Method::GET) {
        let path = path.replace("{id}", &target.to_string());
        assert_eq!(admin.method(method.clone(), &path).await.status_code(), 200, "{path}");
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn navigation_fits_the_viewers_role(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser().get("/").await.text();
    assert!(visitor.contains("Staff sign-in"));
    assert!(!visitor.contains("/admin/users"));

    let (staff, _) = app.signed_in(Role::Staff).await;
    let staff_page = staff.get("/").await.text();
    assert!(staff_page.contains("Staff desk") && staff_page.contains("Sign out"));
    assert!(!staff_page.contains("/admin/users"));

    let (admin, _) = app.signed_in(Role::Admin).await;
    let admin_page = admin.get("/").await.text();
    assert!(admin_page.contains("/admin/users") && admin_page.contains("/admin/audit"));
}
