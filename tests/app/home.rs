//! The home page: counters, the latest miles and next runs, the chart of miles
//! per month with its table, and the map of heroes honored per state and
//! province, from which any hero is two clicks away.

use chrono::{NaiveDate, TimeZone, Utc};
use sqlx::PgPool;

use crate::helpers::{TestApp, page_text, text_of};

fn select_all(html: &str, css: &str) -> Vec<(String, String)> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(css).expect("selector");
    document
        .select(&selector)
        .map(|e| {
            (
                e.value().attr("href").unwrap_or_default().to_string(),
                e.value()
                    .attr("aria-label")
                    .map(str::to_string)
                    .unwrap_or_else(|| e.text().collect::<String>().trim().to_string()),
            )
        })
        .collect()
}

/// The chart's table, one "Month miles" line per row.
fn table_rows(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let rows = scraper::Selector::parse("#miles-per-month tbody tr").expect("selector");
    let cells = scraper::Selector::parse("th, td").expect("selector");
    document
        .select(&rows)
        .map(|row| {
            row.select(&cells)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_empty_program_shows_an_empty_chart_and_map(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let html = app.browser().get("/").await.text();
    let rows = table_rows(&html);
    assert_eq!(rows.len(), 24);
    assert_eq!(rows[0], "December 2024 0", "the first of 24 months");
    assert_eq!(rows[23], "November 2026 0", "this month");
    let tiles = select_all(&html, "#region-map a");
    assert_eq!(tiles.len(), 64, "50 states, DC and 13 provinces and territories");
    assert!(tiles.contains(&(
        "/honor-roll?country=US&state=TX".to_string(),
        "Texas, TX: 0 heroes honored".to_string()
    )));
    assert!(tiles.contains(&(
        "/honor-roll?country=CA&state=NU".to_string(),
        "Nunavut, NU: 0 heroes honored".to_string()
    )));
    assert!(page_text(&html).contains("No mile has been run yet."));
    assert_eq!(
        text_of(&html, "region-list").as_deref(),
        Some("No hero has been honored yet.")
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_newcomer_reaches_a_hero_in_two_clicks_from_the_map(pool: PgPool) {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).single().expect("time");
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    honor_mile::demo::load(&pool, today, now).await.expect("demo");
    let app = TestApp::new(pool).await;
    let texas: i64 = app
        .count(
            "select count(*) from heroes h where region = 'TX' and confirmed_at is not null
             and exists (select 1 from miles m where m.hero_id = h.id and m.voided_at is null)",
        )
        .await;
    assert!(texas > 1);
    let visitor = app.browser();
    let html = visitor.get("/").await.text();
    let text = page_text(&html);
    assert!(
        text.contains("229 miles run") && text.contains("229 heroes honored"),
        "{text}"
    );

    // The chart's table agrees with the miles that stand, month by month.
    let november: i64 = app
        .count("select count(*) from miles where voided_at is null and run_date >= '2026-11-01'")
        .await;
    let rows = table_rows(&html);
    assert_eq!(rows[23], format!("November 2026 {november}"));
    let in_chart: i64 = rows
        .iter()
        .filter_map(|r| r.rsplit(' ').next().and_then(|n| n.parse::<i64>().ok()))
        .sum();
    assert_eq!(in_chart, 229, "every mile that stands, in its month");
    // Each column's title counts its miles in words that agree with the number.
    let titles: Vec<&str> = html
        .split("<title>")
        .skip(1)
        .filter_map(|rest| rest.split("</title>").next())
        .filter(|title| title.ends_with(" mile") || title.ends_with(" miles"))
        .collect();
    assert!(!titles.is_empty(), "the columns have titles");
    for title in titles {
        let mut words = title.rsplit(' ');
        let (unit, count) = (words.next(), words.next());
        assert_eq!(unit == Some("mile"), count == Some("1"), "{title}");
    }
    assert!(html.contains(r#"role="img" aria-labelledby="chart-title chart-desc""#));

    let tiles = select_all(&html, "#region-map a");
    let (href, label) = tiles
        .iter()
        .find(|(href, _)| href.ends_with("state=TX"))
        .expect("a Texas tile");
    assert_eq!(label, &format!("Texas, TX: {texas} heroes honored"));
    let legend = page_text(&html);
    assert!(legend.contains("None yet"));

    let roll = visitor.get(href).await.text();
    let hero_link = select_all(&roll, "a[href^='/heroes/']")
        .into_iter()
        .next()
        .expect("a hero on Texas' honor roll");
    let hero = visitor.get(&hero_link.0).await;
    assert_eq!(hero.status_code(), 200);
    assert!(page_text(&hero.text()).contains(", Texas"));
}

/// Whatever the size of their state, any hero is two clicks from home: their
/// name typed into the home page's search, Search, then the hero.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn any_hero_is_two_clicks_from_home_through_the_search(pool: PgPool) {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).single().expect("time");
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    honor_mile::demo::load(&pool, today, now).await.expect("demo");
    let app = TestApp::new(pool).await;
    let visitor = app.browser();
    let home = visitor.get("/").await.text();
    let form = scraper::Html::parse_document(&home);
    let search = scraper::Selector::parse("form[role=search][action='/honor-roll'] input[name=q]").expect("selector");
    assert!(form.select(&search).next().is_some(), "the home page has the search");

    let heroes: Vec<(uuid::Uuid, String)> = sqlx::query_as(
        "select id, full_name from heroes where confirmed_at is not null order by full_name desc limit 5",
    )
    .fetch_all(&app.pool)
    .await
    .expect("heroes");
    assert_eq!(heroes.len(), 5);
    for (id, name) in heroes {
        let results = visitor.get("/honor-roll").add_query_param("q", &name).await.text();
        let link = format!("/heroes/{id}");
        assert!(
            select_all(&results, "a[href^='/heroes/']")
                .iter()
                .any(|(href, _)| *href == link),
            "{name} is on the first page of their search"
        );
        assert_eq!(visitor.get(&link).await.status_code(), 200);
    }
}
