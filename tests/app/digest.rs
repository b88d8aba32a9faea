//! The daily staff digest: it arrives at the configured hour in the program's
//! time zone and not before, tells each section's news, goes once a day to each
//! person however many rounds run at once, and not to someone who turned it off.

use chrono::{DateTime, TimeZone, Utc};
use honor_mile::config::Config;
use honor_mile::digest::{Round, round};
use honor_mile::messages::sender::{Mailer, send_due};
use sqlx::PgPool;
use uuid::Uuid;

use crate::flags::{hero, log_mile, runner};
use crate::helpers::{NewGrant, NewHero, Role, TestApp, location, page_text, test_config, text_of};
use crate::smtp_sink::SmtpSink;

/// The app, its settings (mail to `sink`) and the mailer that sends its outbox.
async fn app_with_mail(pool: PgPool, sink: &SmtpSink) -> (TestApp, Config, Mailer) {
    let config = test_config(&[("SMTP_URL", &sink.url()), ("DIGEST_HOUR", "7")]);
    let mailer = Mailer::from_config(&config)
        .expect("a valid mail setting")
        .expect("a mailer");
    (TestApp::with_config(pool, config.clone()).await, config, mailer)
}

async fn send_all(app: &TestApp, mailer: &Mailer, now: DateTime<Utc>) {
    while send_due(&app.pool, mailer, now).await.expect("a round") > 0 {}
}

/// A moment in New York (the tests' program time zone) in November 2026, as UTC.
fn new_york(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    chrono_tz::America::New_York
        .with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .single()
        .expect("a time in New York")
        .with_timezone(&Utc)
}

async fn digests(app: &TestApp) -> i64 {
    app.count("select count(*) from outbox where kind = 'staff digest'")
        .await
}

/// A grant application received at `at`.
async fn application(app: &TestApp, recipient: &str, at: DateTime<Utc>) -> String {
    let id = app
        .grant(NewGrant {
            recipient,
            ..NewGrant::default()
        })
        .await
        .expect("an application");
    sqlx::query_scalar("update grant_applications set submitted_at = $2 where id = $1 returning reference")
        .bind(id)
        .bind(at)
        .fetch_one(&app.pool)
        .await
        .expect("received then")
}

