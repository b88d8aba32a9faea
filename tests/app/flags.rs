//! Flags on their way: a logged mile creates its flag, every allowed move is
//! taken and every other refused with nothing written, dates and tracking
//! numbers are checked, and two staff moving one flag at once cannot both win.

use axum_test::multipart::{MultipartForm, Part};
use axum_test::{TestResponse, TestServer};
use honor_mile::flags::model::{Carrier, Step};
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{NewHero, Role, TestApp, follow, location, page_text, text_of};

pub async fn runner(app: &TestApp) -> Uuid {
    app.runner("Zechariah").await
}

/// A confirmed hero of `service` from `country` ("US" or "CA").
pub async fn hero(app: &TestApp, name: &str, service: &str, country: &str) -> Uuid {
    let region = if country == "CA" { "ON" } else { "FL" };
    app.hero(NewHero {
        name,
        country,
        region,
        service,
        ..NewHero::default()
    })
    .await
}

pub async fn log_mile(app: &TestApp, staff: &TestServer, hero: Uuid, runner: Uuid, date: &str) -> Uuid {
    let form = [
        ("form_key", Uuid::new_v4().to_string()),
        ("hero_id", hero.to_string()),
        ("runner_id", runner.to_string()),
        ("run_date", date.to_string()),
        ("place", "Layer Elementary School track".into()),
        ("laps", "7".into()),
        ("duration", "8:15".into()),
        ("flag_carried", "on".into()),
        // Some tests log a second mile for one hero on purpose.
        ("second_mile", "on".into()),
    ];
    let response = staff.post("/staff/miles").form(&form).await;
    assert_eq!(response.status_code(), 303, "{}", page_text(&response.text()));
    let mile: Uuid = location(&response)
        .trim_start_matches("/staff/miles/")
        .parse()
        .expect("mile id");
    sqlx::query_scalar("select id from flags where mile_id = $1")
        .bind(mile)
        .fetch_one(&app.pool)
        .await
        .expect("the mile's flag")
}

pub async fn step_of(app: &TestApp, flag: Uuid) -> String {
    sqlx::query_scalar("select step::text from flags where id = $1")
        .bind(flag)
        .fetch_one(&app.pool)
        .await
        .expect("step")
}

/// Everything a refused request must leave alone: the flag row, its history,
/// the audit trail and the contacts.
pub async fn written(app: &TestApp, flag: Uuid) -> (String, i64, i64, i64) {
    sqlx::query_as(
        "select (select row_to_json(f)::text from flags f where f.id = $1),
                (select count(*) from flag_history where flag_id = $1),
                (select count(*) from audit_log),
                (select count(*) from hero_contacts)",
    )
    .bind(flag)
    .fetch_one(&app.pool)
    .await
    .expect("snapshot")
}

pub async fn write_note(staff: &TestServer, flag: Uuid, text: &str, scan: Option<(Vec<u8>, &str)>) -> TestResponse {
    let mut form = MultipartForm::new()
        .add_text("note_text", text)
        .add_text("note_writer", "Zechariah");
    if let Some((bytes, name)) = scan {
        form = form.add_part("scan", Part::bytes(bytes).file_name(name));
    }
    staff.post(&format!("/staff/flags/{flag}/note")).multipart(form).await
}

pub async fn new_recipient(staff: &TestServer, flag: Uuid, kind: &str, name: &str, address: &str) -> TestResponse {
    staff
        .post(&format!("/staff/flags/{flag}/recipient"))
        .form(&[
            ("contact", "new"),
            ("kind", kind),
            ("name", name),
            ("relationship", "wife"),
            ("postal_address", address),
        ])
        .await
}

pub async fn post(staff: &TestServer, flag: Uuid, action: &str, form: &[(&str, &str)]) -> TestResponse {
    staff.post(&format!("/staff/flags/{flag}/{action}")).form(form).await
}

/// A form as posted: field names and values.
pub type Fields = &'static [(&'static str, &'static str)];

pub const SHIP: Fields = &[
    ("carrier", "usps"),
    ("tracking_number", "9400 1000 0000 0000 0000 00"),
    ("shipped_on", "2026-11-23"),
];
pub const HAND: Fields = &[("handed_on", "2026-11-23")];
pub const DELIVER: Fields = &[("delivered_on", "2026-11-23"), ("confirmed_by", "Maria, by phone")];
pub const RETURN: Fields = &[("returned_on", "2026-11-23"), ("return_reason", "Moved away")];

