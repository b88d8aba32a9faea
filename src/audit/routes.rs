//! The admin page that reads the audit trail, filtered by person, action, record
//! type and dates, newest first, fifty at a time.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::queries::{self, Row, Wanted};
use crate::accounts::model::User;
use crate::accounts::queries as accounts;
use crate::accounts::session::Admin;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::{Layout, render};

const PAGE_SIZE: i64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/audit", get(list))
}

#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    entity: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct AuditPage {
    layout: Layout,
    filter: Filter,
    errors: FormErrors,
    users: Vec<User>,
    rows: Vec<(Row, String)>,
    next_before: Option<i64>,
    /// The action filter's options: (code or its start, words).
    action_choices: Vec<(&'static str, &'static str)>,
    /// An action start from a link that is none of the options, kept as one.
    other_action: Option<String>,
}

impl AuditPage {
    /// The query string of the current filter, for the "older" link.
    fn filter_query(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("actor", &self.filter.actor)
            .append_pair("action", &self.filter.action)
            .append_pair("entity", &self.filter.entity)
            .append_pair("from", &self.filter.from)
            .append_pair("to", &self.filter.to)
            .finish()
    }
}

async fn list(
    Admin(_): Admin,
    layout: Layout,
    State(state): State<AppState>,
    Query(filter): Query<Filter>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let actor = match filter.actor.trim() {
        "" => None,
        raw => errors.check(
            "actor",
            raw.parse::<Uuid>()
                .map_err(|_| "Choose a person from the list.".to_string()),
        ),
    };
    let tz = state.config.time_zone;
    let day_start = |raw: &str, field: &'static str, errors: &mut FormErrors, add_day: bool| match raw.trim() {
        "" => None,
        raw => {
            let label = if add_day { "To" } else { "From" };
            errors
                .check(field, crate::vocab::dates::parse_date(raw, label))
                .and_then(|d| if add_day { d.succ_opt() } else { Some(d) })
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .and_then(|t| t.and_local_timezone(tz).earliest())
                .map(|t| t.with_timezone(&Utc))
        }
    };
    let from = day_start(&filter.from, "from", &mut errors, false);
    let to = day_start(&filter.to, "to", &mut errors, true);
    let action = Some(filter.action.trim()).filter(|a| !a.is_empty() && a.len() <= 100);
    let entity = Some(filter.entity.trim()).filter(|e| !e.is_empty() && e.len() <= 50);

    let rows = if errors.is_empty() {
        let wanted = Wanted {
            actor,
            action,
            entity,
            from,
            to,
            before: filter.before,
        };
        queries::find(&state.pool, &wanted, PAGE_SIZE + 1).await?
    } else {
        Vec::new()
    };
    let more = rows.len() as i64 > PAGE_SIZE;
    let rows: Vec<Row> = rows.into_iter().take(PAGE_SIZE as usize).collect();
    let next_before = if more { rows.last().map(|r| r.id) } else { None };
    let rows = rows
        .into_iter()
        .map(|r| {
            let local = r
                .occurred_at
                .with_timezone(&tz)
                .format("%Y-%m-%d %H:%M:%S %Z")
                .to_string();
            (r, local)
        })
        .collect();
    let users = accounts::list(&state.pool).await?;
    let action_choices = crate::audit::words::filter_choices();
    let other_action = action
        .filter(|a| !action_choices.iter().any(|(code, _)| code == a))
        .map(str::to_string);
    render(&AuditPage {
        layout,
        filter,
        errors,
        users,
        rows,
        next_before,
        action_choices,
        other_action,
    })
}
