//! The mile ledger staff search, each runner's page with their count, and the
//! staff hero record's miles and flag.

use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{NewHero, Role, TestApp, page_text};

async fn hero(app: &TestApp, name: &str, service: &str) -> Uuid {
    app.hero(NewHero {
        name,
        service,
        confirmed: true,
        ..NewHero::default()
    })
    .await
}

async fn void(app: &TestApp, mile: Uuid, reason: &str) {
    sqlx::query("update miles set voided_at = now(), void_reason = $2 where id = $1")
        .bind(mile)
        .bind(reason)
        .execute(&app.pool)
        .await
        .expect("void");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_ledger_lists_every_number_in_order_with_the_voided_and_their_reason(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let zech = app.runner("Zechariah").await;
    let becerra = hero(&app, "Julian Becerra", "police").await;
    let mills = hero(&app, "Dana Mills", "fire").await;
    let ortiz = hero(&app, "Luis Ortiz", "ems").await;
    app.mile(1293, becerra, zech, "2026-11-20").await;
    let voided = app.mile(1294, mills, zech, "2026-11-21").await;
    app.mile(1295, ortiz, zech, "2026-11-22").await;
    void(&app, voided, "Logged for the wrong hero").await;

    let response = staff.get("/staff/miles").await;
    assert_eq!(response.status_code(), 200);
    let page = page_text(&response.text());
    let (a, b, c) = (
        page.find("1,295").expect("1,295"),
        page.find("1,294").expect("1,294"),
        page.find("1,293").expect("1,293"),
    );
    assert!(a < b && b < c, "newest first, in order: {page}");
    assert!(page.contains("Voided: Logged for the wrong hero"), "{page}");
    assert!(page.contains("Dana Mills"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_mile_is_found_by_its_number_written_either_way(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let zech = app.runner("Zechariah").await;
    let becerra = hero(&app, "Julian Becerra", "police").await;
    let mills = hero(&app, "Dana Mills", "fire").await;
    app.mile(1294, becerra, zech, "2026-11-20").await;
    app.mile(1295, mills, zech, "2026-11-21").await;
    for q in ["1294", "1,294", "#1 294"] {
        let page = page_text(&staff.get("/staff/miles").add_query_param("q", q).await.text());
        assert!(page.contains("Julian Becerra"), "{q}: {page}");
        assert!(!page.contains("Dana Mills"), "{q}: only mile 1,294");
    }
    let response = staff.get("/staff/miles").add_query_param("q", "<b>twelve</b>").await;
    assert_eq!(response.status_code(), 422);
    let html = response.text();
    assert!(html.contains("Write a mile number, like 1294 or 1,294."));
    assert!(!html.contains("<b>twelve</b>"), "what was typed is escaped");
    let page = page_text(&staff.get("/staff/miles?q=999").await.text());
    assert!(page.contains("No mile matches."));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_ledger_narrows_by_runner_month_and_k9(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let zech = app.runner("Zechariah").await;
    let ruth = app.runner("Ruth").await;
    let becerra = hero(&app, "Julian Becerra", "police").await;
    let rex = hero(&app, "Rex", "k9").await;
    let mills = hero(&app, "Dana Mills", "fire").await;
    app.mile(1, becerra, zech, "2026-10-30").await;
    let k9 = app.mile(2, rex, ruth, "2026-11-02").await;
    app.mile(3, mills, ruth, "2026-11-03").await;
    sqlx::query("update miles set k9_number = 1 where id = $1")
        .bind(k9)
        .execute(&app.pool)
        .await
        .expect("k9 number");

    let by_runner = page_text(&staff.get(&format!("/staff/miles?runner={ruth}")).await.text());
    assert!(by_runner.contains("Rex") && by_runner.contains("Dana Mills"));
    assert!(!by_runner.contains("Julian Becerra"), "{by_runner}");

    let october = page_text(&staff.get("/staff/miles?month=2026-10").await.text());
    assert!(october.contains("Julian Becerra"));
    assert!(!october.contains("Rex") && !october.contains("Dana Mills"), "{october}");

    let k9_only = page_text(&staff.get("/staff/miles?k9=on").await.text());
    assert!(k9_only.contains("Rex") && k9_only.contains("1st K9"), "{k9_only}");
    assert!(!k9_only.contains("Dana Mills") && !k9_only.contains("Julian Becerra"));

    for (key, value, message) in [
        ("month", "November", "Choose a month, like 2026-11."),
        ("runner", "someone", "Choose a runner from the list."),
    ] {
        let response = staff.get("/staff/miles").add_query_param(key, value).await;
        assert_eq!(response.status_code(), 422, "{key}");
        assert!(page_text(&response.text()).contains(message), "{key}");
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_ledger_pages_on_to_older_numbers(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let zech = app.runner("Zechariah").await;
    let becerra = hero(&app, "Julian Becerra", "police").await;
    sqlx::query(
        "insert into miles (id, number, hero_id, runner_id, run_date, place, laps, duration_seconds, form_key,
                            created_at, updated_at)
         select gen_random_uuid(), n, $1, $2, date '2026-01-01', 'Track', 7, 495, gen_random_uuid(), now(), now()
         from generate_series(1, 101) n",
    )
    .bind(becerra)
    .bind(zech)
    .execute(&app.pool)
    .await
    .expect("101 miles");
    let first = staff.get("/staff/miles").await.text();
    let numbers = mile_cells(&first);
    assert_eq!(numbers.len(), 100, "a page holds 100 lines");
    assert_eq!((numbers[0].as_str(), numbers[99].as_str()), ("101", "2"));
    let next = older_link(&first).expect("a link to older miles");
    let older = staff.get(&next).await.text();
    assert_eq!(mile_cells(&older), ["1"]);
    assert!(older_link(&older).is_none(), "the last page has no next");
}

/// Where the "Older miles" link leads.
fn older_link(html: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("a").expect("selector");
    document
        .select(&selector)
        .find(|a| a.text().collect::<String>() == "Older miles")
        .and_then(|a| a.value().attr("href").map(str::to_string))
}

/// The mile numbers in the ledger table, in the order shown.
fn mile_cells(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("table.ledger tbody td:first-child a").expect("selector");
    document.select(&selector).map(|a| a.text().collect()).collect()
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_runner_s_page_counts_their_standing_miles(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let zech = app.runner("Zechariah").await;
    let ruth = app.runner("Ruth").await;
    let becerra = hero(&app, "Julian Becerra", "police").await;
    let mills = hero(&app, "Dana Mills", "fire").await;
    let ortiz = hero(&app, "Luis Ortiz", "ems").await;
    app.mile(1, becerra, zech, "2026-11-01").await;
    let voided = app.mile(2, mills, zech, "2026-11-02").await;
    app.mile(3, ortiz, zech, "2026-11-03").await;
    app.mile(4, mills, ruth, "2026-11-04").await;
    void(&app, voided, "Wrong runner").await;

    let html = staff.get(&format!("/staff/runners/{zech}")).await.text();
    let count = crate::helpers::text_of(&html, "runner-count").expect("the count");
    assert_eq!(count, "2 miles run (1 voided, not counted).");
    let page = page_text(&html);
    assert!(page.contains("Julian Becerra") && page.contains("Luis Ortiz"));
    assert!(page.contains("Voided: Wrong runner"));
    let ruth_page = staff.get(&format!("/staff/runners/{ruth}")).await.text();
    assert_eq!(
        crate::helpers::text_of(&ruth_page, "runner-count").as_deref(),
        Some("1 mile run.")
    );
    let list = page_text(&staff.get("/staff/runners").await.text());
    assert!(list.contains("Zechariah 2"), "{list}");
    assert_eq!(
        staff
            .get(&format!("/staff/runners/{}", Uuid::now_v7()))
            .await
            .status_code(),
        404
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_staff_hero_record_shows_its_miles_flag_and_what_to_do_next(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let zech = app.runner("Zechariah").await;
    let becerra = hero(&app, "Julian Becerra", "police").await;
    let waiting = hero(&app, "Dana Mills", "fire").await;

    let page = page_text(&staff.get(&format!("/staff/heroes/{waiting}")).await.text());
    assert!(page.contains("Dana Mills is still waiting for a mile."), "{page}");
    assert!(page.contains("Log the mile") && page.contains("Schedule a run"));

    let voided = app.mile(7, becerra, zech, "2026-11-01").await;
    void(&app, voided, "Wrong date").await;
    let mile = app.mile(8, becerra, zech, "2026-11-02").await;
    sqlx::query("insert into flags (id, mile_id, kind, created_at, updated_at) values (gen_random_uuid(), $1, 'thin_blue_line', now(), now())")
        .bind(mile)
        .execute(&app.pool)
        .await
        .expect("flag");
    let page = page_text(&staff.get(&format!("/staff/heroes/{becerra}")).await.text());
    assert!(page.contains("Mile 7") && page.contains("Voided: Wrong date"), "{page}");
    assert!(
        page.contains("Mile 8") && page.contains("Flag: Waiting for its note"),
        "{page}"
    );
    assert!(
        !page.contains("Log the mile"),
        "a hero with a mile has no link to log one"
    );
}
