//! The public honor roll: search and filters in the URL, pages that follow a
//! cursor (so page 400 costs what page 1 costs), the count of matches, browsing
//! by state and by year, and the CSV export of the current search. Only
//! confirmed heroes, and only their public fields, are ever read here.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use futures_util::TryStreamExt;
use sqlx::PgPool;

use super::roll_filter::{FilterError, PAGE_SIZE, RollFilter, RollQuery, Sort};
use super::search::{self, RollRow, Total};
use crate::error::AppError;
use crate::heroes::model::Service;
use crate::heroes::regions::{Country, Region};
use crate::state::AppState;
use crate::web::export::{CsvSink, ExportStopped, log_stopped, spreadsheet_cell};
use crate::web::lang::Lang;
use crate::web::{Layout, render, render_status};

pub fn parse_filter(state: &AppState, query: &RollQuery) -> Result<RollFilter, AppError> {
    RollFilter::parse(query, state.today().year()).map_err(AppError::BadRequest)
}

#[derive(Template)]
#[template(path = "public/honor_roll.html")]
struct RollPage {
    layout: Layout,
    query: RollQuery,
    filter_query: String,
    rows: Vec<RollRow>,
    total: Total,
    next: Option<String>,
    is_first: bool,
    is_filtered: bool,
    sort: &'static str,
    /// A filter value that makes no sense, shown beside its field.
    error: Option<FilterError>,
}

impl RollPage {
    fn services(&self) -> [Service; 6] {
        Service::ALL
    }
    fn countries(&self) -> [Country; 2] {
        Country::ALL
    }
    /// "12 heroes match.", or how to narrow a search that found too many.
    fn count_text(&self) -> String {
        let lang = self.layout.lang;
        let shown = lang.number(self.total.shown());
        let key = match (self.total.is_capped(), self.total.shown() == 1, self.is_filtered) {
            (true, _, _) => "roll-count-capped",
            (false, true, true) => "roll-count-one-match",
            (false, true, false) => "roll-count-one",
            (false, false, true) => "roll-count-match",
            (false, false, false) => "roll-count",
        };
        lang.t1(key, "count", shown)
    }

    /// The message for one field, when its value made no sense, in the page's language.
    fn error_for(&self, field: &str) -> Option<String> {
        let error = self.error.as_ref().filter(|e| e.field == field)?;
        Some(error.mistake.say(self.layout.lang))
    }

    /// The filters beyond the name box start folded, so on a phone the results
    /// come first; they open when one is in use or wrong.
    fn filters_open(&self) -> bool {
        self.error.is_some()
            || [
                &self.query.service,
                &self.query.country,
                &self.query.state,
                &self.query.year,
                &self.query.status,
            ]
            .iter()
            .any(|v| !v.trim().is_empty())
    }
}

pub async fn honor_roll(
    layout: Layout,
    State(state): State<AppState>,
    Query(query): Query<RollQuery>,
) -> Result<Response, AppError> {
    let state = state.for_viewer(layout.user.is_some());
    let filter = match RollFilter::parse_fields(&query, state.today().year()) {
        Ok(filter) => filter,
        Err(error) => {
            // The page and its form come back, with the message beside the field.
            let page = RollPage {
                layout,
                query,
                filter_query: String::new(),
                rows: Vec::new(),
                total: Total::Exact(0),
                next: None,
                is_first: true,
                is_filtered: true,
                sort: "best",
                error: Some(error),
            };
            return render_status(StatusCode::BAD_REQUEST, &page);
        }
    };
    let turn = search::admit(state.search_turns(), &filter)
        .await
        .map_err(|search::Busy| AppError::Busy {
            message: "Many people are searching right now. Please try again in a few seconds.",
            retry_after_seconds: 2,
        })?;
    let (mut rows, total) = search::page_for(&state, &filter, PAGE_SIZE + 1).await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let filter_query = filter.to_query();
    let next = rows.last().filter(|_| more).map(|last| {
        let key = match filter.sort {
            Sort::BestMatch => format!("{}_{}", last.score, last.end_of_watch),
            Sort::EndOfWatch => last.end_of_watch.to_string(),
            Sort::Name => last.sort_name.clone(),
        };
        let cursor = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("after", &key)
            .append_pair("after_id", &last.id.to_string())
            .finish();
        if filter_query.is_empty() {
            cursor
        } else {
            format!("{filter_query}&{cursor}")
        }
    });
    let page = render(&RollPage {
        layout,
        is_first: filter.after.is_none(),
        is_filtered: filter.is_filtered(),
        sort: match filter.sort {
            Sort::BestMatch => "best",
            Sort::EndOfWatch => "eow",
            Sort::Name => "name",
        },
        query,
        filter_query,
        rows,
        total,
        next,
        error: None,
    });
    // The turn covers rendering too: from memory, that is most of a search's work.
    drop(turn);
    page
}

