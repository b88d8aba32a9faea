//! The read-only JSON API for partners (agencies embedding the honor roll, news
//! sites): the honor roll with the same filters and the same privacy as the
//! page, one hero with their miles, and the miles as they are run. Its OpenAPI
//! document is generated from these handlers and types (utoipa) and served at
//! `/api/openapi.json`. Bad parameters get a 400 with a JSON error, never a 500.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use super::roll_filter::{RollFilter, RollQuery, Sort};
use super::search;
use super::search::RollRow;
use crate::heroes::model::Hero;
use crate::state::AppState;
use crate::web::PathIds;

const MAX_LIMIT: i64 = 100;

/// Why a request was refused.
#[derive(Serialize, ToSchema)]
pub struct ApiError {
    error: String,
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(ApiError { error: message.into() })).into_response()
}

fn internal(e: sqlx::Error) -> Response {
    if crate::error::is_unstorable_text(&e) {
        return refuse(StatusCode::BAD_REQUEST, crate::error::UNSTORABLE_TEXT);
    }
    if crate::error::is_date_out_of_range(&e) {
        return refuse(StatusCode::BAD_REQUEST, crate::error::DATE_OUT_OF_RANGE);
    }
    tracing::error!(error = %e, "api query failed");
    if crate::error::is_unavailable(&e) {
        refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "The honor roll is unavailable right now; try again shortly.",
        )
    } else {
        refuse(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.")
    }
}

/// The honor roll's filters, as on `/honor-roll`, plus a page size.
#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct HeroesQuery {
    /// Name or agency; ignores case and accents, tolerates small typos.
    q: String,
    /// police, fire, ems, corrections, k9 or other.
    service: String,
    /// US or CA.
    country: String,
    /// A state or province code, e.g. TX or ON.
    state: String,
    /// Year of end of watch.
    year: String,
    /// honored (has a mile) or waiting.
    status: String,
    /// best (when searching), eow or name.
    sort: String,
    /// The cursor from the previous page's `next`.
    after: String,
    after_id: String,
    /// Heroes per page, 1 to 100 (default 50).
    limit: String,
}

/// A hero as the honor roll lists them: public fields only.
#[derive(Serialize, ToSchema)]
pub struct HeroSummary {
    id: Uuid,
    full_name: String,
    rank_title: String,
    agency: String,
    agency_city: String,
    country: String,
    state: String,
    service: String,
    end_of_watch: NaiveDate,
    cause: String,
    url: String,
}

#[derive(Serialize, ToSchema)]
pub struct HeroPage {
    /// How many heroes match the filters; searches count up to 500 and filters
    /// up to 1,000, and `total_capped` then says more match.
    total: i64,
    total_capped: bool,
    heroes: Vec<HeroSummary>,
    /// The query string of the next page, when there is one.
    next: Option<String>,
}

fn summary(base: &str, row: RollRow) -> HeroSummary {
    HeroSummary {
        url: format!("{base}/heroes/{}", row.id),
        id: row.id,
        full_name: row.full_name,
        rank_title: row.rank_title,
        agency: row.agency,
        agency_city: row.agency_city,
        country: row.country,
        state: row.region,
        service: row.service.code().into(),
        end_of_watch: row.end_of_watch,
        cause: row.cause.code().into(),
    }
}

/// The honor roll: confirmed heroes, filtered and paged like `/honor-roll`.
#[utoipa::path(get, path = "/api/heroes", params(HeroesQuery),
    responses((status = 200, body = HeroPage), (status = 400, body = ApiError)))]
pub async fn heroes(State(state): State<AppState>, query: Result<Query<HeroesQuery>, QueryRejection>) -> Response {
    let Ok(Query(query)) = query else {
        return refuse(StatusCode::BAD_REQUEST, "The query string could not be read.");
    };
    let limit = match query.limit.trim() {
        "" => 50,
        raw => match raw.parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    format!("limit must be between 1 and {MAX_LIMIT}."),
                );
            }
        },
    };
    let roll = RollQuery {
        q: query.q,
        service: query.service,
        country: query.country,
        state: query.state,
        year: query.year,
        status: query.status,
        sort: query.sort,
        after: query.after,
        after_id: query.after_id,
    };
    let filter = match RollFilter::parse(&roll, state.today().year()) {
        Ok(filter) => filter,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    let Ok(turn) = search::admit(state.search_turns(), &filter).await else {
        let mut busy = refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "Too many searches at once; try again in a few seconds.",
        );
        busy.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        return busy;
    };
    let (mut rows, total) = match search::page_for(&state, &filter, limit + 1).await {
        Ok(found) => found,
        Err(e) => return internal(e),
    };
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = rows.last().filter(|_| more).map(|last| {
        let key = match filter.sort {
            Sort::BestMatch => format!("{}_{}", last.score, last.end_of_watch),
            Sort::EndOfWatch => last.end_of_watch.to_string(),
            Sort::Name => last.sort_name.clone(),
        };
        let mut query = url::form_urlencoded::Serializer::new(filter.to_query());
        query
            .append_pair("after", &key)
            .append_pair("after_id", &last.id.to_string());
        query.append_pair("limit", &limit.to_string());
        query.finish()
    });
    let base = state.config.base_url();
    let heroes = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| summary(&base, r))
        .collect();
    let page = Json(HeroPage {
        total: total.shown(),
        total_capped: total.is_capped(),
        heroes,
        next,
    })
    .into_response();
    // The turn covers writing the JSON too: from memory, that is most of a search's work.
    drop(turn);
    page
}

