//! The staff desk: the page staff land on after signing in, with what needs doing.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::accounts::notices;
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::flags::model::Step as FlagStep;
use crate::grants::model::GrantStatus;
use crate::heroes::queries::{self as heroes, Anniversary};
use crate::runs::queries::{self as runs, BacklogHero, Run};
use crate::state::AppState;
use crate::web::{Layout, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff", get(dashboard))
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    /// Runs from today to the end of the coming seven days.
    this_week: Vec<Run>,
    /// The first run after this week, when there is none within it.
    next_later: Option<Run>,
    backlog: Vec<BacklogHero>,
    backlog_total: i64,
    flags_by_step: Vec<(FlagStep, i64)>,
    flags_overdue: i64,
    grants_by_step: Vec<(GrantStatus, i64)>,
    grants_unpaid_too_long: i64,
    anniversaries: Vec<Anniversary>,
    today: chrono::NaiveDate,
    sign_in_trouble: Option<TroubleNotice>,
    /// Emails the mail server refused for good, shown to admins (who may resend them).
    mail_failed: i64,
}

/// Failed and refused sign-ins on the viewer's own account since their last
/// sign-in, with the time of the last one in the program's time zone.
struct TroubleNotice {
    failures: i64,
    refused: i64,
    last: String,
}

async fn anniversaries(pool: &sqlx::PgPool, today: chrono::NaiveDate) -> sqlx::Result<Vec<Anniversary>> {
    heroes::anniversaries(pool, &heroes::month_days(today, 14), today).await
}

impl DashboardPage {
    fn waited(&self, hero: &BacklogHero) -> String {
        crate::vocab::dates::span_in_words(hero.end_of_watch, self.today)
    }
}

/// Every step in `steps` with its count from `counts`, zero when absent, so the
/// desk always shows the same lines in the same order.
fn in_order<S: Copy + PartialEq>(steps: impl IntoIterator<Item = S>, counts: &[(S, i64)]) -> Vec<(S, i64)> {
    steps
        .into_iter()
        .map(|step| (step, counts.iter().find(|(s, _)| *s == step).map_or(0, |(_, n)| *n)))
        .collect()
}

async fn dashboard(Staff(me): Staff, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let today = state.today();
    let week_end = today + chrono::Days::new(6);
    let (this_week, later): (Vec<Run>, Vec<Run>) = runs::runs_around(&state.pool, today, true, 50)
        .await?
        .into_iter()
        .partition(|run| run.run_date <= week_end);
    let next_later = if this_week.is_empty() {
        later.into_iter().next()
    } else {
        None
    };
    let flag_counts = crate::flags::queries::count_open_by_step(&state.pool).await?;
    let grant_counts = crate::grants::queries::count_by_step(&state.pool).await?;
    // An approved grant is late once its approval day is more than the alert's days before today.
    let late_cutoff = today - chrono::Days::new(crate::grants::queries::UNPAID_ALERT_DAYS.unsigned_abs());
    let grants_unpaid_too_long =
        crate::grants::queries::count_unpaid_since(&state.pool, late_cutoff, state.config.time_zone.name()).await?;
    let sign_in_trouble = notices::sign_in_trouble(&state.pool, me.id, state.now())
        .await?
        .map(|t| TroubleNotice {
            failures: t.failures,
            refused: t.refused,
            last: t
                .last_at
                .with_timezone(&state.config.time_zone)
                .format("%-d %B %Y at %H:%M")
                .to_string(),
        });
    let mail_failed = if me.is_admin() {
        crate::messages::queries::depth(&state.pool).await?.1
    } else {
        0
    };
    render(&DashboardPage {
        layout,
        mail_failed,
        sign_in_trouble,
        this_week,
        next_later,
        backlog: runs::backlog(&state.pool, 10).await?,
        backlog_total: runs::backlog_count(&state.pool).await?,
        flags_by_step: in_order(FlagStep::ALL.into_iter().filter(|s| s.is_open()), &flag_counts),
        flags_overdue: crate::flags::board::count_overdue(&state.pool, today).await?,
        grants_by_step: in_order(crate::grants::staff::OPEN_STEPS, &grant_counts),
        grants_unpaid_too_long,
        anniversaries: anniversaries(&state.pool, today).await?,
        today,
    })
}
