//! The public honor roll: search, filters, pagination, browsing, export.

use sqlx::PgPool;

use crate::helpers::{Role, TestApp, page_text};

/// Six heroes of two countries, services and agencies, shared with the search tests.
pub(crate) const ROLL_HEROES: [(&str, &str, &str, &str, &str); 6] = [
    (
        "André Dubois",
        "Service de police de la Ville de Montréal",
        "CA",
        "QC",
        "2022-05-10",
    ),
    ("Jeffrey Northrup", "Toronto Police Service", "CA", "ON", "2021-07-02"),
    ("Julian Becerra", "Fountain Police Department", "US", "CO", "2023-02-11"),
    (
        "Andrew Peery",
        "El Paso County Sheriff's Office",
        "US",
        "CO",
        "2022-04-14",
    ),
    (
        "Garrett Crumby",
        "Huntsville Police Department",
        "US",
        "AL",
        "2023-09-01",
    ),
    ("Mary-Kate O'Neil", "Boston Fire Department", "US", "MA", "2019-12-24"),
];

pub(crate) fn names_on(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("a.roll-name").expect("selector");
    document
        .select(&selector)
        .map(|a| a.text().collect::<String>().trim().to_string())
        .collect()
}

async fn seeded(pool: PgPool) -> TestApp {
    let app = TestApp::new(pool).await;
    app.seed_heroes(&ROLL_HEROES).await;
    sqlx::query("update heroes set service = 'fire' where full_name like 'Mary-Kate%'")
        .execute(&app.pool)
        .await
        .expect("a firefighter");
    app
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn search_ignores_case_and_accents(pool: PgPool) {
    let app = seeded(pool).await;
    let names = names_on(&app.browser().get("/honor-roll?q=andre").await.text());
    assert!(names.iter().any(|n| n.contains("André Dubois")), "{names:?}");
    let names = names_on(&app.browser().get("/honor-roll?q=ANDRÉ").await.text());
    assert!(names.iter().any(|n| n.contains("André Dubois")), "{names:?}");
    let names = names_on(&app.browser().get("/honor-roll?q=o%27neil").await.text());
    assert_eq!(names.len(), 1);
}

/// `%` and `_` are characters a visitor typed, not wildcards that match everyone.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn wildcard_characters_are_searched_as_typed(pool: PgPool) {
    let app = seeded(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    assert!(page_text(&staff.get("/staff/heroes").await.text()).contains("André Dubois"));
    for typed in ["%25", "_", "%25%25", "a%25e", "%5C"] {
        let names = names_on(&app.browser().get(&format!("/honor-roll?q={typed}")).await.text());
        assert!(names.is_empty(), "{typed}: {names:?}");
        let page = page_text(&staff.get(&format!("/staff/heroes?q={typed}")).await.text());
        assert!(!page.contains("André Dubois"), "staff finder, {typed}");
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn search_tolerates_small_typos(pool: PgPool) {
    let app = seeded(pool).await;
    for typo in ["Northup", "jefrey+northrup", "Becera", "Crumbey"] {
        let names = names_on(&app.browser().get(&format!("/honor-roll?q={typo}")).await.text());
        assert_eq!(names.len(), 1, "{typo}: {names:?}");
    }
    let none = app.browser().get("/honor-roll?q=zzzzqqq").await.text();
    assert!(names_on(&none).is_empty());
    assert!(page_text(&none).contains("No hero matches this search"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_closest_match_comes_first(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let rows: Vec<(String, String)> = (9990..10000)
        .map(|n| (format!("Imported Hero {n}"), format!("20{}-01-01", n % 10 + 10)))
        .collect();
    let refs: Vec<(&str, &str, &str, &str, &str)> = rows
        .iter()
        .map(|(name, eow)| (name.as_str(), "Agency", "US", "TX", eow.as_str()))
        .collect();
    app.seed_heroes(&refs).await;
    let names = names_on(&app.browser().get("/honor-roll?q=imported+hero+9993").await.text());
    assert_eq!(
        names.first().map(String::as_str),
        Some("Imported Hero 9993"),
        "{names:?}"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn search_finds_an_agency(pool: PgPool) {
    let app = seeded(pool).await;
    let names = names_on(&app.browser().get("/honor-roll?q=toronto+police").await.text());
    assert_eq!(names, vec!["Jeffrey Northrup"]);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn filters_combine_and_are_counted(pool: PgPool) {
    let app = seeded(pool).await;
    let page = app.browser().get("/honor-roll?country=US&state=CO").await.text();
    assert_eq!(
        names_on(&page),
        vec!["Julian Becerra", "Andrew Peery"],
        "newest end of watch first"
    );
    assert!(page_text(&page).contains("2 heroes match."));
    let page = app
        .browser()
        .get("/honor-roll?country=US&state=CO&year=2022")
        .await
        .text();
    assert_eq!(names_on(&page), vec!["Andrew Peery"]);
    assert!(page_text(&page).contains("1 hero matches."));
    let page = app.browser().get("/honor-roll?country=CA").await.text();
    assert_eq!(names_on(&page).len(), 2);
    let page = app.browser().get("/honor-roll?service=fire").await.text();
    assert_eq!(names_on(&page), vec!["Mary-Kate O'Neil"]);
    let page = app.browser().get("/honor-roll?sort=name").await.text();
    assert_eq!(names_on(&page).first().map(String::as_str), Some("André Dubois"));
    assert!(page_text(&app.browser().get("/honor-roll").await.text()).contains("6 heroes."));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn nonsense_filters_are_a_clear_400(pool: PgPool) {
    let app = seeded(pool).await;
    for (query, message) in [
        ("year=abc", "The year must be between 1791 and 2026."),
        ("year=3000", "The year must be between 1791 and 2026."),
        ("state=ZZ", "ZZ is not a state or province."),
        ("country=FR", "Choose the United States or Canada."),
        (
            "country=CA&state=FL",
            "FL is not a state, province or territory of Canada.",
        ),
        ("sort=random", "Sort by best match (best), end of watch (eow) or name."),
        (
            "after=2020-01-01&after_id=nope",
            "This page link is damaged; start again from the first page.",
        ),
        ("q=%27%3B%20drop%20table%20heroes%3B--", ""),
    ] {
        let response = app.browser().get(&format!("/honor-roll?{query}")).await;
        if message.is_empty() {
            assert_eq!(response.status_code(), 200, "{query}");
        } else {
            assert_eq!(response.status_code(), 400, "{query}");
            assert!(page_text(&response.text()).contains(message), "{query}");
        }
    }
    assert_eq!(app.count("select count(*) from heroes").await, 6);
    let long = "a".repeat(101);
    assert_eq!(
        app.browser().get(&format!("/honor-roll?q={long}")).await.status_code(),
        400
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn pages_follow_a_cursor_to_the_end_without_repeats(pool: PgPool) {
    let app = TestApp::new(pool).await;
    sqlx::query(
        "insert into heroes (id, full_name, agency, country, region, service, end_of_watch, cause,
                             confirmed_at, confirmation_source, created_at, updated_at)
         select gen_random_uuid(), 'Hero ' || n, 'Agency ' || (n % 7), 'US', 'TX', 'police',
                date '2020-01-01' + (n % 40), 'fall', now(), 'test', now(), now()
         from generate_series(1, 125) n",
    )
    .execute(&app.pool)
    .await
    .expect("seed");
    for query in ["sort=eow", "sort=name", "q=hero", "q=agency+3"] {
        // "agency 3" is close to every "agency N": all 125 match, closest first.
        let expected = 125;
        let mut seen = Vec::new();
        let mut next = Some(format!("/honor-roll?{query}"));
        while let Some(path) = next.take() {
            let html = app.browser().get(&path).await.text();
            seen.extend(names_on(&html));
            let document = scraper::Html::parse_document(&html);
            let selector = scraper::Selector::parse("a[rel=next]").expect("selector");
            next = document
                .select(&selector)
                .next()
                .and_then(|a| a.value().attr("href"))
                .map(str::to_string);
        }
        assert_eq!(seen.len(), expected, "{query}: every hero once");
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), expected, "{query}: no repeats");
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn browse_by_state_and_year_with_counts(pool: PgPool) {
    let app = seeded(pool).await;
    let states = page_text(&app.browser().get("/honor-roll/states").await.text());
    assert!(states.contains("Colorado (2)") && states.contains("Ontario (1)"));
    let years = page_text(&app.browser().get("/honor-roll/years").await.text());
    assert!(years.contains("2023 (2)") && years.contains("2019 (1)"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_current_search_exports_as_csv(pool: PgPool) {
    let app = seeded(pool).await;
    let response = app.browser().get("/honor-roll.csv?country=US&state=CO").await;
    assert_eq!(response.status_code(), 200);
    assert!(
        response
            .header("content-type")
            .to_str()
            .expect("ascii")
            .starts_with("text/csv")
    );
    let body = response.text();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().expect("header").clone();
    assert_eq!(&headers[0], "full_name");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][0], "Julian Becerra");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_export_keeps_formula_like_names_as_plain_text(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.seed_heroes(&[(
        "=HYPERLINK(\"http://evil.example\")",
        "@Agency",
        "US",
        "TX",
        "2020-01-01",
    )])
    .await;
    let body = app.browser().get("/honor-roll.csv").await.text();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let row = reader.records().next().expect("one row").expect("a record");
    assert_eq!(&row[0], "'=HYPERLINK(\"http://evil.example\")");
    assert_eq!(&row[2], "'@Agency");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_bad_filter_keeps_the_page_and_the_form_with_the_message_beside_the_field(pool: PgPool) {
    let app = seeded(pool).await;
    let response = app.browser().get("/honor-roll?q=smith&year=twenty").await;
    assert_eq!(response.status_code(), 400);
    let html = response.text();
    assert_eq!(
        crate::helpers::text_of(&html, "year-error").as_deref(),
        Some("The year must be between 1791 and 2026.")
    );
    assert!(html.contains("aria-describedby=\"year-error\""));
    assert!(
        html.contains("value=\"twenty\"") && html.contains("value=\"smith\""),
        "what was typed is kept"
    );
    assert!(
        html.contains("<details class=\"more-filters\" open>"),
        "the filters open to show it"
    );
    assert!(page_text(&html).contains("Honor roll"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_results_come_before_the_folded_filters(pool: PgPool) {
    let app = seeded(pool).await;
    let html = app.browser().get("/honor-roll").await.text();
    assert!(html.contains("<details class=\"more-filters\">"), "folded when unused");
    let name_box = html.find("id=\"q\"").expect("the name box");
    let first_filter = html.find("id=\"service\"").expect("the filters");
    assert!(name_box < first_filter);
}
