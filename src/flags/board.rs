//! The staff board: every flag not yet delivered, grouped by step, the one whose
//! mile was run longest ago first, with the days each has waited since its mile,
//! so nothing sits forgotten; then the flags delivered most recently.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;

use super::model::Step;
use super::queries::{self, BoardRow};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::numbers::with_commas;
use crate::web::{Layout, render};

/// Flags whose mile is older than this are overdue (the staff desk counts them).
pub const OVERDUE_AFTER_DAYS: i64 = 14;

pub struct Group {
    pub step: Step,
    pub flags: Vec<BoardRow>,
}

#[derive(Template)]
#[template(path = "flags/board.html")]
struct BoardPage {
    layout: Layout,
    groups: Vec<Group>,
    open: usize,
    delivered: Vec<BoardRow>,
    today: NaiveDate,
}

impl BoardPage {
    fn days(&self, row: &BoardRow) -> i64 {
        (self.today - row.mile_date).num_days()
    }

    fn overdue(&self, row: &BoardRow) -> bool {
        self.days(row) > OVERDUE_AFTER_DAYS
    }

    fn number(&self, row: &BoardRow) -> String {
        with_commas(row.mile_number.into())
    }
}

pub async fn board(Staff(_): Staff, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    // Every open flag: the board exists so that none is forgotten.
    let open = queries::board(&state.pool, false, i64::MAX).await?;
    let total = open.len();
    let mut groups: Vec<Group> = Step::ALL
        .into_iter()
        .filter(|step| step.is_open())
        .map(|step| Group {
            step,
            flags: Vec::new(),
        })
        .collect();
    // The query's order (oldest mile first) is kept within each step.
    for row in open {
        if let Some(group) = groups.iter_mut().find(|g| g.step == row.step) {
            group.flags.push(row);
        }
    }
    render(&BoardPage {
        layout,
        groups,
        open: total,
        delivered: queries::board(&state.pool, true, 20).await?,
        today: state.today(),
    })
}

/// Flags not yet delivered whose mile was run more than [`OVERDUE_AFTER_DAYS`] days before `today`.
pub async fn count_overdue(db: &sqlx::PgPool, today: NaiveDate) -> sqlx::Result<i64> {
    let cutoff = today - chrono::Duration::days(OVERDUE_AFTER_DAYS);
    queries::count_waiting_since(db, cutoff).await
}
