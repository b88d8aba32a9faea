//! The honor roll in memory (`public::live_roll`): a visitor's page from it is
//! the very page PostgreSQL gives, whatever the filter, sort, cursor or search;
//! and a change to a hero reaches it.

use sqlx::PgPool;

use crate::helpers::{Role, TestApp, page_text};

/// 1,300 confirmed heroes of the benchmark's names, agencies and places (many
/// sharing an end of watch, so ties fall to the id; names one letter apart, so
/// a search's best matches come before its spellings), some honored, and drafts.
async fn seed(pool: &PgPool) {
    sqlx::query(
        "insert into heroes (id, full_name, rank_title, agency, agency_city, country, region, service,
                             end_of_watch, cause, age, years_of_service, confirmed_at, confirmation_source,
                             created_at, updated_at)
         select gen_random_uuid(),
                (array['James','Mary','André','José','Zoë','Chloé','Jean-Luc','Søren','Luis','Aaliyah'])[1 + i % 10]
                  || ' ' ||
                (array['Smith','García-López','Nguyễn','Côté','St-Pierre','O''Neil','Müller','Peña','Okafor','Dubois',
                       'Kowalski','Becerra','Smith-Jones','Martin','Martins','Martinez'])[1 + (i / 10) % 16],
                (array['Officer','Deputy','Trooper','Firefighter','Paramedic','K9'])[1 + i % 6],
                p.city || ' ' || (array['Police Department','Fire Department','Sheriff''s Office','EMS',
                                        'Department of Corrections','Police Service'])[1 + (i / 7) % 6],
                p.city, p.country, p.region,
                (array['police','fire','ems','corrections','k9','other'])[k.service]::hero_service,
                date '2026-11-01' - ((i * 37) % 900),
                (array['gunfire','fall','heart_attack','fire','other'])[1 + i % 5]::hero_cause,
                case when k.service = 5 then 4 + i % 8 else 21 + i % 45 end, i % 20, now(), 'test', now(), now()
         from generate_series(1, 1300) i
         cross join lateral (select 1 + (hashint4(i) & 2147483647) % 6 as service) k
         join (values (0, 'Houston', 'US', 'TX'), (1, 'Montréal', 'CA', 'QC'), (2, 'Boston', 'US', 'MA'),
                      (3, 'Québec', 'CA', 'QC'), (4, 'Winter Springs', 'US', 'FL'), (5, 'Toronto', 'CA', 'ON'))
              p(n, city, country, region) on p.n = (i / 3) % 6",
    )
    .execute(pool)
    .await
    .expect("heroes");
    sqlx::query("update heroes set honored = true where (hashint4(age * 1000 + years_of_service) & 7) < 2")
        .execute(pool)
        .await
        .expect("some honored");
    sqlx::query(
        "insert into heroes (id, full_name, agency, country, region, service, end_of_watch, cause, created_at, updated_at)
         select gen_random_uuid(), 'Draft Smith ' || i, 'Houston Police Department', 'US', 'TX', 'police',
                date '2025-01-01' + i, 'fall', now(), now()
         from generate_series(1, 20) i",
    )
    .execute(pool)
    .await
    .expect("drafts");
}

/// The roll's queries a visitor may send: every filter alone and together,
/// each sort, searches typed right, misspelled, accented, by agency, short,
/// common and matching nothing.
fn queries() -> Vec<String> {
    let mut queries: Vec<String> = [
        "",
        "sort=name",
        "service=police",
        "service=k9&sort=name",
        "country=CA",
        "country=US&state=TX",
        "state=QC&sort=name",
        "year=2025",
        "year=2024&service=fire",
        "status=honored",
        "status=waiting&sort=name&state=FL",
        "year=1999",
        "service=ems&state=ON&year=2025&status=honored",
    ]
    .iter()
    .map(|q| q.to_string())
    .collect();
    for search in [
        "smith",
        "smtih",
        "martin",
        // Spellings at the similarity threshold: "martins" is 0.3 from "mary".
        "mary",
        "fire+houston",
        "martin+houston",
        "jose",
        "S%C3%98REN+M%C3%9CLLER",
        "nguy%E1%BB%85n",
        "C%C3%94T%C3%89%2C+Chlo%C3%AB",
        "pena-okafor",
        "josé+garcia",
        "garcia-lopez",
        "nguyen",
        "department+of+corrections",
        "corections",
        "department",
        "police",
        "st+pierre",
        "montreal",
        "quebec+police",
        "de",
        "k9",
        "okafor+boston",
        "zz",
        "xyzzy",
        "%21%21",
    ] {
        queries.push(format!("q={search}"));
        queries.push(format!("q={search}&sort=eow"));
        queries.push(format!("q={search}&sort=name"));
        queries.push(format!("q={search}&service=police&country=US"));
        queries.push(format!("q={search}&year=2025&status=waiting"));
    }
    queries
}

