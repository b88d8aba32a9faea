//! Messages through the outbox, sent to a real SMTP server on loopback: each
//! is written with the change that causes it, arrives with a stable Message-ID
//! and links that work, survives a mail server that refuses it, and waits in
//! the outbox for admins when no mail server is configured.

use std::time::Duration;

use honor_mile::clock::Clock;
use honor_mile::messages::sender::{MAX_TRIES, Mailer, send_due};
use sqlx::PgPool;

use crate::helpers::{Role, TestApp, location, page_text, sign_in, test_config, text_of};
use crate::smtp_sink::SmtpSink;

const NEW_PASSWORD: &str = "quiet harbour copper meadow 77";

/// An app whose mail goes to `sink`, and the mailer that sends its outbox.
pub async fn app_with_mail(pool: PgPool, sink: &SmtpSink) -> (TestApp, Mailer) {
    let config = test_config(&[
        ("SMTP_URL", &sink.url()),
        ("MAIL_FROM", "Honor Mile <office@honor-mile.example>"),
    ]);
    let mailer = Mailer::from_config(&config)
        .expect("a valid mail setting")
        .expect("a mailer");
    (TestApp::with_config(pool, config).await, mailer)
}

/// Sends rounds until the outbox has nothing due.
pub async fn send_all(app: &TestApp, mailer: &Mailer) {
    while send_due(&app.pool, mailer, app.clock.now()).await.expect("a round") > 0 {}
}

/// A signed-in admin, and an outbox without the notice of the admin's new
/// second factor, so the test sees only the messages it causes.
pub async fn admin_of(app: &TestApp) -> axum_test::TestServer {
    let (admin, _) = app.signed_in(Role::Admin).await;
    sqlx::query("delete from outbox where kind = 'security notice'")
        .execute(&app.pool)
        .await
        .expect("the notice cleared");
    admin
}

