//! The second factor, as people meet it: setting up an authenticator app with the
//! code it shows (computed here from the secret on the page and the test clock),
//! signing in with a code or a recovery code, wrong, reused and old codes, the
//! lockout, admins made to enrol, and the actions that need a recent code.

use axum_test::TestServer;
use chrono::{DateTime, Duration, Utc};
use honor_mile::clock::Clock;
use sqlx::PgPool;

use crate::grants::{approve, shortlisted, status_of};
use crate::helpers::{
    PASSWORD, Role, TestApp, field_value, follow, location, page_text, recovery_codes_in, sign_in, text_of, totp_code,
};

const STAFF: &str = "staff@example.org";
const ADMIN: &str = "admin@example.org";

/// The password step of signing in, which for an enrolled account leads to the code step.
async fn password_step(app: &TestApp, email: &str) -> TestServer {
    let browser = app.browser();
    let response = sign_in(&browser, email, PASSWORD).await;
    assert_eq!(response.status_code(), 303);
    assert_eq!(location(&response), "/login/code", "the code is asked next");
    browser
}

async fn send_code(browser: &TestServer, code: &str) -> axum_test::TestResponse {
    browser.post("/login/code").form(&[("code", code)]).await
}

/// Staff signed in and enrolled through the pages; returns their recovery codes.
async fn enrolled_staff(app: &TestApp) -> (TestServer, Vec<String>) {
    let (staff, _) = app.signed_in(Role::Staff).await;
    let codes = app.enrol(&staff, STAFF).await;
    (staff, codes)
}

fn code_at(app: &TestApp, email: &str, time: DateTime<Utc>) -> String {
    totp_code(&app.secret_of(email), time)
}

async fn refused_codes(app: &TestApp) -> i64 {
    app.count("select count(*) from audit_log where action = 'second_factor.code_refused'")
        .await
}