/// Takes a new flag along the real pages to `target`.
pub async fn bring_to(staff: &TestServer, flag: Uuid, target: Step) {
    let path: &[&str] = match target {
        Step::WaitingForNote => &[],
        Step::NoteWritten => &["note"],
        Step::Ready => &["note", "ready"],
        Step::Shipped => &["note", "ready", "ship"],
        Step::HandedOver => &["note", "ready", "hand-over"],
        Step::Delivered => &["note", "ready", "ship", "deliver"],
        Step::Returned => &["note", "ready", "ship", "return"],
    };
    let response = new_recipient(
        staff,
        flag,
        "family",
        "Maria Becerra",
        "12 Elm Street\nFountain, CO 80817",
    )
    .await;
    assert_eq!(response.status_code(), 303);
    for action in path {
        let response = match *action {
            "note" => write_note(staff, flag, "Thank you for his service.", None).await,
            "ready" => post(staff, flag, "ready", &[]).await,
            "ship" => post(staff, flag, "ship", SHIP).await,
            "hand-over" => post(staff, flag, "hand-over", HAND).await,
            "deliver" => post(staff, flag, "deliver", DELIVER).await,
            _ => post(staff, flag, "return", RETURN).await,
        };
        assert_eq!(response.status_code(), 303, "{action}: {}", page_text(&response.text()));
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_logged_mile_creates_its_flag_of_the_kind_the_service_calls_for(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    let cases = [
        ("police", "US", "thin_blue_line"),
        ("fire", "US", "thin_red_line"),
        ("ems", "US", "thin_white_line"),
        ("corrections", "US", "thin_silver_line"),
        ("k9", "US", "k9_thin_blue_line"),
        ("other", "US", "united_states"),
        ("other", "CA", "canada"),
    ];
    for (n, (service, country, kind)) in cases.into_iter().enumerate() {
        let hero = hero(&app, &format!("Hero {n}"), service, country).await;
        let flag = log_mile(&app, &staff, hero, runner, "2026-11-23").await;
        let (found, step): (String, String) = sqlx::query_as("select kind::text, step::text from flags where id = $1")
            .bind(flag)
            .fetch_one(&app.pool)
            .await
            .expect("flag");
        assert_eq!(
            (found.as_str(), step.as_str()),
            (kind, "waiting_for_note"),
            "{service} {country}"
        );
    }
    assert_eq!(app.count("select count(*) from flag_history").await, 7);
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'flag.created'")
            .await,
        7
    );
    assert_eq!(
        app.count("select count(*) from miles m where not exists (select 1 from flags f where f.mile_id = m.id)")
            .await,
        0
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn every_allowed_move_is_taken_and_kept_in_the_history_and_audit_trail(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    let hero = hero(&app, "Julian Becerra", "police", "US").await;

    // waiting -> note -> ready -> shipped -> returned -> ready -> handed over -> returned -> ready -> shipped -> delivered
    let flag = log_mile(&app, &staff, hero, runner, "2026-11-20").await;
    assert_eq!(
        new_recipient(&staff, flag, "family", "Maria Becerra", "12 Elm Street")
            .await
            .status_code(),
        303
    );
    let moves: [(&str, Fields, &str); 10] = [
        ("note", &[], "note_written"),
        ("ready", &[], "ready"),
        ("ship", SHIP, "shipped"),
        ("return", RETURN, "returned"),
        ("ready", &[], "ready"),
        ("hand-over", HAND, "handed_over"),
        ("return", RETURN, "returned"),
        ("ready", &[], "ready"),
        ("hand-over", HAND, "handed_over"),
        ("deliver", DELIVER, "delivered"),
    ];
    for (action, form, expected) in moves {
        let response = match action {
            "note" => write_note(&staff, flag, "Thank you.", None).await,
            _ => post(&staff, flag, action, form).await,
        };
        assert_eq!(response.status_code(), 303, "{action}: {}", page_text(&response.text()));
        assert_eq!(location(&response), format!("/staff/flags/{flag}"));
        assert_eq!(step_of(&app, flag).await, expected, "after {action}");
    }
    // And the last allowed move: shipped -> delivered.
    let other = log_mile(&app, &staff, hero, runner, "2026-11-21").await;
    bring_to(&staff, other, Step::Shipped).await;
    let response = post(&staff, other, "deliver", DELIVER).await;
    assert_eq!(response.status_code(), 303);
    let page = page_text(&follow(&staff, &response).await.text());
    assert!(page.contains("Flag of mile 2 for Julian Becerra: delivered."), "{page}");
    assert!(
        page.contains("23 November 2026, confirmed by Maria, by phone"),
        "{page}"
    );

    let steps: Vec<(Option<String>, String)> =
        sqlx::query_as("select from_step::text, to_step::text from flag_history where flag_id = $1 order by id")
            .bind(flag)
            .fetch_all(&app.pool)
            .await
            .expect("history");
    assert_eq!(steps.len(), 11, "creation and ten moves");
    assert_eq!(steps[0], (None, "waiting_for_note".to_string()));
    assert_eq!(steps[10], (Some("handed_over".into()), "delivered".into()));
    assert_eq!(
        app.count("select count(*) from audit_log where entity_type = 'flag' and action like 'flag.%'")
            .await,
        // Per flag: created, recipient, then its moves (10 and 4).
        2 + 2 + 10 + 4
    );
    // The first sending is still in the history after the flag was sent again.
    let first: serde_json::Value = sqlx::query_scalar(
        "select details from flag_history where flag_id = $1 and to_step = 'shipped' order by id limit 1",
    )
    .bind(flag)
    .fetch_one(&app.pool)
    .await
    .expect("first sending");
    assert_eq!(first["tracking_number"], "9400 1000 0000 0000 0000 00");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn every_move_the_table_does_not_allow_is_refused_with_nothing_written(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    let actions: [(&str, Step, Fields); 6] = [
        ("note", Step::NoteWritten, &[]),
        ("ready", Step::Ready, &[]),
        ("ship", Step::Shipped, SHIP),
        ("hand-over", Step::HandedOver, HAND),
        ("deliver", Step::Delivered, DELIVER),
        ("return", Step::Returned, RETURN),
    ];
    let mut refused = 0;
    for (n, from) in Step::ALL.into_iter().enumerate() {
        let hero = hero(&app, &format!("Hero {n}"), "fire", "US").await;
        let flag = log_mile(&app, &staff, hero, runner, "2026-11-20").await;
        bring_to(&staff, flag, from).await;
        assert_eq!(step_of(&app, flag).await, from.code());
        for (action, to, form) in actions {
            if from.can_move_to(to) {
                continue;
            }
            let before = written(&app, flag).await;
            let response = match action {
                "note" => write_note(&staff, flag, "Again", None).await,
                _ => post(&staff, flag, action, form).await,
            };
            assert_eq!(response.status_code(), 409, "{from:?} -> {to:?}");
            let html = response.text();
            assert_eq!(
                text_of(&html, "refused").as_deref(),
                Some(from.refusal(to).as_str()),
                "{from:?} -> {to:?}"
            );
            assert_eq!(written(&app, flag).await, before, "{from:?} -> {to:?} wrote nothing");
            refused += 1;
        }
    }
    // 7 steps x 6 moves, less the 9 allowed ones.
    assert_eq!(refused, 7 * 6 - 9);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn refusals_say_what_is_missing(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    let hero = hero(&app, "Julian Becerra", "police", "US").await;
    let flag = log_mile(&app, &staff, hero, runner, "2026-11-20").await;

    let response = post(&staff, flag, "deliver", DELIVER).await;
    assert_eq!(
        text_of(&response.text(), "refused").as_deref(),
        Some(
            "A flag can only be marked delivered after it has been shipped or handed over; this one is waiting for its note."
        )
    );

    // Ready, but nobody chosen to receive it: neither shipping nor handing over.
    assert_eq!(write_note(&staff, flag, "Thank you.", None).await.status_code(), 303);
    assert_eq!(post(&staff, flag, "ready", &[]).await.status_code(), 303);
    for (action, form) in [("ship", SHIP), ("hand-over", HAND)] {
        let before = written(&app, flag).await;
        let response = post(&staff, flag, action, form).await;
        assert_eq!(response.status_code(), 409, "{action}");
        assert_eq!(
            text_of(&response.text(), "refused").as_deref(),
            Some("Choose who receives the flag before it is shipped or handed over.")
        );
        assert_eq!(written(&app, flag).await, before);
    }

    // A recipient without an address can be handed the flag, but nothing can be mailed to them.
    assert_eq!(
        new_recipient(&staff, flag, "intermediary", "Chief Dan Ortiz", "")
            .await
            .status_code(),
        303
    );
    let response = post(&staff, flag, "ship", SHIP).await;
    assert_eq!(response.status_code(), 409);
    assert!(text_of(&response.text(), "refused").is_some_and(|m| m.contains("no postal address")));
    assert_eq!(post(&staff, flag, "hand-over", HAND).await.status_code(), 303);

    // Once on its way, its recipient stays as it was sent.
    let before = written(&app, flag).await;
    let response = new_recipient(&staff, flag, "family", "Someone Else", "1 Main St").await;
    assert_eq!(response.status_code(), 409);
    assert_eq!(written(&app, flag).await, before);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn dates_that_make_no_sense_and_implausible_tracking_numbers_are_refused(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    let hero = hero(&app, "Julian Becerra", "police", "US").await;
    let flag = log_mile(&app, &staff, hero, runner, "2026-11-10").await;
    bring_to(&staff, flag, Step::Ready).await;

    let cases: [(&str, Fields, &str, &str); 6] = [
        (
            "ship",
            &[
                ("carrier", "usps"),
                ("tracking_number", "9400100000000000000000"),
                ("shipped_on", "2026-11-24"),
            ],
            "shipped_on",
            "Date shipped cannot be in the future.",
        ),
        (
            "ship",
            &[
                ("carrier", "usps"),
                ("tracking_number", "9400100000000000000000"),
                ("shipped_on", "2026-11-09"),
            ],
            "shipped_on",
            "Date shipped cannot be before the mile was run (10 November 2026).",
        ),
        (
            "ship",
            &[
                ("carrier", "usps"),
                ("tracking_number", "9400100000000000000000"),
                ("shipped_on", "next week"),
            ],
            "shipped_on",
            "Date shipped must be a date like 2026-11-23.",
        ),
        (
            "ship",
            &[
                ("carrier", "ups"),
                ("tracking_number", "<b>12345</b>"),
                ("shipped_on", "2026-11-20"),
            ],
            "tracking_number",
            "This does not look like a UPS tracking number. UPS numbers start with 1Z and have 18 characters.",
        ),
        (
            "ship",
            &[
                ("carrier", "pigeon"),
                ("tracking_number", "1"),
                ("shipped_on", "2026-11-20"),
            ],
            "carrier",
            "Choose the carrier.",
        ),
        (
            "hand-over",
            &[("handed_on", "2026-12-01")],
            "handed_on",
            "Date handed over cannot be in the future.",
        ),
    ];
    for (action, form, field, message) in cases {
        let before = written(&app, flag).await;
        let response = post(&staff, flag, action, form).await;
        assert_eq!(response.status_code(), 422, "{action} {form:?}");
        let html = response.text();
        assert_eq!(text_of(&html, &format!("{field}-error")).as_deref(), Some(message));
        assert_eq!(written(&app, flag).await, before);
    }
    // What was typed comes back.
    let response = post(
        &staff,
        flag,
        "ship",
        &[
            ("carrier", "fedex"),
            ("tracking_number", "12 34"),
            ("shipped_on", "2026-11-20"),
        ],
    )
    .await;
    let html = response.text();
    assert_eq!(
        crate::helpers::field_value(&html, "tracking_number").as_deref(),
        Some("12 34")
    );
    assert!(html.contains(r#"<option value="fedex" selected>"#));

    // Shipped on the 20th: delivered or returned before that makes no sense.
    let ship = [
        ("carrier", "fedex"),
        ("tracking_number", " 1234 5678 9012 "),
        ("shipped_on", "2026-11-20"),
    ];
    assert_eq!(post(&staff, flag, "ship", &ship).await.status_code(), 303);
    let kept: String = sqlx::query_scalar("select tracking_number from flags where id = $1")
        .bind(flag)
        .fetch_one(&app.pool)
        .await
        .expect("tracking");
    assert_eq!(kept, "1234 5678 9012", "kept as typed, trimmed");
    for (action, form, field, message) in [
        (
            "deliver",
            [("delivered_on", "2026-11-19"), ("confirmed_by", "Maria")],
            "delivered_on",
            "Date delivered cannot be before it was sent (20 November 2026).",
        ),
        (
            "deliver",
            [("delivered_on", "2026-11-24"), ("confirmed_by", "Maria")],
            "delivered_on",
            "Date delivered cannot be in the future.",
        ),
        (
            "deliver",
            [("delivered_on", "2026-11-22"), ("confirmed_by", " ")],
            "confirmed_by",
            "Who confirmed the delivery is required.",
        ),
        (
            "return",
            [("returned_on", "2026-11-19"), ("return_reason", "Moved")],
            "returned_on",
            "Date returned cannot be before it was sent (20 November 2026).",
        ),
    ] {
        let before = written(&app, flag).await;
        let response = post(&staff, flag, action, &form).await;
        assert_eq!(response.status_code(), 422, "{action} {form:?}");
        assert_eq!(
            text_of(&response.text(), &format!("{field}-error")).as_deref(),
            Some(message)
        );
        assert_eq!(written(&app, flag).await, before);
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn two_staff_moving_one_flag_at_once_cannot_both_win(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let runner = runner(&app).await;
    for n in 0..5 {
        let hero = hero(&app, &format!("Hero {n}"), "police", "US").await;
        let flag = log_mile(&app, &staff, hero, runner, "2026-11-20").await;
        bring_to(&staff, flag, Step::Shipped).await;
        // One marks it delivered while the other marks it returned.
        let (a, b) = tokio::join!(
            post(&staff, flag, "deliver", DELIVER),
            post(&admin, flag, "return", RETURN)
        );
        let mut codes = [a.status_code().as_u16(), b.status_code().as_u16()];
        codes.sort_unstable();
        assert_eq!(codes, [303, 409], "exactly one wins");
        let loser = if a.status_code() == 409 { a.text() } else { b.text() };
        assert!(text_of(&loser, "refused").is_some(), "the other is told");
        let after: i64 = sqlx::query_scalar(
            "select count(*) from flag_history where flag_id = $1 and to_step in ('delivered', 'returned')",
        )
        .bind(flag)
        .fetch_one(&app.pool)
        .await
        .expect("history");
        assert_eq!(after, 1, "one step recorded");
    }
}

#[test]
fn tracking_numbers_are_checked_per_carrier_and_kept_as_typed() {
    let ok = [
        (
            Carrier::Usps,
            " 9400 1000 0000 0000 0000 00 ",
            "9400 1000 0000 0000 0000 00",
        ),
        (Carrier::Usps, "ea123456789us", "ea123456789us"),
        (Carrier::Ups, "1Z 999 AA1 01 2345 6784", "1Z 999 AA1 01 2345 6784"),
        (Carrier::Fedex, "1234-5678-9012", "1234-5678-9012"),
        (Carrier::CanadaPost, "1234567890123456", "1234567890123456"),
        (Carrier::CanadaPost, "RR123456789CA", "RR123456789CA"),
        (Carrier::Other, "PUR-0042", "PUR-0042"),
    ];
    for (carrier, typed, kept) in ok {
        assert_eq!(
            carrier.check_tracking(typed).as_deref(),
            Ok(kept),
            "{carrier:?} {typed}"
        );
    }
    let refused = [
        (Carrier::Usps, "12345"),
        (Carrier::Usps, "EA123456789CA"),
        (Carrier::Ups, "2Z999AA10123456784"),
        (Carrier::Fedex, "1234567890123"),
        (Carrier::CanadaPost, "1Z999AA10123456784"),
        (Carrier::Other, "<b>"),
        (Carrier::Other, ""),
    ];
    for (carrier, typed) in refused {
        assert!(carrier.check_tracking(typed).is_err(), "{carrier:?} {typed}");
    }
}

#[test]
fn the_table_allows_nine_moves_and_nothing_else() {
    let allowed: Vec<(Step, Step)> = Step::ALL
        .into_iter()
        .flat_map(|from| Step::ALL.into_iter().map(move |to| (from, to)))
        .filter(|(from, to)| from.can_move_to(*to))
        .collect();
    assert_eq!(allowed.len(), 9);
    assert!(Step::Returned.can_move_to(Step::Ready));
    assert!(!Step::Ready.can_move_to(Step::Delivered));
    assert!(!Step::Returned.can_move_to(Step::Shipped));
}