/// The most rows one export holds.
const EXPORT_ROWS: i64 = 100_000;

const EXPORT_HEADER: [&str; 12] = [
    "full_name",
    "rank_title",
    "agency",
    "agency_city",
    "state_or_province",
    "country",
    "service",
    "end_of_watch",
    "cause",
    "age",
    "years_of_service",
    "page",
];

/// The current search as CSV: public fields only, at most [`EXPORT_ROWS`] rows,
/// streamed from the database as it is read (see [`crate::web::export`]).
pub async fn export_csv(State(state): State<AppState>, Query(query): Query<RollQuery>) -> Result<Response, AppError> {
    let mut filter = parse_filter(&state, &query)?;
    filter.after = None;
    let (mut sink, response) = state.exports.start("honor-roll.csv")?;
    let pool = state.pool.clone();
    let base = state.config.base_url();
    tokio::spawn(async move {
        let result = match write_roll(&mut sink, &pool, &filter, &base).await {
            Ok(()) => sink.finish().await,
            Err(e) => Err(e),
        };
        log_stopped(result, "honor-roll.csv");
    });
    Ok(response)
}

async fn write_roll(sink: &mut CsvSink, pool: &PgPool, filter: &RollFilter, base: &str) -> Result<(), ExportStopped> {
    sink.record(EXPORT_HEADER).await?;
    // Corrected and read on one connection (see `Search::correct`).
    let mut conn = pool.acquire().await?;
    let search = match &filter.q {
        Some(q) => Some(search::Search::correct(&mut conn, q).await?),
        None => None,
    };
    let mut sql = search::rows_sql(filter, search.as_ref(), EXPORT_ROWS);
    let mut rows = sql
        .build_query_as::<RollRow>()
        .persistent(search.is_none())
        .fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        sink.record([
            spreadsheet_cell(&row.full_name),
            spreadsheet_cell(&row.rank_title),
            spreadsheet_cell(&row.agency),
            spreadsheet_cell(&row.agency_city),
            row.region.clone(),
            row.country.clone(),
            row.service.label().to_string(),
            row.end_of_watch.to_string(),
            row.cause.label().to_string(),
            row.age.map(|a| a.to_string()).unwrap_or_default(),
            row.years_of_service.map(|y| y.to_string()).unwrap_or_default(),
            format!("{base}/heroes/{}", row.id),
        ])
        .await?;
    }
    Ok(())
}

pub struct RegionCount {
    pub country: String,
    pub region: String,
    pub heroes: i64,
}

impl RegionCount {
    /// The region's name as a page in `lang` writes it.
    pub fn name(&self, lang: impl std::borrow::Borrow<Lang>) -> &'static str {
        Region::name_of_in(&self.country, &self.region, *lang.borrow())
    }
}

#[derive(Template)]
#[template(path = "public/by_state.html")]
struct StatesPage {
    layout: Layout,
    counts: Vec<RegionCount>,
}

pub async fn by_state(layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let state = state.for_viewer(layout.user.is_some());
    let counts = sqlx::query_as!(
        RegionCount,
        r#"select country, region, count(*) as "heroes!" from heroes where confirmed_at is not null
           group by country, region order by country desc, region"#
    )
    .fetch_all(&state.read)
    .await?;
    render(&StatesPage { layout, counts })
}

pub struct YearCount {
    pub year: i32,
    pub heroes: i64,
}

#[derive(Template)]
#[template(path = "public/by_year.html")]
struct YearsPage {
    layout: Layout,
    counts: Vec<YearCount>,
}

pub async fn by_year(layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let state = state.for_viewer(layout.user.is_some());
    let counts = sqlx::query_as!(
        YearCount,
        r#"select extract(year from end_of_watch)::int as "year!", count(*) as "heroes!" from heroes
           where confirmed_at is not null group by 1 order by 1 desc"#
    )
    .fetch_all(&state.read)
    .await?;
    render(&YearsPage { layout, counts })
}