/// A mile run in a hero's honour.
#[derive(Serialize, ToSchema)]
pub struct MileView {
    number: i32,
    k9_number: Option<i32>,
    run_date: NaiveDate,
    place: String,
    runner: String,
    video_url: Option<String>,
    hero_id: Uuid,
    hero_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct HeroDetail {
    #[serde(flatten)]
    summary: HeroSummary,
    age: Option<i16>,
    years_of_service: Option<i16>,
    narrative: String,
    biography: String,
    memorial_links: Vec<String>,
    miles: Vec<MileView>,
}

/// One confirmed hero and the miles run in their honour.
#[utoipa::path(get, path = "/api/heroes/{id}", params(("id" = Uuid, Path, description = "The hero's id")),
    responses((status = 200, body = HeroDetail), (status = 404, body = ApiError)))]
pub async fn hero(State(state): State<AppState>, ids: Result<PathIds, crate::error::AppError>) -> Response {
    let Some(id) = ids.ok().and_then(|PathIds(ids)| ids.first().copied()) else {
        return refuse(StatusCode::NOT_FOUND, "No hero has this id.");
    };
    let hero = match crate::heroes::queries::find(&state.read, id).await {
        Ok(Some(hero)) if hero.is_confirmed() => hero,
        Ok(_) => return refuse(StatusCode::NOT_FOUND, "No hero has this id."),
        Err(e) => return internal(e),
    };
    let miles = match crate::runs::mile_queries::miles_of_hero(&state.read, id).await {
        Ok(miles) => miles,
        Err(e) => return internal(e),
    };
    let base = state.config.base_url();
    let Hero {
        age,
        years_of_service,
        narrative,
        biography,
        memorial_links,
        ..
    } = hero.clone();
    Json(HeroDetail {
        summary: HeroSummary {
            url: format!("{base}/heroes/{}", hero.id),
            id: hero.id,
            full_name: hero.full_name,
            rank_title: hero.rank_title,
            agency: hero.agency,
            agency_city: hero.agency_city,
            country: hero.country,
            state: hero.region,
            service: hero.service.code().into(),
            end_of_watch: hero.end_of_watch,
            cause: hero.cause.code().into(),
        },
        age,
        years_of_service,
        narrative,
        biography,
        memorial_links,
        miles: miles
            .into_iter()
            .map(|m| MileView {
                number: m.number,
                k9_number: m.k9_number,
                run_date: m.run_date,
                place: m.place,
                runner: m.runner_name,
                video_url: Some(m.video_url).filter(|v| !v.is_empty()),
                hero_id: m.hero_id,
                hero_name: m.hero_name,
            })
            .collect(),
    })
    .into_response()
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct MilesQuery {
    /// Only miles numbered below this (the previous page's `next_before`).
    before: String,
    /// Miles per page, 1 to 100 (default 50).
    limit: String,
}

#[derive(Serialize, ToSchema)]
pub struct MilePage {
    miles: Vec<MileView>,
    /// Pass as `before` for the next page, when there is one.
    next_before: Option<i32>,
}

/// Miles run, newest number first (voided miles and drafts' miles left out).
#[utoipa::path(get, path = "/api/miles", params(MilesQuery),
    responses((status = 200, body = MilePage), (status = 400, body = ApiError)))]
pub async fn miles(State(state): State<AppState>, query: Result<Query<MilesQuery>, QueryRejection>) -> Response {
    let Ok(Query(query)) = query else {
        return refuse(StatusCode::BAD_REQUEST, "The query string could not be read.");
    };
    let before = match query.before.trim() {
        "" => i32::MAX,
        raw => match raw.parse::<i32>() {
            Ok(n) if n > 0 => n,
            _ => return refuse(StatusCode::BAD_REQUEST, "before must be a mile number."),
        },
    };
    let limit = match query.limit.trim() {
        "" => 50,
        raw => match raw.parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    format!("limit must be between 1 and {MAX_LIMIT}."),
                );
            }
        },
    };
    let rows = sqlx::query_as!(
        MileView,
        r#"select m.number, m.k9_number, m.run_date, m.place, r.name as runner,
                  nullif(m.video_url, '') as video_url, m.hero_id, h.full_name as hero_name
           from miles m join heroes h on h.id = m.hero_id join runners r on r.id = m.runner_id
           where m.voided_at is null and h.confirmed_at is not null and m.number < $1
           order by m.number desc limit $2"#,
        before,
        limit + 1
    )
    .fetch_all(&state.read)
    .await;
    let mut miles = match rows {
        Ok(rows) => rows,
        Err(e) => return internal(e),
    };
    let more = miles.len() as i64 > limit;
    miles.truncate(limit as usize);
    let next_before = miles.last().filter(|_| more).map(|m| m.number);
    Json(MilePage { miles, next_before }).into_response()
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Honor Mile API",
        description = "The public honor roll, heroes and their miles. Read-only."
    ),
    paths(heroes, hero, miles),
    components(schemas(HeroPage, HeroSummary, HeroDetail, MileView, MilePage, ApiError))
)]
pub struct ApiDoc;

pub async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}