async fn run(app: &TestApp, date: &str, place: &str, cancelled: bool) {
    sqlx::query(
        "insert into runs (id, run_date, start_time, place, status, cancel_reason, created_at, updated_at)
         values ($1, $2::date, '18:00', $3, case when $4 then 'cancelled' else 'scheduled' end::run_status,
                 case when $4 then 'Storm' end, now(), now())",
    )
    .bind(Uuid::now_v7())
    .bind(date)
    .bind(place)
    .bind(cancelled)
    .execute(&app.pool)
    .await
    .expect("a run");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_digest_arrives_at_the_hour_with_each_sections_news_and_not_before(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, config, mailer) = app_with_mail(pool, &sink).await;
    app.create_user("sam@example.org", "Sam Staff", Role::Staff).await;
    // A flag whose mile was run on 1 November: 23 days on the 24th.
    let (staff, _) = app.signed_in(Role::Staff).await;
    let zechariah = runner(&app).await;
    let waiting = hero(&app, "Ann Waiting", "police", "US").await;
    log_mile(&app, &staff, waiting, zechariah, "2026-11-01").await;
    // And one run only a week ago: not waiting too long yet.
    let recent = hero(&app, "Rita Recent", "fire", "US").await;
    log_mile(&app, &staff, recent, zechariah, "2026-11-17").await;
    let new = application(&app, "Lee Morgan", new_york(23, 16, 0)).await;
    let old = application(&app, "Otto Older", new_york(20, 9, 0)).await;
    for (name, eow) in [("Carl Coming", "2019-11-27"), ("Fay Faraway", "2019-12-06")] {
        app.hero(NewHero {
            name,
            agency: "Orange County Sheriff",
            end_of_watch: eow,
            ..NewHero::default()
        })
        .await;
    }
    run(&app, "2026-11-26", "Layer Elementary School track", false).await;
    run(&app, "2026-11-25", "Cancelled Park loop", true).await;
    run(&app, "2026-12-05", "Far Future Stadium", false).await;

    assert_eq!(
        round(&app.pool, &config, new_york(24, 6, 59)).await.expect("a round"),
        Round::NotYet
    );
    assert_eq!(digests(&app).await, 0, "nothing before the hour");
    let at_seven = new_york(24, 7, 0);
    assert_eq!(
        round(&app.pool, &config, at_seven).await.expect("a round"),
        Round::Claimed { queued: 2 }
    );
    send_all(&app, &mailer, at_seven).await;
    let mail = sink.to("sam@example.org");
    assert_eq!(mail.len(), 1);
    assert_eq!(
        mail[0].header("Subject").as_deref(),
        Some("Honor Mile today: Tuesday 24 November 2026")
    );
    let text = mail[0].text();
    for expected in [
        "Hello Sam Staff",
        "New grant applications",
        &format!("{new}: Lee Morgan, Springfield PD (injured on duty), $3,000.00 asked"),
        "Flags waiting more than 14 days",
        "Mile 1 for Ann Waiting, run 23 days ago: waiting for its note",
        "Anniversaries this week",
        "Carl Coming, Orange County Sheriff: 27 November, 7 years",
        "Runs this week",
        "Thursday 26 November 2026 at 18:00 EST: Layer Elementary School track",
        "http://127.0.0.1:3000/account/password#digest",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    for absent in [
        old.as_str(),
        "Otto Older",
        "Rita Recent",
        "Fay Faraway",
        "Cancelled Park loop",
        "Far Future Stadium",
    ] {
        assert!(!text.contains(absent), "{absent:?} is not news:\n{text}");
    }
    let html = mail[0].part("text/html").expect("an HTML part");
    assert!(html.contains("<h2") && html.contains("Lee Morgan"));
    // Its links open the pages that deal with each line.
    let link = mail[0]
        .link("http://127.0.0.1:3000/staff/grants/")
        .expect("the application's link");
    let page = staff.get(link.trim_start_matches("http://127.0.0.1:3000")).await;
    assert_eq!(page.status_code(), 200);
    assert!(page_text(&page.text()).contains(&new));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_second_round_the_same_day_sends_nothing_and_the_next_day_tells_only_what_is_new(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, config, mailer) = app_with_mail(pool, &sink).await;
    app.create_user("sam@example.org", "Sam Staff", Role::Staff).await;
    let first = application(&app, "Lee Morgan", new_york(23, 16, 0)).await;
    let at_seven = new_york(24, 7, 0);
    assert_eq!(
        round(&app.pool, &config, at_seven).await.expect("a round"),
        Round::Claimed { queued: 1 }
    );
    for later in [new_york(24, 7, 1), new_york(24, 23, 59)] {
        assert_eq!(round(&app.pool, &config, later).await.expect("a round"), Round::Taken);
    }
    assert_eq!(digests(&app).await, 1);

    let second = application(&app, "Nora Next", new_york(24, 9, 30)).await;
    let next_day = new_york(25, 7, 5);
    assert_eq!(
        round(&app.pool, &config, next_day).await.expect("a round"),
        Round::Claimed { queued: 1 }
    );
    send_all(&app, &mailer, next_day).await;
    let mail = sink.to("sam@example.org");
    assert_eq!(mail.len(), 2, "one a day");
    let texts: Vec<String> = mail.iter().map(|m| m.text()).collect();
    let tuesday = texts
        .iter()
        .find(|t| t.contains("Tuesday 24 November"))
        .expect("Tuesday's");
    let wednesday = texts
        .iter()
        .find(|t| t.contains("Wednesday 25 November"))
        .expect("Wednesday's");
    assert!(tuesday.contains(&first) && !tuesday.contains(&second));
    assert!(
        wednesday.contains(&second) && !wednesday.contains(&first),
        "{wednesday}"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_day_with_nothing_to_tell_sends_nothing(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, config, _) = app_with_mail(pool, &sink).await;
    app.create_user("sam@example.org", "Sam Staff", Role::Staff).await;
    // An application already told of in an earlier digest is no news.
    application(&app, "Lee Morgan", new_york(20, 9, 0)).await;
    assert_eq!(
        round(&app.pool, &config, new_york(24, 8, 0)).await.expect("a round"),
        Round::Claimed { queued: 0 }
    );
    assert_eq!(digests(&app).await, 0);
    assert_eq!(
        round(&app.pool, &config, new_york(24, 9, 0)).await.expect("a round"),
        Round::Taken,
        "the quiet day is claimed all the same"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn someone_who_turned_the_digest_off_gets_none_until_they_turn_it_on(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, config, mailer) = app_with_mail(pool, &sink).await;
    app.create_user("ada@example.org", "Ada Admin", Role::Admin).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let page = staff.get("/account/password").await.text();
    assert_eq!(text_of(&page, "digest-state").as_deref(), Some("on"));
    assert!(page_text(&page).contains("Each day from 07:00"));

    let off = staff.post("/account/digest").form(&[("wanted", "off")]).await;
    assert_eq!(off.status_code(), 303);
    assert_eq!(location(&off), "/account/password#digest");
    let page = staff.get("/account/password").await.text();
    assert_eq!(text_of(&page, "digest-state").as_deref(), Some("off"));
    assert!(page_text(&page).contains("The daily email is off"));
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'account.digest_off'")
            .await,
        1
    );
    // Nonsense changes nothing.
    let odd = staff.post("/account/digest").form(&[("wanted", "maybe")]).await;
    assert_eq!(odd.status_code(), 303);
    assert_eq!(
        app.count("select count(*) from users where wants_digest").await,
        1,
        "only the admin's stays on"
    );

    application(&app, "Lee Morgan", new_york(23, 16, 0)).await;
    let at_seven = new_york(24, 7, 0);
    assert_eq!(
        round(&app.pool, &config, at_seven).await.expect("a round"),
        Round::Claimed { queued: 1 }
    );
    send_all(&app, &mailer, at_seven).await;
    assert_eq!(sink.to("ada@example.org").len(), 1);
    assert!(sink.to("staff@example.org").is_empty(), "turned off: none");

    let on = staff.post("/account/digest").form(&[("wanted", "on")]).await;
    assert_eq!(on.status_code(), 303);
    application(&app, "Nora Next", new_york(24, 9, 30)).await;
    let next_day = new_york(25, 7, 0);
    round(&app.pool, &config, next_day).await.expect("a round");
    send_all(&app, &mailer, next_day).await;
    assert_eq!(sink.to("staff@example.org").len(), 1, "on again");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn two_instances_rounds_at_once_queue_one_digest_for_each_person(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let (app, config, _) = app_with_mail(pool, &sink).await;
    for n in 0..3 {
        app.create_user(&format!("p{n}@example.org"), "Pat", Role::Staff).await;
    }
    // A second instance: a pool of its own on the same database.
    let other = PgPool::connect_with((*app.pool.connect_options()).clone())
        .await
        .expect("a second pool");
    for day in 24..=28 {
        application(&app, "Lee Morgan", new_york(day - 1, 16, 0)).await;
        let at = new_york(day, 7, 0);
        let (one, two) = tokio::join!(round(&app.pool, &config, at), round(&other, &config, at));
        let mut results = [one.expect("a round"), two.expect("a round")];
        results.sort_by_key(|r| matches!(r, Round::Taken));
        assert_eq!(results, [Round::Claimed { queued: 3 }, Round::Taken], "day {day}");
    }
    assert_eq!(digests(&app).await, 15, "three people, five days, one each");
    assert_eq!(
        app.count(
            "select count(*) from (select to_address from outbox group by to_address, subject having count(*) > 1) d"
        )
        .await,
        0
    );
}

#[test]
fn a_digest_hour_that_is_not_an_hour_is_refused_in_one_line() {
    let problems = Config::from_lookup(|key| (key == "DIGEST_HOUR").then(|| "24".to_string()))
        .expect_err("refused")
        .problems()
        .to_vec();
    assert_eq!(problems, ["DIGEST_HOUR must be an hour from 0 to 23, got 24"]);
}
