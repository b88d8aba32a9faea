//! Upcoming runs for the public: a page, and an iCalendar feed a phone calendar
//! can subscribe to. Each event's id is derived from the run's id, so it stays
//! the same across requests and the calendar updates the event in place.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, NaiveTime};
use icalendar::{CalendarDateTime, Component, EventLike};
use uuid::Uuid;

use crate::error::AppError;
use crate::state::AppState;
use crate::web::{Layout, render};

pub struct UpcomingRun {
    pub id: Uuid,
    pub run_date: NaiveDate,
    pub start_time: Option<NaiveTime>,
    pub place: String,
    pub route: String,
    pub livestream_url: String,
    /// Confirmed heroes only, as "id|name" pairs.
    pub heroes: Vec<String>,
}

impl UpcomingRun {
    /// (id, name) of each hero the run honours.
    pub fn hero_links(&self) -> Vec<(&str, &str)> {
        self.heroes.iter().filter_map(|h| h.split_once('|')).collect()
    }

    fn hero_names(&self) -> String {
        self.hero_links()
            .iter()
            .map(|(_, name)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub async fn upcoming(state: &AppState, limit: i64) -> sqlx::Result<Vec<UpcomingRun>> {
    sqlx::query_as!(
        UpcomingRun,
        r#"select r.id, r.run_date, r.start_time, r.place, r.route, r.livestream_url,
                  array(select h.id::text || '|' || h.full_name from run_heroes rh join heroes h on h.id = rh.hero_id
                        where rh.run_id = r.id and h.confirmed_at is not null order by h.full_name) as "heroes!"
           from runs r
           where r.status = 'scheduled' and r.run_date >= $1
           order by r.run_date, r.start_time
           limit $2"#,
        state.today(),
        limit
    )
    .fetch_all(&state.read)
    .await
}

#[derive(Template)]
#[template(path = "public/runs.html")]
struct RunsPage {
    layout: Layout,
    runs: Vec<UpcomingRun>,
}

pub async fn page(layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let state = state.for_viewer(layout.user.is_some());
    let runs = upcoming(&state, 100).await?;
    render(&RunsPage { layout, runs })
}

pub async fn calendar(State(state): State<AppState>) -> Result<Response, AppError> {
    let runs = upcoming(&state, 500).await?;
    let host = state.config.public_url.host_str().unwrap_or("honormile").to_string();
    let tz = state.config.time_zone.name().to_string();
    let mut calendar = icalendar::Calendar::new();
    calendar.name("Honor Mile runs");
    for run in &runs {
        let heroes = run.hero_names();
        let mut event = icalendar::Event::new();
        event
            .uid(&format!("run-{}@{host}", run.id))
            .summary(&if heroes.is_empty() {
                "Honor Mile run".to_string()
            } else {
                format!("Honor Mile run for {heroes}")
            })
            .location(&run.place)
            .url(&format!("{}/runs#run-{}", state.config.base_url(), run.id));
        let mut description = String::new();
        if !run.route.is_empty() {
            description.push_str(&format!("Route: {}\n", run.route));
        }
        if !run.livestream_url.is_empty() {
            description.push_str(&format!("Livestream: {}\n", run.livestream_url));
        }
        if !description.is_empty() {
            event.description(description.trim_end());
        }
        match run.start_time {
            Some(time) => {
                let start = run.run_date.and_time(time);
                event
                    .starts(CalendarDateTime::WithTimezone {
                        date_time: start,
                        tzid: tz.clone(),
                    })
                    .ends(CalendarDateTime::WithTimezone {
                        date_time: start + chrono::Duration::hours(1),
                        tzid: tz.clone(),
                    });
            }
            None => {
                event.all_day(run.run_date);
            }
        }
        calendar.push(event.done());
    }
    let mut response = calendar.done().to_string().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    Ok(response)
}
