//! What grant applicants and account owners hear: a receipt with a private
//! status link whose page shows the steps and nothing private, the decision
//! (with an admin's words for a decline) and the payment; a notice when
//! sign-in to an account is paused; an audit line for a password link asked
//! for on the sign-in page. Delivered through a real SMTP server on loopback.

use sqlx::PgPool;
use uuid::Uuid;

use crate::grants::{another_admin, application, approve, confirm, shortlisted, status_of};
use crate::helpers::{Role, TestApp, location, page_text, text_of, with};
use crate::messages::{admin_of, app_with_mail, send_all};
use crate::smtp_sink::{Received, SmtpSink};

const APPLICANT: &str = "pat@example.org";

/// The path of a link in a message (`/grants/status/...`).
fn path_of(mail: &Received, prefix: &str) -> String {
    let link = mail.link(prefix).expect("the link in the message");
    let start = link.find(prefix).expect("the prefix");
    link[start..].to_string()
}

/// A visitor applies through the public form; returns the application's id.
async fn visitor_applies(app: &TestApp, form: &[(String, String)]) -> (axum_test::TestServer, Uuid) {
    let visitor = app.browser();
    let response = visitor.post("/grants/apply").form(form).await;
    assert_eq!(response.status_code(), 303, "{}", page_text(&response.text()));
    assert_eq!(location(&response), "/grants/apply/received");
    let id = sqlx::query_scalar("select id from grant_applications order by submitted_at desc limit 1")
        .fetch_one(&app.pool)
        .await
        .expect("the application");
    (visitor, id)
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_applicant_gets_a_receipt_whose_link_shows_the_steps_and_nothing_private(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    let form = with(
        application("Kim Ortiz", "2500"),
        "circumstances",
        "Hurt at a crash scene 9c1e.",
    );
    let (visitor, id) = visitor_applies(&app, &form).await;
    let reference: String = sqlx::query_scalar("select reference from grant_applications")
        .fetch_one(&app.pool)
        .await
        .expect("reference");

    let received = visitor.get("/grants/apply/received").await.text();
    assert_eq!(text_of(&received, "reference").as_deref(), Some(reference.as_str()));
    assert!(
        received.contains("id=\"status-link\""),
        "the page links its status page too"
    );

    send_all(&app, &mailer).await;
    let mail = sink.to(APPLICANT);
    assert_eq!(mail.len(), 1);
    let subject = mail[0].header("Subject").unwrap_or_default();
    assert!(
        subject.contains(&reference) && subject.contains("received"),
        "{subject}"
    );
    assert!(mail[0].text().contains("Hello Pat Partner"));
    let path = path_of(&mail[0], "/grants/status/");

    let page = app.browser().get(&path).await;
    assert_eq!(page.status_code(), 200);
    assert_eq!(page.header("cache-control"), "no-store");
    let html = page.text();
    let text = page_text(&html);
    assert!(text.contains(&format!("Grant application {reference}")), "{text}");
    assert!(html.contains("aria-current=\"step\""));
    assert!(text.contains("Received") && text.contains("In review") && text.contains("Paid"));
    for private in ["9c1e", "555-0142", "Kim Ortiz", "2,500", "Orlando"] {
        assert!(!text.contains(private), "the status page shows {private}");
    }

    // The staff review puts it in review.
    let (staff, _) = app.signed_in(Role::Staff).await;
    let shortlist = staff.post(&format!("/staff/grants/{id}/shortlist")).await;
    assert_eq!(shortlist.status_code(), 303);
    let current = text_of(&html, "current-step").unwrap_or_default();
    assert!(current.starts_with("Received"), "{current}");
    let html = app.browser().get(&path).await.text();
    let current = text_of(&html, "current-step").unwrap_or_default();
    assert!(current.starts_with("In review"), "{current}");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_status_link_that_is_wrong_opens_nothing(pool: PgPool) {
    let app = TestApp::new(pool).await;
    visitor_applies(&app, &application("Kim Ortiz", "2500")).await;
    for path in [
        "/grants/status/abc".to_string(),
        format!("/grants/status/{}", "0".repeat(64)),
        format!("/grants/status/{}", "g".repeat(64)),
        "/grants/status/%3Cscript%3E".to_string(),
    ] {
        let page = app.browser().get(&path).await;
        assert_eq!(page.status_code(), 404, "{path}");
        let text = page_text(&page.text());
        assert!(text.contains("This link does not open an application"), "{path}");
        assert!(!text.contains("G-20"), "{path} shows a reference");
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_applicant_with_only_a_phone_is_sent_nothing_but_sees_the_link(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let form = with(application("Kim Ortiz", "2500"), "contact_email", "");
    let (visitor, _) = visitor_applies(&app, &form).await;
    assert_eq!(app.count("select count(*) from outbox").await, 0);
    let received = visitor.get("/grants/apply/received").await.text();
    let link = crate::helpers::link_in(&received, "/grants/status/").expect("the status link on the page");
    assert_eq!(app.browser().get(&link).await.status_code(), 200);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_approval_and_the_payment_are_each_told_once(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let admin = admin_of(&app).await;
    let id = shortlisted(&staff, "Kim Ortiz", "3000").await;
    send_all(&app, &mailer).await;
    assert_eq!(
        sink.to(APPLICANT).len(),
        1,
        "the receipt of an application entered by staff"
    );
    let path = path_of(&sink.to(APPLICANT)[0], "/grants/status/");

    assert_eq!(approve(&admin, id, "3000", "").await.status_code(), 303);
    send_all(&app, &mailer).await;
    let mail = sink.to(APPLICANT);
    assert_eq!(mail.len(), 2);
    assert!(
        mail[1].text().contains("was approved, for $3,000.00"),
        "{}",
        mail[1].text()
    );
    let current = text_of(&app.browser().get(&path).await.text(), "current-step").unwrap_or_default();
    assert!(current.starts_with("Decided"), "{current}");

    let paid = admin
        .post(&format!("/admin/grants/{id}/payment"))
        .form(&[
            ("paid_on", "2026-11-20"),
            ("method", "check"),
            ("payment_reference", "Check 1001"),
        ])
        .await;
    assert_eq!(paid.status_code(), 303);
    send_all(&app, &mailer).await;
    let mail = sink.to(APPLICANT);
    assert_eq!(mail.len(), 3);
    assert!(
        mail[2].text().contains("was paid on November 20, 2026"),
        "{}",
        mail[2].text()
    );
    assert!(!mail[2].text().contains("Check 1001"), "payment details stay private");
    let current = text_of(&app.browser().get(&path).await.text(), "current-step").unwrap_or_default();
    assert!(
        current.starts_with("Paid") && current.contains("November 20, 2026"),
        "{current}"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_approval_waiting_for_a_second_admin_is_told_when_it_counts(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let first = admin_of(&app).await;
    let (second, _) = another_admin(&app, "second@example.org").await;
    sqlx::query("delete from outbox")
        .execute(&app.pool)
        .await
        .expect("cleared");
    let id = shortlisted(&staff, "Kim Ortiz", "12000").await;
    assert_eq!(approve(&first, id, "12000", "").await.status_code(), 303);
    assert_eq!(
        app.count("select count(*) from outbox where subject like '%approved%'")
            .await,
        0,
        "one approval above the threshold is not yet a decision"
    );
    assert_eq!(confirm(&second, id).await.status_code(), 303);
    send_all(&app, &mailer).await;
    let approved: Vec<_> = sink
        .to(APPLICANT)
        .into_iter()
        .filter(|m| m.header("Subject").is_some_and(|s| s.contains("approved")))
        .collect();
    assert_eq!(approved.len(), 1);
    assert!(approved[0].text().contains("$12,000.00"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_decline_tells_the_applicant_the_words_chosen_for_them_and_not_the_private_reason(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let admin = admin_of(&app).await;
    let id = shortlisted(&staff, "Kim Ortiz", "3000").await;
    send_all(&app, &mailer).await;
    let path = path_of(&sink.to(APPLICANT)[0], "/grants/status/");

    let missing = admin
        .post(&format!("/admin/grants/{id}/decline"))
        .form(&[("reason", "Second application this year."), ("to_applicant", "  ")])
        .await;
    assert_eq!(missing.status_code(), 422);
    let html = missing.text();
    assert_eq!(
        text_of(&html, "to_applicant-error").as_deref(),
        Some("What the applicant reads is required.")
    );
    assert!(
        html.contains("Second application this year."),
        "what was typed comes back"
    );
    assert_eq!(status_of(&app, id).await, "shortlisted");

    let too_long = "x".repeat(2001);
    let long = admin
        .post(&format!("/admin/grants/{id}/decline"))
        .form(&[("reason", "Private"), ("to_applicant", too_long.as_str())])
        .await;
    assert_eq!(long.status_code(), 422);
    assert_eq!(status_of(&app, id).await, "shortlisted");
    assert_eq!(
        app.count("select count(*) from outbox where subject like '%decided%'")
            .await,
        0
    );

    let words = "We help with <b>injuries on duty</b> only; please call us.";
    let declined = admin
        .post(&format!("/admin/grants/{id}/decline"))
        .form(&[("reason", "Second application this year."), ("to_applicant", words)])
        .await;
    assert_eq!(declined.status_code(), 303);
    send_all(&app, &mailer).await;
    let mail = sink.to(APPLICANT);
    let decided = mail.last().expect("the decision");
    assert!(decided.text().contains(words), "{}", decided.text());
    assert!(
        !decided.text().contains("Second application"),
        "the private reason stays private"
    );
    // askama writes `<` as `&#60;`; either spelling is the escaped text.
    let html = decided.part("text/html").unwrap_or_default();
    let escaped = html.replace("&#60;", "&lt;").replace("&#62;", "&gt;");
    assert!(escaped.contains("&lt;b&gt;injuries on duty&lt;/b&gt;"), "{html}");
    assert!(!html.contains("<b>injuries"));

    let page = app.browser().get(&path).await.text();
    assert_eq!(text_of(&page, "decline-message").as_deref(), Some(words));
    assert!(!page.contains("<b>injuries"), "escaped on the page too");
    assert!(!page.contains("Second application"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_owner_is_emailed_once_when_sign_in_is_paused(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    app.create_user("sam@example.org", "Sam Staff", Role::Staff).await;
    for _ in 0..14 {
        crate::helpers::sign_in(&app.browser(), "sam@example.org", "a wrong guess").await;
    }
    for _ in 0..12 {
        crate::helpers::sign_in(&app.browser(), "nobody@example.org", "a wrong guess").await;
    }
    send_all(&app, &mailer).await;
    let mail = sink.to("sam@example.org");
    assert_eq!(mail.len(), 1, "one pause, one message");
    assert!(
        mail[0].text().contains("Sign-in to your account was paused"),
        "{}",
        mail[0].text()
    );
    assert!(sink.to("nobody@example.org").is_empty());
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_password_link_asked_for_is_in_the_audit_trail(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let id = app.create_user("sam@example.org", "Sam Staff", Role::Staff).await;
    for email in ["sam@example.org", "nobody@example.org"] {
        let response = app.browser().post("/login/forgot").form(&[("email", email)]).await;
        assert_eq!(response.status_code(), 303);
    }
    let rows: Vec<(String, Option<Uuid>)> =
        sqlx::query_as("select entity_id, actor_id from audit_log where action = 'account.password_link_asked'")
            .fetch_all(&app.pool)
            .await
            .expect("rows");
    assert_eq!(rows, vec![(id.to_string(), None)]);
}
