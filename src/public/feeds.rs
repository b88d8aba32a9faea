//! The Atom feed of completed miles, for news sites and partners: each mile
//! run, newest first, linking to the hero's page. Only confirmed heroes and
//! miles that stand; the crate escapes every text it writes.

use atom_syndication::{Entry, Feed, Link, Person, Text};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, Utc};
use uuid::Uuid;

use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::numbers::with_commas;

struct FeedMile {
    id: Uuid,
    number: i32,
    run_date: chrono::NaiveDate,
    place: String,
    runner: String,
    hero_id: Uuid,
    hero_name: String,
    rank_title: String,
    agency: String,
    created_at: DateTime<Utc>,
}

fn link(href: String, rel: &str) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel);
    link
}

pub async fn miles(State(state): State<AppState>) -> Result<Response, AppError> {
    let miles = sqlx::query_as!(
        FeedMile,
        r#"select m.id, m.number, m.run_date, m.place, r.name as runner, h.id as hero_id, h.full_name as hero_name,
                  h.rank_title, h.agency, m.created_at as "created_at: DateTime<Utc>"
           from miles m join heroes h on h.id = m.hero_id join runners r on r.id = m.runner_id
           where m.voided_at is null and h.confirmed_at is not null
           order by m.number desc limit 50"#
    )
    .fetch_all(&state.read)
    .await?;
    let base = state.config.base_url();
    let fixed = |t: DateTime<Utc>| -> DateTime<FixedOffset> { t.fixed_offset() };
    let entries: Vec<Entry> = miles
        .iter()
        .map(|m| {
            let name = if m.rank_title.is_empty() {
                m.hero_name.clone()
            } else {
                format!("{} {}", m.rank_title, m.hero_name)
            };
            let mut entry = Entry::default();
            entry.set_id(format!("urn:uuid:{}", m.id));
            entry.set_title(format!("Mile {}: {name}", with_commas(m.number.into())));
            entry.set_updated(fixed(m.created_at));
            entry.set_links(vec![link(format!("{base}/heroes/{}", m.hero_id), "alternate")]);
            entry.set_summary(Some(Text::plain(format!(
                "{name} of {} was honored with mile {} on {}, run by {} at {}.",
                m.agency,
                with_commas(m.number.into()),
                m.run_date.format("%-d %B %Y"),
                m.runner,
                m.place
            ))));
            entry
        })
        .collect();
    let mut author = Person::default();
    author.set_name("Honor Mile");
    let mut feed = Feed::default();
    feed.set_id(format!("{base}/feeds/miles.atom"));
    feed.set_title("Honor Mile: miles run");
    feed.set_updated(fixed(miles.first().map_or_else(|| state.now(), |m| m.created_at)));
    feed.set_authors(vec![author]);
    feed.set_links(vec![
        link(format!("{base}/feeds/miles.atom"), "self"),
        link(format!("{base}/"), "alternate"),
    ]);
    feed.set_entries(entries);
    let mut response = feed.to_string().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    Ok(response)
}
