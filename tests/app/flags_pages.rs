//! The flag pages: the board's order and days waited, the desk's count, scans
//! of the card, hostile text escaped on every page, the printable card and
//! slip, what the public is told, and flags for miles logged before flags existed.

use std::io::Cursor;

use chrono::Duration;
use image::{ImageBuffer, Rgb};
use sqlx::PgPool;
use uuid::Uuid;

use crate::flags::{DELIVER, SHIP, bring_to, hero, log_mile, new_recipient, post, runner, write_note, written};
use crate::helpers::{PASSWORD, Role, TestApp, location, page_text, sign_in, text_of};
use honor_mile::flags::model::Step;

fn png() -> Vec<u8> {
    let picture = ImageBuffer::from_fn(40, 30, |x, y| Rgb([(x * 6) as u8, (y * 8) as u8, 90]));
    let mut out = Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).expect("encode png");
    out.into_inner()
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_board_lists_each_step_oldest_mile_first_with_the_days_waited(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    let mut flags = Vec::new();
    for (name, date) in [
        ("Recent", "2026-11-20"),
        ("Oldest", "2026-10-01"),
        ("Middle", "2026-11-01"),
    ] {
        let hero = hero(&app, name, "police", "US").await;
        flags.push(log_mile(&app, &staff, hero, runner, date).await);
    }
    let delivered = hero(&app, "Delivered Long Ago", "fire", "US").await;
    let delivered = log_mile(&app, &staff, delivered, runner, "2026-09-01").await;
    bring_to(&staff, delivered, Step::Delivered).await;

    let html = staff.get("/staff/flags").await.text();
    let page = page_text(&html);
    let waiting = page
        .split("Waiting for its note: 3")
        .nth(1)
        .and_then(|rest| rest.split("Note written:").next())
        .expect("the waiting section");
    let oldest = waiting.find("Oldest").expect("oldest listed");
    let middle = waiting.find("Middle").expect("middle listed");
    let recent = waiting.find("Recent").expect("recent listed");
    assert!(oldest < middle && middle < recent, "oldest first: {waiting}");
    assert!(waiting.contains("Oldest 53 days overdue"), "{waiting}");
    assert!(waiting.contains("Middle 22 days overdue"), "{waiting}");
    assert!(waiting.contains("Recent 3 days Not chosen"), "{waiting}");
    assert_eq!(text_of(&html, "flags-open").as_deref(), Some("3"));
    assert!(
        page.contains("Delivered: 0") || !page.contains("Delivered:"),
        "delivered flags are not open"
    );
    assert!(
        page.contains("Delivered Long Ago: delivered 23 November 2026"),
        "{page}"
    );

    // The desk counts flags not yet delivered whose mile is more than 14 days old.
    let desk = staff.get("/staff").await.text();
    assert_eq!(text_of(&desk, "flags-overdue").as_deref(), Some("2"));
    assert!(desk.contains(r#"href="/staff/flags""#));

    // Twelve days later the recent one is overdue too; sessions have ended by then.
    app.clock.advance(Duration::days(12));
    let later = app.browser();
    assert_eq!(sign_in(&later, "staff@example.org", PASSWORD).await.status_code(), 303);
    let desk = later.get("/staff").await.text();
    assert_eq!(text_of(&desk, "flags-overdue").as_deref(), Some("3"));
    let board = page_text(&later.get("/staff/flags").await.text());
    assert!(board.contains("Recent 15 days overdue"), "{board}");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_scan_must_really_be_a_picture_or_a_pdf_and_is_shown_to_staff_only(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    let hero = hero(&app, "Julian Becerra", "police", "US").await;
    let flag = log_mile(&app, &staff, hero, runner, "2026-11-20").await;

    for (bytes, name) in [
        (b"<html><script>alert(1)</script></html>".to_vec(), "card.jpg"),
        (b"MZ\x90\x00 not a pdf".to_vec(), "card.pdf"),
        (b"GIF89a".to_vec(), "card.gif"),
    ] {
        let before = written(&app, flag).await;
        let response = write_note(&staff, flag, "Typed note stays", Some((bytes, name))).await;
        assert_eq!(response.status_code(), 422, "{name}");
        let html = response.text();
        assert_eq!(
            text_of(&html, "scan-error").as_deref(),
            Some("This file is neither a picture nor a PDF. Choose a JPEG, PNG or WebP photo, or a PDF scan.")
        );
        assert_eq!(
            crate::helpers::field_value(&html, "note_text").as_deref(),
            Some("Typed note stays")
        );
        assert_eq!(written(&app, flag).await, before, "{name}: nothing written");
    }

    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let response = write_note(&staff, flag, "Thank you.", Some((pdf.clone(), "card.pdf"))).await;
    assert_eq!(response.status_code(), 303, "{}", page_text(&response.text()));
    let served = staff.get(&format!("/staff/flags/{flag}/scan")).await;
    assert_eq!(served.status_code(), 200);
    assert_eq!(served.header("content-type"), "application/pdf");
    assert_eq!(served.header("cache-control"), "no-store");
    assert!(
        served
            .header("content-disposition")
            .to_str()
            .is_ok_and(|v| v.starts_with("attachment"))
    );
    assert_eq!(served.as_bytes().to_vec(), pdf);
    let visitor = app.browser().get(&format!("/staff/flags/{flag}/scan")).await;
    assert!(location(&visitor).starts_with("/login"));

    // A picture is re-encoded as JPEG.
    let other = log_mile(&app, &staff, hero, runner, "2026-11-21").await;
    let response = write_note(&staff, other, "Thank you.", Some((png(), "card.png"))).await;
    assert_eq!(response.status_code(), 303);
    let served = staff.get(&format!("/staff/flags/{other}/scan")).await;
    assert_eq!(served.header("content-type"), "image/jpeg");
    assert!(served.as_bytes().starts_with(&[0xFF, 0xD8]));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn hostile_text_in_the_note_and_the_address_is_escaped_on_every_page(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    let hero = hero(&app, "Julian Becerra", "police", "US").await;
    let flag = log_mile(&app, &staff, hero, runner, "2026-11-20").await;
    let note = "<script>alert('note')</script>\nWith gratitude & respect";
    let name = "<b onmouseover=alert(1)>Maria</b>";
    let address = "<img src=x onerror=alert('addr')>\n12 Elm Street";
    assert_eq!(
        new_recipient(&staff, flag, "family", name, address).await.status_code(),
        303
    );
    assert_eq!(write_note(&staff, flag, note, None).await.status_code(), 303);

    for path in [
        "/staff/flags".to_string(),
        format!("/staff/flags/{flag}"),
        format!("/staff/flags/{flag}/card"),
        format!("/staff/flags/{flag}/slip"),
    ] {
        let html = staff.get(&path).await.text();
        assert!(!html.contains("<script>alert"), "{path}");
        assert!(!html.contains("<img src=x"), "{path}");
        assert!(!html.contains("<b onmouseover"), "{path}");
        let text = page_text(&html);
        if !path.ends_with("/card") {
            assert!(
                text.contains("<b onmouseover=alert(1)>Maria</b>"),
                "{path} shows the name as typed"
            );
        }
        if path != "/staff/flags" {
            let shown =
                text.contains("<script>alert('note')</script>") || text.contains("<img src=x onerror=alert('addr')>");
            assert!(shown, "{path} shows the text as typed");
        }
    }
    let card = staff.get(&format!("/staff/flags/{flag}/card")).await.text();
    assert_eq!(
        text_of(&card, "note-text").as_deref(),
        Some("<script>alert('note')</script>\nWith gratitude & respect")
    );
    let slip = staff.get(&format!("/staff/flags/{flag}/slip")).await.text();
    let on_slip = text_of(&slip, "slip-address").unwrap_or_default();
    assert!(
        on_slip.contains("<img src=x onerror=alert('addr')>\n12 Elm Street"),
        "{on_slip}"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_card_and_slip_show_what_is_printed(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    let k9 = hero(&app, "K9 Rex", "k9", "US").await;
    let flag = log_mile(&app, &staff, k9, runner, "2026-11-20").await;
    let slip = page_text(&staff.get(&format!("/staff/flags/{flag}/slip")).await.text());
    assert!(slip.contains("No recipient chosen yet."), "{slip}");
    bring_to(&staff, flag, Step::Ready).await;
    let card = page_text(&staff.get(&format!("/staff/flags/{flag}/card")).await.text());
    assert!(card.contains("In honour of K9 Rex"), "{card}");
    assert!(
        card.contains("Mile 1 (the 1st K9), run on 20 November 2026 · Thin blue line K9 flag"),
        "{card}"
    );
    assert!(
        card.contains("Thank you for his service. Handwritten by Zechariah"),
        "{card}"
    );
    let slip_html = staff.get(&format!("/staff/flags/{flag}/slip")).await.text();
    assert_eq!(
        text_of(&slip_html, "slip-address").as_deref(),
        Some("Maria Becerra\n12 Elm Street\nFountain, CO 80817")
    );
    assert!(page_text(&slip_html).contains("One Thin blue line K9 flag, carried on Mile 1 (the 1st K9)"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_public_learns_when_and_to_whom_in_general_terms_only(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    let cases = [
        ("family", "Flag delivered to the family on 23 November 2026."),
        ("agency", "Flag delivered to the agency on 23 November 2026."),
        ("handler", "Flag delivered to the K9's handler on 23 November 2026."),
        (
            "intermediary",
            "Flag delivered to a representative on 23 November 2026.",
        ),
    ];
    let home = app.browser().get("/").await.text();
    assert_eq!(text_of(&home, "flags-delivered").as_deref(), Some("0"));
    for (n, (kind, said)) in cases.into_iter().enumerate() {
        let hero = hero(&app, &format!("Hero {n}"), "police", "US").await;
        let flag = log_mile(&app, &staff, hero, runner, "2026-11-20").await;
        let public = page_text(&app.browser().get(&format!("/heroes/{hero}")).await.text());
        assert!(!public.contains("Flag delivered"), "not before delivery");
        assert_eq!(
            new_recipient(&staff, flag, kind, "Pat Quill", "9 Secret Lane")
                .await
                .status_code(),
            303
        );
        assert_eq!(write_note(&staff, flag, "Thank you.", None).await.status_code(), 303);
        assert_eq!(post(&staff, flag, "ready", &[]).await.status_code(), 303);
        assert_eq!(post(&staff, flag, "ship", SHIP).await.status_code(), 303);
        let public = page_text(&app.browser().get(&format!("/heroes/{hero}")).await.text());
        assert!(!public.contains("Flag delivered"), "not while shipped");
        assert_eq!(post(&staff, flag, "deliver", DELIVER).await.status_code(), 303);
        let public = page_text(&app.browser().get(&format!("/heroes/{hero}")).await.text());
        assert!(public.contains(said), "{public}");
        for secret in ["Pat Quill", "Secret Lane", "Thank you.", "Maria, by phone", "9400"] {
            assert!(!public.contains(secret), "{secret} leaked: {public}");
        }
    }
    let home = app.browser().get("/").await.text();
    assert_eq!(text_of(&home, "flags-delivered").as_deref(), Some("4"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_voided_miles_flag_leaves_the_board_and_the_counts(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    let hero = hero(&app, "Logged By Mistake", "police", "US").await;
    let flag = log_mile(&app, &staff, hero, runner, "2026-10-01").await;
    let mile: Uuid = sqlx::query_scalar("select mile_id from flags where id = $1")
        .bind(flag)
        .fetch_one(&app.pool)
        .await
        .expect("mile");
    let response = staff
        .post(&format!("/staff/miles/{mile}/void"))
        .form(&[("reason", "Wrong hero")])
        .await;
    assert_eq!(response.status_code(), 303);
    assert!(!page_text(&staff.get("/staff/flags").await.text()).contains("Logged By Mistake"));
    assert_eq!(
        text_of(&staff.get("/staff").await.text(), "flags-overdue").as_deref(),
        Some("0")
    );
    let page = page_text(&staff.get(&format!("/staff/flags/{flag}")).await.text());
    assert!(page.contains("This flag's mile was voided"), "{page}");
}

#[sqlx::test(migrations = false)]
async fn miles_logged_before_flags_existed_get_their_flags(pool: PgPool) {
    // Migrate up to the runs, log a mile the old way, then add flags.
    let (before, after): (Vec<_>, Vec<_>) = honor_mile::MIGRATOR
        .iter()
        .cloned()
        .partition(|m| m.version < 20261123000020);
    let mut migrator = sqlx::migrate::Migrator::DEFAULT;
    migrator.migrations = before.into();
    migrator.run(&pool).await.expect("earlier migrations");
    let app = TestApp::new(pool.clone()).await;
    let runner = runner(&app).await;
    let police = hero(&app, "Old Police", "police", "US").await;
    let other = hero(&app, "Old Other", "other", "CA").await;
    for (number, hero) in [(1, police), (2, other)] {
        app.mile(number, hero, runner, "2026-01-05").await;
    }
    let mut all = sqlx::migrate::Migrator::DEFAULT;
    all.migrations = honor_mile::MIGRATOR.iter().cloned().collect::<Vec<_>>().into();
    assert!(!after.is_empty());
    all.run(&pool).await.expect("the flags migration");
    let kinds: Vec<(String, String)> = sqlx::query_as(
        "select f.kind::text, f.step::text from flags f join miles m on m.id = f.mile_id order by m.number",
    )
    .fetch_all(&pool)
    .await
    .expect("flags");
    assert_eq!(
        kinds,
        [
            ("thin_blue_line".to_string(), "waiting_for_note".to_string()),
            ("canada".into(), "waiting_for_note".into())
        ]
    );
    assert_eq!(app.count("select count(*) from flag_history").await, 2);
}
