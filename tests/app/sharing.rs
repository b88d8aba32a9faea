//! A memorial worth sharing: the hero page's order, its link-preview tags,
//! canonical address and schema.org data, the sitemap and robots.txt, and the
//! video player that loads only when asked for.

use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{NewHero, TestApp, page_text};

/// The `content` of each `<meta>` whose `property` or `name` is `key`.
fn meta(html: &str, key: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("meta").expect("selector");
    document
        .select(&selector)
        .filter(|m| m.value().attr("property") == Some(key) || m.value().attr("name") == Some(key))
        .filter_map(|m| m.value().attr("content").map(str::to_string))
        .collect()
}

fn select_attr(html: &str, selector: &str, attr: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).expect("selector");
    document
        .select(&selector)
        .next()
        .and_then(|e| e.value().attr(attr).map(str::to_string))
}

fn json_ld(html: &str) -> serde_json::Value {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("script[type=\"application/ld+json\"]").expect("selector");
    let text: String = document
        .select(&selector)
        .next()
        .expect("schema.org data")
        .text()
        .collect();
    serde_json::from_str(&text).expect("valid JSON")
}

async fn honored_hero(app: &TestApp, name: &str, video_url: &str) -> Uuid {
    let hero = app
        .hero(NewHero {
            name,
            ..NewHero::default()
        })
        .await;
    let runner = app.runner("Zechariah").await;
    let mile = app.mile(1294, hero, runner, "2026-11-20").await;
    sqlx::query("update miles set video_url = $2 where id = $1")
        .bind(mile)
        .bind(video_url)
        .execute(&app.pool)
        .await
        .expect("video");
    hero
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_mile_is_the_first_statement_and_the_page_carries_its_share_tags(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = honored_hero(&app, "Julian Becerra", "").await;
    let html = app.browser().get(&format!("/heroes/{hero}")).await.text();
    let text = page_text(&html);
    let mile = text
        .find("Honored with mile 1,294, run by Zechariah on 20 November 2026 at Track.")
        .expect("the mile, said first");
    let facts = text.find("End of watch10 January 2023").expect("the facts");
    assert!(mile < facts, "{text}");

    assert_eq!(meta(&html, "og:title"), ["Julian Becerra"]);
    let description = &meta(&html, "og:description")[0];
    assert!(description.contains("Honored with mile 1,294."), "{description}");
    assert_eq!(
        meta(&html, "twitter:card"),
        ["summary"],
        "no photo: a small card with the logo"
    );
    assert!(meta(&html, "og:image")[0].ends_with(".svg"));
    let canonical = select_attr(&html, "link[rel=canonical]", "href").expect("canonical");
    assert!(canonical.starts_with("http") && canonical.ends_with(&format!("/heroes/{hero}")));
    assert_eq!(meta(&html, "og:url"), std::slice::from_ref(&canonical));

    let data = json_ld(&html);
    assert_eq!(data["@type"], "ProfilePage");
    assert_eq!(data["url"], canonical.as_str());
    assert_eq!(data["mainEntity"]["name"], "Julian Becerra");
    assert!(select_attr(&html, "link[rel=icon]", "href").is_some_and(|h| h.ends_with(".svg")));
    assert!(select_attr(&html, "link[media=print]", "href").is_some());
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_name_that_tries_to_close_the_script_stays_data(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let name = "</script><script>alert(1)</script><!--";
    let hero = honored_hero(&app, name, "").await;
    let html = app.browser().get(&format!("/heroes/{hero}")).await.text();
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<!--"));
    assert_eq!(json_ld(&html)["mainEntity"]["name"], name);
    assert_eq!(meta(&html, "og:title"), [name]);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_sitemap_lists_confirmed_heroes_only_and_robots_points_to_it(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let confirmed = app.hero(NewHero::default()).await;
    let draft = app
        .hero(NewHero {
            name: "Dana Draft",
            confirmed: false,
            ..NewHero::default()
        })
        .await;
    let response = app.browser().get("/sitemap.xml").await;
    assert_eq!(response.status_code(), 200);
    assert!(
        response
            .header("content-type")
            .to_str()
            .expect("type")
            .starts_with("application/xml")
    );
    let xml = response.text();
    assert!(xml.contains(&format!("/heroes/{confirmed}</loc>")), "{xml}");
    assert!(!xml.contains(&draft.to_string()));
    assert!(xml.contains("/honor-roll</loc>"));

    let robots = app.browser().get("/robots.txt").await.text();
    assert!(robots.contains("Disallow: /staff\n") && robots.contains("Disallow: /admin\n"));
    assert!(
        robots
            .lines()
            .any(|l| l.starts_with("Sitemap: http") && l.ends_with("/sitemap.xml")),
        "{robots}"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_youtube_video_loads_only_on_its_own_page_from_the_no_cookie_player(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = honored_hero(&app, "Julian Becerra", "https://www.youtube.com/watch?v=dQw4w9WgXcQ").await;
    let page = app.browser().get(&format!("/heroes/{hero}")).await;
    let html = page.text();
    assert!(
        !html.contains("youtube"),
        "no player and no link to the video site on the hero page"
    );
    assert!(!html.contains("<iframe"));
    assert!(
        !page
            .header("content-security-policy")
            .to_str()
            .expect("csp")
            .contains("frame-src")
    );
    let link = format!("/heroes/{hero}/videos/1294");
    assert_eq!(select_attr(&html, "a[href*=videos]", "href"), Some(link.clone()));

    let video = app.browser().get(&link).await;
    assert_eq!(video.status_code(), 200);
    let csp = video
        .header("content-security-policy")
        .to_str()
        .expect("csp")
        .to_string();
    assert!(csp.contains("frame-src https://www.youtube-nocookie.com"), "{csp}");
    assert!(csp.contains("script-src 'self'"));
    assert_eq!(
        select_attr(&video.text(), "iframe", "src").as_deref(),
        Some("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    );
    assert_eq!(
        app.browser()
            .get(&format!("/heroes/{hero}/videos/1"))
            .await
            .status_code(),
        404
    );
    assert_eq!(
        app.browser()
            .get(&format!("/heroes/{hero}/videos/x"))
            .await
            .status_code(),
        404
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_video_on_another_site_is_a_plain_link_and_has_no_player_page(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = honored_hero(&app, "Julian Becerra", "https://example.org/video/1").await;
    let html = app.browser().get(&format!("/heroes/{hero}")).await.text();
    assert_eq!(
        select_attr(&html, "a[href^=\"https://example.org\"]", "href").as_deref(),
        Some("https://example.org/video/1")
    );
    assert_eq!(
        app.browser()
            .get(&format!("/heroes/{hero}/videos/1294"))
            .await
            .status_code(),
        404
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_api_answers_another_sites_gets_and_the_pages_do_not(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = app.hero(NewHero::default()).await;
    for url in [
        "/api/heroes".to_string(),
        format!("/api/heroes/{hero}"),
        "/api/miles".into(),
    ] {
        let response = app
            .browser()
            .get(&url)
            .add_header("origin", "https://agency.example.org")
            .await;
        assert_eq!(response.status_code(), 200, "{url}");
        assert_eq!(response.header("access-control-allow-origin"), "*", "{url}");
        assert!(response.maybe_header("access-control-allow-credentials").is_none());
    }
    let page = app
        .browser()
        .get(&format!("/heroes/{hero}"))
        .add_header("origin", "https://agency.example.org")
        .await;
    assert!(page.maybe_header("access-control-allow-origin").is_none());
}
