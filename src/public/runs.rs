//! Upcoming runs for the public: a page, and an iCalendar feed a phone calendar
//! can subscribe to. Each event's id is derived from the run's id, so it stays
//! the same across requests and the calendar updates the event in place.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use icalendar::{CalendarDateTime, Component, EventLike};
use uuid::Uuid;

use crate::error::AppError;
use crate::state::AppState;
use crate::web::lang::Lang;
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
    /// The place's zone (the program's for runs saved before zones were kept).
    pub time_zone: String,
    /// Counts reschedules: the calendar's SEQUENCE.
    pub sequence: i32,
}

impl UpcomingRun {
    fn zone(&self) -> Tz {
        self.time_zone.parse().unwrap_or(Tz::UTC)
    }

    /// The start as a moment: the wall-clock time in the place's zone.
    fn starts_at(&self) -> Option<DateTime<Utc>> {
        let local = self.run_date.and_time(self.start_time?);
        let at = local.and_local_timezone(self.zone()).earliest()?;
        Some(at.with_timezone(&Utc))
    }

    /// "6:00 PM CST": the time where the run happens, with its zone.
    pub fn time(&self) -> Option<String> {
        self.time_in(Lang::En)
    }

    /// The time as a page in `lang` writes it: "6:00 PM CST", or "18 h 00 CST".
    pub fn time_in(&self, lang: impl std::borrow::Borrow<Lang>) -> Option<String> {
        let lang = *lang.borrow();
        let at = self.starts_at()?.with_timezone(&self.zone());
        let format = match lang {
            Lang::En => "%-I:%M %p %Z",
            Lang::Fr => "%-H h %M %Z",
        };
        Some(at.format(format).to_string())
    }

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
                  coalesce(r.time_zone, $3) as "time_zone!", r.sequence,
                  array(select h.id::text || '|' || h.full_name from run_heroes rh join heroes h on h.id = rh.hero_id
                        where rh.run_id = r.id and h.confirmed_at is not null order by h.full_name) as "heroes!"
           from runs r
           where r.status = 'scheduled' and r.run_date >= $1
           order by r.run_date, r.start_time
           limit $2"#,
        state.today(),
        limit,
        state.config.time_zone.name()
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
        // UTC with the offset of the place's zone on that day: every calendar
        // app reads it right without the zone's rules in the feed.
        match run.starts_at() {
            Some(start) => {
                event
                    .starts(CalendarDateTime::Utc(start))
                    .ends(CalendarDateTime::Utc(start + chrono::Duration::hours(1)));
            }
            None => {
                event.all_day(run.run_date);
            }
        }
        event.sequence(u32::try_from(run.sequence).unwrap_or(0));
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