async fn invite(admin: &axum_test::TestServer, email: &str) -> axum_test::TestResponse {
    admin
        .post("/admin/users")
        .form(&[("email", email), ("display_name", "Nia New"), ("role", "staff")])
        .await
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_invitation_is_emailed_and_its_link_lets_the_person_sign_in(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    let admin = admin_of(&app).await;
    let response = invite(&admin, "nia@example.org").await;
    assert_eq!(response.status_code(), 303);
    let shown = admin.get(&location(&response)).await.text();
    assert!(page_text(&shown).contains("Invitation created and emailed to nia@example.org."));
    assert!(
        !shown.contains("/account/welcome/"),
        "the link goes by mail, not on screen"
    );
    assert!(sink.received().is_empty(), "nothing leaves before the sender runs");

    send_all(&app, &mailer).await;
    let mail = sink.to("nia@example.org");
    assert_eq!(mail.len(), 1);
    assert_eq!(
        mail[0].header("Subject").as_deref(),
        Some("You are invited to Honor Mile")
    );
    assert!(
        mail[0]
            .header("From")
            .is_some_and(|f| f.contains("office@honor-mile.example"))
    );
    let id: uuid::Uuid = sqlx::query_scalar("select id from outbox")
        .fetch_one(&app.pool)
        .await
        .expect("the message");
    assert_eq!(mail[0].header("Message-ID"), Some(format!("<{id}@honor-mile.example>")));
    assert!(mail[0].part("text/html").is_some_and(|html| html.contains("<a href=")));

    let link = mail[0].link("/account/welcome/").expect("the link in the message");
    let path = link
        .split_once("/account/")
        .map(|(_, p)| format!("/account/{p}"))
        .expect("a path");
    let person = app.browser();
    assert_eq!(person.get(&path).await.status_code(), 200);
    let set = person
        .post(&path)
        .form(&[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)])
        .await;
    assert_eq!(set.status_code(), 303);
    let signed = sign_in(&person, "nia@example.org", NEW_PASSWORD).await;
    assert_eq!(signed.status_code(), 303);
    assert_ne!(location(&signed), "/login", "the person is signed in");

    let outbox = page_text(&admin.get("/admin/outbox").await.text());
    assert!(outbox.contains("nia@example.org") && outbox.contains("Sent"));
    assert!(
        !outbox.contains("/account/welcome/"),
        "with a mail server the text stays private"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_admins_password_link_is_emailed_to_the_person(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    let staff = app.create_user("sam@example.org", "Sam Staff", Role::Staff).await;
    let admin = admin_of(&app).await;
    let response = admin.post(&format!("/admin/users/{staff}/reset")).await;
    assert_eq!(response.status_code(), 303);
    send_all(&app, &mailer).await;
    let mail = sink.to("sam@example.org");
    assert_eq!(mail.len(), 1);
    assert_eq!(
        mail[0].header("Subject").as_deref(),
        Some("Choose a new Honor Mile password")
    );
    let link = mail[0].link("/account/welcome/").expect("the link");
    assert!(
        link.starts_with("http://127.0.0.1:3000/account/welcome/"),
        "a whole address: {link}"
    );
    assert!(mail[0].text().contains("24 hours"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_refused_invitation_writes_no_message(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, _) = app_with_mail(pool, &sink).await;
    let admin = admin_of(&app).await;
    assert_eq!(invite(&admin, "nia@example.org").await.status_code(), 303);
    let again = invite(&admin, "nia@example.org").await;
    assert_eq!(again.status_code(), 422);
    let bad = invite(&admin, "not an address").await;
    assert_eq!(bad.status_code(), 422);
    assert_eq!(
        app.count("select count(*) from outbox").await,
        1,
        "one message for one invitation"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_mail_server_that_refuses_leaves_the_message_waiting_then_it_is_sent(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    let admin = admin_of(&app).await;
    sink.refuse(true);
    assert_eq!(invite(&admin, "nia@example.org").await.status_code(), 303);
    send_all(&app, &mailer).await;
    let (state, tries, error): (String, i32, Option<String>) =
        sqlx::query_as("select state::text, tries, last_error from outbox")
            .fetch_one(&app.pool)
            .await
            .expect("the message");
    assert_eq!((state.as_str(), tries), ("waiting", 1));
    assert!(error.is_some_and(|e| e.contains("try again later")));
    assert!(page_text(&admin.get("/admin/outbox").await.text()).contains("try again later"));
    assert_eq!(admin.get("/admin/users").await.status_code(), 200, "pages keep working");

    // Not yet due: the first retry waits the base delay (30 s).
    app.clock.advance(chrono::Duration::seconds(10));
    send_all(&app, &mailer).await;
    assert_eq!(app.count("select tries::bigint from outbox").await, 1);
    sink.refuse(false);
    app.clock.advance(chrono::Duration::seconds(30));
    send_all(&app, &mailer).await;
    assert_eq!(sink.wait_for(1, Duration::from_secs(1)).await.len(), 1);
    assert_eq!(app.count("select count(*) from outbox where state = 'sent'").await, 1);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_message_that_keeps_failing_is_marked_failed_and_an_admin_sends_it_again(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    let admin = admin_of(&app).await;
    sink.refuse(true);
    assert_eq!(invite(&admin, "nia@example.org").await.status_code(), 303);
    for _ in 0..MAX_TRIES {
        send_all(&app, &mailer).await;
        app.clock.advance(chrono::Duration::days(1));
    }
    assert_eq!(app.count("select count(*) from outbox where state = 'failed'").await, 1);
    assert_eq!(
        app.count("select max(tries)::bigint from outbox").await,
        i64::from(MAX_TRIES)
    );
    // Days passed: the admin signs in again.
    let admin = app.sign_in_as("admin@example.org").await;
    let page = admin.get("/admin/outbox").await.text();
    assert!(page_text(&page).contains("Failed"));
    assert!(page.contains("Send again"));
    // The desk tells admins, and only admins.
    let desk = admin.get("/staff").await.text();
    let notice = text_of(&desk, "mail-failed").unwrap_or_default();
    assert!(notice.contains("1 email could not be sent"), "{notice}");
    let (staff, _) = app.signed_in(Role::Staff).await;
    assert!(text_of(&staff.get("/staff").await.text(), "mail-failed").is_none());

    sink.refuse(false);
    let id: uuid::Uuid = sqlx::query_scalar("select id from outbox")
        .fetch_one(&app.pool)
        .await
        .expect("the message");
    assert_eq!(
        staff.post(&format!("/admin/outbox/{id}/retry")).await.status_code(),
        403
    );
    let retried = admin.post(&format!("/admin/outbox/{id}/retry")).await;
    assert_eq!(retried.status_code(), 303);
    send_all(&app, &mailer).await;
    assert_eq!(sink.to("nia@example.org").len(), 1);
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'message.retried'")
            .await,
        1
    );
    assert!(text_of(&admin.get("/staff").await.text(), "mail-failed").is_none());
    let twice = admin.post(&format!("/admin/outbox/{id}/retry")).await;
    assert!(page_text(&admin.get(&location(&twice)).await.text()).contains("has not failed"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn with_no_mail_server_admins_read_each_message_in_the_outbox(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let admin = admin_of(&app).await;
    let response = invite(&admin, "nia@example.org").await;
    assert_eq!(response.status_code(), 303);
    let flash = page_text(&admin.get(&location(&response)).await.text());
    assert!(flash.contains("No mail server is set up"));
    let outbox = admin.get("/admin/outbox").await.text();
    assert!(outbox.contains("id=\"by-hand\""));
    assert!(page_text(&outbox).contains("Waiting"));
    assert!(
        outbox.contains("/account/welcome/"),
        "the link can be passed on by hand"
    );
    let (staff, _) = app.signed_in(Role::Staff).await;
    assert_eq!(
        staff.get("/admin/outbox").await.status_code(),
        403,
        "messages are for admins"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn two_senders_at_once_send_each_message_once(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    let admin = admin_of(&app).await;
    for n in 0..12 {
        assert_eq!(invite(&admin, &format!("p{n}@example.org")).await.status_code(), 303);
    }
    let now = app.clock.now();
    let one = async { while send_due(&app.pool, &mailer, now).await.expect("a round") > 0 {} };
    let two = async { while send_due(&app.pool, &mailer, now).await.expect("a round") > 0 {} };
    tokio::join!(one, two);
    let got = sink.received();
    assert_eq!(got.len(), 12);
    let mut ids: Vec<_> = got.iter().filter_map(|m| m.header("Message-ID")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 12, "no message twice");
}

/// `honor-mile check` with the mail settings given and nothing else.
fn check_mail(env: &[(&str, &str)]) -> (bool, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_honor-mile"));
    command
        .arg("check")
        .current_dir(std::env::temp_dir())
        .env_clear()
        .env("DATABASE_URL", std::env::var("DATABASE_URL").unwrap_or_default())
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("UPLOADS_DIR", std::env::temp_dir().join("honor-mile-check-mail"));
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run honor-mile check");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn check_names_a_mail_setting_that_is_wrong_or_a_server_that_does_not_answer() {
    let (ok, said) = check_mail(&[("SMTP_URL", "gopher://mail"), ("MAIL_FROM", "nobody")]);
    assert!(!ok);
    assert!(said.lines().any(|l| l.contains("SMTP_URL must be")), "{said}");
    assert!(said.lines().any(|l| l.contains("MAIL_FROM must be")), "{said}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = closed.local_addr().expect("its address").port();
    drop(closed);
    let (ok, said) = check_mail(&[("SMTP_URL", &format!("smtp://127.0.0.1:{port}"))]);
    assert!(!ok);
    assert!(said.contains("SMTP_URL: the mail server does not answer"), "{said}");

    let sink = SmtpSink::start().await;
    let url = sink.url();
    let (ok, said) = tokio::task::spawn_blocking(move || check_mail(&[("SMTP_URL", &url)]))
        .await
        .expect("check ran");
    assert!(ok, "{said}");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn changing_ones_password_emails_a_notice_to_the_owner_and_a_wrong_try_does_not(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let wrong = staff
        .post("/account/password")
        .form(&[
            ("current", "not it at all"),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ])
        .await;
    assert_eq!(wrong.status_code(), 422);
    assert_eq!(
        app.count("select count(*) from outbox").await,
        0,
        "nothing changed, nothing written"
    );
    let changed = staff
        .post("/account/password")
        .form(&[
            ("current", crate::helpers::PASSWORD),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ])
        .await;
    assert_eq!(changed.status_code(), 303);
    send_all(&app, &mailer).await;
    let mail = sink.to("staff@example.org");
    assert_eq!(mail.len(), 1);
    assert_eq!(
        mail[0].header("Subject").as_deref(),
        Some("Your Honor Mile account changed")
    );
    assert!(mail[0].text().contains("Your password was changed."));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn setting_up_a_second_factor_and_new_recovery_codes_each_email_the_owner(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    // An admin's first sign-in sets up the second factor through the pages.
    let (admin, _) = app.signed_in(Role::Admin).await;
    let codes = admin
        .post("/account/second-factor/recovery-codes")
        .form(&[("code", "")])
        .await;
    assert_eq!(codes.status_code(), 303);
    send_all(&app, &mailer).await;
    let texts: Vec<String> = sink.to("admin@example.org").iter().map(|m| m.text()).collect();
    assert_eq!(texts.len(), 2, "{texts:#?}");
    assert!(
        texts
            .iter()
            .any(|t| t.contains("A second factor (authenticator app) was set up"))
    );
    assert!(texts.iter().any(|t| t.contains("New recovery codes were made")));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn removing_ones_second_factor_emails_the_owner(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    let staff = app.create_user("sam@example.org", "Sam Staff", Role::Staff).await;
    let browser = app.sign_in_as("sam@example.org").await;
    app.enrol(&browser, "sam@example.org").await;
    sqlx::query("delete from outbox")
        .execute(&app.pool)
        .await
        .expect("cleared");
    let removed = browser
        .post("/account/second-factor/remove")
        .form(&[("code", "")])
        .await;
    assert_eq!(removed.status_code(), 303);
    send_all(&app, &mailer).await;
    let mail = sink.to("sam@example.org");
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0]
            .text()
            .contains("The second factor of your account was removed.")
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from second_factors where user_id = '{staff}'"
        ))
        .await,
        0
    );
}