/// The link to the next page, when the page has one.
fn next_link(html: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("a[rel=next]").ok()?;
    document
        .select(&selector)
        .next()
        .and_then(|a| a.value().attr("href"))
        .map(str::to_string)
}

/// Every query's first pages, and its JSON API list, read from PostgreSQL and
/// from memory: they must be the same bytes. Returns the pages, rows and capped
/// searches compared.
async fn compare(postgres: &TestApp, memory: &TestApp) -> (usize, usize, usize) {
    let (from_postgres, from_memory) = (postgres.browser(), memory.browser());
    let (mut pages, mut rows, mut capped) = (0, 0, 0);
    for query in queries() {
        let mut url = format!("/honor-roll?{query}");
        // The first pages, following each page's own link to the next.
        for _ in 0..4 {
            let expected = from_postgres.get(&url).await;
            let got = from_memory.get(&url).await;
            assert_eq!(got.status_code(), expected.status_code(), "{url}");
            let (expected, got) = (expected.text(), got.text());
            assert!(
                got == expected,
                "{url}: from memory\n{}\n\nfrom PostgreSQL\n{}",
                page_text(&got),
                page_text(&expected)
            );
            pages += 1;
            rows += expected.matches("href=\"/heroes/").count();
            capped += usize::from(page_text(&expected).contains("More than"));
            let Some(next) = next_link(&expected) else {
                break;
            };
            url = next.replace("&amp;", "&");
        }
        let api = format!("/api/heroes?{query}&limit=7");
        let (expected, got) = (from_postgres.get(&api).await, from_memory.get(&api).await);
        assert_eq!(got.status_code(), expected.status_code(), "{api}");
        assert_eq!(got.text(), expected.text(), "{api}");
    }
    (pages, rows, capped)
}

#[sqlx::test]
async fn a_visitor_reads_from_memory_the_page_postgresql_gives(pool: PgPool) {
    seed(&pool).await;
    let postgres = TestApp::new(pool.clone()).await;
    let memory = TestApp::with_live_roll(pool).await;
    let (pages, rows, capped) = compare(&postgres, &memory).await;
    // The comparison covered full pages, later pages and capped searches.
    assert!(pages > 150, "{pages} pages compared");
    assert!(rows > 5_000, "{rows} rows compared");
    assert!(capped > 0, "a search beyond its cap was compared");
}

/// A change that moves no hero in the roll's orders and changes no word (a
/// mile logged honours a hero; a state or service corrected) builds the next
/// snapshot on the last one's name order and word lists: the pages stay those
/// of PostgreSQL, and so they do after a change that moves heroes again.
#[sqlx::test]
async fn pages_from_memory_stay_right_after_changes_that_move_no_hero(pool: PgPool) {
    seed(&pool).await;
    let postgres = TestApp::new(pool.clone()).await;
    let memory = TestApp::with_live_roll(pool.clone()).await;
    let changed = sqlx::query(
        "update heroes set honored = not honored,
                           region = case region when 'TX' then 'FL' when 'QC' then 'ON' else region end,
                           service = case when service = 'fire' then 'ems'::hero_service else service end
         where confirmed_at is not null and (hashint4(years_of_service * 7 + age) & 3) = 0",
    )
    .execute(&pool)
    .await
    .expect("keys changed")
    .rows_affected();
    assert!(changed > 100, "{changed} heroes changed");
    memory.roll_caught_up().await;
    let (pages, rows, _) = compare(&postgres, &memory).await;
    assert!(pages > 150 && rows > 5_000, "{pages} pages, {rows} rows compared");

    sqlx::query(
        "update heroes set full_name = full_name || ' Jr', end_of_watch = end_of_watch - 1
         where confirmed_at is not null and (hashint4(age) & 7) = 0",
    )
    .execute(&pool)
    .await
    .expect("heroes moved");
    memory.roll_caught_up().await;
    let (pages, rows, _) = compare(&postgres, &memory).await;
    assert!(pages > 150 && rows > 5_000, "{pages} pages, {rows} rows compared");
}

