//! The mile ledger staff search: every number in order with its hero, runner,
//! date and place, voided numbers shown as voided with their reason; a mile is
//! found by its number written either way ("1294" or "1,294"), and the list
//! narrows by runner, month and K9. Each runner's page is the ledger of their
//! own miles, with their count.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Months, NaiveDate};
use serde::Deserialize;
use uuid::Uuid;

use super::ledger_queries::{self as ledger, LedgerFilter, LedgerRow, RunnerCount};
use super::queries::{self, Runner};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::numbers::{ordinal, with_commas};
use crate::web::forms::FormErrors;
use crate::web::{Layout, PathId, render, render_status};

/// Lines on one page of the ledger.
const PAGE: i64 = 100;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LedgerQuery {
    pub q: String,
    pub runner: String,
    pub month: String,
    pub k9: Option<String>,
    pub before: String,
}

impl LedgerQuery {
    /// The filter the query asks for, or the mistakes in it (each beside its field).
    fn filter(&self) -> Result<LedgerFilter, FormErrors> {
        let mut errors = FormErrors::default();
        let number = match self.q.trim() {
            "" => None,
            q => errors.check("q", mile_number(q)),
        };
        let runner = match self.runner.trim() {
            "" => None,
            r => errors.check(
                "runner",
                r.parse::<Uuid>()
                    .map_err(|_| "Choose a runner from the list.".to_string()),
            ),
        };
        let month = match self.month.trim() {
            "" => None,
            m => errors.check("month", month_of(m)),
        };
        let before = self.before.trim().parse::<i32>().ok();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(LedgerFilter {
            number,
            runner,
            month,
            k9: self.k9.is_some(),
            before,
        })
    }

    /// The same filters with the page moved on to numbers below `before`.
    fn next_page(&self, before: i32) -> String {
        let pairs = [
            ("q", self.q.trim()),
            ("runner", self.runner.trim()),
            ("month", self.month.trim()),
            ("k9", if self.k9.is_some() { "on" } else { "" }),
        ];
        let mut url = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in pairs.into_iter().filter(|(_, v)| !v.is_empty()) {
            url.append_pair(key, value);
        }
        url.append_pair("before", &before.to_string());
        format!("/staff/miles?{}", url.finish())
    }
}

/// A mile number as people write it: "1294", "1,294", "#1 294", "1.294".
pub fn mile_number(value: &str) -> Result<i32, String> {
    let digits: String = value
        .trim()
        .trim_start_matches('#')
        .chars()
        .filter(|c| !matches!(c, ',' | '.' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    digits
        .parse::<i32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| "Write a mile number, like 1294 or 1,294.".to_string())
}

/// "2026-11" as the first day of that month and of the next.
fn month_of(value: &str) -> Result<(NaiveDate, NaiveDate), String> {
    NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d")
        .ok()
        .filter(|_| value.len() == 7)
        .and_then(|first| Some((first, first.checked_add_months(Months::new(1))?)))
        .ok_or_else(|| "Choose a month, like 2026-11.".to_string())
}

impl LedgerRow {
    pub fn shown_number(&self) -> String {
        with_commas(self.number.into())
    }
    pub fn k9(&self) -> Option<String> {
        self.k9_number.map(|n| ordinal(n.into()))
    }
}

#[derive(Template)]
#[template(path = "runs/ledger.html")]
struct LedgerPage {
    layout: Layout,
    query: LedgerQuery,
    errors: FormErrors,
    runners: Vec<Runner>,
    lines: Vec<LedgerRow>,
    next: Option<String>,
}

pub async fn list(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    Query(query): Query<LedgerQuery>,
) -> Result<Response, AppError> {
    let runners = queries::runners(&state.pool).await?;
    let filter = match query.filter() {
        Ok(filter) => filter,
        Err(errors) => {
            let page = LedgerPage {
                layout,
                query,
                errors,
                runners,
                lines: Vec::new(),
                next: None,
            };
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let (lines, next) = page_of(&state, &filter, &query).await?;
    render(&LedgerPage {
        layout,
        query,
        errors: FormErrors::default(),
        runners,
        lines,
        next,
    })
}

/// One page of lines, and the address of the next when there are more.
async fn page_of(
    state: &AppState,
    filter: &LedgerFilter,
    query: &LedgerQuery,
) -> Result<(Vec<LedgerRow>, Option<String>), AppError> {
    let mut rows = ledger::ledger(&state.pool, filter, PAGE + 1).await?;
    let more = rows.len() > usize::try_from(PAGE).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(PAGE).unwrap_or(usize::MAX));
    let next = more.then(|| rows.last().map(|r| query.next_page(r.number))).flatten();
    Ok((rows, next))
}

#[derive(Template)]
#[template(path = "runs/runner.html")]
struct RunnerPage {
    layout: Layout,
    runner: RunnerCount,
    lines: Vec<LedgerRow>,
    next: Option<String>,
}

/// A runner's own page: their count and their miles, voided ones marked.
pub async fn runner(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
    Query(query): Query<LedgerQuery>,
) -> Result<Response, AppError> {
    let runner = ledger::runner_count(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let filter = LedgerFilter {
        runner: Some(id),
        before: query.before.trim().parse().ok(),
        ..LedgerFilter::default()
    };
    let query = LedgerQuery {
        runner: id.to_string(),
        ..LedgerQuery::default()
    };
    let (lines, next) = page_of(&state, &filter, &query).await?;
    render(&RunnerPage {
        layout,
        runner,
        lines,
        next,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mile_number_is_read_with_or_without_its_separators() {
        assert_eq!(mile_number("1294"), Ok(1294));
        assert_eq!(mile_number("1,294"), Ok(1294));
        assert_eq!(mile_number(" #1 294 "), Ok(1294));
        assert!(mile_number("twelve").is_err());
        assert!(mile_number("0").is_err());
        assert!(mile_number("99999999999").is_err());
    }

    #[test]
    fn a_month_is_its_first_day_and_the_next_month_s() {
        let (from, until) = month_of("2026-12").expect("a month");
        assert_eq!(from.to_string(), "2026-12-01");
        assert_eq!(until.to_string(), "2027-01-01");
        assert!(month_of("2026-13").is_err());
        assert!(month_of("2026-1").is_err());
    }
}
