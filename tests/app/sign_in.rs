//! Signing in and out, lockout, session lifetime.

use chrono::Duration;
use sqlx::PgPool;

use crate::helpers::{PASSWORD, Role, TestApp, argon2_at, location, sign_in, text_of};

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn staff_sign_in_with_the_right_password_and_reach_the_desk(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("runner@example.org", "Riley Runner", Role::Staff).await;
    let browser = app.browser();

    let response = sign_in(&browser, "Runner@Example.org", PASSWORD).await;
    assert_eq!(response.status_code(), 303);
    assert_eq!(location(&response), "/staff");

    let desk = browser.get("/staff").await;
    assert_eq!(desk.status_code(), 200);
    assert!(desk.text().contains("Signed in as Riley Runner"));
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'sign_in.succeeded'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn unknown_email_and_wrong_password_get_the_same_answer(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("runner@example.org", "Riley Runner", Role::Staff).await;
    let browser = app.browser();

    let unknown = sign_in(&browser, "nobody@example.org", PASSWORD).await;
    let wrong = sign_in(&browser, "runner@example.org", "not the password at all").await;
    assert_eq!(unknown.status_code(), 422);
    assert_eq!(wrong.status_code(), 422);
    let unknown_message = text_of(&unknown.text(), "login-error");
    assert_eq!(unknown_message, text_of(&wrong.text(), "login-error"));
    assert_eq!(unknown_message.as_deref(), Some("The email or password is not right."));
    assert!(
        unknown.text().contains("value=\"nobody@example.org\""),
        "the typed email is kept"
    );
    assert_eq!(browser.get("/staff").await.status_code(), 303, "no session was started");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn empty_sign_in_form_asks_for_both_fields(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let response = sign_in(&app.browser(), "", "").await;
    assert_eq!(response.status_code(), 422);
    assert_eq!(
        text_of(&response.text(), "login-error").as_deref(),
        Some("Enter your email and password.")
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn ten_failures_lock_the_account_for_fifteen_minutes(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("runner@example.org", "Riley Runner", Role::Staff).await;
    let browser = app.browser();
    for _ in 0..10 {
        let response = sign_in(&browser, "runner@example.org", "wrong password here").await;
        assert_eq!(response.status_code(), 422);
    }

    let locked = sign_in(&browser, "runner@example.org", PASSWORD).await;
    assert_eq!(locked.status_code(), 429, "the right password is refused while locked");
    assert!(locked.text().contains("Too many failed attempts"));

    app.clock.advance(Duration::minutes(14));
    assert_eq!(
        sign_in(&browser, "runner@example.org", PASSWORD).await.status_code(),
        429
    );

    app.clock.advance(Duration::minutes(2));
    let unlocked = sign_in(&browser, "runner@example.org", PASSWORD).await;
    assert_eq!(unlocked.status_code(), 303, "the lock ends after 15 minutes");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn failures_spread_beyond_the_window_do_not_lock(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("runner@example.org", "Riley Runner", Role::Staff).await;
    let browser = app.browser();
    for _ in 0..9 {
        sign_in(&browser, "runner@example.org", "wrong password here").await;
    }
    app.clock.advance(Duration::minutes(16));
    for _ in 0..9 {
        sign_in(&browser, "runner@example.org", "wrong password here").await;
    }
    assert_eq!(
        sign_in(&browser, "runner@example.org", PASSWORD).await.status_code(),
        303
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_unknown_email_is_locked_the_same_way(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let browser = app.browser();
    for _ in 0..10 {
        assert_eq!(
            sign_in(&browser, "ghost@example.org", "whatever it is")
                .await
                .status_code(),
            422
        );
    }
    // Same answer as for a real account, so the lock does not reveal who exists.
    assert_eq!(
        sign_in(&browser, "ghost@example.org", "whatever it is")
            .await
            .status_code(),
        429
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn one_address_trying_many_accounts_is_stopped(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("runner@example.org", "Riley Runner", Role::Staff).await;
    let browser = app.browser();
    for n in 0..50 {
        sign_in(&browser, &format!("guess{n}@example.org"), "whatever it is").await;
    }
    let response = sign_in(&browser, "runner@example.org", PASSWORD).await;
    assert_eq!(response.status_code(), 429, "the address is paused after 50 failures");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_session_token_changes_at_sign_in(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    // An invitation gives the new person's browser a session before sign-in
    // (the "password set" message travels in it).
    let link = crate::links::invite(&admin, "new@example.org", "Nia New", "staff").await;
    let browser = app.browser();
    let set = browser
        .post(&link)
        .form(&[
            ("password", crate::links::NEW_PASSWORD),
            ("confirm", crate::links::NEW_PASSWORD),
        ])
        .await;
    let before = set.cookie("honor_mile_session");

    let response = sign_in(&browser, "new@example.org", crate::links::NEW_PASSWORD).await;
    let after = response.cookie("honor_mile_session");
    assert_ne!(before.value(), after.value());
    assert!(after.value().len() >= 22, "at least 128 bits of randomness");
    let replay = app.browser().get("/staff").add_cookie(before).await;
    assert_eq!(replay.status_code(), 303, "the pre-sign-in token is not signed in");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn sign_out_makes_the_old_cookie_worthless(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (browser, _) = app.signed_in(Role::Staff).await;
    let old_cookie = browser.get("/staff").await.cookie("honor_mile_session");

    let response = browser.post("/logout").await;
    assert_eq!(response.status_code(), 303);
    assert_eq!(app.count("select count(*) from sessions").await, 0);

    let replay = app.browser().get("/staff").add_cookie(old_cookie).await;
    assert_eq!(replay.status_code(), 303);
    assert!(location(&replay).starts_with("/login"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_session_idle_for_thirty_minutes_ends(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (browser, _) = app.signed_in(Role::Staff).await;
    app.clock.advance(Duration::minutes(29));
    assert_eq!(
        browser.get("/staff").await.status_code(),
        200,
        "still active at 29 minutes"
    );
    app.clock.advance(Duration::minutes(31));
    let response = browser.get("/staff").await;
    assert_eq!(response.status_code(), 303);
    assert!(location(&response).starts_with("/login"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_session_ends_after_twelve_hours_even_when_busy(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (browser, _) = app.signed_in(Role::Staff).await;
    for _ in 0..(12 * 3) {
        app.clock.advance(Duration::minutes(20));
        assert_eq!(browser.get("/staff").await.status_code(), 200);
    }
    app.clock.advance(Duration::minutes(20));
    assert_eq!(
        browser.get("/staff").await.status_code(),
        303,
        "over 12 hours since sign-in"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_deactivated_accounts_sessions_stop_at_once(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, staff_id) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    assert_eq!(staff.get("/staff").await.status_code(), 200);

    let response = admin.post(&format!("/admin/users/{staff_id}/deactivate")).await;
    assert_eq!(response.status_code(), 303);

    assert_eq!(staff.get("/staff").await.status_code(), 303);
    assert_eq!(
        sign_in(&app.browser(), "staff@example.org", crate::helpers::PASSWORD)
            .await
            .status_code(),
        422
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn sign_in_follows_only_local_next_paths(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("runner@example.org", "Riley Runner", Role::Staff).await;
    for (next, expected) in [
        ("/admin/audit?x=1", "/admin/audit?x=1"),
        ("https://evil.example/", "/staff"),
        ("//evil.example/", "/staff"),
        ("/\\evil.example", "/staff"),
    ] {
        let response = app
            .browser()
            .post("/login")
            .form(&[("email", "runner@example.org"), ("password", PASSWORD), ("next", next)])
            .await;
        assert_eq!(location(&response), expected, "next={next}");
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_visitor_is_sent_to_sign_in_and_brought_back(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let response = app.browser().get("/admin/users").await;
    assert_eq!(location(&response), "/login?next=%2Fadmin%2Fusers");
    let form = app.browser().get("/login?next=%2Fadmin%2Fusers").await;
    assert!(form.text().contains("name=\"next\" value=\"/admin/users\""));
}

/// The stored hash's memory and passes, and the account's session epoch.
async fn hash_and_epoch(app: &TestApp, email: &str) -> (String, (u32, u32), i32) {
    use argon2::password_hash::phc::PasswordHash;
    let (hash, epoch): (String, i32) =
        sqlx::query_as("select password_hash, session_epoch from users where email = $1")
            .bind(email)
            .fetch_one(&app.pool)
            .await
            .expect("the account");
    let params = argon2::Params::try_from(&PasswordHash::new(&hash).expect("a PHC string")).expect("argon2 parameters");
    (hash, (params.m_cost(), params.t_cost()), epoch)
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_hash_made_at_older_parameters_is_made_again_at_sign_in_and_sessions_stand(pool: PgPool) {
    use argon2::password_hash::PasswordHasher;
    use honor_mile::accounts::password::{MEMORY_KIB, PASSES};

    let app = TestApp::new(pool).await;
    let email = "older@example.org";
    app.create_user(email, "Olive Older", Role::Staff).await;
    let kept_session = app.sign_in_as(email).await;
    // As hashed before the parameters changed: 19 MiB and 2 passes.
    let older = argon2_at(19 * 1024, 2)
        .hash_password(PASSWORD.as_bytes())
        .expect("hashing")
        .to_string();
    sqlx::query("update users set password_hash = $2 where email = $1")
        .bind(email)
        .bind(&older)
        .execute(&app.pool)
        .await
        .expect("the older hash stored");
    let (_, _, epoch_before) = hash_and_epoch(&app, email).await;

    // A wrong password changes nothing.
    let refused = sign_in(&app.browser(), email, "not the password at all 1").await;
    assert_eq!(refused.status_code(), 422);
    assert_eq!(hash_and_epoch(&app, email).await.0, older);

    let signed_in = sign_in(&app.browser(), email, PASSWORD).await;
    assert_eq!(location(&signed_in), "/staff");
    let (remade, params, epoch) = hash_and_epoch(&app, email).await;
    assert_ne!(remade, older);
    assert_eq!(params, (MEMORY_KIB, PASSES), "made again at today's parameters");
    assert_eq!(epoch, epoch_before, "the same password: no session is ended");
    assert_eq!(kept_session.get("/staff").await.status_code(), 200);

    // The new hash holds the same password, and is not made again.
    let again = sign_in(&app.browser(), email, PASSWORD).await;
    assert_eq!(location(&again), "/staff");
    assert_eq!(hash_and_epoch(&app, email).await.0, remade);
}
