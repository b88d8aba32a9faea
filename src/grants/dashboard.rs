//! The admins' view of the money: this month's injured-responder grants against
//! the minimum, the year's against the target (K9 equipment and family support
//! beside them, never filling either), the last twelve months as a chart (hand-written SVG with
//! a table of the same numbers), what waits for a decision (an approved grant
//! unpaid too long stands out), and the form for the CSV export (`export`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{Datelike, Months, NaiveDate};
use chrono_tz::Tz;

use super::model::GrantStatus;
use super::money::month_of;
use super::queries::{self, QueueRow};
use super::totals::{self, MonthTotal};
use crate::accounts::session::Admin;
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::money::dollars;
use crate::web::chart::{Column, Frame};
use crate::web::{Layout, render};

/// Chart geometry, in SVG user units.
const FRAME: Frame = Frame {
    height: 200,
    step: 56,
    column_width: 40,
    left: 12,
};

/// One bar of the chart, positioned.
pub struct Bar {
    pub short: String,
    pub long: String,
    /// The month as the export takes it ("2027-01").
    pub month: String,
    pub given: String,
    pub k9: String,
    pub family: String,
    pub grants: i64,
    pub met: bool,
    pub at: Column,
}

#[derive(Template)]
#[template(path = "grants/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    month_name: String,
    month_given: String,
    month_k9: String,
    month_family: String,
    month_minimum: String,
    month_short_by: Option<String>,
    month_percent: i64,
    year: i32,
    year_given: String,
    year_k9: String,
    year_family: String,
    year_target: String,
    year_percent: i64,
    year_pace: String,
    year_remaining: Option<String>,
    bars: Vec<Bar>,
    minimum_y: i64,
    chart_width: i64,
    to_review: Vec<QueueRow>,
    to_decide: Vec<QueueRow>,
    to_confirm: Vec<QueueRow>,
    to_pay: Vec<QueueRow>,
    /// Approved grants unpaid more than 30 days after approval.
    unpaid_late: usize,
    today: NaiveDate,
    zone: Tz,
    /// The export form's default range: this year so far.
    export_from: NaiveDate,
    /// A change of the settings waits for a second admin.
    settings_waiting: bool,
}

impl DashboardPage {
    fn unpaid_too_long(&self, row: &QueueRow) -> Option<i64> {
        row.unpaid_too_long(self.today, self.zone)
    }
}

fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        (part.saturating_mul(100) / whole).min(999)
    }
}

fn bars(months: &[MonthTotal], minimum: i64) -> (Vec<Bar>, i64) {
    let top = months
        .iter()
        .map(|m| m.given_cents)
        .max()
        .unwrap_or(0)
        .max(minimum)
        .max(1);
    let values: Vec<i64> = months.iter().map(|m| m.given_cents).collect();
    let bars = months
        .iter()
        .zip(FRAME.columns(&values, top))
        .map(|(m, at)| Bar {
            short: m.month.format("%b").to_string(),
            long: m.month.format("%B %Y").to_string(),
            month: m.month.format("%Y-%m").to_string(),
            given: dollars(m.given_cents),
            k9: dollars(m.k9_cents),
            family: dollars(m.family_cents),
            grants: m.grants,
            met: m.given_cents >= minimum,
            at,
        })
        .collect();
    (bars, FRAME.y_of(minimum, top))
}

pub async fn dashboard(Admin(_): Admin, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let today = state.today();
    let this_month = month_of(today);
    let next_month = this_month.checked_add_months(Months::new(1)).unwrap_or(NaiveDate::MAX);
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(this_month);
    let next_year = year_start.checked_add_months(Months::new(12)).unwrap_or(NaiveDate::MAX);
    let first_shown = this_month.checked_sub_months(Months::new(11)).unwrap_or(this_month);

    let settings = queries::settings::current(&state.pool).await?;
    let month = totals::given_between(&state.pool, this_month, next_month).await?;
    let year = totals::given_between(&state.pool, year_start, next_year).await?;
    let (month_given, year_given) = (month.injury, year.injury);
    let months = totals::months(&state.pool, first_shown, this_month).await?;
    let (bars, minimum_y) = bars(&months, settings.monthly_minimum_cents);
    let minimum = settings.monthly_minimum_cents;
    let target = settings.yearly_target_cents;
    // The share of the target due by the end of this month, at an even pace.
    let pace = target.saturating_mul(i64::from(today.month())) / 12;
    let waiting = queries::queue(
        &state.pool,
        &[
            GrantStatus::Submitted,
            GrantStatus::Shortlisted,
            GrantStatus::AwaitingSecondApproval,
            GrantStatus::Approved,
        ],
        500,
    )
    .await?;
    let pick = |status: GrantStatus| {
        waiting
            .iter()
            .filter(|r| r.status == status)
            .cloned()
            .collect::<Vec<_>>()
    };
    let zone = state.config.time_zone;
    let to_pay = pick(GrantStatus::Approved);
    let unpaid_late = to_pay
        .iter()
        .filter(|row| row.unpaid_too_long(today, zone).is_some())
        .count();
    render(&DashboardPage {
        layout,
        month_name: this_month.format("%B %Y").to_string(),
        month_given: dollars(month_given),
        month_k9: dollars(month.k9_equipment),
        month_family: dollars(month.family_support),
        month_minimum: dollars(minimum),
        month_short_by: (month_given < minimum).then(|| dollars(minimum - month_given)),
        month_percent: percent(month_given, minimum),
        year: today.year(),
        year_given: dollars(year_given),
        year_k9: dollars(year.k9_equipment),
        year_family: dollars(year.family_support),
        year_target: dollars(target),
        year_percent: percent(year_given, target),
        year_pace: dollars(pace),
        year_remaining: (year_given < target).then(|| dollars(target - year_given)),
        chart_width: FRAME.width(bars.len()),
        bars,
        minimum_y,
        to_review: pick(GrantStatus::Submitted),
        to_decide: pick(GrantStatus::Shortlisted),
        to_confirm: pick(GrantStatus::AwaitingSecondApproval),
        to_pay,
        unpaid_late,
        today,
        zone,
        export_from: year_start,
        settings_waiting: queries::settings::proposal(&state.pool).await?.is_some(),
    })
}