#[test]
fn the_test_phone_computes_rfc_6238_codes() {
    // RFC 6238 appendix B, SHA-1, secret "12345678901234567890", last 6 digits.
    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let at = |t: i64| DateTime::from_timestamp(t, 0).expect("time");
    assert_eq!(totp_code(secret, at(59)), "287082");
    assert_eq!(totp_code(secret, at(1_111_111_109)), "081804");
    assert_eq!(totp_code(secret, at(2_000_000_000)), "279037");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn staff_enrol_with_a_qr_code_and_then_sign_in_with_a_code(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let page = staff.get("/account/second-factor").await.text();
    assert!(page_text(&page).contains("You have no second factor"));

    let enrol = staff.get("/account/second-factor/enrol").await.text();
    assert!(enrol.contains(r#"src="data:image/png;base64,"#), "an inline QR code");
    assert!(enrol.contains(r#"alt="QR code that adds Honor Mile (staff@example.org)"#));
    let secret = text_of(&enrol, "secret").expect("the secret as text");
    assert_eq!(
        secret.split_whitespace().collect::<String>().len(),
        32,
        "160 bits in base32"
    );
    let again = staff.get("/account/second-factor/enrol").await.text();
    assert_eq!(
        text_of(&again, "secret"),
        Some(secret.clone()),
        "a reload keeps the secret"
    );

    // A code from a different secret is refused and nothing is stored.
    let wrong = staff
        .post("/account/second-factor/enrol")
        .form(&[(
            "code",
            totp_code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", app.clock.now()).as_str(),
        )])
        .await;
    assert_eq!(wrong.status_code(), 422);
    assert!(text_of(&wrong.text(), "code-error").is_some_and(|m| m.contains("does not match")));
    assert_eq!(app.count("select count(*) from second_factors").await, 0);

    let code = totp_code(&secret, app.clock.now());
    let done = staff
        .post("/account/second-factor/enrol")
        .form(&[("code", code.as_str()), ("password", PASSWORD)])
        .await;
    assert_eq!(done.status_code(), 303);
    assert_eq!(location(&done), "/account/second-factor/recovery-codes");
    let shown = follow(&staff, &done).await.text();
    let codes = recovery_codes_in(&shown);
    assert_eq!(codes.len(), 10);
    // About 119 random bits each: 24 characters of 31, in groups of four.
    for code in &codes {
        let compact: String = code.chars().filter(|c| *c != '-').collect();
        assert_eq!(compact.len(), 24, "{code}");
        assert!(
            compact.bytes().all(|b| b"abcdefghjkmnpqrstuvwxyz23456789".contains(&b)),
            "{code}"
        );
    }
    assert_eq!(
        codes.iter().collect::<std::collections::BTreeSet<_>>().len(),
        10,
        "all different"
    );
    assert!(page_text(&shown).contains("shown only this once"));
    let later = staff.get("/account/second-factor/recovery-codes").await;
    assert_eq!(later.status_code(), 303, "the codes are not shown again");
    assert!(recovery_codes_in(&later.text()).is_empty());

    assert_eq!(app.count("select count(*) from second_factors").await, 1);
    assert_eq!(
        app.count("select count(*) from recovery_codes where length(code_hash) = 32 and used_at is null")
            .await,
        10,
        "stored hashed"
    );
    for code in &codes {
        let plain = app
            .count(sqlx::AssertSqlSafe(format!(
                "select count(*) from recovery_codes where position(convert_to('{}', 'UTF8') in code_hash) > 0",
                code.replace('-', "")
            )))
            .await;
        assert_eq!(plain, 0, "no code is stored as itself");
    }
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'second_factor.enrolled'")
            .await,
        1
    );
    let status = staff.get("/account/second-factor").await.text();
    assert!(text_of(&status, "factor-status").is_some_and(|s| s.contains("10 of 10 recovery codes unused")));

    // Signing in now asks for the code, and the password alone opens nothing.
    app.clock.advance(Duration::seconds(60));
    let browser = password_step(&app, STAFF).await;
    let desk = browser.get("/staff").await;
    assert_eq!(desk.status_code(), 303);
    assert!(location(&desk).starts_with("/login?next="), "not signed in yet");
    let form = browser.get("/login/code").await.text();
    assert!(form.contains(r#"autocomplete="one-time-code""#));
    let response = send_code(&browser, &totp_code(&secret, app.clock.now())).await;
    assert_eq!(response.status_code(), 303);
    assert_eq!(location(&response), "/staff");
    assert_eq!(browser.get("/staff").await.status_code(), 200);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn wrong_reused_and_old_codes_are_refused_and_audited(pool: PgPool) {
    let app = TestApp::new(pool).await;
    enrolled_staff(&app).await;
    let enrolled_at = app.clock.now();
    let browser = password_step(&app, STAFF).await;

    // The code that proved the app at enrolment cannot be used again.
    let reused = send_code(&browser, &code_at(&app, STAFF, enrolled_at)).await;
    assert_eq!(reused.status_code(), 422);
    assert_eq!(
        text_of(&reused.text(), "code-error").as_deref(),
        Some("This code has already been used. Wait for the next code in your app.")
    );
    let correct = code_at(&app, STAFF, enrolled_at);
    let wrong = if correct == "000000" { "111111" } else { "000000" };
    let response = send_code(&browser, wrong).await;
    assert_eq!(response.status_code(), 422);
    assert_eq!(
        text_of(&response.text(), "code-error").as_deref(),
        Some("This code is not right. Type the code your app shows now.")
    );
    // A code two minutes old is past the allowed drift of one step.
    app.clock.advance(Duration::minutes(2));
    let old = send_code(&browser, &code_at(&app, STAFF, enrolled_at)).await;
    assert_eq!(old.status_code(), 422);
    assert_eq!(refused_codes(&app).await, 3, "each refusal is in the trail");
    assert_eq!(
        app.count("select count(*) from login_throttle where key = 'email:staff@example.org' and failures = 3")
            .await,
        1,
        "and counts with the sign-in failures"
    );
    assert_eq!(browser.get("/staff").await.status_code(), 303, "still not signed in");

    // The code of the next step (a clock a little fast) is accepted, once.
    let next = code_at(&app, STAFF, app.clock.now() + Duration::seconds(30));
    assert_eq!(send_code(&browser, &next).await.status_code(), 303);
    let other = password_step(&app, STAFF).await;
    assert_eq!(send_code(&other, &next).await.status_code(), 422, "not twice");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_recovery_code_works_once(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, codes) = enrolled_staff(&app).await;
    let browser = password_step(&app, STAFF).await;
    let typed = codes[3].to_uppercase();
    assert_eq!(send_code(&browser, &typed).await.status_code(), 303, "case is ignored");
    assert_eq!(browser.get("/staff").await.status_code(), 200);
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'second_factor.recovery_code_used'")
            .await,
        1
    );
    let status = browser.get("/account/second-factor").await.text();
    assert!(text_of(&status, "factor-status").is_some_and(|s| s.contains("9 of 10")));

    let again = password_step(&app, STAFF).await;
    let response = send_code(&again, &codes[3]).await;
    assert_eq!(response.status_code(), 422, "a used recovery code is refused");
    assert_eq!(
        send_code(&again, &codes[4]).await.status_code(),
        303,
        "another one works"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn new_recovery_codes_replace_the_old_ones(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, old) = enrolled_staff(&app).await;
    let response = staff
        .post("/account/second-factor/recovery-codes")
        .form(&[("code", "")])
        .await;
    assert_eq!(response.status_code(), 303, "the factor was proven moments ago");
    let new = recovery_codes_in(&follow(&staff, &response).await.text());
    assert_eq!(new.len(), 10);
    assert!(new.iter().all(|c| !old.contains(c)));
    assert_eq!(app.count("select count(*) from recovery_codes").await, 10);

    let browser = password_step(&app, STAFF).await;
    assert_eq!(
        send_code(&browser, &old[0]).await.status_code(),
        422,
        "old codes stop working"
    );
    assert_eq!(send_code(&browser, &new[0]).await.status_code(), 303);

    // Later, making new codes asks for a code first.
    app.clock.advance(Duration::minutes(11));
    let page = browser.get("/account/second-factor").await.text();
    assert!(page.contains(r#"id="regenerate-code""#));
    let refused = browser
        .post("/account/second-factor/recovery-codes")
        .form(&[("code", "")])
        .await;
    assert_eq!(refused.status_code(), 422);
    assert!(text_of(&refused.text(), "regenerate-code-error").is_some());
    assert_eq!(
        app.count("select count(*) from recovery_codes where used_at is null")
            .await,
        9,
        "nothing replaced"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_admin_must_enrol_before_anything_else(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user(ADMIN, "Ada Admin", Role::Admin).await;
    let admin = app.browser();
    assert_eq!(sign_in(&admin, ADMIN, PASSWORD).await.status_code(), 303);
    for path in ["/staff", "/admin/users", "/account/second-factor", "/"] {
        let response = admin.get(path).await;
        assert_eq!(response.status_code(), 303, "{path}");
        assert_eq!(location(&response), "/account/second-factor/enrol", "{path}");
    }
    let invite = admin
        .post("/admin/users")
        .form(&[("email", "new@example.org"), ("display_name", "New"), ("role", "admin")])
        .await;
    assert_eq!(location(&invite), "/account/second-factor/enrol");
    assert_eq!(app.count("select count(*) from users").await, 1, "nothing was done");
    let page = admin.get("/account/second-factor/enrol").await;
    assert_eq!(page.status_code(), 200);
    assert!(page_text(&page.text()).contains("Admins need a second factor"));
    assert!(
        !page.text().contains(r#"href="/admin/users""#),
        "no links to pages that are not open yet"
    );
    assert!(page.text().contains(r#"action="/logout""#), "but signing out is");
    app.enrol(&admin, ADMIN).await;
    assert_eq!(admin.get("/admin/users").await.status_code(), 200);

    // Signing out works before enrolling too.
    let second = app.create_user("second@example.org", "Bo Admin", Role::Admin).await;
    let bo = app.browser();
    sign_in(&bo, "second@example.org", PASSWORD).await;
    assert_eq!(location(&bo.get("/staff").await), "/account/second-factor/enrol");
    let out = bo.post("/logout").await;
    assert_eq!(out.status_code(), 303);
    assert_eq!(location(&out), "/");
    assert!(location(&bo.get("/staff").await).starts_with("/login?next="));
    assert_eq!(
        app.count(sqlx::AssertSqlSafe(format!(
            "select count(*) from second_factors where user_id = '{second}'"
        )))
        .await,
        0
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn wrong_codes_lock_the_account_like_wrong_passwords(pool: PgPool) {
    let app = TestApp::new(pool).await;
    enrolled_staff(&app).await;
    // Typing the password again does not reset the count of wrong codes.
    let first = password_step(&app, STAFF).await;
    for _ in 0..5 {
        assert_eq!(send_code(&first, "999999").await.status_code(), 422);
    }
    let second = password_step(&app, STAFF).await;
    for _ in 0..4 {
        assert_eq!(send_code(&second, "999998").await.status_code(), 422);
    }
    let tenth = send_code(&second, "999997").await;
    assert_eq!(tenth.status_code(), 429);
    assert!(page_text(&tenth.text()).contains("Too many wrong attempts"));
    assert_eq!(refused_codes(&app).await, 10);
    // Neither the right code nor the right password gets in while locked.
    let locked = sign_in(&app.browser(), STAFF, PASSWORD).await;
    assert_eq!(locked.status_code(), 429);
    app.clock.advance(Duration::minutes(16));
    let browser = password_step(&app, STAFF).await;
    let code = app.next_code(STAFF).await;
    assert_eq!(send_code(&browser, &code).await.status_code(), 303, "the pause ends");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_sign_in_waits_five_minutes_for_its_code(pool: PgPool) {
    let app = TestApp::new(pool).await;
    enrolled_staff(&app).await;
    let browser = password_step(&app, STAFF).await;
    app.clock.advance(Duration::minutes(6));
    let code = app.next_code(STAFF).await;
    let response = send_code(&browser, &code).await;
    assert_eq!(response.status_code(), 303);
    assert_eq!(location(&response), "/login");
    assert!(page_text(&follow(&browser, &response).await.text()).contains("waited too long"));
    assert!(location(&browser.get("/staff").await).starts_with("/login?next="));
    assert_eq!(location(&browser.get("/login/code").await), "/login");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn bad_input_in_the_code_field_is_refused_and_never_echoed(pool: PgPool) {
    let app = TestApp::new(pool).await;
    enrolled_staff(&app).await;
    let browser = password_step(&app, STAFF).await;
    let long = "1".repeat(5000);
    for (typed, message) in [
        ("", "Enter the 6-digit code from your authenticator app."),
        ("   ", "Enter the 6-digit code from your authenticator app."),
        ("12345", "A code is 6 digits; a recovery code is 24 letters and digits."),
        (
            "1234567",
            "A code is 6 digits; a recovery code is 24 letters and digits.",
        ),
        (
            "12a456",
            "A code is 6 digits; a recovery code is 24 letters and digits.",
        ),
        (
            long.as_str(),
            "A code is 6 digits; a recovery code is 24 letters and digits.",
        ),
        (
            "<script>alert(1)</script>",
            "A code is 6 digits; a recovery code is 24 letters and digits.",
        ),
    ] {
        let response = send_code(&browser, typed).await;
        assert_eq!(response.status_code(), 422, "{typed:?}");
        let html = response.text();
        assert_eq!(text_of(&html, "code-error").as_deref(), Some(message), "{typed:?}");
        assert_eq!(field_value(&html, "code").as_deref(), Some(""), "{typed:?}");
        assert!(!html.contains("<script>alert"));
    }
    assert_eq!(refused_codes(&app).await, 0, "what can never be a code is not a guess");
    // The same at enrolment.
    let (admin, _) = app.signed_in(Role::Admin).await;
    let response = admin
        .post("/account/second-factor/enrol")
        .form(&[("code", "<b>123456</b>")])
        .await;
    assert_eq!(response.status_code(), 422);
    assert!(!response.text().contains("<b>123456"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn approving_and_declining_need_a_recent_code(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let id = shortlisted(&staff, "Kim Ortiz", "3000").await;
    let fresh = admin.get(&format!("/staff/grants/{id}")).await.text();
    assert!(
        !fresh.contains(r#"id="approve-code""#),
        "no code asked just after one was typed"
    );

    app.clock.advance(Duration::minutes(11));
    let page = admin.get(&format!("/staff/grants/{id}")).await.text();
    assert!(page.contains(r#"id="approve-code""#) && page.contains(r#"id="decline-code""#));
    let refused = approve(&admin, id, "2,500", "2026-10").await;
    assert_eq!(refused.status_code(), 422);
    let html = refused.text();
    assert_eq!(
        text_of(&html, "approve-code-error").as_deref(),
        Some("Enter the 6-digit code from your authenticator app.")
    );
    assert_eq!(
        field_value(&html, "amount").as_deref(),
        Some("2,500"),
        "what was typed stays"
    );
    assert_eq!(field_value(&html, "month").as_deref(), Some("2026-10"));
    let declined = admin
        .post(&format!("/admin/grants/{id}/decline"))
        .form(&[("reason", "Not eligible this year."), ("code", "")])
        .await;
    assert_eq!(declined.status_code(), 422);
    assert_eq!(
        field_value(&declined.text(), "reason").as_deref(),
        Some("Not eligible this year.")
    );
    assert_eq!(status_of(&app, id).await, "shortlisted", "nothing decided");

    let code = app.next_code(ADMIN).await;
    let response = admin
        .post(&format!("/admin/grants/{id}/approve"))
        .form(&[
            ("amount", "2,500"),
            ("month", "2026-10"),
            ("password", PASSWORD),
            ("code", code.as_str()),
        ])
        .await;
    assert_eq!(response.status_code(), 303);
    assert_eq!(status_of(&app, id).await, "approved");
    // The code counts for ten minutes: the next decision asks only for the password.
    let other = shortlisted(&staff, "Lee Park", "1000").await;
    assert_eq!(approve(&admin, other, "1,000", "2026-10").await.status_code(), 303);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn account_changes_need_a_recent_code(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let target = app.create_user(STAFF, "Sam Staff", Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    app.clock.advance(Duration::minutes(11));

    let page = admin.get(&format!("/admin/users/{target}")).await.text();
    for id in ["role-code", "reset-code", "active-code"] {
        assert!(page.contains(&format!(r#"id="{id}""#)), "{id}");
    }
    let role = admin
        .post(&format!("/admin/users/{target}/role"))
        .form(&[("role", "admin"), ("code", "")])
        .await;
    assert_eq!(role.status_code(), 422);
    let html = role.text();
    assert!(text_of(&html, "role-code-error").is_some());
    assert!(
        html.contains(r#"<option value="admin" selected>"#),
        "the chosen role stays"
    );
    for action in ["deactivate", "reset"] {
        let response = admin.post(&format!("/admin/users/{target}/{action}")).await;
        assert_eq!(response.status_code(), 422, "{action}");
    }
    let invite = admin
        .post("/admin/users")
        .form(&[
            ("email", "new@example.org"),
            ("display_name", "Noa New"),
            ("role", "staff"),
        ])
        .await;
    assert_eq!(invite.status_code(), 422);
    assert_eq!(field_value(&invite.text(), "email").as_deref(), Some("new@example.org"));
    let password = admin
        .post("/account/password")
        .form(&[
            ("current", PASSWORD),
            ("password", "copper meadow lantern drift 77"),
            ("confirm", "copper meadow lantern drift 77"),
        ])
        .await;
    assert_eq!(password.status_code(), 422);
    assert!(text_of(&password.text(), "code-error").is_some());
    assert_eq!(app.count("select count(*) from users").await, 2);
    assert_eq!(
        app.count("select count(*) from users where role = 'staff' and active")
            .await,
        1,
        "nothing changed"
    );
    assert_eq!(
        app.count("select count(*) from account_tokens").await,
        0,
        "no link issued"
    );

    let code = app.next_code(ADMIN).await;
    let response = admin
        .post(&format!("/admin/users/{target}/role"))
        .form(&[("role", "admin"), ("code", code.as_str())])
        .await;
    assert_eq!(response.status_code(), 303);
    assert_eq!(
        app.count("select count(*) from users where role = 'admin'").await,
        2,
        "changed with the code"
    );
    let deactivated = admin.post(&format!("/admin/users/{target}/deactivate")).await;
    assert_eq!(deactivated.status_code(), 303, "and the code counts for a while");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_admin_resets_a_lost_second_factor(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = enrolled_staff(&app).await;
    let target: uuid::Uuid = sqlx::query_scalar("select id from users where email = $1")
        .bind(STAFF)
        .fetch_one(&app.pool)
        .await
        .expect("staff");
    let (admin, me) = app.signed_in(Role::Admin).await;
    let page = admin.get(&format!("/admin/users/{target}")).await.text();
    assert!(text_of(&page, "user-factor").is_some_and(|t| t.starts_with("Set up on")));

    app.clock.advance(Duration::minutes(11));
    let refused = admin.post(&format!("/admin/users/{target}/second-factor/reset")).await;
    assert_eq!(refused.status_code(), 422, "needs the admin's own recent code");
    assert!(text_of(&refused.text(), "factor-code-error").is_some());
    assert_eq!(app.count("select count(*) from second_factors").await, 2);

    let code = app.next_code(ADMIN).await;
    let response = admin
        .post(&format!("/admin/users/{target}/second-factor/reset"))
        .form(&[("code", code.as_str())])
        .await;
    assert_eq!(response.status_code(), 303);
    assert!(page_text(&follow(&admin, &response).await.text()).contains("signed out everywhere"));
    assert_eq!(app.count("select count(*) from second_factors").await, 1);
    assert_eq!(
        app.count("select count(*) from recovery_codes").await,
        10,
        "only the admin's"
    );
    assert!(
        location(&staff.get("/staff").await).starts_with("/login?next="),
        "the person is signed out"
    );
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'second_factor.reset'")
            .await,
        1
    );
    let again = sign_in(&app.browser(), STAFF, PASSWORD).await;
    assert_eq!(
        location(&again),
        "/staff",
        "staff sign in with the password until they enrol again"
    );

    let own = admin.post(&format!("/admin/users/{me}/second-factor/reset")).await;
    assert_eq!(own.status_code(), 303);
    assert!(page_text(&follow(&admin, &own).await.text()).contains("Replace your own"));
    assert_eq!(app.count("select count(*) from second_factors").await, 1);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn staff_may_remove_theirs_and_admins_only_replace_theirs(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = enrolled_staff(&app).await;
    let removed = staff.post("/account/second-factor/remove").form(&[("code", "")]).await;
    assert_eq!(removed.status_code(), 303);
    assert_eq!(app.count("select count(*) from second_factors").await, 0);
    assert_eq!(location(&sign_in(&app.browser(), STAFF, PASSWORD).await), "/staff");

    let (admin, _) = app.signed_in(Role::Admin).await;
    let page = admin.get("/account/second-factor").await.text();
    assert!(!page.contains("/account/second-factor/remove"));
    let refused = admin.post("/account/second-factor/remove").form(&[("code", "")]).await;
    assert_eq!(refused.status_code(), 303);
    assert!(page_text(&follow(&admin, &refused).await.text()).contains("Admins must keep a second factor"));
    assert_eq!(app.count("select count(*) from second_factors").await, 1);

    // Replacing needs a code from the new app and, after ten minutes, the old one.
    app.clock.advance(Duration::minutes(11));
    let enrol = admin.get("/account/second-factor/enrol").await.text();
    assert!(enrol.contains(r#"id="current_code""#));
    let secret = text_of(&enrol, "secret").expect("new secret");
    let new_code = totp_code(&secret, app.clock.now());
    let refused = admin
        .post("/account/second-factor/enrol")
        .form(&[("code", new_code.as_str()), ("current_code", "")])
        .await;
    assert_eq!(refused.status_code(), 422);
    assert!(text_of(&refused.text(), "current_code-error").is_some());
    let old_code = app.next_code(ADMIN).await;
    let replaced = admin
        .post("/account/second-factor/enrol")
        .form(&[("code", new_code.as_str()), ("current_code", old_code.as_str())])
        .await;
    assert_eq!(replaced.status_code(), 303);
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'second_factor.replaced'")
            .await,
        1
    );
    let browser = password_step(&app, ADMIN).await;
    app.clock.advance(Duration::seconds(30));
    let old = send_code(&browser, &totp_code(&app.secret_of(ADMIN), app.clock.now())).await;
    assert_eq!(old.status_code(), 422, "the old app no longer works");
    let new = send_code(&browser, &totp_code(&secret, app.clock.now())).await;
    assert_eq!(new.status_code(), 303, "the new one does");
}

/// One admin cannot both reset someone's second factor and give them a password
/// link (which that admin sees): the two together would hand over the account.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn one_admin_cannot_both_reset_a_factor_and_issue_a_password_link(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_staff, _) = enrolled_staff(&app).await;
    let target: uuid::Uuid = sqlx::query_scalar("select id from users where email = $1")
        .bind(STAFF)
        .fetch_one(&app.pool)
        .await
        .expect("staff");
    let (admin, _) = app.signed_in(Role::Admin).await;
    let reset = admin.post(&format!("/admin/users/{target}/second-factor/reset")).await;
    assert_eq!(reset.status_code(), 303);
    assert_eq!(
        app.count("select count(*) from second_factors").await,
        1,
        "only the admin's is left"
    );

    let link = admin.post(&format!("/admin/users/{target}/reset")).await;
    assert_eq!(link.status_code(), 303);
    let page = page_text(&follow(&admin, &link).await.text());
    assert!(page.contains("the other must come from another admin"), "{page}");
    assert!(!page.contains("/account/welcome/"), "no link shown");
    assert_eq!(
        app.count("select count(*) from account_tokens where user_id = (select id from users where email = 'staff@example.org')")
            .await,
        0,
        "no link made"
    );

    // A day later the same admin may.
    app.clock.advance(Duration::hours(25));
    let later = app.sign_in_as(ADMIN).await;
    let link = later.post(&format!("/admin/users/{target}/reset")).await;
    assert!(page_text(&follow(&later, &link).await.text()).contains("/account/welcome/"));
}

/// The second-approval threshold decides when one admin's approval is enough:
/// changing the grant settings needs a recent second factor, like approving.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn changing_the_grant_settings_needs_a_recent_code(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let settings = [
        ("monthly_minimum", "10,000"),
        ("yearly_target", "120,000"),
        ("second_approval_threshold", "1,000,000"),
    ];
    app.clock.advance(Duration::minutes(11));
    let refused = admin.post("/admin/grants/settings").form(&settings).await;
    assert_eq!(refused.status_code(), 422);
    assert!(text_of(&refused.text(), "code-error").is_some());
    assert_eq!(
        field_value(&refused.text(), "second_approval_threshold").as_deref(),
        Some("1,000,000")
    );
    assert_eq!(
        app.count("select second_approval_threshold_cents from grant_settings")
            .await,
        500_000,
        "unchanged"
    );

    let code = app.next_code(ADMIN).await;
    let mut with_code = settings.to_vec();
    with_code.push(("code", code.as_str()));
    let saved = admin.post("/admin/grants/settings").form(&with_code).await;
    assert_eq!(saved.status_code(), 303);
    assert_eq!(
        app.count("select proposed_threshold_cents from grant_settings").await,
        100_000_000
    );

    // Confirming it needs the second admin's recent code just the same.
    let other = "second@example.org";
    app.create_user(other, "Other Admin", Role::Admin).await;
    let second = app.sign_in_as(other).await;
    app.clock.advance(Duration::minutes(11));
    let page = second.get("/admin/grants/settings").await.text();
    let seen: Vec<(String, String)> = ["minimum_cents", "target_cents", "threshold_cents"]
        .iter()
        .map(|name| (name.to_string(), field_value(&page, name).unwrap_or_default()))
        .collect();
    let refused = second.post("/admin/grants/settings/confirm").form(&seen).await;
    assert_eq!(refused.status_code(), 422);
    assert!(text_of(&refused.text(), "confirm-code-error").is_some());
    let code = app.next_code(other).await;
    let mut with_code = seen.clone();
    with_code.push(("code".into(), code));
    let confirmed = second.post("/admin/grants/settings/confirm").form(&with_code).await;
    assert_eq!(confirmed.status_code(), 303);
    assert_eq!(
        app.count("select second_approval_threshold_cents from grant_settings")
            .await,
        100_000_000
    );
}

/// Someone who replaces or removes their second factor (a phone was stolen)
/// ends every other session of theirs; this browser stays signed in.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn replacing_or_removing_the_factor_signs_out_the_other_sessions(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (mine, _) = enrolled_staff(&app).await;
    let thief = app.sign_in_as(STAFF).await;
    assert_eq!(thief.get("/staff").await.status_code(), 200);

    // Replacing: a new secret, proven by the new app's code.
    let page = mine.get("/account/second-factor/enrol").await.text();
    assert!(page.contains("secret"), "the enrolment page");
    let replaced = app.enrol(&mine, STAFF).await;
    assert_eq!(replaced.len(), 10);
    assert!(
        location(&thief.get("/staff").await).starts_with("/login?next="),
        "the other session ended"
    );
    assert_eq!(mine.get("/staff").await.status_code(), 200, "this one stays");

    // Removing does the same.
    let other = app.sign_in_as(STAFF).await;
    assert_eq!(other.get("/staff").await.status_code(), 200);
    let removed = mine.post("/account/second-factor/remove").form(&[("code", "")]).await;
    assert_eq!(removed.status_code(), 303);
    assert_eq!(app.count("select count(*) from second_factors").await, 0);
    assert!(
        location(&other.get("/staff").await).starts_with("/login?next="),
        "the other session ended"
    );
    assert_eq!(mine.get("/staff").await.status_code(), 200, "this one stays");
}
