//! The lockout per account and address: a stranger's guesses lock the stranger
//! out, a higher ceiling holds guesses spread over many addresses, each lock
//! lasts longer than the one before, the signed-in owner is never blocked by
//! failures from elsewhere and is told of them on the desk; the count and the
//! lock are one atomic step; the client address behind a proxy.

use axum_test::TestServer;
use chrono::Duration;
use honor_mile::accounts::throttle::{self, Limit, Reservation};
use honor_mile::clock::Clock;
use sqlx::PgPool;

use crate::helpers::{PASSWORD, Role, TestApp, location, page_text, test_config, text_of};

const STAFF: &str = "staff@example.org";
const NEW_PASSWORD: &str = "copper meadow lantern 1987 quiet";

/// An application behind one trusted proxy, so each test request can come from
/// an address of its own (the proxy's `X-Forwarded-For`).
async fn behind_a_proxy(pool: PgPool) -> TestApp {
    TestApp::with_config(pool, test_config(&[("TRUSTED_PROXY_HOPS", "1")])).await
}

async fn sign_in_from(browser: &TestServer, ip: &str, email: &str, password: &str) -> u16 {
    browser
        .post("/login")
        .add_header("x-forwarded-for", ip)
        .form(&[("email", email), ("password", password), ("next", "/staff")])
        .await
        .status_code()
        .as_u16()
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_strangers_guesses_lock_only_the_strangers_address_out_of_the_account(pool: PgPool) {
    let app = behind_a_proxy(pool).await;
    app.create_user(STAFF, "Sam Staff", Role::Staff).await;
    for _ in 0..10 {
        assert_eq!(
            sign_in_from(&app.browser(), "198.51.100.7", STAFF, "a wrong guess").await,
            422
        );
    }
    assert_eq!(
        sign_in_from(&app.browser(), "198.51.100.7", STAFF, PASSWORD).await,
        429,
        "the stranger's address is locked out, even with the right password"
    );
    assert_eq!(
        sign_in_from(&app.browser(), "203.0.113.5", STAFF, PASSWORD).await,
        303,
        "the owner, elsewhere, signs in"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn guesses_spread_over_many_addresses_reach_the_accounts_ceiling(pool: PgPool) {
    let app = behind_a_proxy(pool).await;
    app.create_user(STAFF, "Sam Staff", Role::Staff).await;
    for address in 0..10 {
        for _ in 0..10 {
            let status = sign_in_from(&app.browser(), &format!("198.51.100.{address}"), STAFF, "a guess").await;
            assert_eq!(status, 422, "address {address}");
        }
    }
    assert_eq!(
        sign_in_from(&app.browser(), "203.0.113.5", STAFF, PASSWORD).await,
        429,
        "a hundred failures from anywhere pause the account everywhere"
    );
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'sign_in.failed'")
            .await,
        100
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn each_lock_lasts_twice_as_long_as_the_one_before(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user(STAFF, "Sam Staff", Role::Staff).await;
    let guess_ten = || async {
        for _ in 0..10 {
            let guess = crate::helpers::sign_in(&app.browser(), STAFF, "a wrong guess").await;
            assert_eq!(guess.status_code(), 422);
        }
    };
    let right = || async {
        crate::helpers::sign_in(&app.browser(), STAFF, PASSWORD)
            .await
            .status_code()
    };
    guess_ten().await;
    app.clock.advance(Duration::minutes(16));
    guess_ten().await;
    app.clock.advance(Duration::minutes(16));
    assert_eq!(right().await, 429, "the second lock lasts 30 minutes");
    app.clock.advance(Duration::minutes(15));
    assert_eq!(right().await, 303);
}

/// Ten wrong passwords typed at the sign-in page by anyone (here from the same
/// address as the owner, the harder case) do not stop the signed-in owner from
/// typing their password again to change it or to set up a second factor.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn failures_at_sign_in_never_block_the_signed_in_owner(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (owner, _) = app.signed_in(Role::Staff).await;
    for _ in 0..12 {
        crate::helpers::sign_in(&app.browser(), STAFF, "a stranger's guess").await;
    }
    assert_eq!(
        crate::helpers::sign_in(&app.browser(), STAFF, PASSWORD)
            .await
            .status_code(),
        429,
        "sign-in from that address is paused"
    );
    let changed = owner
        .post("/account/password")
        .form(&[
            ("current", PASSWORD),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ])
        .await;
    assert_eq!(changed.status_code(), 303, "{}", page_text(&changed.text()));
    assert_eq!(owner.get("/staff").await.status_code(), 200);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_owner_is_told_on_the_desk_of_failed_and_refused_sign_ins(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (first, _) = app.signed_in(Role::Staff).await;
    assert!(
        text_of(&first.get("/staff").await.text(), "sign-in-trouble").is_none(),
        "nothing to tell"
    );
    for _ in 0..12 {
        crate::helpers::sign_in(&app.browser(), STAFF, "a stranger's guess").await;
    }
    app.clock.advance(Duration::minutes(16));
    let again = app.sign_in_as(STAFF).await;
    let notice = text_of(&again.get("/staff").await.text(), "sign-in-trouble").expect("a notice on the desk");
    let notice = notice.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        notice.contains("10 sign-in attempts on your account failed"),
        "{notice}"
    );
    assert!(
        notice.contains("2 more were refused while sign-in was paused"),
        "{notice}"
    );
    assert!(
        notice.contains("23 November 2026 at 10:"),
        "in the program's time zone: {notice}"
    );

    // Told once: the next sign-in has nothing new to tell.
    let later = app.sign_in_as(STAFF).await;
    assert!(text_of(&later.get("/staff").await.text(), "sign-in-trouble").is_none());
}

/// The count and the lock are one step in PostgreSQL: of fifty reservations at
/// once on one key with a limit of ten, exactly ten go through, and a lock that
/// is running is left as it is by the refused ones.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn parallel_reservations_never_pass_the_limit(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let now = app.clock.now();
    let limits = [Limit {
        key: throttle::account_key(STAFF),
        limit: 10,
    }];
    let attempts = (0..50).map(|_| throttle::reserve(&app.pool, &limits, now));
    let outcomes = futures::future::join_all(attempts).await;
    let reserved = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(Reservation::Reserved(_))))
        .count();
    let refused = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(Reservation::Refused)))
        .count();
    assert_eq!((reserved, refused), (10, 40));
    let locked = throttle::locked_until(&app.pool, &limits[0].key, now)
        .await
        .expect("a query");
    assert_eq!(
        locked,
        Some(now + throttle::LOCK),
        "the first lock, not moved by the refused"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_address_is_the_one_the_trusted_proxy_added(pool: PgPool) {
    let app = behind_a_proxy(pool).await;
    app.create_user(STAFF, "Sam Staff", Role::Staff).await;
    // The client wrote the first line; the proxy added the second.
    let response = app
        .browser()
        .post("/login")
        .add_header("x-forwarded-for", "6.6.6.6")
        .add_header("x-forwarded-for", "203.0.113.9")
        .form(&[("email", STAFF), ("password", "a wrong guess")])
        .await;
    assert_eq!(response.status_code(), 422);
    let forged_first = app
        .browser()
        .post("/login")
        .add_header("x-forwarded-for", "6.6.6.6, 203.0.113.10")
        .form(&[("email", STAFF), ("password", "a wrong guess")])
        .await;
    assert_eq!(forged_first.status_code(), 422);
    let addresses: Vec<String> =
        sqlx::query_scalar("select client_ip from audit_log where action = 'sign_in.failed' order by id")
            .fetch_all(&app.pool)
            .await
            .expect("the trail");
    assert_eq!(addresses, ["203.0.113.9", "203.0.113.10"]);

    // Two proxies: the entry second from the right.
    let two = TestApp::with_config(app.pool.clone(), test_config(&[("TRUSTED_PROXY_HOPS", "2")])).await;
    let response = two
        .browser()
        .post("/login")
        .add_header("x-forwarded-for", "6.6.6.6, 203.0.113.11, 10.0.0.2")
        .form(&[("email", STAFF), ("password", "a wrong guess")])
        .await;
    assert_eq!(response.status_code(), 422);
    assert_eq!(
        app.count("select count(*) from audit_log where client_ip = '203.0.113.11'")
            .await,
        1
    );
    assert_eq!(
        app.count("select count(*) from audit_log where client_ip = '6.6.6.6'")
            .await,
        0,
        "never the entry the client wrote"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_first_second_factor_asks_for_the_password_again(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let page = staff.get("/account/second-factor/enrol").await.text();
    assert!(page.contains(r#"id="password""#), "a password field");
    let secret = text_of(&page, "secret").expect("the secret");
    let code = || crate::helpers::totp_code(&secret, app.clock.now());
    let enrol = |fields: Vec<(&'static str, String)>| staff.post("/account/second-factor/enrol").form(&fields);

    let missing = enrol(vec![("code", code())]).await;
    assert_eq!(missing.status_code(), 422);
    assert_eq!(
        text_of(&missing.text(), "password-error").as_deref(),
        Some("Enter your password to set up a second factor.")
    );
    let wrong = enrol(vec![("code", code()), ("password", "not my password".into())]).await;
    assert_eq!(wrong.status_code(), 422);
    let html = wrong.text();
    assert_eq!(
        text_of(&html, "password-error").as_deref(),
        Some("This is not your password. Type it again to set up a second factor.")
    );
    assert!(!html.contains("not my password"), "a password is never echoed");
    let hostile = enrol(vec![("code", code()), ("password", "<script>alert(1)</script>".into())]).await;
    assert_eq!(hostile.status_code(), 422);
    assert!(!hostile.text().contains("<script>alert"));
    let long = enrol(vec![("code", code()), ("password", "x".repeat(10_000))]).await;
    assert_eq!(long.status_code(), 422);
    assert_eq!(
        app.count("select count(*) from second_factors").await,
        0,
        "nothing set up"
    );
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'second_factor.password_refused'")
            .await,
        3
    );

    let done = enrol(vec![("code", code()), ("password", PASSWORD.into())]).await;
    assert_eq!(done.status_code(), 303);
    assert_eq!(location(&done), "/account/second-factor/recovery-codes");
    assert_eq!(app.count("select count(*) from second_factors").await, 1);
}

#[test]
fn the_proxy_and_rate_settings_are_checked_at_start() {
    let config = |pairs: &[(&str, &str)]| {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        honor_mile::config::Config::from_lookup(move |key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    };
    let hops = |pairs: &[(&str, &str)]| config(pairs).map(|c| c.trusted_proxy_hops).ok();
    assert_eq!(hops(&[]), Some(0), "no proxy is trusted unless said");
    assert_eq!(hops(&[("TRUST_PROXY_HEADERS", "true")]), Some(1));
    assert_eq!(
        hops(&[("TRUSTED_PROXY_HOPS", "2"), ("TRUST_PROXY_HEADERS", "true")]),
        Some(2)
    );
    assert_eq!(
        hops(&[("TRUSTED_PROXY_HOPS", "0"), ("TRUST_PROXY_HEADERS", "true")]),
        Some(0)
    );
    for bad in ["many", "-1", "11", "1.5", "<script>"] {
        let refused = config(&[("TRUSTED_PROXY_HOPS", bad)]).err().map(|e| e.to_string());
        assert!(refused.is_some_and(|e| e.contains("TRUSTED_PROXY_HOPS")), "{bad}");
    }
    assert_eq!(config(&[]).map(|c| c.rate_limit_per_minute).ok(), Some(120));
    assert_eq!(
        config(&[("RATE_LIMIT_PER_MINUTE", "0")])
            .map(|c| c.rate_limit_per_minute)
            .ok(),
        Some(0),
        "0 turns it off"
    );
    for bad in ["lots", "-5", "99999999999"] {
        let refused = config(&[("RATE_LIMIT_PER_MINUTE", bad)]).err().map(|e| e.to_string());
        assert!(refused.is_some_and(|e| e.contains("RATE_LIMIT_PER_MINUTE")), "{bad}");
    }
}
