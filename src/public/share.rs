//! What lets a page travel: the tags a link preview reads (Open Graph and
//! Twitter cards), the canonical address, schema.org data for search engines,
//! and the site-wide `sitemap.xml` (confirmed heroes only) and `robots.txt`.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::error::AppError;
use crate::heroes::model::Hero;
use crate::state::AppState;
use crate::web::lang::Lang;

/// The largest sitemap file the protocol allows.
const SITEMAP_LIMIT: i64 = 50_000;

/// The head tags of a page worth sharing; the layout writes them out.
pub struct ShareTags {
    pub title: String,
    pub description: String,
    /// Absolute address of the page.
    pub canonical: String,
    /// Absolute address of the preview image.
    pub image: String,
    /// A real photo makes a large card; the logo a small one.
    pub large_image: bool,
    /// schema.org data, already safe inside a `<script>` element.
    pub json_ld: String,
}

/// JSON made safe to sit inside `<script type="application/ld+json">`: the
/// characters that could close the element or open a comment are written as
/// escapes, which JSON reads back as the same characters.
pub fn script_safe_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

impl ShareTags {
    /// A hero's card: their name, agency and end of watch, the mile run for
    /// them, and their photo when there is one.
    /// The tags of a hero's page in `lang` (each language's page is its own canonical).
    pub fn for_hero(hero: &Hero, mile: Option<&str>, base: &str, lang: Lang) -> ShareTags {
        let canonical = format!("{base}{}", lang.link(&format!("/heroes/{}", hero.id)));
        let photo = hero.photo_key.as_ref().map(|key| format!("{base}/photos/{key}"));
        let honored = match mile {
            Some(number) => format!(" {}", lang.t1("share-honored", "number", number)),
            None => String::new(),
        };
        let description = format!(
            "{}, {}. {}{honored}",
            hero.service.label_in(lang),
            hero.agency,
            lang.t1("share-end-of-watch", "date", lang.date(hero.end_of_watch)),
        );
        let json_ld = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "ProfilePage",
            "url": canonical,
            "dateModified": hero.updated_at.to_rfc3339(),
            "mainEntity": {
                "@type": "Person",
                "name": hero.full_name,
                "honorificPrefix": (!hero.rank_title.is_empty()).then_some(&hero.rank_title),
                "deathDate": hero.end_of_watch.to_string(),
                "worksFor": {"@type": "Organization", "name": hero.agency},
                "image": photo,
                "description": description,
            },
        });
        ShareTags {
            title: hero.title_and_name(),
            description,
            large_image: photo.is_some(),
            image: photo.unwrap_or_else(|| logo_url(base)),
            canonical,
            json_ld: script_safe_json(&json_ld),
        }
    }
}

/// The logo's absolute address, for pages without a photo.
pub fn logo_url(base: &str) -> String {
    format!("{base}{}", crate::web::assets::url("img/logo.svg"))
}

/// `GET /robots.txt`: crawlers keep to the public pages and find the sitemap.
pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nDisallow: /staff\nDisallow: /admin\nDisallow: /account\nDisallow: /login\n\
         Disallow: /setup\nDisallow: /api/\n\nSitemap: {}/sitemap.xml\n",
        state.config.base_url()
    );
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

/// `GET /sitemap.xml`: the public pages and every confirmed hero, with when
/// each record last changed. Each address names its French twin
/// (`xhtml:link` with `hreflang`), which is how search engines find the French
/// pages while the file keeps one entry per page within the protocol's limit.
pub async fn sitemap(State(state): State<AppState>) -> Result<Response, AppError> {
    let base = state.config.base_url();
    let heroes = confirmed_heroes(&state.read, SITEMAP_LIMIT).await?;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for path in ["/", "/honor-roll", "/runs", "/grants"] {
        push_entry(&mut xml, &base, path, None);
    }
    for (id, updated_at) in heroes {
        let lastmod = updated_at.format("%Y-%m-%d").to_string();
        push_entry(&mut xml, &base, &format!("/heroes/{id}"), Some(&lastmod));
    }
    xml.push_str("</urlset>\n");
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/xml; charset=utf-8"),
        )],
        xml,
    )
        .into_response())
}

/// One page's entry: its English address, its two language versions, and when it last changed.
fn push_entry(xml: &mut String, base: &str, path: &str, lastmod: Option<&str>) {
    xml.push_str(&format!("<url><loc>{base}{path}</loc>"));
    // The protocol's own elements first; extensions (the language links) after.
    if let Some(lastmod) = lastmod {
        xml.push_str(&format!("<lastmod>{lastmod}</lastmod>"));
    }
    for lang in [Lang::En, Lang::Fr] {
        xml.push_str(&format!(
            "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{base}{}\"/>",
            lang.code(),
            lang.link(path)
        ));
    }
    xml.push_str("</url>\n");
}

/// Confirmed heroes' ids and last changes, oldest record first.
async fn confirmed_heroes(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<(Uuid, DateTime<Utc>)>> {
    let rows = sqlx::query!(
        r#"select id, updated_at as "updated_at: DateTime<Utc>" from heroes
           where confirmed_at is not null order by id limit $1"#,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.updated_at)).collect())
}
