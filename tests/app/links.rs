//! One-time links: the first admin's setup, invitations, resets.

use axum_test::TestServer;
use chrono::Duration;
use sqlx::PgPool;

use crate::helpers::{PASSWORD, Role, TestApp, link_in, location, sign_in, text_of};

pub const NEW_PASSWORD: &str = "quiet harbor maple thunder 1987";

/// Invites someone as `admin` and returns the one-time link the admin is shown.
pub async fn invite(admin: &TestServer, email: &str, name: &str, role: &str) -> String {
    let response = admin
        .post("/admin/users")
        .form(&[("email", email), ("display_name", name), ("role", role)])
        .await;
    assert_eq!(response.status_code(), 303, "invitation of {email} should be created");
    let page = admin.get(&location(&response)).await.text();
    link_in(&page, "/account/welcome/").expect("the invitation link is shown once")
}

async fn first_admin_link(app: &TestApp) -> String {
    let token = honor_mile::accounts::tokens::first_admin_link(&app.pool, app.clock.now())
        .await
        .expect("create link")
        .expect("no admin yet");
    format!("/setup/{token}")
}

use honor_mile::clock::Clock;

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_first_admin_sets_up_through_the_link_once(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let link = first_admin_link(&app).await;
    let browser = app.browser();
    assert_eq!(browser.get(&link).await.status_code(), 200);

    let response = browser
        .post(&link)
        .form(&[
            ("email", "Chief@Example.org"),
            ("display_name", "Casey Chief"),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ])
        .await;
    assert_eq!(response.status_code(), 303);
    assert_eq!(location(&response), "/login");
    assert!(
        browser
            .get("/login")
            .await
            .text()
            .contains("Your admin account is ready")
    );

    let role: String = sqlx::query_scalar("select role::text from users where email = 'chief@example.org'")
        .fetch_one(&app.pool)
        .await
        .expect("the admin row");
    assert_eq!(role, "admin");

    // The link works once only, and no new one is made once an admin exists.
    assert_eq!(app.browser().get(&link).await.status_code(), 404);
    let again = app
        .browser()
        .post(&link)
        .form(&[
            ("email", "intruder@example.org"),
            ("display_name", "Intruder"),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ])
        .await;
    assert_eq!(again.status_code(), 404);
    assert_eq!(app.count("select count(*) from users").await, 1);
    assert!(
        honor_mile::accounts::tokens::first_admin_link(&app.pool, app.clock.now())
            .await
            .expect("query")
            .is_none()
    );
    assert_eq!(
        sign_in(&app.browser(), "chief@example.org", NEW_PASSWORD)
            .await
            .status_code(),
        303
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn weak_and_common_passwords_are_refused_beside_the_field(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let link = first_admin_link(&app).await;
    for (password, expected) in [
        ("", "Choose a password."),
        ("short1", "at least 12 characters"),
        ("password1234", "Add more unrelated words"),
        ("qwertyuiopasdf", "Add more unrelated words"),
        ("chief@example.org", "Add more unrelated words"),
    ] {
        let response = app
            .browser()
            .post(&link)
            .form(&[
                ("email", "chief@example.org"),
                ("display_name", "Casey Chief"),
                ("password", password),
                ("confirm", password),
            ])
            .await;
        assert_eq!(response.status_code(), 422, "{password:?} must be refused");
        let message = text_of(&response.text(), "password-error").unwrap_or_default();
        assert!(message.contains(expected), "{password:?}: got {message:?}");
        assert!(
            response.text().contains("value=\"chief@example.org\""),
            "the email typed is kept"
        );
    }
    let too_long = "correct horse battery staple ".repeat(5);
    let response = app
        .browser()
        .post(&link)
        .form(&[
            ("email", "chief@example.org"),
            ("display_name", "Casey Chief"),
            ("password", too_long.as_str()),
            ("confirm", too_long.as_str()),
        ])
        .await;
    assert_eq!(
        text_of(&response.text(), "password-error").as_deref(),
        Some("Use at most 128 characters.")
    );
    let mismatch = app
        .browser()
        .post(&link)
        .form(&[
            ("email", "chief@example.org"),
            ("display_name", "Casey Chief"),
            ("password", NEW_PASSWORD),
            ("confirm", "something else entirely 55"),
        ])
        .await;
    assert_eq!(
        text_of(&mismatch.text(), "password-error").as_deref(),
        Some("The two passwords do not match.")
    );
    assert_eq!(app.count("select count(*) from users").await, 0, "nothing was saved");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_expired_setup_link_is_refused(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let link = first_admin_link(&app).await;
    app.clock.advance(Duration::hours(25));
    assert_eq!(app.browser().get(&link).await.status_code(), 404);
    assert_eq!(app.browser().get("/setup/not-a-token").await.status_code(), 404);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_invited_person_chooses_a_password_and_signs_in(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let link = invite(&admin, "new@example.org", "Nia New", "staff").await;

    assert_eq!(
        sign_in(&app.browser(), "new@example.org", "").await.status_code(),
        422,
        "no password exists before the link is used"
    );
    let browser = app.browser();
    let form = browser.get(&link).await;
    assert!(form.text().contains("new@example.org"));
    let set = browser
        .post(&link)
        .form(&[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)])
        .await;
    assert_eq!(location(&set), "/login");
    assert_eq!(
        sign_in(&browser, "new@example.org", NEW_PASSWORD).await.status_code(),
        303
    );
    assert!(browser.get("/staff").await.text().contains("Signed in as Nia New"));
    assert_eq!(
        app.browser().get(&link).await.status_code(),
        404,
        "the invitation works once"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_reset_link_sets_a_new_password_and_ends_old_sessions(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, staff_id) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;

    let response = admin.post(&format!("/admin/users/{staff_id}/reset")).await;
    let page = admin.get(&location(&response)).await.text();
    let link = link_in(&page, "/account/welcome/").expect("reset link shown");
    let set = app
        .browser()
        .post(&link)
        .form(&[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)])
        .await;
    assert_eq!(set.status_code(), 303);

    assert_eq!(staff.get("/staff").await.status_code(), 303, "the old session ended");
    assert_eq!(
        sign_in(&app.browser(), "staff@example.org", PASSWORD)
            .await
            .status_code(),
        422
    );
    assert_eq!(
        sign_in(&app.browser(), "staff@example.org", NEW_PASSWORD)
            .await
            .status_code(),
        303
    );
}

/// A locked-out person asks an admin for help: the reset link the admin gives
/// them lifts the lockout of their account when they use it.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_reset_link_lifts_the_accounts_lockout(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let staff_id = app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    for _ in 0..10 {
        sign_in(&app.browser(), "staff@example.org", "wrong password typed").await;
    }
    let locked = sign_in(&app.browser(), "staff@example.org", PASSWORD).await;
    assert_eq!(locked.status_code(), 429, "locked out");

    let response = admin.post(&format!("/admin/users/{staff_id}/reset")).await;
    let page = admin.get(&location(&response)).await.text();
    let link = link_in(&page, "/account/welcome/").expect("reset link shown");
    let set = app
        .browser()
        .post(&link)
        .form(&[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)])
        .await;
    assert_eq!(set.status_code(), 303);
    assert_eq!(
        sign_in(&app.browser(), "staff@example.org", NEW_PASSWORD)
            .await
            .status_code(),
        303
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn changing_ones_own_password_keeps_this_session_and_ends_others(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (phone, _) = app.signed_in(Role::Staff).await;
    let laptop = app.browser();
    assert_eq!(sign_in(&laptop, "staff@example.org", PASSWORD).await.status_code(), 303);

    let wrong = phone
        .post("/account/password")
        .form(&[
            ("current", "not it at all"),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ])
        .await;
    assert_eq!(wrong.status_code(), 422);
    assert_eq!(
        text_of(&wrong.text(), "current-error").as_deref(),
        Some("This is not your current password.")
    );

    let changed = phone
        .post("/account/password")
        .form(&[
            ("current", PASSWORD),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ])
        .await;
    assert_eq!(changed.status_code(), 303);
    assert_eq!(
        phone.get("/staff").await.status_code(),
        200,
        "this browser stays signed in"
    );
    assert_eq!(
        laptop.get("/staff").await.status_code(),
        303,
        "the other one is signed out"
    );
}

/// Someone holding a stolen session cannot guess the current password without
/// limit: wrong guesses count toward the account's lockout and are audited.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn guessing_the_current_password_locks_the_account(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (stolen, _) = app.signed_in(Role::Staff).await;
    let guess = |current: &'static str| {
        stolen.post("/account/password").form(&[
            ("current", current),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ])
    };
    for _ in 0..10 {
        assert_eq!(guess("a wrong guess").await.status_code(), 422);
    }
    let locked = guess(PASSWORD).await;
    assert_eq!(locked.status_code(), 422);
    assert_eq!(
        text_of(&locked.text(), "current-error").as_deref(),
        Some("Too many wrong passwords: changing it is paused for 15 minutes.")
    );
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'account.password_change_refused'")
            .await,
        10
    );
    assert_eq!(
        sign_in(&app.browser(), "staff@example.org", PASSWORD)
            .await
            .status_code(),
        429,
        "signing in is paused too"
    );
    let empty = stolen
        .post("/account/password")
        .form(&[("current", ""), ("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)])
        .await;
    assert_eq!(
        text_of(&empty.text(), "current-error").as_deref(),
        Some("Enter your current password.")
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_chosen_password_is_stored_as_argon2id_at_the_stated_parameters(pool: PgPool) {
    use argon2::password_hash::phc::PasswordHash;
    use honor_mile::accounts::password::{LANES, MEMORY_KIB, PASSES};

    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let link = invite(&admin, "hash@example.org", "Hal Hash", "staff").await;
    let set = app
        .browser()
        .post(&link)
        .form(&[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)])
        .await;
    assert_eq!(location(&set), "/login");

    let stored: String = sqlx::query_scalar("select password_hash from users where email = 'hash@example.org'")
        .fetch_one(&app.pool)
        .await
        .expect("the password is stored");
    let hash = PasswordHash::new(&stored).expect("a PHC string");
    let params = argon2::Params::try_from(&hash).expect("argon2 parameters");
    assert_eq!(hash.algorithm.as_str(), "argon2id");
    assert_eq!(
        (MEMORY_KIB, PASSES, LANES),
        (7 * 1024, 5, 1),
        "OWASP's least-memory parameters"
    );
    assert_eq!(
        (params.m_cost(), params.t_cost(), params.p_cost()),
        (MEMORY_KIB, PASSES, LANES)
    );
}

/// The account's page, read fresh (the flash with the link is gone).
async fn invitation_status(admin: &TestServer, user: uuid::Uuid) -> String {
    let page = admin.get(&format!("/admin/users/{user}")).await.text();
    assert!(
        !page.contains("/account/welcome/"),
        "the link itself is never shown again"
    );
    text_of(&page, "user-invitation").expect("the invitation's status")
}

fn day(at: chrono::DateTime<chrono::Utc>) -> String {
    let zone = crate::helpers::test_config(&[]).time_zone;
    at.with_timezone(&zone).format("%-d %B %Y at %H:%M").to_string()
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_invitations_status_stays_on_the_account_page_and_a_new_one_replaces_it(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let sent = app.clock.now();
    let first_link = invite(&admin, "new@example.org", "Nia New", "staff").await;
    let user: uuid::Uuid = sqlx::query_scalar("select id from users where email = 'new@example.org'")
        .fetch_one(&app.pool)
        .await
        .expect("invited account");
    assert_eq!(
        invitation_status(&admin, user).await,
        format!(
            "Invitation sent {}, valid until {}, not used yet",
            day(sent),
            day(sent + Duration::days(7))
        )
    );

    // Eight days later it has run out, and the page says so.
    app.clock.advance(Duration::days(8));
    let admin = app.sign_in_as("admin@example.org").await;
    let status = invitation_status(&admin, user).await;
    assert_eq!(
        status,
        format!(
            "Invitation sent {}, expired {} without being used: send a new invitation",
            day(sent),
            day(sent + Duration::days(7))
        )
    );
    let page = admin.get(&format!("/admin/users/{user}")).await.text();
    assert!(page.contains("Send a new invitation</button>"));

    // A new invitation: a new link in a new email, the old link withdrawn.
    let letters = app
        .count("select count(*) from outbox where to_address = 'new@example.org'")
        .await;
    let renewed = app.clock.now();
    let response = admin.post(&format!("/admin/users/{user}/reset")).await;
    assert_eq!(response.status_code(), 303);
    let flashed = admin.get(&location(&response)).await.text();
    let second_link = link_in(&flashed, "/account/welcome/").expect("the new link, shown once");
    assert_ne!(second_link, first_link);
    assert_eq!(
        app.count("select count(*) from outbox where to_address = 'new@example.org'")
            .await,
        letters + 1
    );
    assert_eq!(
        invitation_status(&admin, user).await,
        format!(
            "Invitation sent {}, valid until {}, not used yet",
            day(renewed),
            day(renewed + Duration::days(7))
        )
    );
    assert_eq!(app.browser().get(&first_link).await.status_code(), 404);
    let browser = app.browser();
    let set = browser
        .post(&second_link)
        .form(&[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)])
        .await;
    assert_eq!(location(&set), "/login");
    // Used: the account is active and its page no longer speaks of an invitation.
    let page = admin.get(&format!("/admin/users/{user}")).await.text();
    assert!(text_of(&page, "user-invitation").is_none());
}
