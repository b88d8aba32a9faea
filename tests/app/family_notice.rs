//! The family's notice that the mile was run: only to a family contact with an
//! email address who agreed (the day recorded on the contact), written in the
//! mile's own transaction, delivered through a real SMTP server, with every
//! name escaped in its HTML part; and the contact form's consent box.

use axum_test::TestServer;
use honor_mile::clock::Clock;
use honor_mile::messages::sender::{Mailer, send_due};
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{NewHero, Role, TestApp, field_value, location, page_text, test_config, text_of};
use crate::smtp_sink::SmtpSink;

async fn app_with_mail(pool: PgPool, sink: &SmtpSink) -> (TestApp, Mailer) {
    let config = test_config(&[("SMTP_URL", &sink.url())]);
    let mailer = Mailer::from_config(&config)
        .expect("a valid mail setting")
        .expect("a mailer");
    (TestApp::with_config(pool, config).await, mailer)
}

async fn send_all(app: &TestApp, mailer: &Mailer) {
    while send_due(&app.pool, mailer, app.clock.now()).await.expect("a round") > 0 {}
}

async fn notices(app: &TestApp) -> i64 {
    app.count("select count(*) from outbox where kind = 'family notice'")
        .await
}

/// Adds a contact to `hero` through the staff form; `consent` ticks the box.
async fn add_contact(
    staff: &TestServer,
    hero: Uuid,
    kind: &str,
    name: &str,
    email: &str,
    consent: bool,
) -> axum_test::TestResponse {
    let mut form = vec![
        ("kind", kind),
        ("name", name),
        ("relationship", "wife"),
        ("email", email),
    ];
    if consent {
        form.push(("email_consent", "on"));
    }
    staff.post(&format!("/staff/heroes/{hero}/contacts")).form(&form).await
}

async fn contact_id(app: &TestApp, name: &str) -> Uuid {
    sqlx::query_scalar("select id from hero_contacts where name = $1")
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .expect("the contact")
}

/// Logs the hero's mile through the staff form, run by Dana Brooks.
async fn log_mile(app: &TestApp, staff: &TestServer, hero: Uuid) -> axum_test::TestResponse {
    let runner = match sqlx::query_scalar::<_, Uuid>("select id from runners where name = 'Dana Brooks'")
        .fetch_optional(&app.pool)
        .await
        .expect("runners")
    {
        Some(id) => id,
        None => app.runner("Dana Brooks").await,
    };
    let form = [
        ("form_key", Uuid::new_v4().to_string()),
        ("hero_id", hero.to_string()),
        ("runner_id", runner.to_string()),
        ("run_date", "2026-11-23".into()),
        ("place", "Layer Elementary School track".into()),
        ("laps", "7".into()),
        ("duration", "8:15".into()),
        ("flag_carried", "on".into()),
    ];
    staff.post("/staff/miles").form(&form).await
}

