//! Cross-site request forgery, security headers and cookie flags.

use sqlx::PgPool;

use crate::helpers::{PASSWORD, Role, TestApp, test_config};

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_cross_site_post_is_refused_and_writes_nothing(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let before_audit = app.count("select count(*) from audit_log").await;

    let by_fetch_metadata = admin
        .post("/admin/users")
        .add_header("sec-fetch-site", "cross-site")
        .form(&[
            ("email", "evil@example.org"),
            ("display_name", "Evil"),
            ("role", "admin"),
        ])
        .await;
    assert_eq!(by_fetch_metadata.status_code(), 403);
    assert!(by_fetch_metadata.text().contains("sent from another site"));

    let by_origin = admin
        .post("/admin/users")
        .add_header("origin", "https://evil.example")
        .add_header("host", "127.0.0.1:3000")
        .form(&[
            ("email", "evil@example.org"),
            ("display_name", "Evil"),
            ("role", "admin"),
        ])
        .await;
    assert_eq!(by_origin.status_code(), 403);

    let login = app
        .browser()
        .post("/login")
        .add_header("sec-fetch-site", "cross-site")
        .form(&[("email", "admin@example.org"), ("password", PASSWORD)])
        .await;
    assert_eq!(login.status_code(), 403);

    assert_eq!(app.count("select count(*) from users").await, 1);
    assert_eq!(app.count("select count(*) from audit_log").await, before_audit);

    let same_origin = admin
        .post("/admin/users")
        .add_header("sec-fetch-site", "same-origin")
        .form(&[
            ("email", "friend@example.org"),
            ("display_name", "Friend"),
            ("role", "staff"),
        ])
        .await;
    assert_eq!(same_origin.status_code(), 303, "the program's own forms still work");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn every_response_carries_the_security_headers(pool: PgPool) {
    let app = TestApp::new(pool).await;
    for path in ["/", "/login", "/no/such/page", "/healthz", "/static/css/site.css"] {
        let response = app.browser().get(path).await;
        let header = |name: &str| {
            response
                .maybe_header(name)
                .and_then(|v| v.to_str().ok().map(str::to_string))
                .unwrap_or_default()
        };
        let csp = header("content-security-policy");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "same-origin", "{path}");
        assert!(!header("x-request-id").is_empty(), "{path} has a request id");
        assert!(
            header("strict-transport-security").is_empty(),
            "no HSTS over plain http"
        );
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn signed_in_pages_are_never_stored(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    for path in ["/staff", "/", "/account/password"] {
        let response = staff.get(path).await;
        assert_eq!(response.header("cache-control"), "no-store", "{path}");
    }
    assert_eq!(app.browser().get("/login").await.header("cache-control"), "no-store");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn over_https_cookies_are_secure_and_hsts_is_sent(pool: PgPool) {
    let config = test_config(&[
        ("PUBLIC_URL", "https://honormile.example.org"),
        ("COOKIE_SECURE", "true"),
    ]);
    let app = TestApp::with_config(pool, config).await;
    app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    let response = app
        .browser()
        .post("/login")
        .form(&[("email", "staff@example.org"), ("password", PASSWORD)])
        .await;
    assert_eq!(response.status_code(), 303);
    let set_cookie = response.header("set-cookie").to_str().expect("ascii").to_string();
    assert!(set_cookie.starts_with("__Host-honor_mile_session="), "{set_cookie}");
    for flag in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(flag), "cookie has {flag}: {set_cookie}");
    }
    assert!(
        !set_cookie.to_lowercase().contains("domain="),
        "a __Host- cookie has no Domain"
    );
    assert!(
        response
            .header("strict-transport-security")
            .to_str()
            .expect("ascii")
            .starts_with("max-age=")
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn get_requests_never_sign_out_or_change_anything(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let response = staff.get("/logout").await;
    assert_eq!(response.status_code(), 405);
    assert_eq!(staff.get("/staff").await.status_code(), 200, "still signed in");
}