async fn names_found(app: &TestApp, query: &str) -> String {
    page_text(&app.browser().get(&format!("/honor-roll?{query}")).await.text())
}

#[sqlx::test]
async fn a_change_to_a_hero_reaches_the_roll_in_memory(pool: PgPool) {
    let app = TestApp::with_live_roll(pool).await;
    app.seed_heroes(&[(
        "Ada Quillfeather",
        "Ridgeville Police Department",
        "US",
        "TX",
        "2019-03-03",
    )])
    .await;
    app.roll_caught_up().await;
    assert!(
        names_found(&app, "q=quillfeather").await.contains("Ada Quillfeather"),
        "a new hero is found"
    );
    assert!(names_found(&app, "").await.contains("1 hero."), "and counted");

    sqlx::query(
        "update heroes set full_name = 'Ada Quillfeathers-Brook', region = 'OK' where full_name = 'Ada Quillfeather'",
    )
    .execute(&app.pool)
    .await
    .expect("renamed");
    app.roll_caught_up().await;
    let page = names_found(&app, "q=brook").await;
    assert!(
        page.contains("Ada Quillfeathers-Brook"),
        "found by the new name: {page}"
    );
    assert!(
        names_found(&app, "state=OK").await.contains("Ada Quillfeathers-Brook"),
        "in the new state"
    );
    assert!(
        !names_found(&app, "state=TX").await.contains("Ada Quillfeathers"),
        "not in the old one"
    );

    sqlx::query("update heroes set confirmed_at = null, confirmation_source = null")
        .execute(&app.pool)
        .await
        .expect("back to a draft");
    app.roll_caught_up().await;
    assert!(
        !names_found(&app, "q=brook").await.contains("Ada Quillfeathers"),
        "a draft leaves the roll"
    );
    assert!(names_found(&app, "").await.contains("0 heroes."), "and its count");

    sqlx::query("update heroes set confirmed_at = now(), confirmation_source = 'test'")
        .execute(&app.pool)
        .await
        .expect("confirmed again");
    app.roll_caught_up().await;
    assert!(
        names_found(&app, "q=brook").await.contains("Ada Quillfeathers"),
        "back on the roll"
    );
    sqlx::query("delete from heroes")
        .execute(&app.pool)
        .await
        .expect("deleted");
    app.roll_caught_up().await;
    assert!(
        !names_found(&app, "q=brook").await.contains("Ada Quillfeathers"),
        "a deleted hero leaves it"
    );
}

#[sqlx::test]
async fn signed_in_people_read_the_roll_from_postgresql(pool: PgPool) {
    let app = TestApp::with_live_roll(pool).await;
    // A change the roll in memory is never told of: what each reader sees
    // shows where they read.
    sqlx::query("alter table heroes disable trigger heroes_announce_roll_change")
        .execute(&app.pool)
        .await
        .expect("announcements off");
    app.seed_heroes(&[(
        "Ada Quillfeather",
        "Ridgeville Police Department",
        "US",
        "TX",
        "2019-03-03",
    )])
    .await;
    app.roll_caught_up().await;
    assert!(
        !names_found(&app, "q=quillfeather").await.contains("Ada Quillfeather"),
        "the visitor reads memory"
    );
    let (staff, _) = app.signed_in(Role::Staff).await;
    let page = page_text(&staff.get("/honor-roll?q=quillfeather").await.text());
    assert!(page.contains("Ada Quillfeather"), "staff read PostgreSQL: {page}");
}
