//! "Forgot your password?" on the sign-in page: the same answer for every
//! address, a link by email only to an active account, valid one hour and once,
//! that lifts the sign-in lockout; limited per address and per client.

use honor_mile::clock::Clock;
use honor_mile::messages::forgot::ANSWER;
use honor_mile::messages::sender::{Mailer, send_due};
use sqlx::PgPool;

use crate::helpers::{PASSWORD, Role, TestApp, location, page_text, sign_in, test_config, text_of};
use crate::smtp_sink::SmtpSink;

const STAFF: &str = "sam@example.org";
const NEW_PASSWORD: &str = "quiet harbour copper meadow 77";

async fn app_with_mail(pool: PgPool, sink: &SmtpSink) -> (TestApp, Mailer) {
    let config = test_config(&[("SMTP_URL", &sink.url()), ("TRUSTED_PROXY_HOPS", "1")]);
    let mailer = Mailer::from_config(&config).expect("valid").expect("a mailer");
    (TestApp::with_config(pool, config).await, mailer)
}

async fn send_all(app: &TestApp, mailer: &Mailer) {
    while send_due(&app.pool, mailer, app.clock.now()).await.expect("a round") > 0 {}
}

/// Asks for a link from `ip`; returns the status, where it leads and the page there.
async fn ask(app: &TestApp, ip: &str, email: &str) -> (u16, String, String) {
    let browser = app.browser();
    let response = browser
        .post("/login/forgot")
        .add_header("x-forwarded-for", ip)
        .form(&[("email", email)])
        .await;
    let status = response.status_code().as_u16();
    if status != 303 {
        return (status, String::new(), response.text());
    }
    let to = location(&response);
    let page = page_text(&browser.get(&to).await.text());
    (status, to, page)
}

fn path_of(link: &str) -> String {
    link.split_once("/account/")
        .map(|(_, p)| format!("/account/{p}"))
        .expect("a path")
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_answer_is_the_same_for_known_and_unknown_addresses_and_only_the_owner_gets_mail(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    app.create_user(STAFF, "Sam Staff", Role::Staff).await;
    let login = app.browser().get("/login").await.text();
    assert!(login.contains("href=\"/login/forgot\""), "the sign-in page offers it");

    let known = ask(&app, "198.51.100.7", STAFF).await;
    let unknown = ask(&app, "198.51.100.7", "nobody@example.org").await;
    assert_eq!((known.0, known.1.as_str()), (303, "/login"));
    assert_eq!((known.0, &known.1), (unknown.0, &unknown.1));
    assert!(known.2.contains(ANSWER) && unknown.2.contains(ANSWER));
    assert_eq!(
        known.2.replace(STAFF, ""),
        unknown.2.replace("nobody@example.org", ""),
        "the pages say the same"
    );
    send_all(&app, &mailer).await;
    assert_eq!(sink.received().len(), 1, "only the account's owner is written to");
    let mail = &sink.to(STAFF)[0];
    assert!(mail.text().contains("one hour"));
    assert!(
        mail.header("Subject")
            .is_some_and(|s| s.contains("new Honor Mile password"))
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_emailed_link_works_once_and_lifts_the_lockout(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    app.create_user(STAFF, "Sam Staff", Role::Staff).await;
    // The owner locks their own account out from their address.
    for _ in 0..10 {
        let browser = app.browser();
        let r = browser
            .post("/login")
            .add_header("x-forwarded-for", "198.51.100.7")
            .form(&[("email", STAFF), ("password", "a wrong guess"), ("next", "/staff")])
            .await;
        assert_eq!(r.status_code(), 422);
    }
    ask(&app, "198.51.100.7", STAFF).await;
    send_all(&app, &mailer).await;
    // The owner was told of the pause too; the link is in the other message.
    let link = sink.to(STAFF).iter().find_map(|m| m.link("/account/welcome/"));
    let path = path_of(&link.expect("the link"));
    let browser = app.browser();
    let set = browser
        .post(&path)
        .add_header("x-forwarded-for", "198.51.100.7")
        .form(&[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)])
        .await;
    assert_eq!(set.status_code(), 303);
    let signed = browser
        .post("/login")
        .add_header("x-forwarded-for", "198.51.100.7")
        .form(&[("email", STAFF), ("password", NEW_PASSWORD), ("next", "/staff")])
        .await;
    assert_eq!(signed.status_code(), 303, "the lockout is lifted");
    assert_eq!(location(&signed), "/staff");
    assert_eq!(app.browser().get(&path).await.status_code(), 404, "the link works once");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_link_expires_after_one_hour(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    app.create_user(STAFF, "Sam Staff", Role::Staff).await;
    ask(&app, "198.51.100.7", STAFF).await;
    send_all(&app, &mailer).await;
    let path = path_of(&sink.to(STAFF)[0].link("/account/welcome/").expect("the link"));
    app.clock.advance(chrono::Duration::minutes(59));
    assert_eq!(app.browser().get(&path).await.status_code(), 200);
    app.clock.advance(chrono::Duration::minutes(2));
    assert_eq!(app.browser().get(&path).await.status_code(), 404);
    assert_eq!(
        sign_in(&app.browser(), STAFF, PASSWORD).await.status_code(),
        303,
        "the old password still works"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn requests_are_limited_per_address_and_per_client_with_the_same_answer(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    app.create_user(STAFF, "Sam Staff", Role::Staff).await;
    for n in 0..5 {
        let (status, to, page) = ask(&app, &format!("198.51.100.{n}"), STAFF).await;
        assert_eq!((status, to.as_str()), (303, "/login"));
        assert!(page.contains(ANSWER));
    }
    send_all(&app, &mailer).await;
    assert_eq!(sink.to(STAFF).len(), 3, "three links an address in the window");

    // One client asking for many addresses is stopped too.
    for n in 0..25 {
        ask(&app, "203.0.113.9", &format!("person{n}@example.org")).await;
    }
    let other = app.create_user("ola@example.org", "Ola Other", Role::Staff).await;
    assert!(!other.is_nil());
    ask(&app, "203.0.113.9", "ola@example.org").await;
    send_all(&app, &mailer).await;
    assert!(sink.to("ola@example.org").is_empty(), "the client is over its limit");
    ask(&app, "192.0.2.1", "ola@example.org").await;
    send_all(&app, &mailer).await;
    assert_eq!(sink.to("ola@example.org").len(), 1, "another client is not");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_address_that_is_not_one_is_refused_beside_the_field(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let long = format!("{}@example.org", "a".repeat(260));
    for typed in ["", "not an address", "<script>x</script>@example.org", long.as_str()] {
        let response = app.browser().post("/login/forgot").form(&[("email", typed)]).await;
        assert_eq!(response.status_code(), 422, "{typed:?}");
        let html = response.text();
        assert!(
            text_of(&html, "email-error").is_some_and(|m| !m.is_empty()),
            "{typed:?}"
        );
        assert!(!html.contains("<script>x"), "typed text is escaped");
    }
    assert_eq!(app.count("select count(*) from outbox").await, 0);
    assert_eq!(app.count("select count(*) from account_tokens").await, 0);
}