async fn hero_named(app: &TestApp, name: &str) -> Uuid {
    app.hero(NewHero {
        name,
        ..NewHero::default()
    })
    .await
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_family_contact_who_agreed_is_emailed_the_mile_number_and_the_heros_name(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = hero_named(&app, "Ann Smith").await;
    let saved = add_contact(&staff, hero, "family", "Mary Smith", "mary@example.org", true).await;
    assert_eq!(saved.status_code(), 303);
    add_contact(&staff, hero, "family", "Tom Smith", "tom@example.org", false).await;
    add_contact(&staff, hero, "agency", "Chief Ray", "chief@example.org", false).await;
    // The list shows who agreed, and since when.
    let record = page_text(&staff.get(&format!("/staff/heroes/{hero}")).await.text());
    assert!(record.contains("Agreed on 23 November 2026"), "{record}");
    assert_eq!(record.matches("Agreed on").count(), 1);
    assert_eq!(
        app.count(
            "select count(*) from audit_log where summary like '%agreement to be emailed when the mile is run given'"
        )
        .await,
        1
    );
    // The program's 1,294th mile.
    sqlx::query("update mile_counters set last_value = 1293 where name = 'mile'")
        .execute(&app.pool)
        .await
        .expect("the counter");

    let logged = log_mile(&app, &staff, hero).await;
    assert_eq!(logged.status_code(), 303, "{}", page_text(&logged.text()));
    assert_eq!(notices(&app).await, 1, "one notice, to the one who agreed");
    send_all(&app, &mailer).await;
    let mail = sink.to("mary@example.org");
    assert_eq!(mail.len(), 1);
    assert_eq!(
        mail[0].header("Subject").as_deref(),
        Some("A mile was run in honour of Ann Smith")
    );
    let text = mail[0].text();
    for expected in [
        "Dear Mary Smith",
        "on Monday 23 November 2026, mile 1,294 of the Honor Mile was run in honour of Ann Smith, by Dana.",
        "The flag carried on this mile is on its way to the family, with a handwritten note.",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    assert!(!text.contains("Brooks"), "the runner's first name only");
    assert!(sink.to("tom@example.org").is_empty(), "no agreement, no email");
    assert!(sink.to("chief@example.org").is_empty());
    assert_eq!(sink.received().len(), 1);
    let detail: i64 =
        sqlx::query_scalar("select (details->>'family_notified')::bigint from audit_log where action = 'mile.logged'")
            .fetch_one(&app.pool)
            .await
            .expect("the mile's audit event");
    assert_eq!(detail, 1);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_address_without_agreement_or_with_agreement_withdrawn_gets_nothing(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = hero_named(&app, "Ann Smith").await;
    add_contact(&staff, hero, "family", "Mary Smith", "mary@example.org", true).await;
    add_contact(&staff, hero, "family", "Tom Smith", "tom@example.org", false).await;
    let mary = contact_id(&app, "Mary Smith").await;
    let edit = staff
        .get(&format!("/staff/heroes/{hero}/contacts/{mary}/edit"))
        .await
        .text();
    assert!(
        edit.contains(r#"name="email_consent" value="on" checked"#),
        "the box shows the agreement"
    );

    // Mary no longer wishes to be emailed: the box is unticked.
    let withdrawn = staff
        .post(&format!("/staff/heroes/{hero}/contacts/{mary}"))
        .form(&[
            ("kind", "family"),
            ("name", "Mary Smith"),
            ("email", "mary@example.org"),
        ])
        .await;
    assert_eq!(withdrawn.status_code(), 303);
    let record = page_text(&staff.get(&format!("/staff/heroes/{hero}")).await.text());
    assert!(!record.contains("Agreed on"), "{record}");
    assert_eq!(
        app.count("select count(*) from audit_log where summary like '%agreement to be emailed when the mile is run withdrawn'")
            .await,
        1
    );
    assert_eq!(
        app.count("select count(*) from hero_contacts where email_consent_on is not null")
            .await,
        0
    );

    assert_eq!(log_mile(&app, &staff, hero).await.status_code(), 303);
    assert_eq!(notices(&app).await, 0);
    send_all(&app, &mailer).await;
    assert!(sink.received().is_empty());
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn names_typed_as_html_are_escaped_in_the_html_part(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = hero_named(&app, "Ann <script>alert(1)</script> Smith").await;
    let saved = add_contact(
        &staff,
        hero,
        "family",
        "Mary <img src=x onerror=alert(2)> Smith",
        "mary@example.org",
        true,
    )
    .await;
    assert_eq!(saved.status_code(), 303);
    assert_eq!(log_mile(&app, &staff, hero).await.status_code(), 303);
    send_all(&app, &mailer).await;
    let mail = sink.to("mary@example.org");
    assert_eq!(mail.len(), 1);
    let html = mail[0].part("text/html").expect("an HTML part");
    assert!(!html.contains("<script>") && !html.contains("<img"), "{html}");
    // Escaped: shown as typed, never run (askama writes &#60; for <).
    assert!(
        html.contains("Ann &#60;script&#62;alert(1)&#60;/script&#62; Smith"),
        "{html}"
    );
    assert!(
        html.contains("Mary &#60;img src=x onerror=alert(2)&#62; Smith"),
        "{html}"
    );
    // The plain text says the names as they were typed.
    assert!(
        mail[0]
            .text()
            .contains("in honour of Ann <script>alert(1)</script> Smith")
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn agreement_without_an_address_is_refused_beside_the_box(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = hero_named(&app, "Ann Smith").await;
    let refused = add_contact(&staff, hero, "family", "Mary Smith", "", true).await;
    assert_eq!(refused.status_code(), 422);
    let html = refused.text();
    assert_eq!(
        text_of(&html, "email_consent-error").as_deref(),
        Some("Add their email address above to email them when the mile is run, or untick this box.")
    );
    assert_eq!(
        field_value(&html, "name").as_deref(),
        Some("Mary Smith"),
        "what was typed stays"
    );
    assert!(html.contains(r#"name="email_consent" value="on" checked"#));

    let agency = add_contact(&staff, hero, "agency", "Chief Ray", "chief@example.org", true).await;
    assert_eq!(agency.status_code(), 422);
    assert!(
        text_of(&agency.text(), "email_consent-error")
            .is_some_and(|m| m.starts_with("Only family contacts are emailed when the mile is run"))
    );
    assert_eq!(app.count("select count(*) from hero_contacts").await, 0);

    // Clearing the address of someone who agreed, with the box still ticked, is refused too.
    add_contact(&staff, hero, "family", "Mary Smith", "mary@example.org", true).await;
    let mary = contact_id(&app, "Mary Smith").await;
    let cleared = staff
        .post(&format!("/staff/heroes/{hero}/contacts/{mary}"))
        .form(&[
            ("kind", "family"),
            ("name", "Mary Smith"),
            ("email", ""),
            ("email_consent", "on"),
        ])
        .await;
    assert_eq!(cleared.status_code(), 422);
    assert_eq!(
        app.count(
            "select count(*) from hero_contacts where email = 'mary@example.org' and email_consent_on is not null"
        )
        .await,
        1
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn no_notice_leaves_when_the_mile_save_rolls_back(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, mailer) = app_with_mail(pool, &sink).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = hero_named(&app, "Ann Smith").await;
    add_contact(&staff, hero, "family", "Mary Smith", "mary@example.org", true).await;
    // The last write of the save (its audit event) fails, after the notice was queued.
    sqlx::raw_sql(
        "create function refuse_mile() returns trigger language plpgsql as
           $$ begin if new.action = 'mile.logged' then raise exception 'refused for the test'; end if; return new; end $$;
         create trigger refuse_mile before insert on audit_log for each row execute function refuse_mile();",
    )
    .execute(&app.pool)
    .await
    .expect("the trigger");
    let failed = log_mile(&app, &staff, hero).await;
    assert_eq!(failed.status_code(), 500);
    assert_eq!(app.count("select count(*) from miles").await, 0);
    assert_eq!(notices(&app).await, 0, "no notice for a mile that was not saved");

    sqlx::raw_sql("drop trigger refuse_mile on audit_log")
        .execute(&app.pool)
        .await
        .expect("the trigger gone");
    let logged = log_mile(&app, &staff, hero).await;
    assert_eq!(logged.status_code(), 303);
    assert!(location(&logged).starts_with("/staff/miles/"));
    // A second mile, refused for want of the tick, writes nothing more.
    let again = log_mile(&app, &staff, hero).await;
    assert_eq!(again.status_code(), 422);
    assert_eq!(notices(&app).await, 1);
    send_all(&app, &mailer).await;
    assert_eq!(sink.to("mary@example.org").len(), 1);
}
