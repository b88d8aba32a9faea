//! The SQL of the site's own pages: one row per page once an admin saves it.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::{PageText, SitePage};

/// The page's saved text, or `None` while it still shows its default.
pub async fn saved(db: impl PgExecutor<'_>, page: SitePage) -> sqlx::Result<Option<PageText>> {
    let row = sqlx::query!(
        "select body_markdown, body_markdown_fr, donation_url from site_pages where slug = $1",
        page.slug()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| PageText {
        markdown: r.body_markdown,
        markdown_fr: r.body_markdown_fr,
        donation_url: r.donation_url,
    }))
}

/// The page's text as visitors see it: the saved one, else the default.
pub async fn current(db: impl PgExecutor<'_>, page: SitePage) -> sqlx::Result<PageText> {
    Ok(saved(db, page).await?.unwrap_or_else(|| PageText::default_of(page)))
}

/// Stores the page's new text, in place of any before it.
pub async fn save(
    db: impl PgExecutor<'_>,
    page: SitePage,
    text: &PageText,
    by: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into site_pages (slug, body_markdown, body_markdown_fr, donation_url, updated_at, updated_by)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (slug) do update set body_markdown = excluded.body_markdown,
             body_markdown_fr = excluded.body_markdown_fr, donation_url = excluded.donation_url, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by",
        page.slug(),
        text.markdown,
        text.markdown_fr,
        text.donation_url,
        now,
        by
    )
    .execute(db)
    .await?;
    Ok(())
}

/// When each saved page was last saved, and by whom (pages still showing their
/// default text have no row).
pub struct LastSave {
    pub slug: String,
    pub at: DateTime<Utc>,
    pub by: String,
}

pub async fn last_saves(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<LastSave>> {
    sqlx::query_as!(
        LastSave,
        r#"select s.slug, s.updated_at as "at: DateTime<Utc>", u.display_name as by
           from site_pages s join users u on u.id = s.updated_by"#
    )
    .fetch_all(db)
    .await
}
